#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Field rules of PROTOCOL.md sections 2 and 3. Each check returns nothing when the value is
// acceptable and otherwise a message fit to show the person who typed it.
namespace carecircle::validation {

// Lengths are counted in Unicode code points. The input must be valid UTF-8 (Boost.JSON
// refuses anything else before a value reaches here).
std::size_t code_points(std::string_view utf8);

// Strips ASCII whitespace from both ends.
std::string_view trim(std::string_view text);

// Usernames compare case-insensitively and are stored lower-case.
std::string normalise_username(std::string_view username);

std::optional<std::string> check_username(std::string_view username);
std::optional<std::string> check_display_name(std::string_view display_name);
std::optional<std::string> check_password(std::string_view password);
std::optional<std::string> check_message_text(std::string_view text);
// Control characters: C0, DEL and C1 (U+0080..U+009F, encoded as C2 80..C2 9F). Free text
// that may run over several lines (a meet-up's description) lets tab and line breaks through.
enum class line_breaks { refused, allowed };
bool has_control_characters(std::string_view text, line_breaks breaks = line_breaks::refused);

// Names, regions and descriptions of groups: no control characters, bounded length.
std::optional<std::string> check_label(std::string_view field, std::string_view text,
                                       std::size_t min_length, std::size_t max_length);

// The first `max` code points of `text`, ending in "…" when anything was cut; never splits a
// code point.
std::string excerpt(std::string_view text, std::size_t max);

inline constexpr std::size_t max_message_code_points = 4000;

} // namespace carecircle::validation
