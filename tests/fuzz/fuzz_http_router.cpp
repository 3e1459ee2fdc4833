// Any HTTP request that Beast can parse goes through the whole router (API, calendar feeds,
// operations pages and static files) of one real application on a temporary database, and must
// get an answer, in time, with a status that is not a server fault.
#include "app/application.hpp"
#include "carecircle/storage/database.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "crypto/security.hpp"
#include "http/router.hpp"
#include "program/demo_data.hpp"
#include "settings/log.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

using namespace carecircle;
using namespace carecircle::server;
namespace net = boost::asio;

namespace {

// Known to the seed corpus: a signed-in session of the demo admin and their calendar key.
constexpr std::string_view session_token = "fuzz-session-token";
constexpr std::string_view feed_key = "fuzz-calendar-key";
// Argon2 on the password thread and the writer's commits answer within this, even under ASan.
constexpr auto answer_timeout = std::chrono::seconds(20);

// One application for the whole run, as a server would have: its I/O thread runs for good.
// It is never destroyed; it stays reachable, so the leak checker does not count it.
struct server_under_test {
    std::filesystem::path dir;
    net::io_context ioc{1};
    net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
    std::unique_ptr<application> app;

    server_under_test() {
        dir = std::filesystem::temp_directory_path() /
              ("carecircle-fuzz-router-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir / "web" / "js");
        std::ofstream(dir / "web" / "index.html") << "<!doctype html><title>CareCircle</title>";
        std::ofstream(dir / "web" / "js" / "app.js") << "export {};";

        options opts;
        opts.database = dir / "fuzz.db";
        opts.secret_file = dir / "fuzz.secret";
        opts.web_root = dir / "web";
        opts.io_threads = 1;
        opts.read_connections = 1;
        log::set_level(log::level::error);
        seed_demo_data(opts.database);
        {
            auto db = storage::open_database(opts.database, storage::access::read_write);
            const auto admin = storage::find_user_by_username(db, "demo");
            if (!admin) {
                std::fputs("the demo data has no demo account\n", stderr);
                std::abort();
            }
            storage::insert_session(db, hash_token(session_token), admin->user.id, storage::now());
            storage::store_calendar_key(db, admin->user.id, "fuzz", feed_key, true, storage::now());
        }
        app = std::make_unique<application>(ioc, opts);
        std::thread([this] { ioc.run(); }).detach();
    }
};

server_under_test& the_server() {
    static auto* const instance = [] {
        auto* made = new server_under_test();
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(the_server().dir, ignored);
        });
        return made;
    }();
    return *instance;
}

// The responder's side of one request: set once, from whichever thread answers.
struct answer {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<http_response> response;
    int calls = 0;
};

std::optional<http_request> parse(const std::uint8_t* data, std::size_t size) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    boost::beast::error_code ec;
    net::const_buffer rest(data, size);
    while (!parser.is_done() && !ec) {
        const auto used = parser.put(rest, ec);
        rest += used;
        if (ec == http::error::need_more || (!ec && used == 0)) {
            ec = {};
            if (parser.got_some()) {
                parser.put_eof(ec); // the input ends here, as if the peer had closed
            }
            break;
        }
    }
    if (ec || !parser.is_done()) {
        return std::nullopt;
    }
    return parser.release();
}

[[noreturn]] void fail(const char* what, const http_request& request) {
    std::fprintf(stderr, "%s: %s %s\n", what, std::string(request.method_string()).c_str(),
                 std::string(request.target()).c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& s = the_server();
    auto request = parse(data, size);
    if (!request || boost::beast::websocket::is_upgrade(*request)) {
        return 0; // an upgrade is the session's business, not the router's
    }
    const http_request sent = *request;
    auto result = std::make_shared<answer>();
    route(endpoint_call{*s.app,
                        std::move(*request),
                        client_view{"127.0.0.1", false},
                        {},
                        [result](http_response response) {
                            std::lock_guard lock(result->mutex);
                            ++result->calls;
                            result->response = std::move(response);
                            result->done.notify_all();
                        }});

    std::unique_lock lock(result->mutex);
    if (!result->done.wait_for(lock, answer_timeout, [&] { return result->calls > 0; })) {
        fail("no answer in time", sent);
    }
    const auto status = result->response->result_int();
    if (status < 200 || status > 599) {
        fail("status out of range", sent);
    }
    if (status == 500) {
        fail("internal error", sent);
    }
    return 0;
}
