#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <vector>

namespace carecircle::storage {

struct expiry_result {
    std::int64_t deleted = 0;
    bool more = false;               // the limit was reached; another call may find more
    std::vector<MessageId> unpinned; // deleted messages that were pinned: their pins went too
};

// Deletes, oldest first, up to `limit` messages of `group` created before `cutoff`. A message
// under an open report is kept until the report is resolved, so the moderators can still read
// what was reported. The group's seq counter is untouched: new messages carry on from it.
expiry_result expire_messages(SQLite::Database& db, GroupId group, timestamp cutoff, int limit);

} // namespace carecircle::storage
