#pragma once

#include "carecircle/protocol/limits.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace carecircle::server {

// Every limit of the server in one place, named as at the call site.
struct options {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::filesystem::path database = "data/carecircle.db";
    // The server's own secret (calendar feed keys are derived from it), kept apart from the
    // database so that a copy of the database alone opens no feed.
    std::filesystem::path secret_file = "data/carecircle.db.secret";
    std::filesystem::path web_root;
    std::vector<std::string> allowed_origins;
    // The address people use (the public-url setting), kept as its origin: scheme://host[:port].
    // Browsers there may open WebSockets even when the Host header the server sees differs.
    std::string public_origin;
    // GET /metrics answers loopback clients, and others that send this as a bearer token.
    std::string metrics_token;
    std::string log_level = "info";
    // Behind a reverse proxy on this machine: take the client's address and scheme from
    // X-Forwarded-For and X-Forwarded-Proto when the connection comes from loopback.
    bool trust_proxy = false;
    // Both set: HTTPS and WSS on the listening port.
    std::filesystem::path tls_certificate;
    std::filesystem::path tls_private_key;

    std::size_t max_frame_bytes = std::size_t{64} * 1024;
    std::size_t max_header_bytes = std::size_t{16} * 1024; // request line and headers
    std::size_t max_body_bytes = std::size_t{64} * 1024;
    std::size_t max_outgoing_messages = 4096; // per connection; over it the client is closed
    std::chrono::seconds handshake_timeout{30};
    // Nesting allowed in a WebSocket request's JSON.
    std::size_t max_json_depth = protocol::default_max_json_depth;
    // After the server sends a close frame, how long it waits for the client's before it drops
    // the connection.
    std::chrono::seconds close_timeout{5};
    // Once the server has sent its close frame it stops sending and reads, to drop, what the
    // client still sends: at most this much and for at most close_timeout, so that the client
    // gets the close frame instead of a reset.
    std::size_t close_drain_bytes = std::size_t{4} * 1024 * 1024;
    // Open TCP connections from one client address (the socket's, never X-Forwarded-For);
    // 0 lifts the limit. A trusted proxy on loopback is not counted: it speaks for many.
    std::size_t max_connections_per_ip = 256;

    // Failed sign-ins allowed per username and per client address within a sliding window;
    // over either, sign-in answers 429 until the window has passed.
    std::size_t login_failures_per_user = 10;
    std::size_t login_failures_per_address = 50;
    std::chrono::seconds login_window{15 * 60};
    // Accounts created from one client address within an hour; over it, registration answers
    // 429 until the oldest falls out of the hour. Each one costs an Argon2 hash on the one
    // hashing thread, so a flood would otherwise slow everyone's sign-in. 0 lifts the limit.
    std::size_t registrations_per_address = 20;
    // Sign-ins and registrations waiting for (or in) an Argon2 hash; over it, 503 with
    // Retry-After at once, so that nobody waits behind more than this many hashes.
    std::size_t password_queue = 64;
    // A WebSocket that sends nothing for half this long is pinged, and dropped when nothing at
    // all (a pong included) arrives within the whole of it.
    std::chrono::seconds ws_idle_timeout{300};

    double send_rate = 10.0; // messages.send per second per user; 0 lifts the limit
    double send_burst = 20.0;
    // Every other WebSocket request draws on a budget per connection (`request_rate` a second,
    // up to `request_burst` at once) and on one per user of twice that, shared by all of the
    // user's connections. Requests that create something (groups, meet-ups, reports) also draw
    // on a tighter budget per user. 0 lifts a limit; over one, the reply is rate_limited.
    double request_rate = 20.0;
    double request_burst = 60.0;
    double create_rate = 0.5;
    double create_burst = 20.0;

    // meetup.reminder goes out this long before an occurrence (0: no reminders); the check
    // for due reminders runs every reminder_interval.
    std::chrono::minutes reminder_lead{120};
    std::chrono::seconds reminder_interval{30};

    // How often messages older than their group's retention are deleted.
    std::chrono::seconds retention_interval{3600};

    std::size_t io_threads = 2;
    std::size_t read_connections = 2;
    // A connection written to less than this long ago gets its next events when the time is
    // up, several to a write; replies never wait (0: every event is written at once).
    std::chrono::milliseconds event_coalescing{20};
    // Each group's latest messages kept in memory to answer history from (0: none).
    std::size_t history_window = 100;
};

} // namespace carecircle::server
