#include "fleet.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <unordered_map>

namespace carecircle::bench {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;

std::int64_t now_ns() {
    // Counted from the first call, so the figures stay small enough to be exact even in a
    // JavaScript number when a request id carries one.
    static const auto base = std::chrono::steady_clock::now();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                base)
        .count();
}

std::string make_text(std::int64_t stamp_ns, std::size_t size) {
    std::string text = "t" + std::to_string(stamp_ns) + ":";
    if (text.size() < size) {
        text.append(size - text.size(), 'x');
    }
    return text;
}

namespace {

constexpr std::string_view created_prefix = R"({"event":"message.created")";
constexpr std::string_view id_prefix = R"({"id":)";

// The send time in a text made by make_text, found without parsing the whole frame.
std::int64_t find_stamp(std::string_view frame) {
    constexpr std::string_view key = R"("text":"t)";
    const auto at = frame.find(key);
    if (at == std::string_view::npos) {
        return 0;
    }
    const char* first = frame.data() + at + key.size();
    std::int64_t stamp = 0;
    auto [end, ec] = std::from_chars(first, frame.data() + frame.size(), stamp);
    return ec == std::errc{} && end < frame.data() + frame.size() && *end == ':' ? stamp : 0;
}

// Called on the connection's thread when its handshake ends, well or badly.
using ready_handler = std::function<void(bool ok)>;

class ws_conn final : public conn, public std::enable_shared_from_this<ws_conn> {
public:
    ws_conn(std::size_t index, std::size_t thread, net::io_context& ioc, frame_sink* sink)
        : conn(index, thread), ioc_(ioc), ws_(ioc), sink_(sink) {}

    net::io_context& context() override { return ioc_; }

    void start(const endpoint& where, std::string token, ready_handler on_ready) {
        on_ready_ = std::move(on_ready);
        token_ = std::move(token);
        host_ = where.host + ":" + std::to_string(where.port);
        auto& stream = beast::get_lowest_layer(ws_);
        stream.expires_after(std::chrono::seconds(20));
        const tcp::endpoint to(net::ip::make_address(where.host), where.port);
        stream.async_connect(
            to, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
    }

    void send(std::string text) override {
        if (ended) {
            return;
        }
        outgoing_.push_back(std::move(text));
        if (outgoing_.size() == 1) {
            do_write();
        }
    }

    void request(std::string_view type, json::object params, reply_handler done) override {
        const std::string id = "s" + std::to_string(++setup_id_);
        params["id"] = id;
        params["type"] = type;
        if (ended) {
            done(json::object{});
            return;
        }
        pending_.emplace(id, std::move(done));
        send(json::serialize(params));
    }

    void close() {
        if (ended || closing_) {
            return;
        }
        closing_ = true;
        ws_.async_close(websocket::close_code::normal,
                        [self = shared_from_this()](beast::error_code) { self->finish(0); });
    }

private:
    void on_connect(beast::error_code ec) {
        if (ec) {
            return finish(-1);
        }
        auto& stream = beast::get_lowest_layer(ws_);
        stream.socket().set_option(tcp::no_delay(true));
        stream.expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws_.read_message_max(4 * 1024 * 1024);
        ws_.auto_fragment(false);
        ws_.secure_prng(false);
        ws_.set_option(
            websocket::stream_base::decorator([token = token_](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, "carecircle-bench");
                if (!token.empty()) {
                    req.set(beast::http::field::authorization, "Bearer " + token);
                }
            }));
        ws_.async_handshake(host_, "/ws", [self = shared_from_this()](beast::error_code e) {
            if (e) {
                return self->finish(-1);
            }
            self->do_read();
        });
    }

