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

// "Wed 13 Jan 2027 at 16:00"
std::string spoken_time(local_minutes at) {
    return spoken_date(at) + " at " + clock_time(at);
}

std::string weekday_name(local_minutes at) {
    static constexpr std::array<std::string_view, 7> names{
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    return std::string(names[date::weekday{date::floor<date::days>(at)}.c_encoding()]);
}

std::string quoted(const std::string& title) {
    return "\xE2\x80\x9C" + title + "\xE2\x80\x9D";
}

} // namespace

std::string created_text(const Meetup& m) {
    std::string text = "New meet-up: " + quoted(m.title) + ", ";
    if (m.repeat) {
        text += m.repeat->every_weeks == 1
                    ? std::string("every week")
                    : "every " + std::to_string(m.repeat->every_weeks) + " weeks";
        text += " on " + weekday_name(m.start) + " at " + clock_time(m.start) + " (" + m.timezone +
                "), from " + spoken_date(m.start);
        if (m.repeat->count) {
            text += ", " + std::to_string(*m.repeat->count) + " times";
        } else if (m.repeat->until) {
            text += " until " + format_local_date(*m.repeat->until);
        }
    } else {
        text += spoken_time(m.start) + " (" + m.timezone + ")";
    }
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

std::string cancelled_text(const Meetup& m, std::optional<local_minutes> occurrence) {
    if (occurrence) {
        return "Cancelled: " + quoted(m.title) + " on " + spoken_time(*occurrence) + '.';
    }
    return "Cancelled: the meet-up " + quoted(m.title) +
           (m.repeat ? std::string(", every occurrence.") : std::string("."));
}

} // namespace carecircle::server
