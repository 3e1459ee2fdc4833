#include "http/calendar_feed.hpp"

#include "calendar/ics.hpp"
#include "calendar/meetup_listing.hpp"
#include "calendar/recurrence.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "crypto/security.hpp"
#include "handlers/meetup_announcements.hpp"
#include "http/responses.hpp"

#include <boost/url/parse.hpp>
#include <charconv>
#include <vector>

namespace carecircle::server {
namespace {

// How far ahead the VTIMEZONE of a series without an end reaches.
constexpr int open_series_years = 5;

// The `key` query parameter, percent-decoded.
std::optional<std::string> feed_key(const http_request& request) {
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) {
        return std::nullopt;
    }
    if (auto key = target->params().find("key"); key != target->params().end()) {
        return std::string((*key).value);
    }
    return std::nullopt;
}

http_response calendar_response(const http_request& request, std::string body, bool personal) {
    http_response response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/calendar; charset=utf-8");
    // A personal feed is for its owner's calendar only; none may be kept by a shared cache.
    response.set(http::field::cache_control, personal ? "private, no-cache" : "no-cache");
    response.set(http::field::content_disposition, "inline; filename=\"meetups.ics\"");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

http_response refuse(const http_request& request, error_code code, std::string message) {
    return error_response(request, make_error(code, std::move(message)));
}

int year_of(local_minutes at) {
    return static_cast<int>(date::year_month_day{date::floor<date::days>(at)}.year());
}

// Whether nothing of the series is left to happen: cancelled as a whole, or every occurrence of
// a finite series cancelled one by one.
bool wholly_cancelled(const storage::meetup_record& record,
                      const std::optional<local_minutes>& last) {
    const auto& m = record.meetup;
    if (m.cancelled) {
        return true;
    }
    if (!last) {
        return false;
    }
    const auto days = (date::floor<date::days>(*last) - date::floor<date::days>(m.start)).count();
    const auto occurrences = m.repeat ? days / (7 * m.repeat->every_weeks) + 1 : 1;
    return static_cast<long long>(record.cancelled_occurrences.size()) >= occurrences;
}

// The event's DESCRIPTION: why it was called off first, when it was, and why dates of it were.
std::string description_of(const storage::meetup_record& record, bool cancelled,
                           const std::string& group_name) {
    const auto& m = record.meetup;
    std::string text;
    if (cancelled) {
        const auto reason = record.cancel_reason ? record.cancel_reason
                                                 : cancel_reason(record, record.meetup.start);
        text = reason ? "Cancelled: " + *reason + "\n\n" : "Cancelled.\n\n";
    }
    text += m.description.empty() ? "A CareCircle meet-up of " + group_name + "." : m.description;
    if (!cancelled) {
        for (const auto& [occurrence, reason] : record.occurrence_reasons) {
            text += "\n\nCancelled on " + spoken_time(occurrence) + ": " + reason;
        }
    }
    return text;
}

// One VEVENT for a series. One with nothing left to happen stays, marked cancelled, so that
// calendars which copied it show it called off rather than quietly keep it.
std::optional<ics::event> event_of(const storage::meetup_record& record,
                                   const std::string& group_name, int this_year) {
    const auto& m = record.meetup;
    const auto* zone = find_time_zone(m.timezone);
    if (zone == nullptr) {
        return std::nullopt;
    }
    const auto last = last_occurrence(m);
    ics::event e;
    e.uid = "meetup-" + std::to_string(m.id.value) + "-" +
            std::to_string(storage::to_db(record.created_at)) + "@carecircle";
    e.stamp = record.updated_at;
    e.zone = zone;
    e.start = m.start;
    e.duration = m.duration;
    if (m.repeat) {
        e.every_weeks = m.repeat->every_weeks;
        e.count = m.repeat->count;
        if (m.repeat->until && last) {
            e.until = to_instant(*zone, *last); // the last start itself, so it is included
        }
    }
    e.exdates = record.cancelled_occurrences;
    e.summary = m.title;
    e.cancelled = wholly_cancelled(record, last);
    e.description = description_of(record, e.cancelled, group_name);
    e.location = m.location;
    if (!e.location && m.kind == meetup_kind::online) {
        e.location = "Online";
    }
    e.url = m.url;
    e.last_year = last ? year_of(*last) : std::max(year_of(m.start), this_year) + open_series_years;
    return e;
}

int current_year() {
    const auto today = date::floor<date::days>(storage::now());
    return static_cast<int>(date::year_month_day{today}.year());
}

void add_group_events(SQLite::Database& db, ics::calendar& cal, const Group& group) {
    const int this_year = current_year();
    for (const auto& record : storage::load_group_meetups(db, group.id)) {
        if (auto e = event_of(record, group.name, this_year)) {
            cal.events.push_back(std::move(*e));
        }
    }
}

void group_feed(application& app, const http_request& request, const responder& respond,
                GroupId group, std::optional<std::string> key) {
    std::optional<User> user;
    if (auto token = request_token(request)) {
        user = app.hub.user_for_token(hash_token(*token));
    }
    // Every failure inside is answered with an error; only answering itself could throw.
    // NOLINTNEXTLINE(bugprone-exception-escape)
    app.reads.submit([&app, request, respond, group, key = std::move(key),
                      user = std::move(user)](SQLite::Database& db) mutable {
        try {
            if (!user && key) {
                if (auto id = storage::user_for_calendar_key(db, *key)) {
                    user = app.hub.find_user(*id);
                }
            }
            const User viewer = user.value_or(User{});
            const auto access = app.hub.access(group, viewer);
            if (!access.group_exists) {
                return respond(refuse(request, error_code::not_found, "no such group"));
            }
            if (access.visibility == group_visibility::private_group) {
                if (!user) {
                    return respond(refuse(request, error_code::unauthorized,
                                          "sign in, or use the address from calendar.key"));
                }
                if (auto problem = check_can_read(access)) {
                    return respond(error_response(request, *problem));
                }
            }
            const auto info = app.hub.group_for(group, viewer);
            if (!info) {
                return respond(refuse(request, error_code::not_found, "no such group"));
            }
            ics::calendar cal;
            cal.name = info->name + " meet-ups";
            add_group_events(db, cal, *info);
            respond(calendar_response(request, ics::write(cal),
                                      access.visibility == group_visibility::private_group));
        } catch (const std::exception&) {
            respond(refuse(request, error_code::internal, "the calendar could not be made"));
        }
    });
}

void personal_feed(application& app, const http_request& request, const responder& respond,
                   std::optional<std::string> key) {
    if (!key || key->empty()) {
        return respond(refuse(request, error_code::unauthorized,
                              "the address needs the key from calendar.key"));
    }
    // NOLINTNEXTLINE(bugprone-exception-escape): as for the group feed
    app.reads.submit([&app, request, respond, key = std::move(*key)](SQLite::Database& db) {
        try {
            const auto id = storage::user_for_calendar_key(db, key);
            const auto user = id ? app.hub.find_user(*id) : std::nullopt;
            if (!user) {
                return respond(refuse(request, error_code::unauthorized,
                                      "this calendar address is no longer valid"));
            }
            ics::calendar cal;
            cal.name = "CareCircle meet-ups";
            for (const auto& group : app.hub.list_groups(*user)) {
                if (group.my_membership &&
                    group.my_membership->status == membership_status::active) {
                    add_group_events(db, cal, group);
                }
            }
            respond(calendar_response(request, ics::write(cal), true));
        } catch (const std::exception&) {
            respond(refuse(request, error_code::internal, "the calendar could not be made"));
        }
    });
}

} // namespace

void group_calendar(endpoint_call&& call) {
    std::int64_t id = 0;
    const auto& text = call.captures.at(0);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    // An id that is not a positive number names no group: 404 like an unknown one.
    const GroupId group{ec == std::errc{} && end == text.data() + text.size() ? id : 0};
    group_feed(call.app, call.request, call.respond, group, feed_key(call.request));
}

void personal_calendar(endpoint_call&& call) {
    personal_feed(call.app, call.request, call.respond, feed_key(call.request));
}

} // namespace carecircle::server
