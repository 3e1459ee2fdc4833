#pragma once

#include "carecircle/protocol/types.hpp"
#include "carecircle/storage/pins.hpp"
#include "transport/connection.hpp"

#include <SQLiteCpp/Database.h>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace carecircle::server {

class hub;

// The pinned messages of every group (a few each), already encoded, so that every
// messages.history reply carries them, from memory or from the database alike, without a
// read of its own. Filled before serving, then kept in step by the writer's completions of
// pins, unpins, deletions and retention sweeps, which run in commit order.
class pinned_messages {
public:
    using encoded = std::shared_ptr<const std::string>;

    void load(SQLite::Database& db, const hub& people);

    // The serialized `pin_to_json` of a pin.
    static encoded encode(const storage::pin_record& pin, const User& pinned_by);

    // A pin just committed goes first: the group's pins are listed newest first.
    void add(GroupId group, MessageId message, encoded pin);
    // Whether the message was pinned (and now is not).
    bool remove(GroupId group, MessageId message);

    std::optional<encoded> find(GroupId group, MessageId message) const;
    std::size_t count(GroupId group) const;
    // The group's pins, newest first.
    std::vector<encoded> of(GroupId group) const;

private:
    struct pin {
        MessageId message;
        encoded json;
    };
    mutable std::mutex mutex_;
    std::map<GroupId, std::vector<pin>> groups_;
};

// `{"event":"message.unpinned","group","message"}`, for the group's members.
frame_ptr unpinned_event(GroupId group, MessageId message);

} // namespace carecircle::server
