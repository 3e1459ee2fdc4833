#include "edge/websocket_session.hpp"

#include "carecircle/protocol/encode.hpp"
#include "handlers/request_context.hpp"
#include "settings/log.hpp"
#include "transport/send_batch.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace carecircle::server {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

template <class Stream>
websocket_session<Stream>::websocket_session(application& app, Stream&& stream, const User& user,
                                             std::string token_hash, connection_slot slot)
    : connection(user.id, std::move(token_hash)), app_(app), ws_(ws_transport(std::move(stream))),
      slot_(std::move(slot)) {}

template <class Stream> websocket_session<Stream>::~websocket_session() {
    if (attached_) {
        app_.hub.detach(this);
        app_.limits.forget_connection(
            reinterpret_cast<std::uintptr_t>(static_cast<connection*>(this)));
        app_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }
}

template <class Stream> void websocket_session<Stream>::run(http_request upgrade) {
    // The WebSocket stream keeps its own timeouts (with pings when idle) from here on.
    ws_.next_layer().set_owner(this->shared_from_this());
    ws_.next_layer().set_queue_gauge(&app_.stats.outgoing_queued);
    ws_.next_layer().set_linger({app_.opts.close_timeout, app_.opts.close_drain_bytes});
    if constexpr (!std::is_same_v<ws_transport_t<Stream>, net::ip::tcp::socket>) {
        beast::get_lowest_layer(ws_).expires_never();
    }
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = app_.opts.ws_idle_timeout; // keep_alive_pings stays on
    ws_.set_option(timeouts);
    ws_.read_message_max(app_.opts.max_frame_bytes);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
        response.set(http::field::server, "carecircle");
    }));
    ws_.async_accept(upgrade, beast::bind_front_handler(&websocket_session::on_accept,
                                                        this->shared_from_this()));
}

template <class Stream> void websocket_session<Stream>::on_accept(beast::error_code ec) {
    if (ec) {
        return;
    }
    app_.hub.attach(this->shared_from_this());
    attached_ = true;
    app_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
    id_ = app_.stats.connections_total.fetch_add(1, std::memory_order_relaxed) + 1;
    log::write(log::level::debug, "ws.open", {{"conn", id_}, {"user", this->user().value}});
    const auto user = app_.hub.find_user(this->user());
    if (!user) {
        return start_close(websocket::close_code::policy_error);
    }
    enqueue(make_frame(
        protocol::encode_event("hello", {{"user", protocol::to_json(*user)}, {"protocol", 1}})));
    flush_now();
    do_read();
}

template <class Stream> void websocket_session<Stream>::do_read() {
    // Waiting for a message, ask Beast for its first byte only. A whole-message read would
    // have Beast grow `buffer_` by a frame's worth (1.5 KiB) at once, to sit in every idle
    // connection; Beast still answers pings and keeps its idle timeout meanwhile.
    ws_.async_read_some(
        net::buffer(&lead_, 1),
        beast::bind_front_handler(&websocket_session::on_lead, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_lead(beast::error_code ec, std::size_t bytes) {
    if (ec) {
        return on_read_failed();
    }
    if (ws_.is_message_done()) {
        return on_message(std::string_view(&lead_, bytes));
    }
    // Room for the rest of the frame now, so that the lead byte is not copied again.
    buffer_.reserve(bytes + ws_.read_size_hint(buffer_));
    buffer_.commit(net::buffer_copy(buffer_.prepare(bytes), net::buffer(&lead_, bytes)));
    ws_.async_read(
        buffer_, beast::bind_front_handler(&websocket_session::on_rest, this->shared_from_this()));
}

template <class Stream> void websocket_session<Stream>::on_rest(beast::error_code ec, std::size_t) {
    if (ec) {
        return on_read_failed();
    }
    const auto data = buffer_.cdata();
    on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
}

template <class Stream> void websocket_session<Stream>::on_message(std::string_view text) {
    // Once a close has been decided, whatever the client still sends is read and dropped.
    if (!close_code_) {
        if (ws_.got_text()) {
            dispatch(app_, this->shared_from_this(), this->user(), text);
        } else {
            start_close(websocket::close_code::unknown_data);
        }
    }
    buffer_.clear();
    buffer_.shrink_to_fit();
    do_read();
}

template <class Stream> void websocket_session<Stream>::on_read_failed() {
    // Beast has already answered an oversized message with 1009 and bad UTF-8 with 1007.
    // The connection is over: leave the fan-out now rather than when the last handler
    // holding this session lets go.
    if (close_deadline_) {
        close_deadline_->cancel();
    }
    if (attached_) {
        attached_ = false;
        app_.hub.detach(this);
        app_.limits.forget_connection(
            reinterpret_cast<std::uintptr_t>(static_cast<connection*>(this)));
        app_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
        log::write(log::level::debug, "ws.close", {{"conn", id_}, {"user", this->user().value}});
    }
}

template <class Stream> void websocket_session<Stream>::send(frame_ptr frame) {
    hand_over(std::move(frame), false);
}

template <class Stream> void websocket_session<Stream>::reply(frame_ptr frame) {
    hand_over(std::move(frame), true);
}

template <class Stream> void websocket_session<Stream>::hand_over(frame_ptr frame, bool is_reply) {
    if (auto* batch = send_batch::current()) {
        return batch->add(this->shared_from_this(), std::move(frame), is_reply);
    }
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), frame = std::move(frame), is_reply]() mutable {
                  self->enqueue(std::move(frame));
                  self->flush(is_reply);
              });
}

