#include "client.hpp"

#include "tls_certificate.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cctype>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <set>
#include <stdexcept>

namespace carecircle::test {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using clock_type = std::chrono::steady_clock;

constexpr auto write_timeout = 10s;

// Runs handlers on `ioc` until `done()` holds, the deadline passes, or nothing is
// left to run. Returns done().
template <class Done>
bool run_until(net::io_context& ioc, Done done, clock_type::time_point deadline) {
    while (!done()) {
        const auto now = clock_type::now();
        if (now >= deadline)
            return false;
        if (ioc.stopped())
            ioc.restart();
        if (ioc.run_one_for(deadline - now) == 0 && ioc.stopped())
            return done();
    }
    return true;
}

tcp::endpoint loopback(unsigned short port) {
    return {net::ip::make_address_v4("127.0.0.1"), port};
}

std::string host_header(unsigned short port) {
    return "127.0.0.1:" + std::to_string(port);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string shorten(std::string_view text, std::size_t limit = 300) {
    if (text.size() <= limit)
        return std::string(text);
    return std::string(text.substr(0, limit)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string describe(const json::value& v) {
    return shorten(json::serialize(v));
}

void connect_with_timeout(net::io_context& ioc, beast::tcp_stream& stream, unsigned short port) {
    beast::error_code ec;
    bool done = false;
    stream.expires_after(default_timeout);
    stream.async_connect(loopback(port), [&](beast::error_code e) {
        ec = e;
        done = true;
    });
    if (!run_until(
            ioc, [&] { return done; }, clock_type::now() + default_timeout + 1s) ||
        ec)
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                                 (done ? ec.message() : std::string("timed out")));
}

// Tests check who they talk to by the certificate's fingerprint, not by a chain of trust.
net::ssl::context& client_tls_context() {
    static net::ssl::context context = [] {
        net::ssl::context c(net::ssl::context::tls_client);
        c.set_verify_mode(net::ssl::verify_none);
        return c;
    }();
    return context;
}

void tls_handshake_with_timeout(net::io_context& ioc, tls_stream& stream, unsigned short port) {
    beast::error_code ec;
    bool done = false;
    beast::get_lowest_layer(stream).expires_after(default_timeout);
    stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
        ec = e;
        done = true;
    });
    if (!run_until(
            ioc, [&] { return done; }, clock_type::now() + default_timeout + 1s) ||
        ec)
        throw std::runtime_error("TLS handshake with 127.0.0.1:" + std::to_string(port) +
                                 " failed: " + (done ? ec.message() : std::string("timed out")));
    beast::get_lowest_layer(stream).expires_never();
}

template <class Stream>
http_response exchange(net::io_context& ioc, Stream& stream, unsigned short port,
                       std::string_view method, std::string_view target,
                       const std::optional<std::string>& body, std::string_view content_type,
                       const header_list& headers) {
    bhttp::request<bhttp::string_body> req;
    const auto verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown)
        req.method_string(method);
    else
        req.method(verb);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, host_header(port));
    req.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : headers)
        req.insert(name, value);
    if (body) {
        if (!content_type.empty())
            req.set(bhttp::field::content_type, content_type);
        req.body() = *body;
        req.prepare_payload();
    } else if (verb == bhttp::verb::post || verb == bhttp::verb::put) {
        req.content_length(0);
    }

    const auto what = std::string(method) + " " + std::string(target);
    beast::error_code ec;
    bool done = false;
    beast::get_lowest_layer(stream).expires_after(default_timeout);
    bhttp::async_write(stream, req, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!run_until(
            ioc, [&] { return done; }, clock_type::now() + default_timeout + 1s) ||
        ec)
        throw std::runtime_error(what + ": cannot send the request: " +
                                 (done ? ec.message() : std::string("timed out")));

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (verb == bhttp::verb::head)
        parser.skip(true);
    done = false;
    beast::get_lowest_layer(stream).expires_after(default_timeout);
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!run_until(
            ioc, [&] { return done; }, clock_type::now() + default_timeout + 1s) ||
        ec)
        throw std::runtime_error(
            what + ": no complete response: " + (done ? ec.message() : std::string("timed out")));

    const auto& res = parser.get();
    http_response out;
    out.status = res.result_int();
    for (const auto& field : res)
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = res.body();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    return out;
}

