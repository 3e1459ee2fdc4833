#include "carecircle/storage/groups.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>

namespace carecircle::storage {

group_record insert_group(SQLite::Database& db, const std::string& name, const std::string& region,
                          const std::string& description, group_visibility visibility,
                          UserId created_by, timestamp created_at) {
    SQLite::Statement insert(db, "INSERT INTO regional_groups (name, region, description, "
                                 "visibility, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, name);
    insert.bind(2, region);
    insert.bind(3, description);
    insert.bind(4, std::string(to_string(visibility)));
    if (created_by.value != 0) {
        insert.bind(5, created_by.value);
    }
    insert.bind(6, to_db(created_at));
    insert.exec();
    return group_record{GroupId{db.getLastInsertRowid()},
                        name,
                        region,
                        description,
                        visibility,
                        Seq{0},
                        std::nullopt};
}

std::vector<group_record> load_groups(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT id, name, region, description, visibility, last_seq, "
                                "retention_days FROM regional_groups ORDER BY id");
    std::vector<group_record> groups;
    while (query.executeStep()) {
        std::optional<std::chrono::days> retention;
        if (!query.getColumn(6).isNull()) {
            retention = std::chrono::days{query.getColumn(6).getInt64()};
        }
        groups.push_back(
            group_record{GroupId{query.getColumn(0).getInt64()}, query.getColumn(1).getString(),
                         query.getColumn(2).getString(), query.getColumn(3).getString(),
                         parse_group_visibility(query.getColumn(4).getString())
                             .value_or(group_visibility::private_group),
                         Seq{query.getColumn(5).getInt64()}, retention});
    }
    return groups;
}

void set_group_retention(SQLite::Database& db, GroupId group,
                         std::optional<std::chrono::days> days) {
    SQLite::Statement update(db, "UPDATE regional_groups SET retention_days = ? WHERE id = ?");
    if (days) {
        update.bind(1, static_cast<std::int64_t>(days->count()));
    }
    update.bind(2, group.value);
    update.exec();
}

void put_membership(SQLite::Database& db, const membership_record& m) {
    SQLite::Statement upsert(
        db, "INSERT INTO memberships (group_id, user_id, role, status, last_read_seq, "
            "requested_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE "
            "SET role = excluded.role, status = excluded.status");
    upsert.bind(1, m.group.value);
    upsert.bind(2, m.user.value);
    upsert.bind(3, std::string(to_string(m.membership.role)));
    upsert.bind(4, std::string(to_string(m.membership.status)));
    upsert.bind(5, m.last_read.value);
    upsert.bind(6, to_db(m.requested_at));
    upsert.exec();
}

void delete_membership(SQLite::Database& db, GroupId group, UserId user) {
    SQLite::Statement remove(db, "DELETE FROM memberships WHERE group_id = ? AND user_id = ?");
    remove.bind(1, group.value);
    remove.bind(2, user.value);
    remove.exec();
}

void set_last_read(SQLite::Database& db, GroupId group, UserId user, Seq seq) {
    SQLite::Statement update(
        db, "UPDATE memberships SET last_read_seq = ? WHERE group_id = ? AND user_id = ?");
    update.bind(1, seq.value);
    update.bind(2, group.value);
    update.bind(3, user.value);
    update.exec();
}

void set_muted_until(SQLite::Database& db, GroupId group, UserId user,
                     std::optional<timestamp> until, const std::string& reason) {
    if (!until) {
        SQLite::Statement remove(db, "DELETE FROM mutes WHERE group_id = ? AND user_id = ?");
        remove.bind(1, group.value);
        remove.bind(2, user.value);
        remove.exec();
        return;
    }
    SQLite::Statement upsert(
        db, "INSERT INTO mutes (group_id, user_id, until, reason) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (group_id, user_id) DO UPDATE SET until = excluded.until, "
            "reason = excluded.reason");
    upsert.bind(1, group.value);
    upsert.bind(2, user.value);
    upsert.bind(3, to_db(*until));
    upsert.bind(4, reason);
    upsert.exec();
}

std::vector<mute_record> load_mutes(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT group_id, user_id, until, reason FROM mutes");
    std::vector<mute_record> mutes;
    while (query.executeStep()) {
        mutes.push_back(mute_record{
            GroupId{query.getColumn(0).getInt64()}, UserId{query.getColumn(1).getInt64()},
            timestamp_from_db(query.getColumn(2).getInt64()), query.getColumn(3).getString()});
    }
    return mutes;
}

std::vector<membership_record> load_memberships(SQLite::Database& db) {
    SQLite::Statement query(db, "SELECT group_id, user_id, role, status, last_read_seq, "
                                "requested_at FROM memberships");
    std::vector<membership_record> memberships;
    while (query.executeStep()) {
        memberships.push_back(membership_record{
            GroupId{query.getColumn(0).getInt64()}, UserId{query.getColumn(1).getInt64()},
            Membership{
                parse_group_role(query.getColumn(2).getString()).value_or(group_role::member),
                parse_membership_status(query.getColumn(3).getString())
                    .value_or(membership_status::pending)},
            Seq{query.getColumn(4).getInt64()}, timestamp_from_db(query.getColumn(5).getInt64())});
    }
    return memberships;
}

} // namespace carecircle::storage
