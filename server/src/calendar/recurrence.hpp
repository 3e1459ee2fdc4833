#pragma once

// Meet-up series expanded into occurrences with the system's tz database, so a series keeps its
// local wall-clock time across daylight-saving changes (16:00 stays 16:00 in Europe/London;
// the instant moves from 16:00Z in winter to 15:00Z in summer).
//
// Local times the clocks skip or repeat follow RFC 5545 section 3.3.5, as calendar programs
// reading our .ics feeds do, so the app and the calendar agree:
// - a time in the spring-forward gap (01:30 on 28 March 2027 in Europe/London) is taken with
//   the offset in force before the gap: 01:30 GMT, i.e. 02:30 BST, 01:30Z;
// - a time that happens twice (01:30 on 31 October 2027) is the first of the two: 01:30 BST,
//   00:30Z.
// Such an occurrence keeps its local start (its identity) as the series says, e.g.
// "2027-03-28T01:30". A new series may not *start* at such a time: check_series refuses it.

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/meetup_types.hpp"

#include <date/tz.h>
#include <optional>
#include <string_view>
#include <vector>

namespace carecircle::server {

struct occurrence {
    local_minutes local_start; // its identity within the series
    timestamp starts_at;
    timestamp ends_at;
};

// The zone of that IANA name in the system tz database, or nullptr when it has none.
const date::time_zone* find_time_zone(std::string_view name);

// What only the tz database can tell about a new series: the time zone exists, and the start
// exists exactly once in it. Every problem is a bad_request with a message for the organiser.
std::optional<error> check_series(const Meetup& meetup);

// The instant a local time in `zone` stands for, by the rule above.
timestamp to_instant(const date::time_zone& zone, local_minutes at);

// The series' occurrences whose local date lies in [from, to], ascending. Throws
// std::runtime_error when the series' time zone is unknown (check_series keeps such series out).
std::vector<occurrence> expand(const Meetup& meetup, date::year_month_day from,
                               date::year_month_day to);

// Whether `at` is the local start of one of the series' occurrences.
bool is_occurrence(const Meetup& meetup, local_minutes at);

// The local start of the last occurrence, or nothing for a series without an end.
std::optional<local_minutes> last_occurrence(const Meetup& meetup);

// The date it is in `zone` at `now`.
date::year_month_day local_date(const date::time_zone& zone, timestamp now);

} // namespace carecircle::server
