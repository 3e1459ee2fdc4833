#include "hub/limits.hpp"

namespace carecircle::server {
namespace {

std::optional<event_window> registration_window(std::size_t per_hour) {
    if (per_hour == 0) {
        return std::nullopt;
    }
    return event_window{per_hour, std::chrono::hours(1)};
}

} // namespace

limits::limits(const options& opts)
    : send_{opts.send_rate, opts.send_burst}, connection_reads_{opts.request_rate,
                                                                opts.request_burst},
      // A person may have the app open on a phone and a laptop at once.
      user_reads_{2 * opts.request_rate, 2 * opts.request_burst}, creates_{opts.create_rate,
                                                                           opts.create_burst},
      login_failures_by_name_{opts.login_failures_per_user, opts.login_window},
      login_failures_by_address_{opts.login_failures_per_address, opts.login_window},
      registrations_by_address_{registration_window(opts.registrations_per_address)} {}

std::optional<std::chrono::milliseconds> limits::take_request(std::uintptr_t connection_key,
                                                              UserId user, request_cost cost) {
    if (cost == request_cost::send) {
        return take_send_token(user);
    }
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    // The connection's own budget goes first, so one greedy tab is refused before it spends
    // what the person's other devices share.
    if (auto wait = by_connection_[connection_key].reads.take(connection_reads_.per_second,
                                                              connection_reads_.burst, now)) {
        return wait;
    }
    auto& mine = by_user_[user];
    if (auto wait = mine.reads.take(user_reads_.per_second, user_reads_.burst, now)) {
        return wait;
    }
    if (cost == request_cost::create) {
        return mine.creates.take(creates_.per_second, creates_.burst, now);
    }
    return std::nullopt;
}

void limits::forget_connection(std::uintptr_t connection_key) {
    std::lock_guard lock(mutex_);
    by_connection_.erase(connection_key);
}

std::optional<std::chrono::milliseconds> limits::take_send_token(UserId user) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    return send_buckets_[user].take(send_.per_second, send_.burst, now);
}

std::optional<std::chrono::seconds> limits::login_locked(const std::string& username,
                                                         const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto by_name = login_failures_by_name_.locked(username, now);
    auto by_address = login_failures_by_address_.locked(address, now);
    if (by_name && by_address) {
        return std::max(*by_name, *by_address);
    }
    return by_name ? by_name : by_address;
}

void limits::login_failed(const std::string& username, const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    login_failures_by_name_.record(username, now);
    login_failures_by_address_.record(address, now);
}

std::optional<std::chrono::seconds> limits::take_registration(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (!registrations_by_address_) {
        return std::nullopt;
    }
    if (auto wait = registrations_by_address_->locked(address, now)) {
        return wait;
    }
    registrations_by_address_->record(address, now);
    return std::nullopt;
}

} // namespace carecircle::server
