#pragma once

#include <cstddef>

namespace carecircle::protocol {

// Deeper JSON than this is refused before any handler sees it: no operation needs more than a
// few levels, and a deep document costs the parser stack and time. The server may set another.
inline constexpr std::size_t default_max_json_depth = 16;

} // namespace carecircle::protocol