http_response do_http(server_address to, std::string_view method, std::string_view target,
                      const std::optional<std::string>& body, std::string_view content_type,
                      const header_list& headers) {
    net::io_context ioc;
    if (!to.tls) {
        beast::tcp_stream stream(ioc);
        connect_with_timeout(ioc, stream, to.port);
        return exchange(ioc, stream, to.port, method, target, body, content_type, headers);
    }
    tls_stream stream(ioc, client_tls_context());
    connect_with_timeout(ioc, beast::get_lowest_layer(stream), to.port);
    tls_handshake_with_timeout(ioc, stream, to.port);
    return exchange(ioc, stream, to.port, method, target, body, content_type, headers);
}

} // namespace

// --- HTTP ---------------------------------------------------------------------

std::string http_response::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (iequals(n, name))
            return v;
    return {};
}

std::vector<std::string> http_response::header_values(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [n, v] : headers)
        if (iequals(n, name))
            values.push_back(v);
    return values;
}

bool http_response::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return iequals(h.first, name); });
}

json::value http_response::json() const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec)
        throw std::runtime_error("HTTP " + std::to_string(status) +
                                 " body is not JSON: " + shorten(body));
    return v;
}

std::string http_response::error_code() const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return {};
    const auto* error = v.as_object().if_contains("error");
    if (!error || !error->is_object())
        return {};
    const auto* code = error->as_object().if_contains("code");
    if (!code || !code->is_string())
        return {};
    return std::string(code->as_string());
}

http_response http(server_address to, std::string_view method, std::string_view target,
                   const std::optional<json::value>& body, const header_list& headers) {
    std::optional<std::string> text;
    if (body)
        text = json::serialize(*body);
    return do_http(to, method, target, text, "application/json", headers);
}

http_response http_raw(server_address to, std::string_view method, std::string_view target,
                       std::string body, const header_list& headers,
                       std::string_view content_type) {
    return do_http(to, method, target, std::move(body), content_type, headers);
}

header_list bearer(std::string_view token) {
    return {{"Authorization", "Bearer " + std::string(token)}};
}

// --- accounts -----------------------------------------------------------------

namespace {

account account_from(const http_response& res, unsigned expected_status, std::string_view what,
                     std::string_view username, std::string_view password) {
    if (res.status != expected_status)
        throw std::runtime_error(std::string(what) + " " + std::string(username) +
                                 ": expected HTTP " + std::to_string(expected_status) + ", got " +
                                 std::to_string(res.status) + " " + shorten(res.body));
    const auto body = res.json();
    const auto* user = body.is_object() ? body.as_object().if_contains("user") : nullptr;
    const auto* token = body.is_object() ? body.as_object().if_contains("token") : nullptr;
    if (!user || !user->is_object() || !token || !token->is_string())
        throw std::runtime_error(std::string(what) + ": expected {\"user\",\"token\"}, got " +
                                 shorten(res.body));
    return {user->as_object(), std::string(token->as_string()), std::string(username),
            std::string(password)};
}

} // namespace

account register_user(server_address to, std::string_view username, std::string_view password,
                      std::string_view display_name) {
    const auto res =
        http(to, "POST", "/api/register",
             json::value{
                 {"username", username}, {"password", password}, {"display_name", display_name}});
    return account_from(res, 201, "register", username, password);
}

account login(server_address to, std::string_view username, std::string_view password) {
    const auto res =
        http(to, "POST", "/api/login", json::value{{"username", username}, {"password", password}});
    return account_from(res, 200, "login", username, password);
}

// --- WebSocket ----------------------------------------------------------------

struct ws_client::impl {
    net::io_context ioc;
    // Exactly one of the two is set, by open().
    std::optional<websocket::stream<beast::tcp_stream>> plain;
    std::optional<websocket::stream<tls_stream>> secure;
    beast::flat_buffer buffer;
    std::deque<json::value> inbox;
    json::object hello;
    bool closed = false;
    int close_code = still_open;
    std::string close_text;
    std::int64_t next_id = 1;
    std::multiset<std::string> pings_unanswered;
    int matching_pongs = 0;

    // Calls `f` with whichever stream this connection uses.
    template <class F> decltype(auto) with_ws(F&& f) { return secure ? f(*secure) : f(*plain); }

