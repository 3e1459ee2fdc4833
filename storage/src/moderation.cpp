#include "carecircle/storage/moderation.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>

namespace carecircle::storage {
namespace {

std::optional<timestamp> optional_time(const SQLite::Column& column) {
    if (column.isNull()) {
        return std::nullopt;
    }
    return timestamp_from_db(column.getInt64());
}

void bind_optional_time(SQLite::Statement& statement, int index, std::optional<timestamp> at) {
    if (at) {
        statement.bind(index, to_db(*at));
    } else {
        statement.bind(index);
    }
}

report_record read_report(SQLite::Statement& row) {
    return report_record{ReportId{row.getColumn(0).getInt64()},
                         GroupId{row.getColumn(1).getInt64()},
                         MessageId{row.getColumn(2).getInt64()},
                         UserId{row.getColumn(3).getInt64()},
                         row.getColumn(4).getString(),
                         timestamp_from_db(row.getColumn(5).getInt64()),
                         !row.getColumn(6).isNull()};
}

constexpr const char* report_columns =
    "SELECT id, group_id, message_id, reporter_id, reason, created_at, resolved_at FROM reports ";

} // namespace

void put_ban(SQLite::Database& db, const ban_record& ban) {
    SQLite::Statement upsert(
        db, "INSERT INTO bans (group_id, user_id, reason, until, banned_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET "
            "reason = excluded.reason, until = excluded.until, banned_by = excluded.banned_by, "
            "created_at = excluded.created_at");
    upsert.bind(1, ban.group.value);
    upsert.bind(2, ban.user.value);
    upsert.bind(3, ban.reason);
    bind_optional_time(upsert, 4, ban.until);
    upsert.bind(5, ban.banned_by.value);
    upsert.bind(6, to_db(ban.created_at));
    upsert.exec();
}

void delete_ban(SQLite::Database& db, GroupId group, UserId user) {
    SQLite::Statement remove(db, "DELETE FROM bans WHERE group_id = ? AND user_id = ?");
    remove.bind(1, group.value);
    remove.bind(2, user.value);
    remove.exec();
}

std::vector<ban_record> load_bans(SQLite::Database& db) {
    SQLite::Statement query(
        db, "SELECT group_id, user_id, reason, until, banned_by, created_at FROM bans");
    std::vector<ban_record> bans;
    while (query.executeStep()) {
        bans.push_back(ban_record{GroupId{query.getColumn(0).getInt64()},
                                  UserId{query.getColumn(1).getInt64()},
                                  query.getColumn(2).getString(), optional_time(query.getColumn(3)),
                                  UserId{query.getColumn(4).getInt64()},
                                  timestamp_from_db(query.getColumn(5).getInt64())});
    }
    return bans;
}

ReportId insert_report(SQLite::Database& db, GroupId group, MessageId message, UserId reporter,
                       const std::string& reason, timestamp created_at) {
    SQLite::Statement insert(db, "INSERT INTO reports (group_id, message_id, reporter_id, reason, "
                                 "created_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, group.value);
    insert.bind(2, message.value);
    insert.bind(3, reporter.value);
    insert.bind(4, reason);
    insert.bind(5, to_db(created_at));
    insert.exec();
    return ReportId{db.getLastInsertRowid()};
}

std::optional<report_record> find_report(SQLite::Database& db, ReportId id) {
    SQLite::Statement query(db, std::string(report_columns) + "WHERE id = ?");
    query.bind(1, id.value);
    if (!query.executeStep()) {
        return std::nullopt;
    }
    return read_report(query);
}

std::vector<report_record> open_reports(SQLite::Database& db, GroupId group) {
    SQLite::Statement query(db, std::string(report_columns) +
                                    "WHERE group_id = ? AND resolved_at IS NULL ORDER BY id");
    query.bind(1, group.value);
    std::vector<report_record> reports;
    while (query.executeStep()) {
        reports.push_back(read_report(query));
    }
    return reports;
}

void resolve_report(SQLite::Database& db, ReportId id, UserId moderator, bool message_deleted,
                    timestamp at) {
    const std::string resolution = message_deleted ? "delete_message" : "dismiss";
    SQLite::Statement update(db, "UPDATE reports SET resolved_at = ?, resolved_by = ?, "
                                 "resolution = ? WHERE id = ? AND resolved_at IS NULL");
    update.bind(1, to_db(at));
    update.bind(2, moderator.value);
    update.bind(3, resolution);
    update.bind(4, id.value);
    update.exec();
    if (message_deleted) {
        SQLite::Statement others(
            db, "UPDATE reports SET resolved_at = ?, resolved_by = ?, resolution = ? "
                "WHERE resolved_at IS NULL AND message_id = (SELECT message_id FROM reports "
                "WHERE id = ?)");
        others.bind(1, to_db(at));
        others.bind(2, moderator.value);
        others.bind(3, resolution);
        others.bind(4, id.value);
        others.exec();
    }
}

void append_log(SQLite::Database& db, const log_entry& entry) {
    SQLite::Statement insert(db, "INSERT INTO moderation_log (group_id, actor_id, action, "
                                 "target_user, message_id, reason, until, created_at, "
                                 "message_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, entry.group.value);
    insert.bind(2, entry.actor.value);
    insert.bind(3, entry.action);
    if (entry.target_user) {
        insert.bind(4, entry.target_user->value);
    }
    if (entry.message) {
        insert.bind(5, entry.message->value);
    }
    insert.bind(6, entry.reason);
    bind_optional_time(insert, 7, entry.until);
    insert.bind(8, to_db(entry.created_at));
    if (entry.excerpt) {
        insert.bind(9, *entry.excerpt);
    }
    insert.exec();
}

std::vector<log_entry> read_log(SQLite::Database& db, GroupId group,
                                std::optional<std::int64_t> before, int limit) {
    SQLite::Statement query(db, "SELECT id, group_id, actor_id, action, target_user, message_id, "
                                "reason, until, created_at, message_excerpt FROM moderation_log "
                                "WHERE group_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    query.bind(1, group.value);
    query.bind(2, before.value_or(INT64_MAX));
    query.bind(3, limit);
    std::vector<log_entry> entries;
    while (query.executeStep()) {
        log_entry e;
        e.id = query.getColumn(0).getInt64();
        e.group = GroupId{query.getColumn(1).getInt64()};
        e.actor = UserId{query.getColumn(2).getInt64()};
        e.action = query.getColumn(3).getString();
        if (!query.getColumn(4).isNull()) {
            e.target_user = UserId{query.getColumn(4).getInt64()};
        }
        if (!query.getColumn(5).isNull()) {
            e.message = MessageId{query.getColumn(5).getInt64()};
        }
        e.reason = query.getColumn(6).getString();
        e.until = optional_time(query.getColumn(7));
        e.created_at = timestamp_from_db(query.getColumn(8).getInt64());
        if (!query.getColumn(9).isNull()) {
            e.excerpt = query.getColumn(9).getString();
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

} // namespace carecircle::storage
