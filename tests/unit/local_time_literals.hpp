#pragma once

// Local times and dates written as text in tests, so a test reads like the calendar it checks.
#include "carecircle/protocol/meetup_types.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace carecircle::test_support {

inline local_minutes at(std::string_view text) {
    auto parsed = parse_local_minutes(text);
    if (!parsed) {
        throw std::invalid_argument("bad local time in a test: " + std::string(text));
    }
    return *parsed;
}

inline date::year_month_day day(std::string_view text) {
    auto parsed = parse_local_date(text);
    if (!parsed) {
        throw std::invalid_argument("bad date in a test: " + std::string(text));
    }
    return *parsed;
}

} // namespace carecircle::test_support