    void do_read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            const int code = ws_.reason().code;
            return finish(code != 0 ? code : -1);
        }
        const auto data = buffer_.cdata();
        handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
        buffer_.consume(buffer_.size());
        do_read();
    }

    void handle(std::string_view frame) {
        if (frame.starts_with(created_prefix)) {
            deliveries.fetch_add(1, std::memory_order_relaxed);
            if (sink_) {
                sink_->on_delivery(*this, find_stamp(frame));
            }
            return;
        }
        if (frame.starts_with(id_prefix) && frame.size() > id_prefix.size() &&
            frame[id_prefix.size()] != '"') {
            std::int64_t id = 0;
            const char* first = frame.data() + id_prefix.size();
            auto [end, err] = std::from_chars(first, frame.data() + frame.size(), id);
            constexpr std::string_view ok_true = R"(,"ok":true)";
            if (err == std::errc{}) {
                const bool ok =
                    std::string_view(end, frame.data() + frame.size() - end).starts_with(ok_true);
                count_reply(ok);
                if (sink_) {
                    sink_->on_reply(*this, id, ok, frame);
                }
                return;
            }
        }
        // Anything else, or the same in another key order: parse it properly.
        boost::system::error_code ec;
        auto value = json::parse(frame, ec);
        if (ec || !value.is_object()) {
            return;
        }
        auto& object = value.as_object();
        if (const auto* event = object.if_contains("event"); event && event->is_string()) {
            if (*event == "message.created") {
                deliveries.fetch_add(1, std::memory_order_relaxed);
                const auto* message = object.if_contains("message");
                const auto* text = message && message->is_object()
                                       ? message->as_object().if_contains("text")
                                       : nullptr;
                std::int64_t stamp = 0;
                if (text && text->is_string()) {
                    const std::string as_frame =
                        "\"text\":\"" + std::string(text->as_string()) + "\"";
                    stamp = find_stamp(as_frame);
                }
                if (sink_) {
                    sink_->on_delivery(*this, stamp);
                }
                return;
            }
            if (*event == "hello") {
                return greeted();
            }
            return;
        }
        const auto* id = object.if_contains("id");
        const bool ok = object.if_contains("ok") && object.at("ok") == true;
        if (id && id->is_string()) {
            auto it = pending_.find(std::string(id->as_string()));
            if (it != pending_.end()) {
                auto done = std::move(it->second);
                pending_.erase(it);
                count_reply(ok);
                done(object);
            }
        } else if (id && id->is_int64()) {
            count_reply(ok);
            if (sink_) {
                sink_->on_reply(*this, id->as_int64(), ok, frame);
            }
        }
    }

    void count_reply(bool ok) {
        (ok ? replies : failed_replies).fetch_add(1, std::memory_order_relaxed);
    }

    void greeted() {
        ready = true;
        if (on_ready_) {
            std::exchange(on_ready_, nullptr)(true);
        }
    }

    void do_write() {
        ws_.text(true);
        ws_.async_write(
            net::buffer(outgoing_.front()),
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        if (ec) {
            outgoing_.clear();
            return;
        }
        outgoing_.pop_front();
        if (!outgoing_.empty()) {
            do_write();
        }
    }

    void finish(int code) {
        if (ended) {
            return;
        }
        close_code = code;
        ended = true;
        ready = false;
        if (on_ready_) {
            std::exchange(on_ready_, nullptr)(false);
        }
        for (auto& [id, done] : std::exchange(pending_, {})) {
            done(json::object{});
        }
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    net::io_context& ioc_;
    websocket::stream<beast::tcp_stream> ws_;
    frame_sink* sink_;
    beast::flat_buffer buffer_;
    std::deque<std::string> outgoing_;
    std::unordered_map<std::string, reply_handler> pending_;
    std::uint64_t setup_id_ = 0;
    std::string token_;
    std::string host_;
    ready_handler on_ready_;
    bool closing_ = false;
};

// Counts down to zero and wakes a waiter; safe from any thread.
class countdown {
public:
    explicit countdown(std::size_t n) : left_(n) {}
    void done() {
        std::lock_guard lock(mutex_);
        if (left_ > 0 && --left_ == 0) {
            cv_.notify_all();
        }
    }
    bool wait_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [this] { return left_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::size_t left_;
};

} // namespace

fleet::fleet(endpoint where, std::size_t threads, frame_sink* sink)
    : where_(std::move(where)), sink_(sink) {
    using guard = net::executor_work_guard<net::io_context::executor_type>;
    auto guards = std::make_shared<std::vector<guard>>();
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
        contexts_.push_back(std::make_unique<net::io_context>(1));
        guards->push_back(net::make_work_guard(*contexts_.back()));
    }
    work_ = guards;
    for (auto& ioc : contexts_) {
        threads_.emplace_back([&ioc = *ioc] { ioc.run(); });
    }
}

