// iCalendar text escaping and line folding (RFC 5545 sections 3.1 and 3.3.11): every output
// line is at most 75 octets, never splits a UTF-8 sequence, and an escaped value holds no bare
// newline, comma or semicolon.
#include "calendar/ics.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace carecircle::server;

namespace {

// Text reaches the writer from JSON, which Boost.JSON has already checked is UTF-8; only such
// input has sequences that folding must keep whole.
bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80           ? 1
                                   : (lead >> 5) == 0x6  ? 2
                                   : (lead >> 4) == 0xe  ? 3
                                   : (lead >> 3) == 0x1e ? 4
                                                         : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto escaped = ics::escape_text(input);
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        const char c = escaped[i];
        if (c == '\n' || c == '\r') {
            std::abort();
        }
        if ((c == ',' || c == ';') && (i == 0 || escaped[i - 1] != '\\')) {
            std::abort();
        }
    }
    if (!valid_utf8(input)) {
        (void)ics::fold("DESCRIPTION:" + escaped); // must still not crash
        return 0;
    }
    const auto folded = ics::fold("DESCRIPTION:" + escaped);
    std::size_t line_start = 0;
    while (line_start < folded.size()) {
        const auto end = folded.find("\r\n", line_start);
        const auto length = (end == std::string::npos ? folded.size() : end) - line_start;
        if (length > 75) {
            std::abort();
        }
        if (end == std::string::npos) {
            break;
        }
        // A continuation line must not begin inside a UTF-8 sequence (after its leading space).
        if (end + 3 < folded.size() &&
            (static_cast<unsigned char>(folded[end + 3]) & 0xc0) == 0x80) {
            std::abort();
        }
        line_start = end + 2;
    }
    return 0;
}
