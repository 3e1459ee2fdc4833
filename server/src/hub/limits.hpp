#pragma once

#include "carecircle/protocol/ids.hpp"
#include "hub/rate_limiter.hpp"
#include "settings/options.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace carecircle::server {

// What a WebSocket operation costs against the request budgets. Creating things (groups,
// meet-ups, reports) is rarer and heavier than reading, so it has a tighter budget of its own;
// sending a message draws on the send rate alone.
enum class request_cost { read, create, send };

// The limits that keep one client from wearing the service down for everyone else: request
// budgets per connection and per user, the send rate, sign-in lockouts and registrations per
// address. Apart from the hub so that the hub stays only shared state; one lock, held briefly.
class limits {
public:
    explicit limits(const options& opts);

    // Takes one request from the connection's and the user's budgets for `cost`, or says how
    // long until the client may ask again. `connection_key` names one live connection.
    std::optional<std::chrono::milliseconds> take_request(std::uintptr_t connection_key,
                                                          UserId user, request_cost cost);
    // A connection that closed gives its budget back to memory.
    void forget_connection(std::uintptr_t connection_key);

    // messages.send per user.
    std::optional<std::chrono::milliseconds> take_send_token(UserId user);

    // Sign-in failures per username and per address within the configured window.
    std::optional<std::chrono::seconds> login_locked(const std::string& username,
                                                     const std::string& address);
    void login_failed(const std::string& username, const std::string& address);

    // Counts a registration from `address`, or says how long until it may register again.
    std::optional<std::chrono::seconds> take_registration(const std::string& address);

private:
    struct rate {
        double per_second;
        double burst;
    };
    struct budgets {
        token_bucket reads;
        token_bucket creates;
    };

    const rate send_;
    const rate connection_reads_;
    const rate user_reads_;
    const rate creates_;

    std::mutex mutex_;
    std::unordered_map<std::uintptr_t, budgets> by_connection_;
    std::unordered_map<UserId, budgets> by_user_;
    std::unordered_map<UserId, token_bucket> send_buckets_;
    event_window login_failures_by_name_;
    event_window login_failures_by_address_;
    std::optional<event_window> registrations_by_address_;
};

} // namespace carecircle::server
