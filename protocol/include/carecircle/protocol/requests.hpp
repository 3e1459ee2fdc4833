#pragma once

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/ids.hpp"
#include "carecircle/protocol/limits.hpp"
#include "carecircle/protocol/types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace carecircle::protocol {

// `{"id":ID,"type":OP, ...params}` (PROTOCOL.md section 3). The id is kept as JSON because a
// client may use an integer or a string, and it is echoed as it came.
struct envelope {
    boost::json::value id;
    std::string type;
    boost::json::object params;
};

struct envelope_failure {
    boost::json::value id; // null when no id could be read
    error problem;
};

// Parses one text frame. Invalid UTF-8, malformed JSON, a non-object, a missing type or an id
// that is neither integer nor string are failures; nothing here throws.
std::variant<envelope, envelope_failure>
decode_envelope(std::string_view frame, std::size_t max_depth = default_max_json_depth);

// One struct per operation, named after it. `decode` fills one from an envelope's params and
// returns the problem when a parameter is missing, of the wrong type or out of range.

struct groups_create {
    std::string name;
    std::string region;
    std::string description;
    group_visibility visibility = group_visibility::public_group;
    std::optional<std::chrono::days> retention; // none: messages are kept for good
};

// `retention_days` is required; null keeps messages for good.
struct groups_set_retention {
    GroupId group;
    std::optional<std::chrono::days> retention;
};

struct group_ref {
    GroupId group;
};

struct group_member_ref {
    GroupId group;
    UserId user;
};

struct groups_set_role {
    GroupId group;
    UserId user;
    group_role role = group_role::member;
};

struct messages_send {
    GroupId group;
    std::string text;
    message_kind kind = message_kind::text;
    std::optional<std::string> client_id;
};

struct messages_history {
    GroupId group;
    std::optional<Seq> before;
    std::optional<Seq> after;
    int limit = 50;
};

struct messages_mark_read {
    GroupId group;
    Seq seq;
};

struct message_ref {
    GroupId group;
    MessageId message;
};

// What a moderator may tell the person they act on (`reason?`, protocol/README.md "Reasons"):
// at most 500 characters on one line; empty when none was given.
struct groups_remove {
    GroupId group;
    UserId user;
    std::string reason;
};

struct messages_delete {
    GroupId group;
    MessageId message;
    std::string reason; // told to the author when a moderator deletes it
};

struct groups_ban {
    GroupId group;
    UserId user;
    std::string reason;
    std::optional<timestamp> until; // none: for good
};

struct groups_mute {
    GroupId group;
    UserId user;
    timestamp until;
    std::string reason;
};

struct messages_report {
    GroupId group;
    MessageId message;
    std::string reason;
};

struct reports_resolve {
    ReportId report;
    bool delete_message = false; // otherwise dismiss
};

struct moderation_log_query {
    GroupId group;
    std::optional<std::int64_t> before; // entry id, for paging back
    int limit = 50;
};

std::optional<error> decode(const boost::json::object& params, groups_create& out);
std::optional<error> decode(const boost::json::object& params, groups_set_retention& out);
std::optional<error> decode(const boost::json::object& params, groups_ban& out);
std::optional<error> decode(const boost::json::object& params, groups_mute& out);
std::optional<error> decode(const boost::json::object& params, groups_remove& out);
std::optional<error> decode(const boost::json::object& params, messages_delete& out);
std::optional<error> decode(const boost::json::object& params, messages_report& out);
std::optional<error> decode(const boost::json::object& params, reports_resolve& out);
std::optional<error> decode(const boost::json::object& params, moderation_log_query& out);
std::optional<error> decode(const boost::json::object& params, group_ref& out);
std::optional<error> decode(const boost::json::object& params, group_member_ref& out);
std::optional<error> decode(const boost::json::object& params, groups_set_role& out);
std::optional<error> decode(const boost::json::object& params, messages_send& out);
std::optional<error> decode(const boost::json::object& params, messages_history& out);
std::optional<error> decode(const boost::json::object& params, messages_mark_read& out);
std::optional<error> decode(const boost::json::object& params, message_ref& out);

inline constexpr int max_history_limit = 100;
inline constexpr std::chrono::days min_retention{1};
inline constexpr std::chrono::days max_retention{3650};
inline constexpr std::size_t max_client_id_length = 64;

} // namespace carecircle::protocol