    ~impl() {
        if (closed || (!plain && !secure))
            return;
        try {
            abort_soon();
        } catch (...) {
        }
    }

    void abort_soon() {
        // A normal close, briefly waited for, so the server sees a well-behaved client.
        bool done = false;
        with_ws([&](auto& ws) {
            ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
        });
        run_until(
            ioc, [&] { return done && closed; }, clock_type::now() + 500ms);
        beast::error_code ignored;
        with_ws([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ignored); });
        run_until(
            ioc, [&] { return done && closed; }, clock_type::now() + 500ms);
    }

    // Returns the HTTP status of the upgrade answer (101 when accepted).
    upgrade_answer open(server_address to, const ws_options& options) {
        if (to.tls) {
            secure.emplace(ioc, client_tls_context());
            connect_with_timeout(ioc, beast::get_lowest_layer(*secure), to.port);
            tls_handshake_with_timeout(ioc, secure->next_layer(), to.port);
        } else {
            plain.emplace(ioc);
            connect_with_timeout(ioc, beast::get_lowest_layer(*plain), to.port);
        }
        return with_ws([&](auto& ws) { return upgrade(ws, to.port, options); });
    }

    template <class Ws>
    upgrade_answer upgrade(Ws& ws, unsigned short port, const ws_options& options) {
        beast::get_lowest_layer(ws).expires_never();

        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = default_timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws.set_option(timeouts);
        ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& req) {
            if (!options.token.empty())
                req.set(bhttp::field::authorization, "Bearer " + options.token);
            if (!options.cookie.empty())
                req.set(bhttp::field::cookie, options.cookie);
            if (options.origin)
                req.set(bhttp::field::origin, *options.origin);
            for (const auto& [name, value] : options.headers)
                req.insert(name, value);
        }));
        ws.auto_fragment(false); // one message, one frame: the frame limit is what is tested
        ws.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            if (kind != websocket::frame_type::pong)
                return;
            auto it = pings_unanswered.find(std::string(payload));
            if (it != pings_unanswered.end()) {
                pings_unanswered.erase(it);
                ++matching_pongs;
            }
        });
        ws.read_message_max(64 * 1024 * 1024);

        websocket::response_type res;
        beast::error_code ec;
        bool done = false;
        ws.async_handshake(res, host_header(port), options.target, [&](beast::error_code e) {
            ec = e;
            done = true;
        });
        if (!run_until(
                ioc, [&] { return done; }, clock_type::now() + default_timeout + 1s))
            throw std::runtime_error("WebSocket upgrade: no answer within " +
                                     std::to_string(default_timeout.count()) + " ms");
        if (ec == websocket::error::upgrade_declined || (!ec && res.result_int() != 101)) {
            closed = true;
            close_text = "upgrade refused";
            return {res.result_int(), res.body()};
        }
        if (ec) {
            closed = true;
            throw std::runtime_error("WebSocket upgrade failed: " + ec.message() + " (HTTP " +
                                     std::to_string(res.result_int()) + ")");
        }
        read_next();
        return {101, {}};
    }

    void read_next() {
        with_ws([this](auto& ws) {
            ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
                with_ws([&](auto& same) { on_read(same, ec); });
            });
        });
    }

    template <class Ws> void on_read(Ws& ws, beast::error_code ec) {
        if (ec) {
            closed = true;
            // A close frame may have arrived even when answering it failed (the server
            // is allowed to drop the TCP connection right after its close frame).
            if (ec == websocket::error::closed || ws.reason().code != websocket::close_code::none) {
                close_code = ws.reason().code;
                close_text = "close frame with code " + std::to_string(close_code) + " reason \"" +
                             std::string(ws.reason().reason.c_str()) + "\"";
                if (ec != websocket::error::closed)
                    close_text += " (then: " + ec.message() + ")";
            } else {
                close_code = closed_without_code;
                close_text = "connection ended without a close frame: " + ec.message();
            }
            return;
        }
        const std::string text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        if (!ws.got_text()) {
            ADD_FAILURE() << "server sent a binary frame (the protocol uses text frames only): "
                          << shorten(text);
        } else {
            boost::system::error_code jec;
            auto v = json::parse(text, jec);
            if (jec || !v.is_object())
                ADD_FAILURE() << "server sent a text frame that is not a JSON object: "
                              << shorten(text);
            else
                inbox.push_back(std::move(v));
        }
        read_next();
    }

    bool write(std::string_view data, bool binary) {
        if (closed)
            return false;
        return finish_write(data.size(), [&](auto on_written) {
            with_ws([&](auto& ws) {
                ws.binary(binary);
                ws.async_write(net::buffer(data.data(), data.size()), on_written);
            });
        });
    }

    // One frame of a message; `last` ends the message.
    bool write_fragment(std::string_view data, bool last) {
        if (closed)
            return false;
        return finish_write(data.size(), [&](auto on_written) {
            with_ws([&](auto& ws) {
                ws.binary(false);
                ws.async_write_some(last, net::buffer(data.data(), data.size()), on_written);
            });
        });
    }

    template <class Start> bool finish_write(std::size_t size, Start start) {
        beast::error_code ec;
        bool done = false;
        start([&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run_until(
                ioc, [&] { return done; }, clock_type::now() + write_timeout)) {
            beast::error_code ignored;
            with_ws([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ignored); });
            run_until(
                ioc, [&] { return done; }, clock_type::now() + 5s);
            throw std::runtime_error("WebSocket write of " + std::to_string(size) +
                                     " bytes did not complete in time");
        }
        return !ec;
    }

    std::string inbox_summary() const {
        std::string s;
        for (const auto& m : inbox) {
            if (!s.empty())
                s += ", ";
            s += describe(m);
        }
        return s.empty() ? "nothing" : s;
    }

    std::string state_summary() const {
        return "received meanwhile: " + inbox_summary() +
               (closed ? "; " + close_text : std::string());
    }

    static bool is_event(const json::value& m, std::string_view name) {
        const auto* e = m.as_object().if_contains("event");
        return e && e->is_string() && e->as_string() == name;
    }

    static bool is_reply_to(const json::value& m, const json::value& id) {
        const auto& o = m.as_object();
        if (o.contains("event"))
            return false;
        const auto* got = o.if_contains("id");
        return got && *got == id;
    }

    template <class Match>
    std::optional<json::object> take(Match match, std::chrono::milliseconds timeout) {
        std::size_t scanned = 0;
        std::optional<json::object> found;
        auto look = [&] {
            for (; scanned < inbox.size(); ++scanned) {
                if (match(inbox[scanned])) {
                    found = std::move(inbox[scanned].as_object());
                    inbox.erase(inbox.begin() + static_cast<std::ptrdiff_t>(scanned));
                    return true;
                }
            }
            return closed;
        };
        run_until(ioc, look, clock_type::now() + timeout);
        if (!found)
            look();
        return found;
    }
};

