#include "carecircle/protocol/requests.hpp"

#include "carecircle/protocol/params.hpp"
#include "carecircle/protocol/validation.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace carecircle::protocol {
namespace json = boost::json;

std::variant<envelope, envelope_failure> decode_envelope(std::string_view frame,
                                                         std::size_t max_depth) {
    json::parse_options options;
    // Far below the default 32 levels of any real request, and it keeps hostile nesting cheap.
    options.max_depth = max_depth;
    boost::system::error_code ec;
    json::value parsed = json::parse(frame, ec, {}, options);
    if (ec) {
        return envelope_failure{nullptr,
                                make_error(error_code::bad_request, "the frame is not valid JSON")};
    }
    auto* object = parsed.if_object();
    if (object == nullptr) {
        return envelope_failure{
            nullptr, make_error(error_code::bad_request, "a request must be a JSON object")};
    }

    json::value id = nullptr;
    if (const auto* raw_id = object->if_contains("id")) {
        if (raw_id->is_int64() || raw_id->is_uint64() || raw_id->is_string()) {
            id = *raw_id;
        } else if (!raw_id->is_null()) {
            return envelope_failure{
                nullptr, make_error(error_code::bad_request, "id must be an integer or a string")};
        }
    }

    const auto* type = object->if_contains("type");
    if (type == nullptr || !type->is_string()) {
        return envelope_failure{std::move(id),
                                make_error(error_code::bad_request, "type is required")};
    }

    envelope result;
    result.id = std::move(id);
    result.type.assign(type->get_string().data(), type->get_string().size());
    object->erase("id");
    object->erase("type");
    result.params = std::move(*object);
    return result;
}

namespace {

// Whole days from min_retention to max_retention, or null for "keep for good".
std::optional<error> read_retention(params_reader& in, std::optional<std::chrono::days>& out,
                                    bool required) {
    const auto* value = in.raw().if_contains("retention_days");
    if (value == nullptr && required) {
        return make_error(error_code::bad_request,
                          "retention_days is required (null keeps messages)");
    }
    if (value == nullptr || value->is_null()) {
        out.reset();
        return std::nullopt;
    }
    std::int64_t days = 0;
    if (!in.integer("retention_days", days)) {
        return in.failure();
    }
    if (days < min_retention.count() || days > max_retention.count()) {
        return make_error(error_code::bad_request,
                          "retention_days must be from " + std::to_string(min_retention.count()) +
                              " to " + std::to_string(max_retention.count()) + ", or null");
    }
    out = std::chrono::days{days};
    return std::nullopt;
}

} // namespace

