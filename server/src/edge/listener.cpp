#include "edge/listener.hpp"

#include "edge/http_session.hpp"
#include "settings/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace carecircle::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::shared_ptr<net::ssl::context> make_tls_context(const options& opts) {
    auto context = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    // TLS 1.2 with forward-secret AEAD suites only; TLS 1.3 suites are OpenSSL's defaults.
    SSL_CTX_set_cipher_list(context->native_handle(),
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    context->use_certificate_chain_file(opts.tls_certificate.string());
    context->use_private_key_file(opts.tls_private_key.string(), net::ssl::context::pem);
    return context;
}

// A place for this connection under max-connections-per-ip, or nothing when its address has
// used them all. A trusted proxy on loopback carries many clients, so it is not counted; the
// proxy limits its own clients.
std::optional<connection_slot> admit(application& app, const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) {
        return std::nullopt; // gone already
    }
    const auto address = peer.address();
    if (app.opts.trust_proxy && address.is_loopback()) {
        return connection_slot{};
    }
    auto slot = app.connections_per_address.admit(address);
    if (!slot) {
        app.stats.connections_refused.fetch_add(1, std::memory_order_relaxed);
        log::write(log::level::warn, "connection.refused",
                   {{"address", address.to_string()},
                    {"max_connections_per_ip", app.opts.max_connections_per_ip}});
    }
    return slot;
}

} // namespace

listener::listener(application& app, const tcp::endpoint& endpoint)
    : app_(app), acceptor_(net::make_strand(app.ioc)), accept_retry_(acceptor_.get_executor()) {
    if (!app.opts.tls_certificate.empty()) {
        tls_ = make_tls_context(app.opts);
    }
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::run() {
    do_accept();
}

void listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        self->accept_retry_.cancel();
    });
}

void listener::reload_tls() {
    if (!tls_) {
        return;
    }
    auto fresh = make_tls_context(app_.opts); // throws, keeping the old one, when unreadable
    net::post(acceptor_.get_executor(),
              [self = shared_from_this(), fresh = std::move(fresh)] { self->tls_ = fresh; });
}

// A strand of its own would cost each connection another allocation of about 0.1 KiB, kept
// for as long as it is open. With a handful of I/O threads, connections sharing one of many
// strands lose no parallelism: a strand only keeps its connections' handlers apart.
net::strand<net::io_context::executor_type> listener::next_strand() {
    constexpr std::size_t strand_count = 1024;
    if (strands_.size() < strand_count) {
        return strands_.emplace_back(net::make_strand(app_.ioc));
    }
    return strands_[next_strand_++ % strand_count];
}

void listener::do_accept() {
    acceptor_.async_accept(next_strand(), [self = shared_from_this()](boost::system::error_code ec,
                                                                      tcp::socket socket) {
        if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) {
            return;
        }
        if (ec) {
            // The connection stays in the backlog; try again once something may have closed.
            log::write(log::level::warn, "accept.failed", {{"reason", ec.message()}});
            self->accept_retry_.expires_after(std::chrono::milliseconds{100});
            self->accept_retry_.async_wait([self](boost::system::error_code wait_ec) {
                if (!wait_ec && self->acceptor_.is_open()) {
                    self->do_accept();
                }
            });
            return;
        }
        auto slot = admit(self->app_, socket);
        if (!slot) {
            // Closed before a byte is read: the cheapest answer to a flood.
            socket.close(ec);
            return self->do_accept();
        }
        // Chat frames are small and latency matters more than packet count.
        socket.set_option(tcp::no_delay(true), ec);
        if (self->tls_) {
            std::make_shared<tls_http_session>(self->app_, std::move(socket), self->tls_.get(),
                                               std::move(*slot))
                ->run();
        } else {
            std::make_shared<plain_http_session>(self->app_, std::move(socket), nullptr,
                                                 std::move(*slot))
                ->run();
        }
        self->do_accept();
    });
}

} // namespace carecircle::server
