#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace carecircle::server {

// Runs `work` on `ioc` after `first_delay`, then every `interval`, until the io_context stops.
// The pending wait owns its timer, so nothing outlives the io_context.
void run_periodically(boost::asio::io_context& ioc, std::chrono::steady_clock::duration first_delay,
                      std::chrono::steady_clock::duration interval, std::function<void()> work);

} // namespace carecircle::server
