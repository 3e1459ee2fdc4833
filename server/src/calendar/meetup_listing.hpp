#pragma once

// What meetups.list shows one person (PROTOCOL.md section 3, "Meetups"): every occurrence of
// a group's series in a span of local dates, with its counts and the person's own answer.
// Pure: the records, counts and answers come in already read, and nothing here reads a clock.

#include "carecircle/protocol/meetup_types.hpp"
#include "carecircle/storage/meetups.hpp"

#include <date/date.h>
#include <optional>
#include <string>
#include <vector>

namespace carecircle::server {

// Whether that one occurrence of the series has been cancelled (the series as a whole aside).
bool is_cancelled(const storage::meetup_record& record, local_minutes occurrence);
// Why that occurrence is cancelled, when the organiser said: the series' reason when the whole
// series is, otherwise the date's own.
std::optional<std::string> cancel_reason(const storage::meetup_record& record,
                                         local_minutes occurrence);

// The occurrences whose local date lies in [from, to], ordered by when they start (and by
// series when two start together). Cancelled ones stay in the listing, marked cancelled. A
// series whose time zone the tz database no longer knows is left out.
std::vector<MeetupOccurrence> list_meetups(const std::vector<storage::meetup_record>& records,
                                           const std::vector<storage::occurrence_counts>& counts,
                                           const std::vector<storage::user_rsvp>& mine,
                                           date::year_month_day from, date::year_month_day to);

} // namespace carecircle::server
