#pragma once

#include "carecircle/protocol/meetup_types.hpp"

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

// What happens to a meet-up series after it was made: who is coming to one date, and editing
// the series (its answers follow its dates; its places shrink or grow).
namespace carecircle::storage {

struct attendee_lists {
    std::vector<UserId> going;      // in the order they said so
    std::vector<UserId> waitlisted; // in waitlist order
};
attendee_lists load_attendees(SQLite::Database& db, MeetupId id, local_minutes occurrence);

// Everyone going or waiting for some date of the series on or after the local date `from`,
// each once.
std::vector<UserId> load_answered(SQLite::Database& db, MeetupId id, date::year_month_day from);

// Stores the series' new title, description, place, times, repetition and places; its group,
// organiser and cancellation stay as they were.
void update_meetup(SQLite::Database& db, const Meetup& meetup, timestamp at);

// When a series moves in time, its answers and cancelled dates move with it: a date's answers
// and cancellation go to the date `shift` later. Reminders already sent are forgotten, so the
// new time is reminded of.
void shift_occurrences(SQLite::Database& db, MeetupId id, std::chrono::minutes shift);

struct demotion {
    local_minutes occurrence;
    UserId user;
    std::int64_t position = 0; // on the waitlist, 1-based
};
struct place_changes {
    std::vector<demotion> demoted;
    std::vector<std::pair<local_minutes, UserId>> promoted;
    // The dates whose counts changed, with their new counts.
    std::vector<std::pair<local_minutes, std::pair<std::int64_t, std::int64_t>>> counts;
};

// Fits the dates on or after the local date `from` to `capacity` places: when fewer places
// than people going, the latest to have said so go to the front of the waitlist, in the order
// they said so; when more, the first waiting take the free places.
place_changes fit_places(SQLite::Database& db, MeetupId id, std::optional<std::int64_t> capacity,
                         date::year_month_day from, timestamp at);

} // namespace carecircle::storage
