// iCalendar text escaping and line folding (RFC 5545 sections 3.1 and 3.3.11): every output
// line is at most 75 octets, never splits a UTF-8 sequence, and an escaped value holds no bare
// newline, comma or semicolon.
#include "ics.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace carecircle::server;

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
