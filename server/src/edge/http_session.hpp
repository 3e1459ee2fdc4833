#pragma once

#include "app/application.hpp"
#include "http/endpoint.hpp"
#include "transport/connection_limit.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>

namespace carecircle::server {

// One HTTP connection over plain TCP or TLS: reads a request, answers it (static file, API, or
// an upgrade to a WebSocket), then reads the next while the client keeps the connection alive.
template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
public:
    // `tls` is used, and must be given, when Stream is a TLS stream. `slot` counts the
    // connection against its address for as long as it is open, WebSocket included.
    http_session(application& app, boost::asio::ip::tcp::socket&& socket,
                 boost::asio::ssl::context* tls, connection_slot slot);

    void run();

private:
    void on_handshake(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void upgrade(http_request request);
    void write(http_response response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void shutdown();

    static constexpr bool secure = !std::is_same_v<Stream, boost::beast::tcp_stream>;
    boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }

    application& app_;
    std::string remote_address_;
    Stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<http_response> pending_;
    connection_slot slot_;
};

using plain_http_session = http_session<boost::beast::tcp_stream>;
using tls_http_session = http_session<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
extern template class http_session<boost::beast::tcp_stream>;
extern template class http_session<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

} // namespace carecircle::server
