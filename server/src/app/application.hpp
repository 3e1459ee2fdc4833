#pragma once

#include "app/password_queue.hpp"
#include "carecircle/storage/read_pool.hpp"
#include "carecircle/storage/writer.hpp"
#include "hub/hub.hpp"
#include "hub/limits.hpp"
#include "hub/pinned_messages.hpp"
#include "hub/recent_messages.hpp"
#include "settings/metrics.hpp"
#include "settings/options.hpp"
#include "transport/connection_limit.hpp"
#include "transport/deferred_flushes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

namespace carecircle::server {

// Everything a request handler may need, created once per server.
struct application {
    application(boost::asio::io_context& io, server::options settings);

    boost::asio::io_context& ioc;
    server::options opts;
    // Read (or made) before anything else, so a server that cannot keep it does not start.
    std::string secret;
    server::metrics stats;
    connection_counter connections_per_address{opts.max_connections_per_ip};
    storage::writer writer;
    storage::read_pool reads;
    // Argon2 takes tens of milliseconds on purpose; it runs here, never on an I/O thread.
    boost::asio::thread_pool password_pool{1};
    // Taken before anything is posted to password_pool (sign-in, registration).
    password_queue password_admission{opts.password_queue};
    server::hub hub;
    server::limits limits{opts};
    recent_messages recent{opts.history_window};
    pinned_messages pins;
    // After the hub: what waits here holds sessions, which leave the hub when they go.
    deferred_flushes flushes{ioc};
};

} // namespace carecircle::server
