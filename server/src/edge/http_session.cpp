#include "edge/http_session.hpp"

#include "crypto/security.hpp"
#include "edge/websocket_session.hpp"
#include "http/responses.hpp"
#include "http/router.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdint>

namespace carecircle::server {
namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// PROTOCOL.md section 3: an Origin that is present must be the server's own (scheme, host and
// port of the Host header, or the configured public URL) or one configured as allowed.
bool origin_allowed(const http_request& request, const options& opts, bool secure) {
    auto origin = request.find(http::field::origin);
    if (origin == request.end()) {
        return true;
    }
    const std::string_view value = origin->value();
    const std::string own =
        std::string(secure ? "https://" : "http://") + std::string(request[http::field::host]);
    if (value == own || (!opts.public_origin.empty() && value == opts.public_origin)) {
        return true;
    }
    for (const auto& allowed : opts.allowed_origins) {
        if (value == allowed) {
            return true;
        }
    }
    return false;
}

// Only a proxy on this machine is believed, and only when the operator said there is one;
// nginx appends the client's address last.
client_view view_of(const http_request& request, const std::string& peer, bool tls,
                    const options& opts) {
    client_view view{peer, tls};
    if (!opts.trust_proxy || !is_loopback_address(peer)) {
        return view;
    }
    if (auto forwarded = request.find("X-Forwarded-For"); forwarded != request.end()) {
        std::string_view chain = forwarded->value();
        const auto comma = chain.rfind(',');
        auto last = comma == std::string_view::npos ? chain : chain.substr(comma + 1);
        while (!last.empty() && last.front() == ' ') {
            last.remove_prefix(1);
        }
        if (!last.empty()) {
            view.address = std::string(last);
        }
    }
    if (auto proto = request.find("X-Forwarded-Proto"); proto != request.end()) {
        view.secure = proto->value() == "https";
    }
    return view;
}

} // namespace

static std::string remote_address_of(const net::ip::tcp::socket& socket) {
    beast::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string("unknown") : endpoint.address().to_string();
}

template <class Stream>
static Stream make_stream(net::ip::tcp::socket&& socket, net::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        return Stream(std::move(socket));
    } else {
        return Stream(std::move(socket), *tls);
    }
}

template <class Stream>
http_session<Stream>::http_session(application& app, net::ip::tcp::socket&& socket,
                                   net::ssl::context* tls, connection_slot slot)
    : app_(app), remote_address_(remote_address_of(socket)),
      stream_(make_stream<Stream>(std::move(socket), tls)), slot_(std::move(slot)) {}

template <class Stream> void http_session<Stream>::run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
        if constexpr (secure) {
            self->tcp().expires_after(self->app_.opts.handshake_timeout);
            self->stream_.async_handshake(
                net::ssl::stream_base::server,
                beast::bind_front_handler(&http_session::on_handshake, self));
        } else {
            self->do_read();
        }
    });
}

template <class Stream> void http_session<Stream>::on_handshake(beast::error_code ec) {
    if (ec) {
        return; // not TLS, an old protocol version, or a client that gave up
    }
    do_read();
}

template <class Stream> void http_session<Stream>::do_read() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(app_.opts.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(app_.opts.max_body_bytes);
    tcp().expires_after(app_.opts.handshake_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
}

template <class Stream> void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) {
        return shutdown();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
        http_request head;
        head.version(11);
        head.keep_alive(false);
        return write(
            error_response(head, make_error(error_code::too_large, "the request is too large")));
    }
    if (ec) {
        return; // timeout, reset or garbage: nothing worth answering
    }
    http_request request = parser_->release();
    const auto path = path_of(request.target());

    if (beast::websocket::is_upgrade(request)) {
        if (path != "/ws") {
            return write(
                error_response(request, make_error(error_code::not_found, "no such endpoint")));
        }
        return upgrade(std::move(request));
    }
    auto client = view_of(request, remote_address_, secure, app_.opts);
    route(endpoint_call{app_,
                        std::move(request),
                        std::move(client),
                        {},
                        [self = this->shared_from_this()](http_response response) {
                            net::post(self->stream_.get_executor(),
                                      [self, response = std::move(response)]() mutable {
                                          self->write(std::move(response));
                                      });
                        }});
}

template <class Stream> void http_session<Stream>::upgrade(http_request request) {
    if (!origin_allowed(request, app_.opts,
                        view_of(request, remote_address_, secure, app_.opts).secure)) {
        return write(error_response(
            request, make_error(error_code::forbidden, "this origin may not open a WebSocket")));
    }
    auto token = request_token(request);
    auto token_hash = token ? hash_token(*token) : std::string();
    auto user = token ? app_.hub.user_for_token(token_hash) : std::nullopt;
    if (!user) {
        return write(
            error_response(request, make_error(error_code::unauthorized, "sign in first")));
    }
    tcp().expires_never();
    std::make_shared<websocket_session<Stream>>(app_, std::move(stream_), *user,
                                                std::move(token_hash), std::move(slot_))
        ->run(std::move(request));
}

template <class Stream> void http_session<Stream>::write(http_response response) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    response.set(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    response.set(http::field::server, "carecircle");
    if constexpr (secure) {
        response.set(http::field::strict_transport_security, "max-age=31536000");
    }
    const bool keep_alive = response.keep_alive();
    pending_ = std::make_shared<http_response>(std::move(response));
    http::async_write(
        stream_, *pending_,
        beast::bind_front_handler(&http_session::on_write, this->shared_from_this(), keep_alive));
}

template <class Stream>
void http_session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    pending_.reset();
    if (ec) {
        return;
    }
    if (!keep_alive) {
        return shutdown();
    }
    do_read();
}

template <class Stream> void http_session<Stream>::shutdown() {
    if constexpr (secure) {
        tcp().expires_after(std::chrono::seconds(5));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
        beast::error_code ec;
        stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    }
}

template class http_session<beast::tcp_stream>;
template class http_session<beast::ssl_stream<beast::tcp_stream>>;

} // namespace carecircle::server
