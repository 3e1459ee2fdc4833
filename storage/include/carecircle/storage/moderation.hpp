#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <optional>
#include <string>
#include <vector>

namespace carecircle::storage {

struct ban_record {
    GroupId group;
    UserId user;
    std::string reason;
    std::optional<timestamp> until; // none: for good
    UserId banned_by;
    timestamp created_at;
};

void put_ban(SQLite::Database& db, const ban_record& ban);
void delete_ban(SQLite::Database& db, GroupId group, UserId user);
std::vector<ban_record> load_bans(SQLite::Database& db);

struct report_record {
    ReportId id;
    GroupId group;
    MessageId message;
    UserId reporter;
    std::string reason;
    timestamp created_at;
    bool resolved = false;
};

ReportId insert_report(SQLite::Database& db, GroupId group, MessageId message, UserId reporter,
                       const std::string& reason, timestamp created_at);
std::optional<report_record> find_report(SQLite::Database& db, ReportId id);
std::vector<report_record> open_reports(SQLite::Database& db, GroupId group);
// Resolving also closes every other open report of the same message when it is deleted.
void resolve_report(SQLite::Database& db, ReportId id, UserId moderator, bool message_deleted,
                    timestamp at);

// Every moderation action, for the group's moderators to read back.
struct log_entry {
    std::int64_t id = 0;
    GroupId group;
    UserId actor;
    std::string action; // approve, reject, set_role, remove, ban, unban, mute, delete, resolve
    std::optional<UserId> target_user;
    std::optional<MessageId> message;
    std::string reason;
    std::optional<timestamp> until;
    timestamp created_at;
    // The start of a message a moderator deleted, taken before deletion wipes its text.
    std::optional<std::string> excerpt;
};

void append_log(SQLite::Database& db, const log_entry& entry);
std::vector<log_entry> read_log(SQLite::Database& db, GroupId group,
                                std::optional<std::int64_t> before, int limit);

} // namespace carecircle::storage
