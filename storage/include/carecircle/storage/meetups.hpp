#pragma once

#include "carecircle/protocol/meetup_types.hpp"

#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Meet-up series, their cancelled occurrences, RSVPs with the waitlist's order, reminders sent
// and the keys of personal calendar feeds. An occurrence is named by its local start.
namespace carecircle::storage {

struct meetup_record {
    Meetup meetup;
    UserId created_by;
    timestamp created_at;
    timestamp updated_at;                             // the last cancellation, or the creation
    std::vector<local_minutes> cancelled_occurrences; // ascending
    std::optional<std::string> cancel_reason;         // why the whole series was cancelled
    std::map<local_minutes, std::string> occurrence_reasons; // why a date was, when it was said
};

// Stores a new series (its id is ignored) and returns it with the id it got.
Meetup insert_meetup(SQLite::Database& db, Meetup meetup, UserId created_by, timestamp at);
std::optional<meetup_record> find_meetup(SQLite::Database& db, MeetupId id);
// A group's series, cancelled ones included, in the order they were created.
std::vector<meetup_record> load_group_meetups(SQLite::Database& db, GroupId group);
// Every series that is not cancelled as a whole, in every group.
std::vector<meetup_record> load_live_meetups(SQLite::Database& db);

// Both return false, and change nothing, when it was cancelled already.
bool cancel_series(SQLite::Database& db, MeetupId id, const std::optional<std::string>& reason,
                   timestamp at);
bool cancel_occurrence(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId by,
                       const std::optional<std::string>& reason, timestamp at);
bool occurrence_cancelled(SQLite::Database& db, MeetupId id, local_minutes occurrence);

struct rsvp_change {
    rsvp_status status = rsvp_status::not_going;
    std::optional<std::int64_t> position; // 1-based place on the waitlist, when waitlisted
    std::vector<UserId> promoted;         // moved from the waitlist to going by this change
    std::int64_t going = 0;               // counts after the change
    std::int64_t waitlisted = 0;
};

// Records that `user` is going or not going to one occurrence. Going when the occurrence is
// full (or others are already waiting) puts the user at the back of the waitlist; asking again
// keeps one's place. A going user who drops out frees a place for the first on the waitlist.
// Reads and writes together, so it must run inside the writer's transaction: two people
// racing for the last place are serialised there and never both get it.
rsvp_change set_rsvp(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId user,
                     rsvp_status wanted, std::optional<std::int64_t> capacity, timestamp at);

struct occurrence_counts {
    MeetupId meetup;
    local_minutes occurrence;
    std::int64_t going = 0;
    std::int64_t waitlisted = 0;
};

struct user_rsvp {
    MeetupId meetup;
    local_minutes occurrence;
    rsvp_status status = rsvp_status::not_going;
    std::optional<std::int64_t> position;
};

// RSVPs of the group's occurrences whose local date lies in [from, to].
std::vector<occurrence_counts> load_rsvp_counts(SQLite::Database& db, GroupId group,
                                                date::year_month_day from, date::year_month_day to);
std::vector<user_rsvp> load_user_rsvps(SQLite::Database& db, GroupId group, UserId user,
                                       date::year_month_day from, date::year_month_day to);
std::vector<UserId> load_going(SQLite::Database& db, MeetupId id, local_minutes occurrence);

struct promotion {
    MeetupId meetup;
    local_minutes occurrence;
    UserId user;
    std::string title;
};

// Someone leaving a group (or taken out of it) gives up their places and waitlist spots from
// `from` on; the places go to the next people waiting, who are returned to be told.
std::vector<promotion> withdraw_rsvps(SQLite::Database& db, GroupId group, UserId user,
                                      date::year_month_day from, timestamp at);

// True the first time for one person and occurrence, false ever after: a reminder is sent once.
bool claim_reminder(SQLite::Database& db, MeetupId id, local_minutes occurrence, UserId user,
                    timestamp at);

// Calendar feed keys are derived from the server's secret and a nonce, so the database keeps
// only the nonce (calendar.key shows the same address again: a calendar subscribed on one
// device keeps working) and the key's digest (to find whose feed a request asks for).
// A key issued before keys were derived is known by its digest alone; it keeps opening its feed
// until its owner rotates, though calendar.key can no longer show it and gives a derived one.
std::optional<std::string> calendar_key_nonce(SQLite::Database& db, UserId user);
// Sets the user's current key; `rotate` also retires a key from before keys were derived.
void store_calendar_key(SQLite::Database& db, UserId user, const std::string& nonce,
                        std::string_view key, bool rotate, timestamp at);
std::optional<UserId> user_for_calendar_key(SQLite::Database& db, std::string_view key);

} // namespace carecircle::storage
