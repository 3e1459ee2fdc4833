#pragma once

#include "carecircle/protocol/ids.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

enum class site_role { member, moderator, admin };
enum class group_role { member, organiser, moderator };
enum class membership_status { active, pending };
enum class group_visibility { public_group, private_group };
enum class message_kind { text, announcement, system };

std::string_view to_string(site_role role);
std::string_view to_string(group_role role);
std::string_view to_string(membership_status status);
std::string_view to_string(group_visibility visibility);
std::string_view to_string(message_kind kind);

std::optional<site_role> parse_site_role(std::string_view text);
std::optional<group_role> parse_group_role(std::string_view text);
std::optional<membership_status> parse_membership_status(std::string_view text);
std::optional<group_visibility> parse_group_visibility(std::string_view text);
std::optional<message_kind> parse_message_kind(std::string_view text);

// ISO 8601 UTC with milliseconds, e.g. 2026-12-11T16:00:00.000Z (PROTOCOL.md section 3).
std::string format_timestamp(timestamp at);
// Reads the same form; the milliseconds may be left out.
std::optional<timestamp> parse_timestamp(std::string_view text);

struct User {
    UserId id;
    std::string username;
    std::string display_name;
    site_role role = site_role::member;
};

struct Membership {
    group_role role = group_role::member;
    membership_status status = membership_status::active;
};

struct Group {
    GroupId id;
    std::string name;
    std::string region;
    std::string description;
    group_visibility visibility = group_visibility::public_group;
    std::int64_t member_count = 0;
    Seq last_seq;
    std::optional<std::chrono::days> retention; // none: messages are kept for good
    std::optional<Membership> my_membership;
    std::optional<timestamp> muted_until; // the viewer's mute, while it lasts
    std::string mute_reason;              // what the moderator told them, with muted_until
    std::int64_t unread = 0;
};

struct Author {
    UserId id;
    std::string username;
    std::string display_name;
};

struct Message {
    MessageId id;
    GroupId group;
    Seq seq;
    Author author;
    message_kind kind = message_kind::text;
    std::string text;
    timestamp created_at;
    bool deleted = false;
};

} // namespace carecircle
