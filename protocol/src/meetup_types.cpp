#include "carecircle/protocol/meetup_types.hpp"

namespace carecircle {
namespace {

// Reads `count` decimal digits at `at`; the fixed-width formats below have no signs or spaces.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

std::string two_digits(unsigned value) {
    return {static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
}

} // namespace

std::string_view to_string(meetup_kind kind) {
    return kind == meetup_kind::in_person ? "in_person" : "online";
}

std::string_view to_string(rsvp_status status) {
    switch (status) {
    case rsvp_status::going:
        return "going";
    case rsvp_status::waitlisted:
        return "waitlisted";
    case rsvp_status::not_going:
        return "not_going";
    }
    return "not_going";
}

std::optional<meetup_kind> parse_meetup_kind(std::string_view text) {
    if (text == "online") {
        return meetup_kind::online;
    }
    if (text == "in_person") {
        return meetup_kind::in_person;
    }
    return std::nullopt;
}

std::optional<rsvp_status> parse_rsvp_status(std::string_view text) {
    if (text == "going") {
        return rsvp_status::going;
    }
    if (text == "waitlisted") {
        return rsvp_status::waitlisted;
    }
    if (text == "not_going") {
        return rsvp_status::not_going;
    }
    return std::nullopt;
}

std::string format_local_date(date::year_month_day day) {
    const int year = static_cast<int>(day.year());
    std::string out = std::to_string(year);
    out.insert(0, out.size() < 4 ? 4 - out.size() : 0, '0');
    out += '-';
    out += two_digits(static_cast<unsigned>(day.month()));
    out += '-';
    out += two_digits(static_cast<unsigned>(day.day()));
    return out;
}

std::optional<date::year_month_day> parse_local_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const auto y = digits(text, 0, 4);
    const auto m = digits(text, 5, 2);
    const auto d = digits(text, 8, 2);
    if (!y || !m || !d) {
        return std::nullopt;
    }
    const date::year_month_day day{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                   date::day{static_cast<unsigned>(*d)}};
    if (!day.ok()) {
        return std::nullopt;
    }
    return day;
}

std::string format_local_minutes(local_minutes at) {
    const auto day = date::floor<date::days>(at);
    const auto time = date::hh_mm_ss<std::chrono::minutes>(at - day);
    return format_local_date(date::year_month_day{day}) + 'T' +
           two_digits(static_cast<unsigned>(time.hours().count())) + ':' +
           two_digits(static_cast<unsigned>(time.minutes().count()));
}

std::optional<local_minutes> parse_local_minutes(std::string_view text) {
    if (text.size() != 16 || text[10] != 'T' || text[13] != ':') {
        return std::nullopt;
    }
    const auto day = parse_local_date(text.substr(0, 10));
    const auto hour = digits(text, 11, 2);
    const auto minute = digits(text, 14, 2);
    if (!day || !hour || !minute || *hour > 23 || *minute > 59) {
        return std::nullopt;
    }
    return local_minutes{date::local_days{*day}} + std::chrono::hours{*hour} +
           std::chrono::minutes{*minute};
}

} // namespace carecircle
