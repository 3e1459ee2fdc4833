#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <cstddef>
#include <optional>
#include <vector>

namespace carecircle::storage {

// A group shows at most this many pinned messages; pinning one more is refused, so that
// moderators choose what goes rather than the oldest pin vanishing unnoticed.
inline constexpr std::size_t max_pins_per_group = 3;

struct pin_record {
    Message message;
    UserId pinned_by;
    timestamp pinned_at;
};

enum class pin_outcome {
    pinned,
    already_pinned, // nothing changed; `pin` holds the existing pin
    group_full,     // the group already has max_pins_per_group pins
    deleted,        // a deleted message cannot be pinned
    not_found,      // no such message in the group
};

struct pin_result {
    pin_outcome outcome = pin_outcome::not_found;
    pin_record pin;
};

// Pins the message; run inside the writer's transaction, where the count of pins is exact.
pin_result pin_message(SQLite::Database& db, GroupId group, MessageId message, UserId by,
                       timestamp at);

enum class unpin_outcome { unpinned, not_pinned, not_found };
struct unpin_result {
    unpin_outcome outcome = unpin_outcome::not_found;
    std::optional<Message> message;
};
unpin_result unpin_message(SQLite::Database& db, GroupId group, MessageId message);

// Every pin of every group, newest pin first.
std::vector<pin_record> load_pins(SQLite::Database& db);

} // namespace carecircle::storage
