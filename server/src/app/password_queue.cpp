#include "app/password_queue.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace carecircle::server {
namespace {

// One Argon2id hash with the parameters of crypto/security.cpp takes about this long on a small
// server; the estimate only sets Retry-After, never who is admitted.
constexpr std::chrono::milliseconds typical_hash{50};

} // namespace

password_queue::ticket::ticket(ticket&& other) noexcept
    : queue_(std::exchange(other.queue_, nullptr)) {}

password_queue::ticket& password_queue::ticket::operator=(ticket&& other) noexcept {
    if (this != &other) {
        if (queue_) {
            queue_->leave();
        }
        queue_ = std::exchange(other.queue_, nullptr);
    }
    return *this;
}

password_queue::ticket::~ticket() {
    if (queue_) {
        queue_->leave();
    }
}

password_queue::password_queue(std::size_t capacity) : capacity_(capacity) {}

std::optional<password_queue::ticket> password_queue::try_enter() {
    auto taken = taken_.load(std::memory_order_relaxed);
    do {
        if (taken >= capacity_) {
            return std::nullopt;
        }
    } while (!taken_.compare_exchange_weak(taken, taken + 1, std::memory_order_relaxed));
    return ticket(this);
}

std::chrono::seconds password_queue::retry_after() const {
    const auto drain = typical_hash * static_cast<std::int64_t>(capacity_);
    return std::max(std::chrono::seconds{1}, std::chrono::ceil<std::chrono::seconds>(drain));
}

void password_queue::leave() {
    taken_.fetch_sub(1, std::memory_order_relaxed);
}

} // namespace carecircle::server
