#pragma once

// An iCalendar (RFC 5545) writer for the meet-up feeds of PROTOCOL.md section 2: CRLF line
// ends, content lines folded at 75 octets without splitting a UTF-8 sequence, TEXT escaped,
// one VEVENT per series and a VTIMEZONE, built from the tz database, for each zone used.

#include "carecircle/protocol/meetup_types.hpp"

#include <date/tz.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carecircle::server::ics {

// TEXT escaping (RFC 5545 section 3.3.11): backslash, semicolon, comma and line breaks.
// Other control characters, which TEXT may not hold, are dropped.
std::string escape_text(std::string_view text);

// One content line (without its line end) as physical lines of at most 75 octets, each ended
// by CRLF; a continuation line starts with one space (RFC 5545 section 3.1).
std::string fold(std::string_view line);

// `20261211T160000`, a local date-time; `20261211T160000Z`, a UTC one.
std::string local_date_time(local_minutes at);
std::string utc_date_time(timestamp at);
// `+0100`, `-0500`, or `+053045` when the offset has seconds.
std::string utc_offset(std::chrono::seconds offset);

struct event {
    std::string uid; // stable across fetches, so calendars update rather than duplicate
    timestamp stamp; // DTSTAMP and LAST-MODIFIED: the last change of the series
    const date::time_zone* zone = nullptr;
    local_minutes start;
    std::chrono::minutes duration{60};
    std::optional<int> every_weeks; // RRULE:FREQ=WEEKLY;INTERVAL=n; none for a one-off
    std::optional<int> count;
    std::optional<timestamp> until; // UTC, as RFC 5545 requires with a DTSTART in a zone
    std::vector<local_minutes> exdates;
    std::string summary;
    std::string description;
    std::optional<std::string> location;
    std::optional<std::string> url;
    bool cancelled = false; // STATUS:CANCELLED: calendars show it struck out rather than drop it
    // The VTIMEZONE covers the years from the start's to this one.
    int last_year = 0;
};

struct calendar {
    std::string name; // X-WR-CALNAME and NAME, what a calendar program calls the feed
    std::vector<event> events;
};

// The VTIMEZONE of `zone` with every transition from the observance in force on 1 January of
// `first_year` to the end of `last_year`, as STANDARD and DAYLIGHT sub-components.
std::string vtimezone(const date::time_zone& zone, int first_year, int last_year);

// The whole VCALENDAR object.
std::string write(const calendar& cal);

} // namespace carecircle::server::ics
