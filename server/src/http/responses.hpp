#pragma once

#include "carecircle/protocol/errors.hpp"
#include "http/http_types.hpp"

#include <optional>
#include <string>

namespace carecircle::server {

// A JSON answer that no cache keeps.
http_response json_response(const http_request& request, http::status status, std::string body);
// PROTOCOL.md section 2's error body, with the status that belongs to its code.
http_response error_response(const http_request& request, const error& problem);
// A rate_limited answer with `Retry-After` in seconds, as HTTP clients expect.
http_response retry_later(const http_request& request, error_code code, std::string message,
                          std::chrono::seconds wait);

// The token of a request: the `cc_session` cookie or an `Authorization: Bearer` header.
std::optional<std::string> request_token(const http_request& request);

bool is_loopback_address(const std::string& address);

} // namespace carecircle::server