std::optional<error> decode(const json::object& params, groups_create& out) {
    params_reader in(params);
    std::optional<std::string> description;
    std::string visibility;
    in.string("name", out.name);
    in.string("region", out.region);
    in.optional_string("description", description);
    in.string("visibility", visibility);
    if (auto problem = read_retention(in, out.retention, false)) {
        return problem;
    }
    if (auto problem = in.failure()) {
        return problem;
    }
    out.description = description.value_or("");
    if (auto v = parse_group_visibility(visibility)) {
        out.visibility = *v;
    } else {
        return make_error(error_code::bad_request, "visibility must be public or private");
    }
    out.name = std::string(validation::trim(out.name));
    out.region = std::string(validation::trim(out.region));
    out.description = std::string(validation::trim(out.description));
    if (auto p = validation::check_label("name", out.name, 1, 80)) {
        return make_error(error_code::bad_request, *p);
    }
    if (auto p = validation::check_label("region", out.region, 1, 80)) {
        return make_error(error_code::bad_request, *p);
    }
    if (validation::code_points(out.description) > 1000) {
        return make_error(error_code::bad_request, "description must be at most 1000 characters");
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, groups_set_retention& out) {
    params_reader in(params);
    in.id("group", out.group);
    if (auto problem = in.failure()) {
        return problem;
    }
    return read_retention(in, out.retention, true);
}

std::optional<error> decode(const json::object& params, group_ref& out) {
    params_reader in(params);
    in.id("group", out.group);
    return in.failure();
}

std::optional<error> decode(const json::object& params, group_member_ref& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("user", out.user);
    return in.failure();
}

std::optional<error> decode(const json::object& params, groups_set_role& out) {
    params_reader in(params);
    std::string role;
    in.id("group", out.group);
    in.id("user", out.user);
    in.string("role", role);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (auto r = parse_group_role(role)) {
        out.role = *r;
        return std::nullopt;
    }
    return make_error(error_code::bad_request, "role must be member, organiser or moderator");
}

std::optional<error> decode(const json::object& params, messages_send& out) {
    params_reader in(params);
    std::optional<std::string> kind;
    in.id("group", out.group);
    in.string("text", out.text);
    in.optional_string("kind", kind);
    in.optional_string("client_id", out.client_id);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (auto p = validation::check_message_text(out.text)) {
        return make_error(error_code::bad_request, *p);
    }
    if (kind) {
        auto parsed = parse_message_kind(*kind);
        // System messages are the server's own; clients may send text or announcements.
        if (!parsed || *parsed == message_kind::system) {
            return make_error(error_code::bad_request, "kind must be text or announcement");
        }
        out.kind = *parsed;
    }
    if (out.client_id && (out.client_id->empty() || out.client_id->size() > max_client_id_length)) {
        return make_error(error_code::bad_request, "client_id must be 1 to 64 bytes");
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, messages_history& out) {
    params_reader in(params);
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> before;
    std::optional<std::int64_t> after;
    in.id("group", out.group);
    in.optional_integer("before", before);
    in.optional_integer("after", after);
    in.optional_integer("limit", limit);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (before && after) {
        return make_error(error_code::bad_request, "give before or after, not both");
    }
    if ((before && *before < 0) || (after && *after < 0)) {
        return make_error(error_code::bad_request, "before and after must not be negative");
    }
    if (limit && (*limit < 1 || *limit > max_history_limit)) {
        return make_error(error_code::bad_request, "limit must be 1 to 100");
    }
    out.limit = static_cast<int>(limit.value_or(50));
    if (before) {
        out.before = Seq{*before};
    }
    if (after) {
        out.after = Seq{*after};
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, messages_mark_read& out) {
    params_reader in(params);
    std::int64_t seq = 0;
    in.id("group", out.group);
    in.integer("seq", seq);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (seq < 0) {
        return make_error(error_code::bad_request, "seq must not be negative");
    }
    out.seq = Seq{seq};
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, message_ref& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("message", out.message);
    return in.failure();
}

} // namespace carecircle::protocol

namespace carecircle::protocol {
namespace {

std::optional<error> read_reason(params_reader& in, std::string& out, bool required) {
    std::optional<std::string> reason;
    in.optional_string("reason", reason);
    if (auto problem = in.failure()) {
        return problem;
    }
    out = std::string(validation::trim(reason.value_or("")));
    if (required && out.empty()) {
        return make_error(error_code::bad_request, "reason is required");
    }
    if (validation::code_points(out) > 500) {
        return make_error(error_code::bad_request, "reason must be at most 500 characters");
    }
    return std::nullopt;
}

// A moderator's reason is shown to the person acted on, in a notice: one line, no control
// characters.
std::optional<error> read_moderator_reason(params_reader& in, std::string& out) {
    if (auto problem = read_reason(in, out, false)) {
        return problem;
    }
    if (validation::has_control_characters(out)) {
        return make_error(error_code::bad_request, "reason must not contain control characters");
    }
    return std::nullopt;
}

std::optional<error> read_time(params_reader& in, std::string_view key,
                               std::optional<timestamp>& out) {
    std::optional<std::string> text;
    in.optional_string(key, text);
    if (auto problem = in.failure()) {
        return problem;
    }
    out.reset();
    if (text) {
        out = parse_timestamp(*text);
        if (!out) {
            return make_error(error_code::bad_request,
                              std::string(key) + " must be a time like 2026-12-11T16:00:00.000Z");
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<error> decode(const json::object& params, groups_ban& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("user", out.user);
    if (auto problem = read_moderator_reason(in, out.reason)) {
        return problem;
    }
    return read_time(in, "until", out.until);
}

std::optional<error> decode(const json::object& params, groups_remove& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("user", out.user);
    return read_moderator_reason(in, out.reason);
}

std::optional<error> decode(const json::object& params, messages_delete& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("message", out.message);
    return read_moderator_reason(in, out.reason);
}

std::optional<error> decode(const json::object& params, groups_mute& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("user", out.user);
    std::optional<timestamp> until;
    if (auto problem = read_time(in, "until", until)) {
        return problem;
    }
    if (!until) {
        return make_error(error_code::bad_request, "until is required");
    }
    out.until = *until;
    return read_moderator_reason(in, out.reason);
}

std::optional<error> decode(const json::object& params, messages_report& out) {
    params_reader in(params);
    in.id("group", out.group);
    in.id("message", out.message);
    return read_reason(in, out.reason, true);
}

std::optional<error> decode(const json::object& params, reports_resolve& out) {
    params_reader in(params);
    std::string action;
    in.id("report", out.report);
    in.string("action", action);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (action != "dismiss" && action != "delete_message") {
        return make_error(error_code::bad_request, "action must be dismiss or delete_message");
    }
    out.delete_message = action == "delete_message";
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, moderation_log_query& out) {
    params_reader in(params);
    std::optional<std::int64_t> limit;
    in.id("group", out.group);
    in.optional_integer("before", out.before);
    in.optional_integer("limit", limit);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (limit && (*limit < 1 || *limit > max_history_limit)) {
        return make_error(error_code::bad_request, "limit must be 1 to 100");
    }
    out.limit = static_cast<int>(limit.value_or(50));
    return std::nullopt;
}

} // namespace carecircle::protocol
