#include "http.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace carecircle::bench {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

http_answer http_post(const endpoint& where, std::string_view target, const std::string& body) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, where.host + ":" + std::to_string(where.port));
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    beast::error_code failure;

    // Registration waits behind the server's password hashing, one account at a time: the
    // timeout is generous but bounded.
    stream.expires_after(std::chrono::seconds(60));
    stream.async_connect(
        net::ip::tcp::endpoint(net::ip::make_address(where.host), where.port),
        [&](beast::error_code ec) {
            if (ec) {
                failure = ec;
                return;
            }
            http::async_write(stream, request, [&](beast::error_code wec, std::size_t) {
                if (wec) {
                    failure = wec;
                    return;
                }
                http::async_read(stream, buffer, response,
                                 [&](beast::error_code rec, std::size_t) { failure = rec; });
            });
        });
    ioc.run();
    if (failure) {
        throw std::runtime_error("POST " + std::string(target) + ": " + failure.message());
    }
    return {response.result_int(), std::move(response.body())};
}

} // namespace carecircle::bench