template <class Stream>
void websocket_session<Stream>::send_all(std::vector<frame_ptr> frames, bool with_reply) {
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), frames = std::move(frames), with_reply]() mutable {
                  // All queued before the write starts, so they leave in one system call.
                  for (auto& frame : frames) {
                      self->enqueue(std::move(frame));
                  }
                  self->flush(with_reply);
              });
}

template <class Stream> void websocket_session<Stream>::flush(bool with_reply) {
    const auto window = app_.opts.event_coalescing;
    if (with_reply || std::chrono::steady_clock::now() - last_flush_ >= window) {
        return flush_now();
    }
    if (flush_waiting_) {
        return;
    }
    flush_waiting_ = true;
    app_.flushes.at(last_flush_ + window, [self = this->shared_from_this()] {
        net::post(self->ws_.get_executor(), [self] {
            self->flush_waiting_ = false;
            self->flush_now();
        });
    });
}

template <class Stream> void websocket_session<Stream>::flush_now() {
    last_flush_ = std::chrono::steady_clock::now();
    ws_.next_layer().flush();
}

template <class Stream> void websocket_session<Stream>::close(std::uint16_t code) {
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), code] { self->start_close(code); });
}

template <class Stream> void websocket_session<Stream>::enqueue(frame_ptr frame) {
    if (close_code_) {
        return;
    }
    auto& out = ws_.next_layer();
    if (out.pending_data() >= app_.opts.max_outgoing_messages && !out.writing()) {
        // Held back to share a write, not waiting for a slow reader: they go now.
        flush_now();
    }
    if (out.pending_data() >= app_.opts.max_outgoing_messages) {
        // A slow consumer is closed rather than allowed to grow the server's memory; it will
        // reconnect and catch up with messages.history.
        app_.stats.slow_consumers_closed.fetch_add(1, std::memory_order_relaxed);
        log::write(log::level::warn, "ws.slow_consumer_closed",
                   {{"conn", id_}, {"user", this->user().value}});
        return start_close(websocket::close_code::policy_error);
    }
    out.queue(std::move(frame));
}

template <class Stream> void websocket_session<Stream>::start_close(std::uint16_t code) {
    if (close_code_) {
        return;
    }
    close_code_ = code;
    // Frames already handed to the socket finish; the close frame queues up behind them.
    ws_.next_layer().drop_pending_data();
    if (!ws_.is_open()) {
        return; // the peer has gone already; nothing to say goodbye to
    }
    close_deadline_ =
        std::make_unique<net::steady_timer>(ws_.get_executor(), app_.opts.close_timeout);
    close_deadline_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) {
            beast::close_socket(beast::get_lowest_layer(self->ws_));
        }
    });
    ws_.async_close(
        websocket::close_reason(*close_code_),
        [self = this->shared_from_this()](beast::error_code) { self->close_deadline_->cancel(); });
}

template class websocket_session<plain_stream>;
template class websocket_session<tls_stream>;

} // namespace carecircle::server
