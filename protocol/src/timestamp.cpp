// date::parse trips a false "may be used uninitialized" inside <chrono> under g++ 12 at -O2,
// reported at the template's own location, so it is silenced for this one small file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "carecircle/protocol/types.hpp"

#include <date/date.h>
#include <regex>
#include <sstream>

namespace carecircle {

std::string format_timestamp(timestamp at) {
    return date::format("%FT%TZ", at);
}

std::optional<timestamp> parse_timestamp(std::string_view text) {
    // date::parse turns some malformed seconds (e.g. "00000:") into NaN before it fails, so the
    // shape is checked first and date::parse only judges the values.
    static const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z)");
    if (!std::regex_match(text.begin(), text.end(), shape)) {
        return std::nullopt;
    }
    std::istringstream in{std::string(text)};
    timestamp at;
    in >> date::parse("%FT%TZ", at);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
        return std::nullopt;
    }
    return at;
}

} // namespace carecircle
