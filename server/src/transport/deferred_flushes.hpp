#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace carecircle::server {

// One timer for every connection holding back a write. A member of a busy group who was
// written to moments ago gets the next events a little later, several to a write: every
// write costs a system call and the kernel's work on both ends of the socket, and with
// thousands of members that cost, not the bytes, is what limits fan-out.
class deferred_flushes {
public:
    using clock = std::chrono::steady_clock;

    explicit deferred_flushes(boost::asio::io_context& ioc) { timer_.emplace(ioc); }

    // Runs `flush` at `due` or just after, on the timer's thread (so it should only post).
    void at(clock::time_point due, std::function<void()> flush);

    // Drops what is waiting, and the timer, while the io_context still exists; later calls to
    // at() are ignored. Call once the I/O threads have stopped.
    void stop();

private:
    void arm(clock::time_point due);
    void fire();

    std::mutex mutex_;
    std::vector<std::pair<clock::time_point, std::function<void()>>> waiting_;
    std::optional<boost::asio::steady_timer> timer_;
    bool armed_ = false;
    clock::time_point armed_for_{};
};

} // namespace carecircle::server
