#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

namespace carecircle::server {

using steady_time = std::chrono::steady_clock::time_point;

// A token bucket: `rate` tokens a second up to `burst`. A rate of 0 means no limit.
class token_bucket {
public:
    // Takes one token, or says how long until one is available.
    std::optional<std::chrono::milliseconds> take(double rate, double burst, steady_time now);

private:
    double tokens_ = -1; // negative: not yet filled
    steady_time last_{};
};

// Events per key within a sliding window: failed sign-ins per username or address, and
// registrations per address. Over the limit, the key is locked until its oldest event expires.
class event_window {
public:
    event_window(std::size_t limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

    // How long the key stays locked out, if it is.
    std::optional<std::chrono::seconds> locked(const std::string& key, steady_time now);
    void record(const std::string& key, steady_time now);

private:
    void forget_old(std::deque<steady_time>& failures, steady_time now) const;

    std::size_t limit_;
    std::chrono::seconds window_;
    std::unordered_map<std::string, std::deque<steady_time>> failures_;
};

} // namespace carecircle::server
