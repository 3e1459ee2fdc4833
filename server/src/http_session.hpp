#pragma once

#include "application.hpp"
#include "http_types.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

namespace carecircle::server {

// One HTTP connection: reads a request, answers it (static file, API, or an upgrade to a
// WebSocket), then reads the next while the client keeps the connection alive.
class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(application& app, boost::asio::ip::tcp::socket&& socket);

    void run();

private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void upgrade(http_request request);
    void write(http_response response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void shutdown();

    application& app_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<http_response> pending_;
    std::string remote_address_;
};

} // namespace carecircle::server
