#pragma once

#include "carecircle/protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <optional>
#include <vector>

namespace carecircle::storage {

struct group_record {
    GroupId id;
    std::string name;
    std::string region;
    std::string description;
    group_visibility visibility = group_visibility::public_group;
    Seq last_seq;
    std::optional<std::chrono::days> retention; // none: messages are kept for good
};

struct membership_record {
    GroupId group;
    UserId user;
    Membership membership;
    Seq last_read;
    timestamp requested_at;
};

struct mute_record {
    GroupId group;
    UserId user;
    timestamp until;
    std::string reason; // shown to the muted person; empty when none was given
};

group_record insert_group(SQLite::Database& db, const std::string& name, const std::string& region,
                          const std::string& description, group_visibility visibility,
                          UserId created_by, timestamp created_at);
std::vector<group_record> load_groups(SQLite::Database& db);
void set_group_retention(SQLite::Database& db, GroupId group,
                         std::optional<std::chrono::days> days);

void put_membership(SQLite::Database& db, const membership_record& membership);
void delete_membership(SQLite::Database& db, GroupId group, UserId user);
void set_last_read(SQLite::Database& db, GroupId group, UserId user, Seq seq);
// Mutes outlive the membership: leaving and rejoining does not lift one. No `until` lifts it.
void set_muted_until(SQLite::Database& db, GroupId group, UserId user,
                     std::optional<timestamp> until, const std::string& reason = {});
std::vector<mute_record> load_mutes(SQLite::Database& db);
std::vector<membership_record> load_memberships(SQLite::Database& db);

} // namespace carecircle::storage