ws_client::ws_client(server_address to, const ws_options& options)
    : impl_(std::make_unique<impl>()) {
    const auto answer = impl_->open(to, options);
    if (answer.status != 101)
        throw std::runtime_error("WebSocket upgrade refused with HTTP " +
                                 std::to_string(answer.status) + ": " + shorten(answer.body));
    auto first = next_message(default_timeout);
    if (!first)
        throw std::runtime_error("no hello event after the upgrade; " + impl_->state_summary());
    if (!impl::is_event(*first, "hello"))
        throw std::runtime_error("the first message after the upgrade is not hello: " +
                                 describe(*first));
    impl_->hello = first->as_object();
}

ws_options token_auth(std::string_view token) {
    ws_options options;
    options.token = token;
    return options;
}

ws_options cookie_auth(std::string_view token) {
    ws_options options;
    options.cookie = "cc_session=" + std::string(token);
    return options;
}

ws_client::ws_client(server_address to, std::string_view token)
    : ws_client(to, token_auth(token)) {}

ws_client::~ws_client() = default;
ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&&) noexcept = default;

const json::object& ws_client::hello() const {
    return impl_->hello;
}

json::value ws_client::send_request(std::string_view type, json::object params) {
    json::object frame;
    const json::value id = impl_->next_id++;
    frame["id"] = id;
    frame["type"] = type;
    for (auto& kv : params)
        frame[kv.key()] = std::move(kv.value());
    send_json(frame);
    return id;
}

