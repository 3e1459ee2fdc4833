#pragma once

#include "app/application.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace carecircle::server {

// Accepts connections and gives each a strand and an HTTP session, over TLS when the options
// name a certificate.
class listener : public std::enable_shared_from_this<listener> {
public:
    // Binds and listens; throws with a clear message when the address cannot be had.
    listener(application& app, const boost::asio::ip::tcp::endpoint& endpoint);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void run();
    void stop();
    bool secure() const { return tls_ != nullptr; }
    // Reads the certificate and key again; connections already open keep the old ones.
    void reload_tls();

private:
    void do_accept();
    boost::asio::strand<boost::asio::io_context::executor_type> next_strand();

    application& app_;
    boost::asio::ip::tcp::acceptor acceptor_;
    // After a failed accept (typically out of file descriptors) the next one waits on this,
    // rather than failing again at once and spinning a thread.
    boost::asio::steady_timer accept_retry_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    // Connections take these strands in turn (see next_strand); used only from the acceptor's
    // strand.
    std::vector<boost::asio::strand<boost::asio::io_context::executor_type>> strands_;
    std::size_t next_strand_ = 0;
};

} // namespace carecircle::server
