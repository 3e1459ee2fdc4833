// The wording of the system messages that tell a group about its meet-ups.
#include "handlers/meetup_announcements.hpp"

#include <array>
#include <string_view>

namespace carecircle::server {

namespace {

// "Wed 13 Jan 2027"
std::string spoken_date(local_minutes at) {
    static constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed",
                                                              "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = date::floor<date::days>(at);
    const date::year_month_day ymd{day};
    return std::string(weekdays[date::weekday{day}.c_encoding()]) + ' ' +
           std::to_string(static_cast<unsigned>(ymd.day())) + ' ' +
           std::string(months[static_cast<unsigned>(ymd.month()) - 1]) + ' ' +
           std::to_string(static_cast<int>(ymd.year()));
}

// "16:00"
std::string clock_time(local_minutes at) {
    return format_local_minutes(at).substr(11);
}

std::string weekday_name(local_minutes at) {
    static constexpr std::array<std::string_view, 7> names{
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    return std::string(names[date::weekday{date::floor<date::days>(at)}.c_encoding()]);
}

std::string quoted(const std::string& title) {
    return "\xE2\x80\x9C" + title + "\xE2\x80\x9D";
}

// "on Sat 12 Dec 2026 at 16:00 (Europe/London)" for a one-off; for a series its rhythm, first
// date and end: "every 2 weeks on Wednesday at 16:00 (Europe/London), from Wed 13 Jan 2027".
std::string when_text(const Meetup& m) {
    if (!m.repeat) {
        return "on " + spoken_time(m.start) + " (" + m.timezone + ")";
    }
    std::string text = m.repeat->every_weeks == 1
                           ? std::string("every week")
                           : "every " + std::to_string(m.repeat->every_weeks) + " weeks";
    text += " on " + weekday_name(m.start) + " at " + clock_time(m.start) + " (" + m.timezone +
            "), from " + spoken_date(m.start);
    if (m.repeat->count) {
        text += ", " + std::to_string(*m.repeat->count) + " times";
    } else if (m.repeat->until) {
        text += " until " + format_local_date(*m.repeat->until);
    }
    return text;
}

// ", at the venue." or ", online." and the number of places.
std::string where_text(const Meetup& m) {
    std::string text;
    if (m.location) {
        text += ", at " + *m.location;
    } else if (m.kind == meetup_kind::online) {
        text += ", online";
    }
    text += '.';
    if (m.capacity) {
        text += ' ' + std::to_string(*m.capacity) + (*m.capacity == 1 ? " place." : " places.");
    }
    return text;
}

} // namespace

std::string spoken_time(local_minutes at) {
    return spoken_date(at) + " at " + clock_time(at);
}

std::string created_text(const Meetup& m) {
    // A series reads "“Title”, every 2 weeks on ..."; a one-off "“Title” on Sat 12 Dec ...".
    return "New meet-up: " + quoted(m.title) + (m.repeat ? ", " : " ") + when_text(m) +
           where_text(m);
}

std::string edited_text(const Meetup& m) {
    return "Changed: " + quoted(m.title) + " is now " + when_text(m) + where_text(m);
}

std::string cancelled_text(const Meetup& m, std::optional<local_minutes> occurrence,
                           const std::optional<std::string>& reason) {
    std::string text =
        occurrence ? "Cancelled: " + quoted(m.title) + " on " + spoken_time(*occurrence) + '.'
                   : "Cancelled: the meet-up " + quoted(m.title) +
                         (m.repeat ? std::string(", every occurrence.") : std::string("."));
    if (reason) {
        text += " Reason: " + *reason;
    }
    return text;
}

} // namespace carecircle::server