void ws_client::send_json(const json::object& frame) {
    if (!send_text(json::serialize(frame)))
        throw std::runtime_error("cannot send " + describe(frame) + ": " +
                                 (impl_->closed ? impl_->close_text : std::string("write failed")));
}

json::object ws_client::wait_reply(const json::value& id, std::chrono::milliseconds timeout) {
    auto reply =
        impl_->take([&](const json::value& m) { return impl::is_reply_to(m, id); }, timeout);
    if (!reply)
        throw std::runtime_error("no reply with id " + json::serialize(id) + " within " +
                                 std::to_string(timeout.count()) + " ms; " +
                                 impl_->state_summary());
    return std::move(*reply);
}

json::object ws_client::request(std::string_view type, json::object params,
                                std::chrono::milliseconds timeout) {
    return wait_reply(send_request(type, std::move(params)), timeout);
}

json::object ws_client::call(std::string_view type, json::object params,
                             std::chrono::milliseconds timeout) {
    const std::string request_text = std::string(type) + " " + json::serialize(params);
    const auto reply = request(type, std::move(params), timeout);
    try {
        return result_of(reply);
    } catch (const std::exception& e) {
        throw std::runtime_error(request_text + ": " + e.what());
    }
}

json::object ws_client::next_event(std::string_view name, std::chrono::milliseconds timeout) {
    auto event = try_next_event(name, timeout);
    if (!event)
        throw std::runtime_error("no \"" + std::string(name) + "\" event within " +
                                 std::to_string(timeout.count()) + " ms; " +
                                 impl_->state_summary());
    return std::move(*event);
}

std::optional<json::object> ws_client::try_next_event(std::string_view name,
                                                      std::chrono::milliseconds timeout) {
    return impl_->take([&](const json::value& m) { return impl::is_event(m, name); }, timeout);
}

bool ws_client::no_event(std::string_view name, std::chrono::milliseconds within) {
    auto& in = *impl_;
    auto seen = [&] {
        return std::any_of(in.inbox.begin(), in.inbox.end(),
                           [&](const json::value& m) { return impl::is_event(m, name); });
    };
    run_until(
        in.ioc, [&] { return seen() || in.closed; }, clock_type::now() + within);
    return !seen();
}

std::optional<json::value> ws_client::next_message(std::chrono::milliseconds timeout) {
    auto& in = *impl_;
    run_until(
        in.ioc, [&] { return !in.inbox.empty() || in.closed; }, clock_type::now() + timeout);
    if (in.inbox.empty())
        return std::nullopt;
    auto m = std::move(in.inbox.front());
    in.inbox.pop_front();
    return m;
}

bool ws_client::send_text(std::string_view text) {
    return impl_->write(text, false);
}

bool ws_client::send_binary(std::string_view bytes) {
    return impl_->write(bytes, true);
}

bool ws_client::send_text_in_fragments(const std::vector<std::string_view>& fragments) {
    for (std::size_t i = 0; i < fragments.size(); ++i)
        if (!impl_->write_fragment(fragments[i], i + 1 == fragments.size()))
            return false;
    return true;
}

bool ws_client::send_ping(std::string_view payload) {
    auto& in = *impl_;
    if (in.closed)
        return false;
    in.pings_unanswered.emplace(payload);
    beast::error_code ec;
    bool done = false;
    in.with_ws([&](auto& ws) {
        ws.async_ping(websocket::ping_data(payload.data(), payload.size()),
                      [&](beast::error_code e) {
                          ec = e;
                          done = true;
                      });
    });
    if (!run_until(
            in.ioc, [&] { return done; }, clock_type::now() + default_timeout))
        throw std::runtime_error("WebSocket ping did not go out in time");
    return !ec;
}

int ws_client::matching_pongs() const {
    return impl_->matching_pongs;
}

int ws_client::wait_close(std::chrono::milliseconds timeout) {
    auto& in = *impl_;
    run_until(
        in.ioc, [&] { return in.closed; }, clock_type::now() + timeout);
    return in.closed ? in.close_code : still_open;
}

bool ws_client::is_open() const {
    return !impl_->closed;
}

std::string ws_client::close_description() const {
    return impl_->closed ? impl_->close_text : "still open; " + impl_->state_summary();
}

void ws_client::close() {
    if (!impl_->closed)
        impl_->abort_soon();
}

