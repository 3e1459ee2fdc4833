#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>

namespace carecircle::server {

namespace http = boost::beast::http;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
// Safe to call from any thread, exactly once.
using responder = std::function<void(http_response)>;

// The token of a request: the `cc_session` cookie or an `Authorization: Bearer` header.
std::optional<std::string> request_token(const http_request& request);

bool is_loopback_address(const std::string& address);

} // namespace carecircle::server
