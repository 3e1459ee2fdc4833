#pragma once

#include "app/application.hpp"
#include "http/http_types.hpp"

#include <string>
#include <vector>

namespace carecircle::server {

// Who is really asking, and over what: the socket's peer, or the client a trusted proxy on
// this machine speaks for.
struct client_view {
    std::string address;
    bool secure = false; // over TLS, here or at the proxy
};

// One HTTP request on its way to an endpoint, with what the router matched.
struct endpoint_call {
    application& app;
    http_request request;
    client_view client;
    std::vector<std::string> captures; // the `{...}` segments of the route, percent-decoded
    responder respond;
};

// Every endpoint answers through `call.respond`, possibly later and from another thread.
using endpoint_handler = void (*)(endpoint_call&& call);

} // namespace carecircle::server
