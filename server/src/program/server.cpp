#include "program/server.hpp"

#include "app/application.hpp"
#include "carecircle/storage/database.hpp"
#include "edge/listener.hpp"
#include "jobs/meetup_reminders.hpp"
#include "jobs/message_retention.hpp"
#include "settings/log.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

namespace carecircle::server {
namespace net = boost::asio;

namespace {

constexpr auto shutdown_grace = std::chrono::seconds(3);

// Waits until every WebSocket has closed (or the grace time is over), then lets the writer
// finish its queue and stops the I/O threads.
void finish_shutdown(application& app, const std::shared_ptr<net::steady_timer>& timer,
                     std::chrono::steady_clock::time_point deadline) {
    if (!app.hub.all_connections().empty() && std::chrono::steady_clock::now() < deadline) {
        timer->expires_after(std::chrono::milliseconds(20));
        timer->async_wait([&app, timer, deadline](boost::system::error_code) {
            finish_shutdown(app, timer, deadline);
        });
        return;
    }
    app.writer.stop();
    app.ioc.stop();
}

std::string display_host(const net::ip::address& address) {
    return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

// Stop and reload signals are taken by the main thread alone. A signal sent to the process may
// otherwise land on the writer or a reader busy inside SQLite, and some runtimes (ThreadSanitizer
// among them) hold it there until that thread next calls into the C library. Every thread made
// while this is in force inherits the mask; the main thread lifts it once it is about to run the
// event loop, and a signal that came before then is delivered at that moment.
class main_thread_signals {
public:
    main_thread_signals() {
        sigset_t handled;
        sigemptyset(&handled);
        for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
            sigaddset(&handled, signal_number);
        }
        pthread_sigmask(SIG_BLOCK, &handled, &before_);
    }
    main_thread_signals(const main_thread_signals&) = delete;
    main_thread_signals& operator=(const main_thread_signals&) = delete;
    ~main_thread_signals() { release(); }

    void release() {
        if (!released_) {
            released_ = true;
            pthread_sigmask(SIG_SETMASK, &before_, nullptr);
        }
    }

private:
    sigset_t before_{};
    bool released_ = false;
};

} // namespace

int serve(const options& opts) {
    main_thread_signals signal_mask;
    auto ioc = std::make_unique<net::io_context>(static_cast<int>(opts.io_threads));
    std::unique_ptr<application> app;
    std::shared_ptr<listener> acceptor;
    try {
        app = std::make_unique<application>(*ioc, opts);
        const auto address = net::ip::make_address(opts.listen_host);
        acceptor =
            std::make_shared<listener>(*app, net::ip::tcp::endpoint(address, opts.listen_port));
    } catch (const std::exception& e) {
        std::cerr << "carecircle: cannot start: " << e.what() << '\n';
        return 1;
    }
    acceptor->run();
    start_meetup_reminders(*app);
    start_message_retention(*app);

    // Both signal sets must go before the io_context they belong to (see the end).
    auto signals = std::make_unique<net::signal_set>(*ioc, SIGINT, SIGTERM);
    auto hangup = std::make_unique<net::signal_set>(*ioc, SIGHUP);
    signals->async_wait([&](boost::system::error_code ec, int) {
        if (ec) {
            return;
        }
        log::write(log::level::info, "server.stopping",
                   {{"connections", app->hub.all_connections().size()}});
        acceptor->stop();
        hangup->cancel();
        for (const auto& conn : app->hub.all_connections()) {
            conn->close(boost::beast::websocket::close_code::going_away);
        }
        auto timer = std::make_shared<net::steady_timer>(*ioc);
        finish_shutdown(*app, timer, std::chrono::steady_clock::now() + shutdown_grace);
    });

    std::function<void()> await_hangup = [&] {
        hangup->async_wait([&](boost::system::error_code ec, int) {
            if (ec) {
                return;
            }
            try {
                acceptor->reload_tls();
                log::write(log::level::info, "tls.reloaded");
            } catch (const std::exception& e) {
                log::write(log::level::error, "tls.reload_failed", {{"reason", e.what()}});
            }
            await_hangup();
        });
    };
    await_hangup();

    const auto endpoint = acceptor->local_endpoint();
    std::cout << "listening on " << (acceptor->secure() ? "https://" : "http://")
              << display_host(endpoint.address()) << ':' << endpoint.port() << std::endl;
    log::write(log::level::info, "server.started",
               {{"port", endpoint.port()},
                {"tls", acceptor->secure()},
                {"io_threads", opts.io_threads},
                {"database", opts.database.string()}});

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < opts.io_threads; ++i) {
        threads.emplace_back([&ioc] { ioc->run(); });
    }
    signal_mask.release();
    ioc->run();
    for (auto& thread : threads) {
        thread.join();
    }
    // Work still on the password and read threads holds sessions (the request's answer waits
    // in it). Those threads finish first, so a session they let go closes its socket while
    // the io_context that owns it still exists.
    app->password_pool.join();
    app->reads.stop();
    // Handlers still queued hold sessions that detach from the hub: drop them while the
    // application is alive.
    acceptor.reset();
    signals.reset();
    hangup.reset();
    app->flushes.stop();
    ioc.reset();
    app.reset();
    log::write(log::level::info, "server.stopped");
    return 0;
}

} // namespace carecircle::server
