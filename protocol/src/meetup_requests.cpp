#include "carecircle/protocol/meetup_requests.hpp"

#include "carecircle/protocol/params.hpp"
#include "carecircle/protocol/validation.hpp"

#include <array>
#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>

namespace carecircle::protocol {

namespace json = boost::json;
namespace {

std::optional<error> bad(std::string message) {
    return make_error(error_code::bad_request, std::move(message));
}

// IANA names are ASCII letters, digits and `/ _ + -`; whether one exists is the tz
// database's to say, in the server.
bool plausible_time_zone(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/' ||
        name.find("//") != std::string_view::npos) {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '+' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::optional<error> check_url(const std::string& url) {
    if (url.size() > max_meetup_url) {
        return bad("url must be at most 500 characters");
    }
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        return bad("url must be an absolute http or https address");
    }
    const auto scheme = parsed->scheme_id();
    if ((scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) ||
        parsed->encoded_host().empty()) {
        return bad("url must be an absolute http or https address");
    }
    return std::nullopt;
}

// Reads an optional free-text field: trimmed, and absent when only spaces were sent.
std::optional<std::string> trimmed(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    std::string value(validation::trim(*text));
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<error> decode_repeat(const json::value& raw, local_minutes start,
                                   meetup_repeat& out) {
    const auto* object = raw.if_object();
    if (object == nullptr) {
        return bad("repeat must be null or an object");
    }
    params_reader in(*object);
    std::int64_t every_weeks = 0;
    std::optional<std::int64_t> count;
    std::optional<std::string> until;
    in.integer("every_weeks", every_weeks);
    in.optional_integer("count", count);
    in.optional_string("until", until);
    if (auto problem = in.failure()) {
        return make_error(error_code::bad_request, "repeat." + problem->message);
    }
    if (every_weeks < 1 || every_weeks > max_repeat_every_weeks) {
        return bad("repeat.every_weeks must be 1 to 4");
    }
    out.every_weeks = static_cast<int>(every_weeks);
    if (count && until) {
        return bad("repeat takes count or until, not both");
    }
    if (count) {
        if (*count < 1 || *count > max_repeat_count) {
            return bad("repeat.count must be 1 to 100");
        }
        out.count = static_cast<int>(*count);
    }
    if (until) {
        out.until = parse_local_date(*until);
        if (!out.until) {
            return bad("repeat.until must be a date YYYY-MM-DD");
        }
        if (date::local_days{*out.until} < date::floor<date::days>(start)) {
            return bad("repeat.until must not be before the start");
        }
    }
    return std::nullopt;
}

json::value string_or_null(const std::optional<std::string>& text) {
    return text ? json::value(*text) : json::value(nullptr);
}

json::value integer_or_null(const std::optional<std::int64_t>& number) {
    return number ? json::value(*number) : json::value(nullptr);
}

} // namespace

std::optional<error> decode(const json::object& params, meetups_create& out) {
    params_reader in(params);
    std::optional<std::string> description;
    std::string kind;
    std::optional<std::string> location;
    std::optional<std::string> url;
    std::string start;
    std::optional<std::string> timezone;
    std::int64_t duration = 0;
    std::optional<std::int64_t> capacity;
    in.id("group", out.group);
    in.string("title", out.title);
    in.optional_string("description", description);
    in.string("kind", kind);
    in.optional_string("location", location);
    in.optional_string("url", url);
    in.string("start", start);
    in.optional_string("timezone", timezone);
    in.integer("duration_minutes", duration);
    in.optional_integer("capacity", capacity);
    if (auto problem = in.failure()) {
        return problem;
    }

    out.title = std::string(validation::trim(out.title));
    if (auto p = validation::check_label("title", out.title, 1, max_meetup_title)) {
        return bad(*p);
    }
    out.description = std::string(validation::trim(description.value_or("")));
    if (validation::code_points(out.description) > max_meetup_description) {
        return bad("description must be at most 2000 characters");
    }
    if (validation::has_control_characters(out.description, validation::line_breaks::allowed)) {
        return bad("description must not contain control characters");
    }
    if (auto k = parse_meetup_kind(kind)) {
        out.kind = *k;
    } else {
        return bad("kind must be online or in_person");
    }
    out.location = trimmed(location);
    if (out.location) {
        if (auto p = validation::check_label("location", *out.location, 1, max_meetup_location)) {
            return bad(*p);
        }
    } else if (out.kind == meetup_kind::in_person) {
        return bad("an in_person meetup needs a location");
    }
    out.url = trimmed(url);
    if (out.url) {
        if (auto problem = check_url(*out.url)) {
            return problem;
        }
    }
    if (auto at = parse_local_minutes(start)) {
        out.start = *at;
    } else {
        return bad("start must be a local date and time YYYY-MM-DDTHH:MM that exists");
    }
    if (timezone) {
        if (!plausible_time_zone(*timezone)) {
            return bad("timezone must be a time zone name such as Europe/London");
        }
        out.timezone = *timezone;
    }
    if (duration < 1 || duration > max_meetup_duration_minutes) {
        return bad("duration_minutes must be 1 to 1440");
    }
    out.duration = std::chrono::minutes{duration};
    if (capacity) {
        if (*capacity < 1 || *capacity > max_meetup_capacity) {
            return bad("capacity must be null or 1 to 10000");
        }
        out.capacity = capacity;
    }
    if (const auto* repeat = params.if_contains("repeat"); repeat && !repeat->is_null()) {
        meetup_repeat rule;
        if (auto problem = decode_repeat(*repeat, out.start, rule)) {
            return problem;
        }
        out.repeat = rule;
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, meetups_list& out) {
    params_reader in(params);
    std::optional<std::string> from;
    std::optional<std::string> to;
    in.id("group", out.group);
    in.optional_string("from", from);
    in.optional_string("to", to);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (from) {
        out.from = parse_local_date(*from);
        if (!out.from) {
            return bad("from must be a date YYYY-MM-DD");
        }
    }
    if (to) {
        out.to = parse_local_date(*to);
        if (!out.to) {
            return bad("to must be a date YYYY-MM-DD");
        }
    }
    if (out.from && out.to) {
        const auto span = date::sys_days{*out.to} - date::sys_days{*out.from};
        if (span.count() < 0) {
            return bad("to must not be before from");
        }
        if (span.count() >= max_list_days) {
            return bad("from and to may span at most 732 days");
        }
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, meetups_rsvp& out) {
    params_reader in(params);
    std::string occurrence;
    std::string status;
    in.id("meetup", out.meetup);
    in.string("occurrence", occurrence);
    in.string("status", status);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (auto at = parse_local_minutes(occurrence)) {
        out.occurrence = *at;
    } else {
        return bad("occurrence must be the local_start YYYY-MM-DDTHH:MM of an occurrence");
    }
    const auto parsed = parse_rsvp_status(status);
    if (!parsed || *parsed == rsvp_status::waitlisted) {
        return bad("status must be going or not_going");
    }
    out.status = *parsed;
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, meetups_cancel& out) {
    params_reader in(params);
    std::optional<std::string> occurrence;
    std::optional<std::string> reason;
    in.id("meetup", out.meetup);
    in.optional_string("occurrence", occurrence);
    in.optional_string("reason", reason);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (occurrence) {
        out.occurrence = parse_local_minutes(*occurrence);
        if (!out.occurrence) {
            return bad("occurrence must be the local_start YYYY-MM-DDTHH:MM of an occurrence");
        }
    }
    out.reason = trimmed(reason);
    if (out.reason) {
        if (validation::code_points(*out.reason) > max_cancel_reason) {
            return bad("reason must be at most 500 characters");
        }
        if (validation::has_control_characters(*out.reason)) {
            return bad("reason must not contain control characters");
        }
    }
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, meetups_attendees& out) {
    params_reader in(params);
    std::string occurrence;
    in.id("meetup", out.meetup);
    in.string("occurrence", occurrence);
    if (auto problem = in.failure()) {
        return problem;
    }
    if (auto at = parse_local_minutes(occurrence)) {
        out.occurrence = *at;
    } else {
        return bad("occurrence must be the local_start YYYY-MM-DDTHH:MM of an occurrence");
    }
    return std::nullopt;
}

namespace {

constexpr std::array<std::string_view, 10> editable_fields{
    "title",    "description",      "kind",   "location", "url", "start",
    "timezone", "duration_minutes", "repeat", "capacity"};

} // namespace

std::optional<error> decode(const json::object& params, meetups_edit& out) {
    params_reader in(params);
    in.id("meetup", out.meetup);
    if (auto problem = in.failure()) {
        return problem;
    }
    out.changes.clear();
    for (const auto field : editable_fields) {
        if (const auto* value = params.if_contains(field)) {
            out.changes[field] = *value;
        }
    }
    if (out.changes.empty()) {
        return bad("say what to change: title, description, kind, location, url, start, "
                   "timezone, duration_minutes, repeat or capacity");
    }
    return std::nullopt;
}

std::optional<error> apply_edit(const Meetup& current, const meetups_edit& edit, Meetup& out) {
    auto merged = to_json(current);
    for (const auto& [key, value] : edit.changes) {
        merged[key] = value;
    }
    meetups_create checked;
    if (auto problem = decode(merged, checked)) {
        return problem;
    }
    out = current;
    out.title = std::move(checked.title);
    out.description = std::move(checked.description);
    out.kind = checked.kind;
    out.location = std::move(checked.location);
    out.url = std::move(checked.url);
    out.start = checked.start;
    out.timezone = std::move(checked.timezone);
    out.duration = checked.duration;
    out.repeat = checked.repeat;
    out.capacity = checked.capacity;
    return std::nullopt;
}

std::optional<error> decode(const json::object& params, calendar_key& out) {
    params_reader in(params);
    std::optional<bool> rotate;
    in.optional_bool("rotate", rotate);
    if (auto problem = in.failure()) {
        return problem;
    }
    out.rotate = rotate.value_or(false);
    return std::nullopt;
}

namespace {

json::value repeat_json(const std::optional<meetup_repeat>& repeat) {
    if (!repeat) {
        return nullptr;
    }
    json::object rule{{"every_weeks", repeat->every_weeks}};
    if (repeat->count) {
        rule["count"] = *repeat->count;
    }
    if (repeat->until) {
        rule["until"] = format_local_date(*repeat->until);
    }
    return rule;
}

} // namespace

json::object to_json(const Meetup& meetup) {
    return {{"id", meetup.id.value},
            {"group", meetup.group.value},
            {"title", meetup.title},
            {"description", meetup.description},
            {"kind", to_string(meetup.kind)},
            {"location", string_or_null(meetup.location)},
            {"url", string_or_null(meetup.url)},
            {"start", format_local_minutes(meetup.start)},
            {"timezone", meetup.timezone},
            {"duration_minutes", meetup.duration.count()},
            {"repeat", repeat_json(meetup.repeat)},
            {"capacity", integer_or_null(meetup.capacity)},
            {"cancelled", meetup.cancelled}};
}

json::object to_json(const MeetupOccurrence& o) {
    return {{"meetup", o.meetup.value},
            {"group", o.group.value},
            {"title", o.title},
            {"description", o.description},
            {"kind", to_string(o.kind)},
            {"location", string_or_null(o.location)},
            {"url", string_or_null(o.url)},
            {"local_start", format_local_minutes(o.local_start)},
            {"starts_at", format_timestamp(o.starts_at)},
            {"ends_at", format_timestamp(o.ends_at)},
            {"timezone", o.timezone},
            {"going", o.going},
            {"waitlisted", o.waitlisted},
            {"capacity", integer_or_null(o.capacity)},
            {"my_rsvp", o.my_rsvp ? json::value(to_string(*o.my_rsvp)) : json::value(nullptr)},
            {"my_position", integer_or_null(o.my_position)},
            {"cancelled", o.cancelled},
            {"cancel_reason", string_or_null(o.cancel_reason)},
            {"series_start", format_local_minutes(o.series_start)},
            {"duration_minutes", o.duration.count()},
            {"repeat", repeat_json(o.repeat)},
            {"can_manage", o.can_manage}};
}

} // namespace carecircle::protocol
