#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>

namespace carecircle::server {

namespace http = boost::beast::http;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
// Safe to call from any thread, exactly once.
using responder = std::function<void(http_response)>;

} // namespace carecircle::server
