#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

namespace carecircle::server {

// How much a client may still send, and for how long, once the server has said goodbye.
struct linger_limits {
    std::chrono::steady_clock::duration time = std::chrono::seconds(5);
    std::size_t bytes = std::size_t{4} * 1024 * 1024;
};

namespace detail {

template <class Socket> class lingering_close_op {
public:
    lingering_close_op(Socket& socket, linger_limits limits)
        : state_(std::make_shared<state>(socket, limits)) {}

    template <class Self> void operator()(Self& self, boost::system::error_code ec = {}) {
        auto& s = *state_;
        if (!started_) {
            started_ = true;
            boost::system::error_code ignored;
            s.socket.shutdown(boost::asio::socket_base::shutdown_send, ignored);
            s.socket.non_blocking(true, ignored);
            s.timer.expires_after(s.limits.time);
            // Cancelling the wait below ends the loop; the flag covers a wait that had
            // already completed when the time ran out.
            s.timer.async_wait([st = state_](boost::system::error_code timer_ec) {
                if (timer_ec || st->finished) {
                    return;
                }
                st->timed_out = true;
                boost::system::error_code ignored_cancel;
                st->socket.cancel(ignored_cancel);
            });
            // Never completes inside the call that started it.
            return s.socket.async_wait(boost::asio::socket_base::wait_read, std::move(self));
        }
        if (ec || s.timed_out) {
            return finish(self);
        }
        for (;;) {
            std::array<char, 4096> sink; // what the client sends now is read only to be dropped
            const auto n = s.socket.read_some(boost::asio::buffer(sink), ec);
            if (ec == boost::asio::error::would_block) {
                return s.socket.async_wait(boost::asio::socket_base::wait_read, std::move(self));
            }
            s.discarded += n;
            if (ec || n == 0 || s.discarded >= s.limits.bytes) {
                return finish(self);
            }
        }
    }

private:
    struct state {
        state(Socket& sock, linger_limits lim)
            : socket(sock), timer(sock.get_executor()), limits(lim) {}
        Socket& socket;
        boost::asio::steady_timer timer;
        linger_limits limits;
        std::size_t discarded = 0;
        bool finished = false;
        bool timed_out = false;
    };

    template <class Self> void finish(Self& self) {
        auto& s = *state_;
        s.finished = true;
        s.timer.cancel();
        boost::system::error_code ignored;
        s.socket.close(ignored);
        self.complete(boost::system::error_code{});
    }

    // Shared with the timer's handler, which may run after this operation has finished.
    std::shared_ptr<state> state_;
    bool started_ = false;
};

} // namespace detail

// Closes a TCP connection so that the client reads everything the server wrote before it, the
// close frame included. Closing a socket whose receive buffer still holds unread bytes makes
// the kernel send a reset, and a reset makes the client's kernel drop what it has received but
// not yet handed to the client. So the server stops sending (FIN), then reads and drops what
// still arrives until the client closes too, `limits.bytes` have come, or `limits.time` has
// passed (as nginx's lingering close does), and only then closes the socket. Runs on the
// socket's executor, which must be the only one touching the socket meanwhile.
template <class Socket, class Handler>
void async_lingering_close(Socket& socket, linger_limits limits, Handler&& handler) {
    boost::asio::async_compose<Handler, void(boost::system::error_code)>(
        detail::lingering_close_op<Socket>(socket, limits), handler, socket);
}

} // namespace carecircle::server
