#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace carecircle {

// The error codes of PROTOCOL.md section 2, shared by HTTP and WebSocket replies.
enum class error_code {
    bad_request,
    unauthorized,
    forbidden,
    not_found,
    conflict,
    too_large,
    rate_limited,
    internal,
    // 503 with Retry-After: the server is too busy for this now (protocol/README.md).
    unavailable,
};

std::string_view to_string(error_code code);
unsigned http_status(error_code code);

struct error {
    error_code code = error_code::internal;
    std::string message;
    std::optional<std::int64_t> retry_after_ms; // only with rate_limited and unavailable
};

inline error make_error(error_code code, std::string message) {
    return error{code, std::move(message), std::nullopt};
}

} // namespace carecircle
