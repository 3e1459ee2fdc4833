#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace carecircle::protocol {

// How much of a message a list shows beside a group's name.
inline constexpr std::size_t excerpt_code_points = 80;

// The start of `text` on one line: runs of white space (line breaks included) become one
// space, and a text longer than `max_code_points` is cut, with "…" after it, at a code-point
// boundary that does not part a letter from its accents, an emoji from its modifiers or the
// two halves of a flag. Invalid UTF-8 bytes are kept as they are, one at a time.
std::string excerpt(std::string_view text, std::size_t max_code_points = excerpt_code_points);

} // namespace carecircle::protocol
