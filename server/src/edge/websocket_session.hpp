#pragma once

#include "app/application.hpp"
#include "http/http_types.hpp"
#include "transport/connection.hpp"
#include "transport/connection_limit.hpp"
#include "transport/outbound_stream.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <string_view>
#include <utility>

namespace carecircle::server {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// What a WebSocket runs on once upgraded. A plain connection leaves beast::tcp_stream behind:
// its timers and separately allocated state (about 0.5 KiB) would sit unused beside the
// WebSocket's own timeouts. A TLS connection keeps it, since its TLS state cannot move onto
// another transport.
inline boost::asio::ip::tcp::socket ws_transport(plain_stream&& stream) {
    return stream.release_socket();
}
inline tls_stream ws_transport(tls_stream&& stream) {
    return std::move(stream);
}
template <class Stream> using ws_transport_t = decltype(ws_transport(std::declval<Stream>()));

// One signed-in WebSocket over plain TCP or TLS. It owns its socket, its read buffer and a
// bounded queue of frames to send; everything runs on its strand, and others reach it only
// through send() and close(). Beast reads frames and writes the control frames; the data
// frames, already framed once for all their recipients, go through the outbound_stream
// beneath it, which is also where Beast's own writes queue up.
template <class Stream>
class websocket_session : public connection,
                          public std::enable_shared_from_this<websocket_session<Stream>> {
public:
    websocket_session(application& app, Stream&& stream, const User& user, std::string token_hash,
                      connection_slot slot);
    ~websocket_session() override;

    void run(http_request upgrade);

    void send(frame_ptr frame) override;
    void reply(frame_ptr frame) override;
    void send_all(std::vector<frame_ptr> frames, bool with_reply) override;
    void close(std::uint16_t code) override;

private:
    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_lead(boost::beast::error_code ec, std::size_t bytes);
    void on_rest(boost::beast::error_code ec, std::size_t bytes);
    void on_message(std::string_view text);
    void on_read_failed();
    // Queues a frame (or closes a connection too far behind); the caller then flushes.
    void enqueue(frame_ptr frame);
    void hand_over(frame_ptr frame, bool is_reply);
    // Starts writing what is queued: at once for a reply or a connection not written to
    // within the coalescing window, else when that window ends.
    void flush(bool with_reply);
    void flush_now();
    void start_close(std::uint16_t code);

    application& app_;
    // Without permessage-deflate, which the server never accepts: its state would cost every
    // connection 56 bytes.
    boost::beast::websocket::stream<outbound_stream<ws_transport_t<Stream>>, false> ws_;
    // Between messages a connection holds only `lead_`; `buffer_` holds the rest of a message
    // while it is read and gives its memory back after.
    char lead_ = 0;
    boost::beast::flat_buffer buffer_;
    std::unique_ptr<boost::asio::steady_timer> close_deadline_; // made when a close starts
    std::chrono::steady_clock::time_point last_flush_{};
    bool flush_waiting_ = false;
    bool attached_ = false;
    std::optional<std::uint16_t> close_code_; // set once a close has been decided
    std::uint64_t id_ = 0;                    // for logs
    connection_slot slot_;
};

extern template class websocket_session<plain_stream>;
extern template class websocket_session<tls_stream>;

} // namespace carecircle::server
