#include "calendar/recurrence.hpp"

#include <algorithm>
#include <stdexcept>

namespace carecircle::server {
namespace {

// A series as arithmetic on local days: occurrence k falls on first_day + k * step_days at the
// same time of day, for k = 0 .. last_index.
struct schedule {
    date::local_days first_day;
    long long step_days = 0; // 0: a one-off
    std::optional<long long> last_index;
};

schedule schedule_of(const Meetup& meetup) {
    schedule s;
    s.first_day = date::floor<date::days>(meetup.start);
    if (!meetup.repeat) {
        s.last_index = 0;
        return s;
    }
    s.step_days = 7LL * meetup.repeat->every_weeks;
    if (meetup.repeat->count) {
        s.last_index = *meetup.repeat->count - 1;
    } else if (meetup.repeat->until) {
        const long long span = (date::local_days{*meetup.repeat->until} - s.first_day).count();
        s.last_index = span < 0 ? -1 : span / s.step_days;
    }
    return s;
}

long long ceil_div(long long a, long long b) {
    return a / b + (a % b != 0 ? 1 : 0);
}

std::string describe(local_minutes at) {
    return format_local_minutes(at);
}

const date::time_zone& zone_of(const Meetup& meetup) {
    const auto* zone = find_time_zone(meetup.timezone);
    if (zone == nullptr) {
        throw std::runtime_error("unknown time zone " + meetup.timezone);
    }
    return *zone;
}

} // namespace

const date::time_zone* find_time_zone(std::string_view name) {
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        return nullptr;
    }
}

std::optional<error> check_series(const Meetup& meetup) {
    const auto* zone = find_time_zone(meetup.timezone);
    if (zone == nullptr) {
        return make_error(error_code::bad_request, "unknown time zone: " + meetup.timezone);
    }
    const auto info = zone->get_info(meetup.start);
    if (info.result == date::local_info::nonexistent) {
        return make_error(error_code::bad_request,
                          describe(meetup.start) + " does not exist in " + meetup.timezone +
                              ": the clocks go forward then; choose another time");
    }
    if (info.result == date::local_info::ambiguous) {
        return make_error(error_code::bad_request,
                          describe(meetup.start) + " happens twice in " + meetup.timezone +
                              ": the clocks go back then; choose another time");
    }
    return std::nullopt;
}

timestamp to_instant(const date::time_zone& zone, local_minutes at) {
    // local_info's `first` is the only offset for a unique time, the offset before the gap for
    // a skipped one and the earlier of the two for a repeated one: RFC 5545's rule in each case.
    const auto info = zone.get_info(at);
    const date::sys_seconds instant{at.time_since_epoch() - info.first.offset};
    return std::chrono::time_point_cast<std::chrono::milliseconds>(instant);
}

std::vector<occurrence> expand(const Meetup& meetup, date::year_month_day from,
                               date::year_month_day to) {
    std::vector<occurrence> out;
    const auto s = schedule_of(meetup);
    const long long low = (date::local_days{from} - s.first_day).count();
    const long long high = (date::local_days{to} - s.first_day).count();
    if (high < low || high < 0) {
        return out;
    }
    long long first = 0;
    long long last = 0;
    if (s.step_days == 0) {
        if (low > 0) {
            return out;
        }
    } else {
        first = low <= 0 ? 0 : ceil_div(low, s.step_days);
        last = high / s.step_days;
    }
    if (s.last_index) {
        last = std::min(last, *s.last_index);
    }
    const auto& zone = zone_of(meetup);
    for (long long k = first; k <= last; ++k) {
        const local_minutes local_start =
            meetup.start + date::days{static_cast<int>(k * s.step_days)};
        const auto starts_at = to_instant(zone, local_start);
        out.push_back(occurrence{local_start, starts_at, starts_at + meetup.duration});
    }
    return out;
}

bool is_occurrence(const Meetup& meetup, local_minutes at) {
    const auto s = schedule_of(meetup);
    const auto day = date::floor<date::days>(at);
    if (at - day != meetup.start - s.first_day) {
        return false;
    }
    const long long offset = (day - s.first_day).count();
    if (offset < 0) {
        return false;
    }
    if (s.step_days == 0) {
        return offset == 0;
    }
    if (offset % s.step_days != 0) {
        return false;
    }
    return !s.last_index || offset / s.step_days <= *s.last_index;
}

std::optional<local_minutes> last_occurrence(const Meetup& meetup) {
    const auto s = schedule_of(meetup);
    if (!s.last_index) {
        return std::nullopt;
    }
    const long long last = std::max(0LL, *s.last_index);
    return meetup.start + date::days{static_cast<int>(last * s.step_days)};
}

date::year_month_day local_date(const date::time_zone& zone, timestamp now) {
    return date::year_month_day{date::floor<date::days>(zone.to_local(now))};
}

} // namespace carecircle::server
