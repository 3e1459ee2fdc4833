#pragma once

// Meet-ups (PROTOCOL.md section 3, "Meetups"): the value types and the wire forms of local
// dates and times. Times of day are local wall-clock times in the meetup's time zone; turning
// them into instants needs the tz database, which lives in the server.

#include "carecircle/protocol/ids.hpp"
#include "carecircle/protocol/types.hpp"

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
    std::optional<std::string> cancel_reason;
    // The series this date belongs to, as an edit form needs it.
    local_minutes series_start;
    std::chrono::minutes duration{60};
    std::optional<meetup_repeat> repeat;
    bool can_manage = false; // the viewer may edit or cancel it and see who is coming
};

} // namespace carecircle
