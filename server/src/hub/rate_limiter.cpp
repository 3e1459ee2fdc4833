#include "hub/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace carecircle::server {

std::optional<std::chrono::milliseconds> token_bucket::take(double rate, double burst,
                                                            steady_time now) {
    if (rate <= 0) {
        return std::nullopt;
    }
    if (tokens_ < 0) {
        tokens_ = burst;
    } else {
        const std::chrono::duration<double> elapsed = now - last_;
        tokens_ = std::min(burst, tokens_ + elapsed.count() * rate);
    }
    last_ = now;
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return std::nullopt;
    }
    const double wait_seconds = (1.0 - tokens_) / rate;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_seconds * 1000)));
}

void event_window::forget_old(std::deque<steady_time>& failures, steady_time now) const {
    while (!failures.empty() && now - failures.front() >= window_) {
        failures.pop_front();
    }
}

std::optional<std::chrono::seconds> event_window::locked(const std::string& key, steady_time now) {
    auto it = failures_.find(key);
    if (it == failures_.end()) {
        return std::nullopt;
    }
    forget_old(it->second, now);
    if (it->second.size() < limit_) {
        if (it->second.empty()) {
            failures_.erase(it);
        }
        return std::nullopt;
    }
    // Locked until the oldest failure that keeps the count at the limit leaves the window.
    const auto until = it->second[it->second.size() - limit_] + window_;
    return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void event_window::record(const std::string& key, steady_time now) {
    auto& failures = failures_[key];
    forget_old(failures, now);
    failures.push_back(now);
}

} // namespace carecircle::server
