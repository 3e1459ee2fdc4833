#include "http/router.hpp"

#include "http/auth_endpoints.hpp"
#include "http/calendar_feed.hpp"
#include "http/ops_endpoints.hpp"
#include "http/responses.hpp"
#include "http/static_files.hpp"

#include <array>
#include <boost/url/parse.hpp>
#include <string_view>

namespace carecircle::server {
namespace {

enum class methods { get, get_or_head, post, any };

void upgrade_required(endpoint_call&& call) {
    call.respond(
        error_response(call.request, make_error(error_code::bad_request,
                                                "this endpoint takes a WebSocket upgrade")));
}

struct route_entry {
    methods allowed;
    // `{}` matches any one path segment, which is captured.
    std::string_view path;
    endpoint_handler run;
};

// Every path the server answers itself, in one place.
const std::array routes{
    route_entry{methods::get_or_head, "/healthz", health_check},
    route_entry{methods::get_or_head, "/readyz", readiness_check},
    route_entry{methods::get, "/metrics", metrics_page},
    route_entry{methods::post, "/api/register", register_account},
    route_entry{methods::post, "/api/login", sign_in},
    route_entry{methods::post, "/api/logout", sign_out},
    route_entry{methods::get, "/api/me", who_am_i},
    route_entry{methods::get, "/api/calendar.ics", personal_calendar},
    route_entry{methods::get, "/api/groups/{}/meetups.ics", group_calendar},
    route_entry{methods::any, "/ws", upgrade_required},
};

bool allows(methods allowed, http::verb method) {
    switch (allowed) {
    case methods::get:
        return method == http::verb::get;
    case methods::get_or_head:
        return method == http::verb::get || method == http::verb::head;
    case methods::post:
        return method == http::verb::post;
    case methods::any:
        return true;
    }
    return false;
}

// The matched entry and its captures, or null.
const route_entry* match(const std::vector<std::string>& segments,
                         std::vector<std::string>& captures) {
    for (const auto& entry : routes) {
        captures.clear();
        std::string_view rest = entry.path.substr(1);
        auto segment = segments.begin();
        bool same = true;
        while (same && segment != segments.end() && !rest.empty()) {
            const auto slash = rest.find('/');
            const auto part = rest.substr(0, slash);
            rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
            if (part == "{}") {
                captures.push_back(*segment);
            } else {
                same = part == *segment;
            }
            ++segment;
        }
        if (same && segment == segments.end() && rest.empty()) {
            return &entry;
        }
    }
    return nullptr;
}

bool is_server_path(const std::vector<std::string>& segments) {
    if (segments.empty()) {
        return false;
    }
    const auto& first = segments.front();
    return first == "api" || first == "healthz" || first == "readyz" || first == "metrics" ||
           first == "ws";
}

} // namespace

void route(endpoint_call&& call) {
    std::vector<std::string> segments;
    if (auto target = boost::urls::parse_origin_form(call.request.target())) {
        for (const auto& segment : target->segments()) {
            segments.push_back(segment);
        }
    }
    if (const auto* entry = match(segments, call.captures);
        entry != nullptr && allows(entry->allowed, call.request.method())) {
        return entry->run(std::move(call));
    }
    if (is_server_path(segments)) {
        return call.respond(
            error_response(call.request, make_error(error_code::not_found, "no such endpoint")));
    }
    // The static file server reads the target itself: it refuses what would leave its root.
    call.respond(serve_static(call.app.opts.web_root, call.request));
}

} // namespace carecircle::server
