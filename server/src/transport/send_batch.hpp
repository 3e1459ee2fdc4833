#pragma once

#include "transport/connection.hpp"

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace carecircle::server {

// While one lives on a thread, what that thread sends to connections is held back; when it
// ends, each connection gets all of its frames in one go (one post to its strand, one write),
// in the order they were sent. The writer's completions run inside one, so a committed batch
// of messages reaches each member as one write rather than one per message.
class send_batch {
public:
    send_batch();
    ~send_batch();
    send_batch(const send_batch&) = delete;
    send_batch& operator=(const send_batch&) = delete;

    // The batch open on this thread, if any.
    static send_batch* current();

    void add(std::shared_ptr<connection> conn, frame_ptr frame, bool is_reply);

private:
    struct recipient {
        std::shared_ptr<connection> conn;
        std::vector<frame_ptr> frames;
        bool with_reply = false;
    };

    std::vector<recipient> recipients_;
    std::unordered_map<const connection*, std::size_t> index_;
    send_batch* outer_;
};

} // namespace carecircle::server
