#include "carecircle/storage/time_codec.hpp"

namespace carecircle::storage {

timestamp now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

} // namespace carecircle::storage