// --- upgrade probe --------------------------------------------------------------

upgrade_answer try_upgrade(server_address to, const ws_options& options) {
    auto connection = std::make_unique<ws_client::impl>();
    return connection->open(to, options);
}

// --- TLS ----------------------------------------------------------------------

tls_handshake tls_handshake_with(unsigned short port, int max_version) {
    // A context of its own: an old maximum version must not leak into other connections.
    net::ssl::context context(net::ssl::context::tls_client);
    context.set_verify_mode(net::ssl::verify_none);
    if (max_version != 0) {
        // OpenSSL's default security level refuses TLS below 1.2 on the client side
        // already; level 0 lets the old offer reach the server, which must refuse it itself.
        SSL_CTX_set_security_level(context.native_handle(), 0);
        SSL_CTX_set_min_proto_version(context.native_handle(), 0);
        SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
    }
    net::io_context ioc;
    tls_stream stream(ioc, context);
    connect_with_timeout(ioc, beast::get_lowest_layer(stream), port);
    tls_handshake result;
    try {
        tls_handshake_with_timeout(ioc, stream, port);
    } catch (const std::exception& e) {
        result.error = e.what();
        return result;
    }
    result.ok = true;
    result.version = SSL_get_version(stream.native_handle());
    if (X509* peer = SSL_get1_peer_certificate(stream.native_handle())) {
        unsigned char* der = nullptr;
        const int size = i2d_X509(peer, &der);
        if (size > 0)
            result.fingerprint = certificate_fingerprint(der, static_cast<std::size_t>(size));
        OPENSSL_free(der);
        X509_free(peer);
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    return result;
}

// --- JSON conveniences ------------------------------------------------------------

json::object result_of(const json::object& reply) {
    const auto* ok = reply.if_contains("ok");
    if (!ok || !ok->is_bool() || !ok->as_bool())
        throw std::runtime_error("request failed: " + describe(reply));
    const auto* result = reply.if_contains("result");
    if (!result || !result->is_object())
        throw std::runtime_error("ok reply without a result object: " + describe(reply));
    return result->as_object();
}

std::string error_code_of(const json::object& reply) {
    const auto* ok = reply.if_contains("ok");
    if (ok && ok->is_bool() && ok->as_bool())
        return "ok";
    const auto* error = reply.if_contains("error");
    if (!error || !error->is_object())
        return "(malformed reply: " + describe(reply) + ")";
    const auto* code = error->as_object().if_contains("code");
    if (!code || !code->is_string())
        return "(error without a code: " + describe(reply) + ")";
    return std::string(code->as_string());
}

std::string str(const json::value& v) {
    if (!v.is_string())
        throw std::runtime_error("expected a JSON string, got " + describe(v));
    return std::string(v.as_string());
}

std::int64_t num(const json::value& v) {
    if (v.is_int64())
        return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v.as_uint64());
    throw std::runtime_error("expected a JSON integer, got " + describe(v));
}

namespace {

const json::value* find_path(const json::value* cur, std::string_view rest) {
    while (cur && !rest.empty()) {
        const auto dot = rest.find('.');
        const std::string_view key = rest.substr(0, dot);
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
        const json::value* next = nullptr;
        if (cur->is_object()) {
            next = cur->as_object().if_contains(key);
        } else if (cur->is_array() && !key.empty() &&
                   key.find_first_not_of("0123456789") == std::string_view::npos) {
            const auto index = std::stoul(std::string(key));
            if (index < cur->as_array().size())
                next = &cur->as_array()[index];
        }
        cur = next;
    }
    return cur;
}

} // namespace

const json::value& at_path(const json::value& v, std::string_view path) {
    const auto* found = find_path(&v, path);
    if (!found)
        throw std::runtime_error("no \"" + std::string(path) + "\" in " + describe(v));
    return *found;
}

const json::value& at_path(const json::object& o, std::string_view path) {
    const auto dot = path.find('.');
    const auto* first = o.if_contains(path.substr(0, dot));
    const auto* found =
        first && dot != std::string_view::npos ? find_path(first, path.substr(dot + 1)) : first;
    if (!found)
        throw std::runtime_error("no \"" + std::string(path) + "\" in " + describe(o));
    return *found;
}

} // namespace carecircle::test
