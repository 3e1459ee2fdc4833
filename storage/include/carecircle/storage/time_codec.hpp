#pragma once

#include "carecircle/protocol/types.hpp"

#include <cstdint>

namespace carecircle::storage {

// Times are stored as integer milliseconds since the Unix epoch (UTC).
inline std::int64_t to_db(timestamp at) {
    return at.time_since_epoch().count();
}
inline timestamp timestamp_from_db(std::int64_t millis) {
    return timestamp{std::chrono::milliseconds{millis}};
}
timestamp now();

} // namespace carecircle::storage
