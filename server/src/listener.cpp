#include "listener.hpp"

#include "http_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace carecircle::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(application& app, const tcp::endpoint& endpoint)
    : app_(app), acceptor_(net::make_strand(app.ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::run() { do_accept(); }

void listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
    });
}

void listener::do_accept() {
    acceptor_.async_accept(
        net::make_strand(app_.ioc),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) {
                return;
            }
            if (!ec) {
                // Chat frames are small and latency matters more than packet count.
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<http_session>(self->app_, std::move(socket))->run();
            }
            self->do_accept();
        });
}

} // namespace carecircle::server
