#pragma once

#include "transport/lingering_close.hpp"

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/iterator/transform_iterator.hpp>
#include <cstdint>
#include <memory>
#include <openssl/ssl.h>
#include <string>
#include <vector>

namespace carecircle::server {

// The layer between Beast's WebSocket stream and the socket (plain or TLS) through which
// every outgoing byte passes, in one queue: data frames framed once by the server and shared
// by all their recipients, and whatever Beast writes itself (the handshake response, pings,
// pongs, close frames), copied in. Whatever is queued when a write finishes leaves in the next
// one gathered write, so a burst of frames costs one system call, and no two writes ever
// overlap on the socket, so Beast's control frames can never land inside a data frame.
template <class Next> class outbound_stream {
public:
    using next_layer_type = Next;
    using executor_type = typename Next::executor_type;

    explicit outbound_stream(Next&& next) : next_(std::move(next)) {}
    ~outbound_stream() {
        if (gauge_) {
            gauge_->fetch_sub(static_cast<std::int64_t>(pending_data_), std::memory_order_relaxed);
        }
    }
    outbound_stream(const outbound_stream&) = delete;
    outbound_stream& operator=(const outbound_stream&) = delete;

    Next& next_layer() { return next_; }
    const Next& next_layer() const { return next_; }
    executor_type get_executor() { return next_.get_executor(); }

    // Whoever owns this stream; every write keeps it alive until the write has finished.
    void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
    // Counts the data frames waiting to be written (for the server's metrics).
    void set_queue_gauge(std::atomic<std::int64_t>* gauge) { gauge_ = gauge; }

    // Queues one complete data frame without starting a write: several queued, then one
    // flush(), leave in one system call instead of the first alone and the rest after it.
    // Only from the stream's strand.
    void queue(std::shared_ptr<const std::string> frame) {
        if (failed_) {
            return;
        }
        pending_.push_back(entry{std::move(frame), true});
        ++pending_data_;
        if (gauge_) {
            gauge_->fetch_add(1, std::memory_order_relaxed);
        }
    }
    void flush() { start_write(); }

    // Data frames queued and not yet handed to the socket.
    std::size_t pending_data() const { return pending_data_; }

    // Forgets the data frames not yet handed to the socket; a write in progress finishes.
    void drop_pending_data() {
        std::erase_if(pending_, [](const entry& e) { return e.data; });
        if (gauge_) {
            gauge_->fetch_sub(static_cast<std::int64_t>(pending_data_), std::memory_order_relaxed);
        }
        pending_data_ = 0;
    }

    // True while a write is in progress.
    bool writing() const { return writing_; }
    // True while bytes are queued or being written.
    bool busy() const { return writing_ || !pending_.empty(); }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return next_.async_read_some(buffers, std::forward<Token>(token));
    }

    // Beast's own writes join the queue and are reported done at once: they are few and
    // small, and their order with the data frames is kept by the queue.
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
            [this](auto handler, const ConstBuffers& data) {
                boost::beast::error_code ec;
                std::size_t taken = 0;
                if (failed_) {
                    ec = boost::asio::error::broken_pipe;
                } else {
                    auto copy = std::make_shared<std::string>(boost::asio::buffer_size(data), '\0');
                    taken = boost::asio::buffer_copy(boost::asio::buffer(*copy), data);
                    pending_.push_back(entry{std::move(copy), false});
                    start_write();
                }
                boost::asio::post(next_.get_executor(),
                                  boost::beast::bind_front_handler(std::move(handler), ec, taken));
            },
            token, buffers);
    }

    // How long and how much a closing client may still send (see async_lingering_close).
    void set_linger(linger_limits limits) { linger_ = limits; }

    // Waits until everything queued has been written, says goodbye at the TLS layer if there
    // is one, then closes the socket without a reset (async_lingering_close). Beast's own
    // teardown is not used: it reads at most one chunk of what the client still sends before
    // closing, so a client pushing a large frame gets a reset instead of the close frame.
    template <class Handler>
    friend void async_teardown(boost::beast::role_type role, outbound_stream& stream,
                               Handler&& handler) {
        boost::asio::async_compose<Handler, void(boost::beast::error_code)>(
            teardown_op{stream, role}, handler, stream);
    }

