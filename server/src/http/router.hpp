#pragma once

#include "http/endpoint.hpp"

namespace carecircle::server {

// Answers every HTTP request that is not a WebSocket upgrade: each path the server knows is in
// one table in router.cpp; anything else under /api/ is a JSON 404, and the rest is the web
// client's static files.
void route(endpoint_call&& call);

} // namespace carecircle::server
