#include "http_session.hpp"

#include "http_api.hpp"
#include "security.hpp"
#include "static_files.hpp"
#include "websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace carecircle::server {
namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// PROTOCOL.md section 3: an Origin that is present must be the server's own (scheme, host and
// port of the Host header) or one configured as allowed.
bool origin_allowed(const http_request& request, const options& opts, bool secure) {
    auto origin = request.find(http::field::origin);
    if (origin == request.end()) {
        return true;
    }
    const std::string_view value = origin->value();
    const std::string own = std::string(secure ? "https://" : "http://") +
                            std::string(request[http::field::host]);
    if (value == own) {
        return true;
    }
    for (const auto& allowed : opts.allowed_origins) {
        if (value == allowed) {
            return true;
        }
    }
    return false;
}

} // namespace

http_session::http_session(application& app, net::ip::tcp::socket&& socket)
    : app_(app), stream_(std::move(socket)) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    remote_address_ = ec ? std::string("unknown") : endpoint.address().to_string();
}

void http_session::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(app_.opts.max_body_bytes);
    stream_.expires_after(app_.opts.handshake_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) {
        return shutdown();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
        http_request head;
        head.version(11);
        head.keep_alive(false);
        return write(error_response(
            head, make_error(error_code::too_large, "the request is too large")));
    }
    if (ec) {
        return; // timeout, reset or garbage: nothing worth answering
    }
    http_request request = parser_->release();
    const auto path = path_of(request.target());

    if (beast::websocket::is_upgrade(request)) {
        if (path != "/ws") {
            return write(error_response(request, make_error(error_code::not_found, "no such endpoint")));
        }
        return upgrade(std::move(request));
    }
    if (path == "/ws") {
        return write(error_response(
            request, make_error(error_code::bad_request, "this endpoint takes a WebSocket upgrade")));
    }
    if (path == "/healthz" || path.substr(0, 5) == "/api/") {
        auto self = shared_from_this();
        return handle_api(app_, std::move(request), remote_address_, false,
                          [self](http_response response) {
                              net::post(self->stream_.get_executor(),
                                        [self, response = std::move(response)]() mutable {
                                            self->write(std::move(response));
                                        });
                          });
    }
    write(serve_static(app_.opts.web_root, request));
}

void http_session::upgrade(http_request request) {
    if (!origin_allowed(request, app_.opts, false)) {
        return write(error_response(request, make_error(error_code::forbidden,
                                                        "this origin may not open a WebSocket")));
    }
    auto token = request_token(request);
    auto token_hash = token ? hash_token(*token) : std::string();
    auto user = token ? app_.state.user_for_token(token_hash) : std::nullopt;
    if (!user) {
        return write(error_response(request, make_error(error_code::unauthorized, "sign in first")));
    }
    std::make_shared<websocket_session>(app_, std::move(stream_), *user, std::move(token_hash))
        ->run(std::move(request));
}

void http_session::write(http_response response) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                 "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    response.set(http::field::server, "carecircle");
    const bool keep_alive = response.keep_alive();
    pending_ = std::make_shared<http_response>(std::move(response));
    http::async_write(stream_, *pending_,
                      beast::bind_front_handler(&http_session::on_write, shared_from_this(),
                                                keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    pending_.reset();
    if (ec) {
        return;
    }
    if (!keep_alive) {
        return shutdown();
    }
    do_read();
}

void http_session::shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

} // namespace carecircle::server
