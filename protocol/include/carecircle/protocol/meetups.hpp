#pragma once

// Meet-ups (PROTOCOL.md section 3, "Meetups"): the value types, the requests of meetups.*
// and calendar.key, and their JSON. Times of day are local wall-clock times in the meetup's
// time zone; turning them into instants needs the tz database, which lives in the server.

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/ids.hpp"
#include "carecircle/protocol/types.hpp"

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle {

// A wall-clock time in some time zone, to the minute: `YYYY-MM-DDTHH:MM` on the wire.
using local_minutes = date::local_time<std::chrono::minutes>;

enum class meetup_kind { online, in_person };
enum class rsvp_status { going, waitlisted, not_going };

std::string_view to_string(meetup_kind kind);
std::string_view to_string(rsvp_status status);
std::optional<meetup_kind> parse_meetup_kind(std::string_view text);
std::optional<rsvp_status> parse_rsvp_status(std::string_view text);

// `YYYY-MM-DDTHH:MM`, exactly; impossible dates and times (2027-02-30, 24:00) are refused.
std::string format_local_minutes(local_minutes at);
std::optional<local_minutes> parse_local_minutes(std::string_view text);
// `YYYY-MM-DD`, exactly, a real calendar date.
std::string format_local_date(date::year_month_day day);
std::optional<date::year_month_day> parse_local_date(std::string_view text);

// Weekly repetition: every 1 to 4 weeks, ending after `count` occurrences, on the last one on
// or before the local date `until`, or never.
struct meetup_repeat {
    int every_weeks = 1;
    std::optional<int> count;
    std::optional<date::year_month_day> until;

    bool operator==(const meetup_repeat&) const = default;
};

struct Meetup {
    MeetupId id;
    GroupId group;
    std::string title;
    std::string description;
    meetup_kind kind = meetup_kind::online;
    std::optional<std::string> location;
    std::optional<std::string> url;
    local_minutes start;                    // the first occurrence, local time in `timezone`
    std::string timezone = "Europe/London"; // an IANA name
    std::chrono::minutes duration{60};
    std::optional<meetup_repeat> repeat;  // none: a one-off
    std::optional<std::int64_t> capacity; // none: unlimited
    bool cancelled = false;               // the whole series
};

// One occurrence as meetups.list shows it to one viewer.
struct MeetupOccurrence {
    MeetupId meetup;
    GroupId group;
    std::string title;
    std::string description;
    meetup_kind kind = meetup_kind::online;
    std::optional<std::string> location;
    std::optional<std::string> url;
    local_minutes local_start; // the occurrence's identity
    timestamp starts_at;
    timestamp ends_at;
    std::string timezone;
    std::int64_t going = 0;
    std::int64_t waitlisted = 0;
    std::optional<std::int64_t> capacity;
    std::optional<rsvp_status> my_rsvp;
    std::optional<std::int64_t> my_position; // 1-based place on the waitlist
    bool cancelled = false;
};

namespace protocol {

inline constexpr std::size_t max_meetup_title = 120;
inline constexpr std::size_t max_meetup_description = 2000;
inline constexpr std::size_t max_meetup_location = 200;
inline constexpr std::size_t max_meetup_url = 500;
inline constexpr int max_meetup_duration_minutes = 24 * 60;
inline constexpr int max_repeat_every_weeks = 4;
inline constexpr int max_repeat_count = 100;
inline constexpr std::int64_t max_meetup_capacity = 10000;
// The most days one meetups.list may cover, from and to included.
inline constexpr int max_list_days = 732;
inline constexpr int default_list_days = 8 * 7;
inline constexpr std::string_view default_time_zone = "Europe/London";

struct meetups_create {
    GroupId group;
    std::string title;
    std::string description;
    meetup_kind kind = meetup_kind::online;
    std::optional<std::string> location;
    std::optional<std::string> url;
    local_minutes start;
    std::string timezone{default_time_zone};
    std::chrono::minutes duration{60};
    std::optional<meetup_repeat> repeat;
    std::optional<std::int64_t> capacity;
};

struct meetups_list {
    GroupId group;
    std::optional<date::year_month_day> from; // local dates, both included
    std::optional<date::year_month_day> to;
};

struct meetups_rsvp {
    MeetupId meetup;
    local_minutes occurrence;
    rsvp_status status = rsvp_status::going; // going or not_going; waitlisted is the server's
};

struct meetups_cancel {
    MeetupId meetup;
    std::optional<local_minutes> occurrence; // none: the whole series
};

struct calendar_key {
    bool rotate = false; // a new key; the old feed address stops working
};

std::optional<error> decode(const boost::json::object& params, meetups_create& out);
std::optional<error> decode(const boost::json::object& params, meetups_list& out);
std::optional<error> decode(const boost::json::object& params, meetups_rsvp& out);
std::optional<error> decode(const boost::json::object& params, meetups_cancel& out);
std::optional<error> decode(const boost::json::object& params, calendar_key& out);

// The Meetup object of PROTOCOL.md section 3.
boost::json::object to_json(const Meetup& meetup);
// One element of meetups.list's `occurrences`.
boost::json::object to_json(const MeetupOccurrence& occurrence);

} // namespace protocol
} // namespace carecircle
