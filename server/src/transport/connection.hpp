#pragma once

#include "carecircle/protocol/types.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace carecircle::server {

// What the hub knows of a live WebSocket: who it belongs to and how to reach it. Both calls
// are safe from any thread; they post to the connection's own strand.
class connection {
public:
    connection(UserId user, std::string token_hash)
        : user_(user), token_hash_(std::move(token_hash)) {}
    virtual ~connection() = default;

    // An event: it may wait a few milliseconds to share a write with the next ones.
    virtual void send(std::shared_ptr<const std::string> frame) = 0;
    // The answer to a request: it leaves at once, with whatever was queued before it.
    virtual void reply(std::shared_ptr<const std::string> frame) = 0;
    // Several frames in order, queued together; `with_reply` when one of them answers a request.
    virtual void send_all(std::vector<std::shared_ptr<const std::string>> frames,
                          bool with_reply) = 0;
    virtual void close(std::uint16_t code) = 0;

    UserId user() const { return user_; }
    const std::string& token_hash() const { return token_hash_; }

private:
    UserId user_;
    std::string token_hash_;
};

// A complete WebSocket text frame as it goes on the wire, header and payload. Frames from a
// server are never masked (RFC 6455 section 5.1), so one copy serves every recipient.
using frame_ptr = std::shared_ptr<const std::string>;

// Frames `text` (already valid UTF-8: the server's own JSON) as one unfragmented text frame.
frame_ptr make_frame(std::string_view text);

} // namespace carecircle::server
