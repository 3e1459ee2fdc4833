#pragma once

#include "application.hpp"
#include "http_types.hpp"

namespace carecircle::server {

// Answers /healthz and /api/* (PROTOCOL.md section 2). `secure` says the request came over TLS,
// which adds `Secure` to the session cookie.
void handle_api(application& app, http_request request, std::string remote_address, bool secure,
                responder respond);

http_response json_response(const http_request& request, http::status status, std::string body);
http_response error_response(const http_request& request, const error& problem);

} // namespace carecircle::server
