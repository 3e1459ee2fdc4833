#include "transport/deferred_flushes.hpp"

#include <algorithm>

namespace carecircle::server {

// Flushes due within this much of the one that woke the timer go with it, so that members
// written to at nearly the same moment are served by one wake-up.
constexpr auto slack = std::chrono::milliseconds(1);

void deferred_flushes::at(clock::time_point due, std::function<void()> flush) {
    const std::scoped_lock lock(mutex_);
    if (!timer_) {
        return; // stopped
    }
    waiting_.emplace_back(due, std::move(flush));
    if (!armed_ || due < armed_for_) {
        arm(due);
    }
}

void deferred_flushes::stop() {
    std::vector<std::pair<clock::time_point, std::function<void()>>> dropped;
    {
        const std::scoped_lock lock(mutex_);
        dropped.swap(waiting_);
        timer_.reset();
        armed_ = false;
    }
    // The flushes hold sessions; they let go here, outside the lock.
}

void deferred_flushes::arm(clock::time_point due) {
    armed_ = true;
    armed_for_ = due;
    timer_->expires_at(due);
    timer_->async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            fire();
        }
    });
}

void deferred_flushes::fire() {
    std::vector<std::function<void()>> due_now;
    {
        const std::scoped_lock lock(mutex_);
        armed_ = false;
        const auto horizon = clock::now() + slack;
        const auto later = std::partition(waiting_.begin(), waiting_.end(),
                                          [&](const auto& w) { return w.first > horizon; });
        due_now.reserve(static_cast<std::size_t>(waiting_.end() - later));
        for (auto it = later; it != waiting_.end(); ++it) {
            due_now.push_back(std::move(it->second));
        }
        waiting_.erase(later, waiting_.end());
        if (!waiting_.empty() && timer_) {
            const auto next =
                std::min_element(waiting_.begin(), waiting_.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
            arm(next->first);
        }
    }
    for (auto& flush : due_now) {
        flush();
    }
}

} // namespace carecircle::server