private:
    struct entry {
        std::shared_ptr<const std::string> bytes;
        bool data; // a data frame of the server's, as opposed to bytes Beast wrote
    };

    // The frames being written, as the buffer sequence Asio writes from: read straight from
    // in_flight_, which stays untouched until the write ends, so that no vector of buffers
    // has to be allocated for each write or kept between them.
    struct in_flight_buffers {
        static boost::asio::const_buffer of(const entry& e) {
            return boost::asio::buffer(*e.bytes);
        }
        using value_type = boost::asio::const_buffer;
        using const_iterator =
            boost::transform_iterator<value_type (*)(const entry&),
                                      typename std::vector<entry>::const_iterator>;
        const_iterator begin() const { return {entries->begin(), &of}; }
        const_iterator end() const { return {entries->end(), &of}; }

        const std::vector<entry>* entries;
    };

    struct teardown_op {
        outbound_stream& stream;
        boost::beast::role_type role;
        enum class step { drain, say_goodbye, linger, done } at = step::drain;

        // Every step ends the same way whatever error it met: the connection is over.
        template <class Self> void operator()(Self& self, boost::beast::error_code = {}) {
            switch (at) {
            case step::drain:
                if (stream.busy() && !stream.failed_) {
                    // Made only now: most connections never wait for a drain, and a timer is
                    // 120 bytes per connection.
                    if (!stream.drained_) {
                        stream.drained_ =
                            std::make_unique<boost::asio::steady_timer>(stream.get_executor());
                    }
                    stream.drained_->expires_at(boost::asio::steady_timer::time_point::max());
                    return stream.drained_->async_wait(std::move(self));
                }
                at = step::say_goodbye;
                if constexpr (requires { stream.next_.async_shutdown(std::move(self)); }) {
                    if (!stream.failed_) {
                        // TLS: send close_notify without waiting for the client's. Marking the
                        // client's as received makes OpenSSL write ours and finish; waiting for
                        // it would mean reading the client's data through TLS, which the
                        // lingering close below drops unread instead.
                        SSL* ssl = stream.next_.native_handle();
                        SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
                        return stream.next_.async_shutdown(std::move(self));
                    }
                }
                [[fallthrough]];
            case step::say_goodbye:
                at = step::linger;
                return async_lingering_close(lowest_socket(stream.next_), stream.linger_,
                                             std::move(self));
            case step::linger:
                at = step::done;
                break;
            case step::done:
                break;
            }
            self.complete(boost::beast::error_code{});
        }
    };

    // The TCP socket at the bottom of `next`: the stream itself, or the one under a TLS stream.
    template <class Layer> static auto& lowest_socket(Layer& layer) {
        auto& lowest = boost::beast::get_lowest_layer(layer);
        if constexpr (requires { lowest.socket(); }) {
            return lowest.socket();
        } else {
            return lowest;
        }
    }

    void start_write() {
        if (writing_ || pending_.empty() || failed_) {
            return;
        }
        auto owner = owner_.lock();
        if (!owner) {
            return; // the session is going away; nobody is left to read the reply
        }
        writing_ = true;
        // Everything queued goes: Asio hands the socket at most 64 buffers per system call.
        in_flight_.swap(pending_);
        if (gauge_) {
            gauge_->fetch_sub(static_cast<std::int64_t>(pending_data_), std::memory_order_relaxed);
        }
        pending_data_ = 0;
        boost::asio::async_write(next_, in_flight_buffers{&in_flight_},
                                 [this, owner = std::move(owner)](boost::beast::error_code ec,
                                                                  std::size_t) { on_written(ec); });
    }

    void on_written(boost::beast::error_code ec) {
        writing_ = false;
        in_flight_.clear();
        if (ec) {
            // The peer is gone or the socket broke: nothing more can be delivered. Closing
            // the socket ends the pending read, which ends the session.
            failed_ = true;
            drop_pending_data();
            pending_.clear();
            boost::beast::close_socket(boost::beast::get_lowest_layer(next_));
        } else {
            start_write();
        }
        if (!busy()) {
            // An idle connection keeps no queue memory; a burst's worth would otherwise stay
            // with it for as long as it is open.
            release(pending_);
            release(in_flight_);
        }
        if (drained_ && (!busy() || failed_)) {
            drained_->cancel();
        }
    }

    template <class Vector> static void release(Vector& v) { Vector().swap(v); }

    Next next_;
    std::unique_ptr<boost::asio::steady_timer> drained_; // made by the first teardown that waits
    linger_limits linger_;
    std::weak_ptr<void> owner_;
    std::atomic<std::int64_t>* gauge_ = nullptr;
    // Vectors rather than deques, released when the queue empties: an idle connection then
    // holds no queue memory at all.
    std::vector<entry> pending_;
    std::size_t pending_data_ = 0;
    std::vector<entry> in_flight_;
    bool writing_ = false;
    bool failed_ = false;
};

} // namespace carecircle::server
