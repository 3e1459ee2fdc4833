#pragma once

// Many WebSocket clients on a few threads. Each thread runs its own io_context, and every
// connection lives on one of them for its whole life, so a connection's handlers never run
// concurrently and need no strand.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace carecircle::bench {

struct endpoint {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
};

class conn;

// What a scenario does with the frames that arrive. Called on the connection's thread, so it
// must be quick and may touch only that thread's state (or atomics).
class frame_sink {
public:
    virtual ~frame_sink() = default;
    // A `message.created` event; `stamp_ns` is the send time carried in its text (see
    // make_text), or 0 when the text carries none.
    virtual void on_delivery(conn& c, std::int64_t stamp_ns) = 0;
    // The reply to a request sent with an integer id (the benchmark's own traffic).
    virtual void on_reply(conn& c, std::int64_t id, bool ok, std::string_view frame) = 0;
};

using reply_handler = std::function<void(const boost::json::object& reply)>;

// One client connection. Its counters may be read from any thread.
class conn {
public:
    virtual ~conn() = default;

    std::size_t index() const { return index_; }
    std::size_t thread() const { return thread_; }
    virtual boost::asio::io_context& context() = 0;

    // Both only on the connection's own thread (post there first).
    virtual void send(std::string text) = 0;
    // A setup request with an id of the connection's own; `done` gets the whole reply (or an
    // empty object when the connection ends first).
    virtual void request(std::string_view type, boost::json::object params, reply_handler done) = 0;

    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::uint64_t> replies{0};
    std::atomic<std::uint64_t> failed_replies{0};
    std::atomic<bool> ready{false}; // upgraded and greeted with `hello`
    std::atomic<bool> ended{false}; // the connection is over
    std::atomic<int> close_code{0}; // the server's close code, -1 when TCP ended without one

protected:
    conn(std::size_t index, std::size_t thread) : index_(index), thread_(thread) {}

private:
    std::size_t index_;
    std::size_t thread_;
};

class fleet {
public:
    fleet(endpoint where, std::size_t threads, frame_sink* sink);
    ~fleet();

    fleet(const fleet&) = delete;
    fleet& operator=(const fleet&) = delete;

    // Opens one connection per token (an empty token sends no Authorization header), with at
    // most `parallel` handshakes in flight, and waits until each is greeted or has failed, or
    // until `timeout`. Returns how many are ready.
    std::size_t connect(const std::vector<std::string>& tokens, std::chrono::seconds timeout,
                        std::size_t parallel = 128);

    std::size_t size() const { return conns_.size(); }
    conn& at(std::size_t i) { return *conns_[i]; }
    std::size_t threads() const { return contexts_.size(); }

    // Sends one setup request from each connection in `who` (with params(i) for the i-th) and
    // waits for every reply. A missing reply is an empty object.
    std::vector<boost::json::object>
    call_each(const std::vector<std::size_t>& who, std::string_view type,
              const std::function<boost::json::object(std::size_t)>& params,
              std::chrono::seconds timeout);
    boost::json::object call(std::size_t who, std::string_view type, boost::json::object params,
                             std::chrono::seconds timeout);

    // Runs `fn` on each connection's thread and waits; afterwards what the threads wrote before
    // is visible to the caller.
    void each(const std::function<void(conn&)>& fn);
    // Waits until every thread has run what was posted to it before.
    void sync();

    // Closes every connection with a normal close, waiting at most `timeout`.
    void close_all(std::chrono::milliseconds timeout);

private:
    endpoint where_;
    frame_sink* sink_;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<conn>> conns_;
    std::shared_ptr<void> work_; // keeps the io_contexts running until the destructor
};

// A message text of `size` characters that carries a send time: "t<ns>:" padded with 'x'.
std::string make_text(std::int64_t stamp_ns, std::size_t size);
// Nanoseconds on the steady clock since the first call (one clock for every thread here).
std::int64_t now_ns();

} // namespace carecircle::bench
