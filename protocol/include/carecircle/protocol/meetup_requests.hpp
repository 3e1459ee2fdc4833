#pragma once

// The requests of meetups.* and calendar.key (PROTOCOL.md section 3, "Meetups") decoded from
// their params, and meet-ups encoded as the replies show them.

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/ids.hpp"
#include "carecircle/protocol/meetup_types.hpp"

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <date/date.h>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle::protocol {

inline constexpr std::size_t max_meetup_title = 120;
inline constexpr std::size_t max_meetup_description = 2000;
inline constexpr std::size_t max_meetup_location = 200;
inline constexpr std::size_t max_meetup_url = 500;
inline constexpr int max_meetup_duration_minutes = 24 * 60;
inline constexpr int max_repeat_every_weeks = 4;
inline constexpr int max_repeat_count = 100;
inline constexpr std::int64_t max_meetup_capacity = 10000;
inline constexpr std::size_t max_cancel_reason = 500;
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
    std::optional<std::string> reason;       // trimmed; none when only spaces were sent
};

struct meetups_attendees {
    MeetupId meetup;
    local_minutes occurrence;
};

// The fields of meetups.create that an edit may change, as sent; each is checked by the same
// rules once merged with the series as it stands (apply_edit).
struct meetups_edit {
    MeetupId meetup;
    boost::json::object changes;
};

struct calendar_key {
    bool rotate = false; // a new key; the old feed address stops working
};

std::optional<error> decode(const boost::json::object& params, meetups_create& out);
std::optional<error> decode(const boost::json::object& params, meetups_list& out);
std::optional<error> decode(const boost::json::object& params, meetups_rsvp& out);
std::optional<error> decode(const boost::json::object& params, meetups_cancel& out);
std::optional<error> decode(const boost::json::object& params, meetups_attendees& out);
std::optional<error> decode(const boost::json::object& params, meetups_edit& out);
std::optional<error> decode(const boost::json::object& params, calendar_key& out);

// The series `current` with the edit's changes, checked as meetups.create checks a new one; it
// keeps its id, group and cancellation.
std::optional<error> apply_edit(const Meetup& current, const meetups_edit& edit, Meetup& out);

// The Meetup object of PROTOCOL.md section 3.
boost::json::object to_json(const Meetup& meetup);
// One element of meetups.list's `occurrences`.
boost::json::object to_json(const MeetupOccurrence& occurrence);

} // namespace carecircle::protocol
