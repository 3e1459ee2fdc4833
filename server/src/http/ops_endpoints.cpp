#include "http/ops_endpoints.hpp"

#include "carecircle/storage/database.hpp"
#include "crypto/security.hpp"
#include "http/responses.hpp"

#include <boost/json/serialize.hpp>

namespace carecircle::server {
namespace json = boost::json;

void health_check(endpoint_call&& call) {
    call.respond(json_response(call.request, http::status::ok, R"({"status":"ok"})"));
}

void readiness_check(endpoint_call&& call) {
    // Through the writer, like every write, so a stuck writer shows as not ready.
    auto version = std::make_shared<int>(0);
    call.app.writer.submit(
        [version](SQLite::Database& db) { *version = storage::probe_writable(db); },
        [version, request = std::move(call.request),
         respond = std::move(call.respond)](const std::exception_ptr& failure) {
            const bool ready = !failure && *version == storage::latest_schema_version();
            json::object body{{"status", ready ? "ready" : "unavailable"},
                              {"schema_version", *version},
                              {"database_writable", !failure}};
            respond(json_response(request,
                                  ready ? http::status::ok : http::status::service_unavailable,
                                  json::serialize(body)));
        });
}

void metrics_page(endpoint_call&& call) {
    const auto& request = call.request;
    const auto& opts = call.app.opts;
    const auto token = request_token(request);
    const bool allowed =
        is_loopback_address(call.client.address) ||
        (token && !opts.metrics_token.empty() && same_secret(*token, opts.metrics_token));
    if (!allowed) {
        return call.respond(error_response(
            request, make_error(error_code::forbidden, "metrics are for the operator only")));
    }
    http_response response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = call.app.stats.render(call.app.writer.queue_depth());
    response.prepare_payload();
    call.respond(std::move(response));
}

} // namespace carecircle::server