fleet::~fleet() {
    work_.reset();
    for (auto& ioc : contexts_) {
        ioc->stop();
    }
    for (auto& thread : threads_) {
        thread.join();
    }
    conns_.clear();
    contexts_.clear();
}

std::size_t fleet::connect(const std::vector<std::string>& tokens, std::chrono::seconds timeout,
                           std::size_t parallel) {
    // A shared queue of connections still to start; each finished handshake starts the next,
    // so no more than `parallel` are in flight at once.
    struct launcher {
        std::mutex mutex;
        std::deque<std::shared_ptr<ws_conn>> waiting;
        endpoint where;
        std::vector<std::string> tokens;
        std::atomic<std::size_t> ok{0};
        countdown finished;
        explicit launcher(std::size_t n) : finished(n) {}
    };
    auto state = std::make_shared<launcher>(tokens.size());
    state->where = where_;
    state->tokens = tokens;
    const std::size_t first = conns_.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::size_t index = first + i;
        const std::size_t thread = index % contexts_.size();
        auto c = std::make_shared<ws_conn>(index, thread, *contexts_[thread], sink_);
        conns_.push_back(c);
        state->waiting.push_back(std::move(c));
    }
    auto launch_one = std::make_shared<std::function<void()>>();
    *launch_one = [state, first, weak = std::weak_ptr<std::function<void()>>(launch_one)] {
        std::shared_ptr<ws_conn> next;
        {
            std::lock_guard lock(state->mutex);
            if (state->waiting.empty()) {
                return;
            }
            next = std::move(state->waiting.front());
            state->waiting.pop_front();
        }
        const auto& token = state->tokens[next->index() - first];
        net::post(next->context(), [state, next, token, weak] {
            next->start(state->where, token, [state, weak](bool ok) {
                if (ok) {
                    ++state->ok;
                }
                state->finished.done();
                if (auto again = weak.lock()) {
                    (*again)();
                }
            });
        });
    };
    for (std::size_t i = 0; i < std::min(parallel, tokens.size()); ++i) {
        (*launch_one)();
    }
    state->finished.wait_for(timeout);
    // Once this returns the launcher may not start more: late ones are simply not counted.
    {
        std::lock_guard lock(state->mutex);
        state->waiting.clear();
    }
    return state->ok.load();
}

std::vector<json::object> fleet::call_each(const std::vector<std::size_t>& who,
                                           std::string_view type,
                                           const std::function<json::object(std::size_t)>& params,
                                           std::chrono::seconds timeout) {
    auto replies = std::make_shared<std::vector<json::object>>(who.size());
    auto finished = std::make_shared<countdown>(who.size());
    auto lock = std::make_shared<std::mutex>();
    const std::string name(type);
    for (std::size_t i = 0; i < who.size(); ++i) {
        auto c = conns_.at(who[i]);
        net::post(c->context(), [c, i, name, p = params(i), replies, finished, lock]() mutable {
            c->request(name, std::move(p), [i, replies, finished, lock](const json::object& reply) {
                {
                    std::lock_guard guard(*lock);
                    (*replies)[i] = reply;
                }
                finished->done();
            });
        });
    }
    finished->wait_for(timeout);
    std::lock_guard guard(*lock);
    return *replies;
}

json::object fleet::call(std::size_t who, std::string_view type, json::object params,
                         std::chrono::seconds timeout) {
    return call_each(
               {who}, type, [&](std::size_t) { return params; }, timeout)
        .front();
}

void fleet::each(const std::function<void(conn&)>& fn) {
    countdown finished(conns_.size());
    for (auto& c : conns_) {
        net::post(c->context(), [&fn, &finished, c] {
            fn(*c);
            finished.done();
        });
    }
    finished.wait_for(std::chrono::seconds(60));
}

void fleet::sync() {
    countdown finished(contexts_.size());
    for (auto& ioc : contexts_) {
        net::post(*ioc, [&finished] { finished.done(); });
    }
    finished.wait_for(std::chrono::seconds(60));
}

void fleet::close_all(std::chrono::milliseconds timeout) {
    for (auto& c : conns_) {
        auto ws = std::static_pointer_cast<ws_conn>(c);
        net::post(ws->context(), [ws] { ws->close(); });
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto& c : conns_) {
        while (!c->ended && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
}

} // namespace carecircle::bench
