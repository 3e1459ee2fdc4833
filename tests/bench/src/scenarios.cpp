#include "scenarios.hpp"

#include "fleet.hpp"
#include "stats.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

namespace carecircle::bench {
namespace net = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto setup_timeout = 120s;

void sleep_seconds(double s) {
    std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e9;
}

double round_to(double value, int digits) {
    const double scale = std::pow(10.0, digits);
    return std::round(value * scale) / scale;
}

// How many a second, to one decimal: the form every throughput figure takes.
double per_second(std::uint64_t before, std::uint64_t after, double seconds) {
    return round_to(static_cast<double>(after - before) / seconds, 1);
}

// A messages.send frame whose id is `id` and whose text carries `stamp`. Built by hand: every
// value in it is a number or plain ASCII, and this runs for every message sent.
std::string send_frame(std::int64_t id, std::int64_t group, std::int64_t stamp,
                       std::size_t text_size) {
    std::string frame;
    frame.reserve(96 + text_size);
    frame += R"({"id":)";
    frame += std::to_string(id);
    frame += R"(,"type":"messages.send","group":)";
    frame += std::to_string(group);
    frame += R"(,"text":")";
    frame += make_text(stamp, text_size);
    frame += R"("})";
    return frame;
}

std::string history_frame(std::int64_t id, std::int64_t group) {
    return R"({"id":)" + std::to_string(id) + R"(,"type":"messages.history","group":)" +
           std::to_string(group) + R"(,"limit":50})";
}

bool reply_ok(const json::object& reply) {
    const auto* ok = reply.if_contains("ok");
    return ok && *ok == true;
}

std::string describe(const json::object& reply) {
    return reply.empty() ? std::string("no reply") : json::serialize(reply);
}

// Figures every scenario reports about the target and the generator.
struct usage_probe {
    pid_t pid;
    std::optional<double> server_cpu_start;
    double own_cpu_start;
    std::int64_t start_ns;

    explicit usage_probe(pid_t server) : pid(server) { restart(); }
    void restart() {
        server_cpu_start = pid > 0 ? cpu_seconds(pid) : std::nullopt;
        own_cpu_start = own_cpu_seconds();
        start_ns = now_ns();
    }
    void report(json::object& out) const {
        const double wall = seconds_between(start_ns, now_ns());
        if (wall <= 0) {
            return;
        }
        if (server_cpu_start) {
            if (auto now = cpu_seconds(pid)) {
                out["server_cpu_percent"] = round_to(100.0 * (*now - *server_cpu_start) / wall, 1);
            }
        }
        out["generator_cpu_percent"] =
            round_to(100.0 * (own_cpu_seconds() - own_cpu_start) / wall, 1);
    }
};

struct outcome {
    json::object figures;
    json::array problems;

    void problem(std::string what) {
        std::cerr << "  problem: " << what << '\n';
        problems.emplace_back(std::move(what));
    }
    json::object finish() {
        figures["ok"] = problems.empty();
        figures["problems"] = std::move(problems);
        return std::move(figures);
    }
};

std::string unique_group_name(std::string_view scenario) {
    return "Bench " + std::string(scenario) + " " + std::to_string(now_ns() % 1000000007);
}

// Creates `count` public groups from a short-lived admin connection (closed again, so the
// admin receives none of the traffic). Returns their ids.
std::vector<std::int64_t> create_groups(target& server, std::size_t count,
                                        std::string_view scenario) {
    std::vector<std::int64_t> ids;
    fleet admin(server.where(), 1, nullptr);
    if (admin.connect({server.admin_token()}, 30s) != 1) {
        throw std::runtime_error("the admin connection failed");
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto reply =
            admin.call(0, "groups.create",
                       {{"name", unique_group_name(scenario) + " " + std::to_string(i)},
                        {"region", "Bench"},
                        {"description", "load test"},
                        {"visibility", "public"}},
                       30s);
        if (!reply_ok(reply)) {
            throw std::runtime_error("groups.create failed: " + describe(reply));
        }
        ids.push_back(reply.at("result").at("group").at("id").as_int64());
    }
    admin.close_all(2s);
    return ids;
}

// Tokens for `clients` connections, `per_user` of them sharing an account; `joiners` gets the
// connections that must send groups.join (one per account; every one on the reference, where
// membership belongs to the socket).
std::vector<std::string> connection_tokens(target& server, std::size_t clients,
                                           std::size_t per_user,
                                           std::vector<std::size_t>& joiners) {
    per_user = std::max<std::size_t>(per_user, 1);
    const std::size_t users = (clients + per_user - 1) / per_user;
    const auto accounts = server.tokens(users);
    std::vector<std::string> tokens(clients);
    joiners.clear();
    for (std::size_t i = 0; i < clients; ++i) {
        tokens[i] = accounts[i % users];
        if (i < users || server.is_reference()) {
            joiners.push_back(i);
        }
    }
    return tokens;
}

// Opens the connections and has them join `group_of(i)`; records what failed.
void connect_and_join(fleet& f, const std::vector<std::string>& tokens,
                      const std::vector<std::size_t>& joiners,
                      const std::function<std::int64_t(std::size_t)>& group_of, outcome& out) {
    const auto started = now_ns();
    const std::size_t ready = f.connect(tokens, setup_timeout);
    out.figures["connect_seconds"] = round_to(seconds_between(started, now_ns()), 2);
    if (ready != tokens.size()) {
        out.problem(std::to_string(tokens.size() - ready) + " of " + std::to_string(tokens.size()) +
                    " connections failed to open");
    }
    const auto replies = f.call_each(
        joiners, "groups.join",
        [&](std::size_t i) {
            return json::object{{"group", group_of(joiners[i])}};
        },
        setup_timeout);
    const auto failed = std::count_if(replies.begin(), replies.end(),
                                      [](const json::object& r) { return !reply_ok(r); });
    if (failed > 0) {
        out.problem(std::to_string(failed) + " joins failed, e.g. " +
                    describe(*std::find_if(replies.begin(), replies.end(),
                                           [](const json::object& r) { return !reply_ok(r); })));
    }
}

std::uint64_t total_deliveries(fleet& f) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        total += f.at(i).deliveries.load(std::memory_order_relaxed);
    }
    return total;
}

// Counts connections the server ended, by close code.
void report_closures(fleet& f, outcome& out) {
    std::map<int, std::size_t> codes;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f.at(i).ended) {
            ++codes[f.at(i).close_code.load()];
        }
    }
    std::size_t closed = 0;
    json::object by_code;
    for (const auto& [code, count] : codes) {
        closed += count;
        by_code[std::to_string(code)] = count;
    }
    out.figures["closed_by_server"] = closed;
    if (closed > 0) {
        out.figures["close_codes"] = std::move(by_code);
        out.problem(std::to_string(closed) + " connections were closed by the server");
    }
}

// Waits until `done()` or `limit` seconds; returns the seconds waited.
double wait_until(const std::function<bool()>& done, double limit) {
    const auto started = now_ns();
    while (!done() && seconds_between(started, now_ns()) < limit) {
        std::this_thread::sleep_for(10ms);
    }
    return seconds_between(started, now_ns());
}

// Records delivery latencies (from the stamp in the text) and reply latencies (from the
// request id, which is the send time), per client thread, from `record_from` on.
class latency_sink : public frame_sink {
public:
    explicit latency_sink(std::size_t threads) : deliveries_ns(threads), replies_ns(threads) {}

    void on_delivery(conn& c, std::int64_t stamp) override {
        if (stamp != 0 && stamp >= record_from.load(std::memory_order_relaxed)) {
            deliveries_ns[c.thread()].push_back(now_ns() - stamp);
        }
    }
    void on_reply(conn& c, std::int64_t id, bool ok, std::string_view frame) override {
        (ok ? acked : failed).fetch_add(1, std::memory_order_relaxed);
        if (!ok && failed_example.empty()) {
            std::lock_guard lock(example_mutex);
            failed_example = std::string(frame.substr(0, 300));
        }
        if (id >= record_from.load(std::memory_order_relaxed)) {
            replies_ns[c.thread()].push_back(now_ns() - id);
        }
        after_reply(c, id, ok, frame);
    }
    virtual void after_reply(conn&, std::int64_t, bool, std::string_view) {}

    std::atomic<std::int64_t> record_from{INT64_MAX};
    std::atomic<std::uint64_t> acked{0};
    std::atomic<std::uint64_t> failed{0};
    std::vector<std::vector<std::int64_t>> deliveries_ns;
    std::vector<std::vector<std::int64_t>> replies_ns;
    std::mutex example_mutex;
    std::string failed_example;
};

// After sending has stopped: waits (at most `drain` seconds) for every reply and for every
// connection to hold every acknowledged message, then reports what is missing. Replies wait
// in the same queue as deliveries, so a server that fell behind acknowledges late too.
void check_deliveries(fleet& f, const latency_sink& sink,
                      const std::function<std::uint64_t()>& sent, double drain, outcome& out) {
    const auto complete = [&] {
        const auto created = sink.acked.load();
        if (created + sink.failed.load() < sent()) {
            return false;
        }
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (!f.at(i).ended && f.at(i).deliveries.load() < created) {
                return false;
            }
        }
        return true;
    };
    out.figures["drain_seconds"] = round_to(wait_until(complete, drain), 2);
    const std::uint64_t created = sink.acked.load();
    const std::uint64_t answered = created + sink.failed.load();
    if (answered < sent()) {
        out.problem(std::to_string(sent() - answered) + " sends still unanswered after the drain");
    }
    std::uint64_t lost = 0;
    std::uint64_t delivered = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        const auto got = f.at(i).deliveries.load();
        delivered += got;
        lost += got < created ? created - got : 0;
    }
    const std::uint64_t expected = created * f.size();
    out.figures["deliveries_expected"] = expected;
    out.figures["deliveries_made"] = delivered;
    out.figures["deliveries_lost"] = lost;
    if (lost > 0) {
        out.problem(std::to_string(lost) + " of " + std::to_string(expected) +
                    " deliveries never arrived");
    }
    if (answered >= sent() && delivered > expected) {
        out.problem(std::to_string(delivered - expected) + " deliveries more than messages sent");
    }
}

// Sends at a fixed rate from one connection, on its own thread. Each message carries the time
// it was due, not the time it left: a sender that falls behind does not hide the delay
// (no coordinated omission).
class paced_sender : public std::enable_shared_from_this<paced_sender> {
public:
    paced_sender(conn& c, std::int64_t group, double rate, std::size_t text_size)
        : c_(c), timer_(c.context()), group_(group), rate_(rate), text_size_(text_size) {}

    // Sends until `end_ns`.
    void start(std::int64_t end_ns) {
        start_ns_ = now_ns();
        end_ns_ = end_ns;
        net::post(c_.context(), [self = shared_from_this()] { self->tick(); });
    }
    std::atomic<bool> finished{false};
    std::atomic<std::uint64_t> sent{0};

private:
    std::int64_t due(std::uint64_t i) const {
        return start_ns_ + static_cast<std::int64_t>(static_cast<double>(i) * 1e9 / rate_);
    }

    void tick() {
        const auto now = now_ns();
        std::uint64_t next = sent.load();
        for (; due(next) <= now && due(next) < end_ns_; ++next) {
            c_.send(send_frame(due(next), group_, due(next), text_size_));
        }
        sent = next;
        if (due(next) >= end_ns_) {
            finished = true;
            return;
        }
        timer_.expires_after(std::chrono::nanoseconds(due(next) - now_ns()));
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                self->tick();
            }
        });
    }

    conn& c_;
    net::steady_timer timer_;
    std::int64_t group_;
    double rate_;
    std::size_t text_size_;
    std::int64_t start_ns_ = 0;
    std::int64_t end_ns_ = 0;
};

// Closed loop: every acknowledgement sends the next message from the same connection.
class closed_loop_sink : public latency_sink {
public:
    closed_loop_sink(std::size_t threads, std::size_t text_size)
        : latency_sink(threads), text_size_(text_size) {}

    void send_one(conn& c, std::int64_t group) {
        const auto now = now_ns();
        sent.fetch_add(1, std::memory_order_relaxed);
        c.send(send_frame(now, group, now, text_size_));
    }
    void after_reply(conn& c, std::int64_t, bool, std::string_view) override {
        if (sending.load(std::memory_order_relaxed)) {
            send_one(c, group_of[c.index()]);
        }
    }

    std::atomic<bool> sending{true};
    std::atomic<std::uint64_t> sent{0};
    std::vector<std::int64_t> group_of; // by connection index; filled before sending starts

private:
    std::size_t text_size_;
};

void add_latencies(json::object& out, const char* name,
                   std::vector<std::vector<std::int64_t>>& per_thread) {
    auto all = merge(per_thread);
    out[name] = summarize(all);
}

void report_failed_sends(const latency_sink& sink, outcome& out) {
    if (sink.failed > 0) {
        out.problem(std::to_string(sink.failed.load()) + " sends failed, e.g. " +
                    sink.failed_example);
    }
}

// The end of a scenario that sends to a group and counts what arrives: every reply, then
// every delivery of every acknowledged message, then what went wrong and the latencies.
json::object finish_deliveries(fleet& f, latency_sink& sink,
                               const std::function<std::uint64_t()>& sent, double drain,
                               outcome& out) {
    check_deliveries(f, sink, sent, drain, out);
    report_failed_sends(sink, out);
    report_closures(f, out);
    f.sync();
    add_latencies(out.figures, "delivery_latency", sink.deliveries_ns);
    add_latencies(out.figures, "ack_latency", sink.replies_ns);
    f.close_all(3s);
    return out.finish();
}

} // namespace

json::object run_fanout(target& server, const scenario_params& p) {
    outcome out;
    out.figures["clients"] = p.clients;
    out.figures["inflight"] = p.inflight;
    const auto group = create_groups(server, 1, "fanout").front();
    std::vector<std::size_t> joiners;
    const auto tokens = connection_tokens(server, p.clients, p.conns_per_user, joiners);

    closed_loop_sink sink(p.threads, p.text_size);
    sink.group_of.assign(p.clients, group);
    fleet f(server.where(), p.threads, &sink);
    connect_and_join(
        f, tokens, joiners, [&](std::size_t) { return group; }, out);
    if (!out.problems.empty()) {
        return out.finish();
    }

    // One sender (the first member) keeps `inflight` messages unacknowledged.
    conn& sender = f.at(0);
    net::post(sender.context(), [&] {
        for (std::size_t i = 0; i < p.inflight; ++i) {
            sink.send_one(sender, group);
        }
    });
    sleep_seconds(p.warmup);
    sink.record_from = now_ns();
    usage_probe usage(server.pid());
    const auto deliveries_before = total_deliveries(f);
    const auto acked_before = sink.acked.load();
    sleep_seconds(p.duration);
    const auto deliveries_after = total_deliveries(f);
    const auto acked_after = sink.acked.load();
    const double window = seconds_between(usage.start_ns, now_ns());
    usage.report(out.figures);
    sink.record_from = INT64_MAX;
    sink.sending = false;

    out.figures["seconds"] = round_to(window, 3);
    out.figures["messages_per_s"] = per_second(acked_before, acked_after, window);
    out.figures["deliveries_per_s"] = per_second(deliveries_before, deliveries_after, window);

    return finish_deliveries(
        f, sink, [&] { return sink.sent.load(); }, p.drain, out);
}

json::object run_latency(target& server, const scenario_params& p) {
    outcome out;
    out.figures["clients"] = p.clients;
    out.figures["rate"] = p.rate;
    const auto group = create_groups(server, 1, "latency").front();
    std::vector<std::size_t> joiners;
    const auto tokens = connection_tokens(server, p.clients, p.conns_per_user, joiners);

    latency_sink sink(p.threads);
    fleet f(server.where(), p.threads, &sink);
    connect_and_join(
        f, tokens, joiners, [&](std::size_t) { return group; }, out);
    if (!out.problems.empty()) {
        return out.finish();
    }

    auto sender = std::make_shared<paced_sender>(f.at(0), group, p.rate, p.text_size);
    const auto begin = now_ns();
    const auto record_from = begin + static_cast<std::int64_t>(p.warmup * 1e9);
    const auto end = record_from + static_cast<std::int64_t>(p.duration * 1e9);
    sink.record_from = record_from;
    sender->start(end);
    sleep_seconds(p.warmup);
    usage_probe usage(server.pid());
    const auto deliveries_before = total_deliveries(f);
    wait_until([&] { return sender->finished.load(); }, p.duration + 5);
    const auto deliveries_after = total_deliveries(f);
    const double window = seconds_between(usage.start_ns, now_ns());
    usage.report(out.figures);

    out.figures["seconds"] = round_to(window, 3);
    out.figures["messages_sent"] = sender->sent.load();
    out.figures["deliveries_needed_per_s"] = round_to(p.rate * static_cast<double>(p.clients), 1);
    out.figures["deliveries_per_s"] = per_second(deliveries_before, deliveries_after, window);

    return finish_deliveries(
        f, sink, [&] { return sender->sent.load(); }, p.drain, out);
}

json::object run_idle(target& server, const scenario_params& p) {
    outcome out;
    out.figures["clients"] = p.clients;
    out.figures["conns_per_user"] = p.conns_per_user;
    const pid_t pid = server.pid();
    if (pid <= 0) {
        out.problem("the server's process id is unknown (pass --server-pid)");
        return out.finish();
    }
    const auto group = create_groups(server, 1, "idle").front();
    std::vector<std::size_t> joiners;
    const auto tokens = connection_tokens(server, p.clients, p.conns_per_user, joiners);

    latency_sink sink(p.threads);
    fleet f(server.where(), p.threads, &sink);
    sleep_seconds(p.settle);
    const auto before = rss_kib(pid).value_or(0);
    const auto started = now_ns();
    const std::size_t ready = f.connect(tokens, setup_timeout);
    out.figures["connect_seconds"] = round_to(seconds_between(started, now_ns()), 2);
    out.figures["connected"] = ready;
    if (ready != tokens.size()) {
        out.problem(std::to_string(tokens.size() - ready) + " connections failed to open");
    }
    sleep_seconds(p.settle);
    const auto after = rss_kib(pid).value_or(0);
    out.figures["rss_before_kib"] = before;
    out.figures["rss_after_kib"] = after;
    out.figures["kib_per_connection"] = round_to(
        static_cast<double>(after - before) / static_cast<double>(std::max<std::size_t>(ready, 1)),
        2);

    if (p.soak > 0 && out.problems.empty()) {
        // Every connection joins one group, and one of them sends into it while memory is
        // sampled once a second.
        const auto replies = f.call_each(
            joiners, "groups.join",
            [&](std::size_t) {
                return json::object{{"group", group}};
            },
            setup_timeout);
        if (std::any_of(replies.begin(), replies.end(),
                        [](const json::object& r) { return !reply_ok(r); })) {
            out.problem("joins failed before the soak");
            return out.finish();
        }
        auto sender = std::make_shared<paced_sender>(f.at(0), group, p.rate, p.text_size);
        const auto begin = now_ns();
        sink.record_from = begin;
        sender->start(begin + static_cast<std::int64_t>(p.soak * 1e9));
        json::array samples;
        std::int64_t low = INT64_MAX;
        std::int64_t high = 0;
        while (!sender->finished) {
            sleep_seconds(1);
            const auto rss = rss_kib(pid).value_or(0);
            samples.emplace_back(rss);
            low = std::min(low, rss);
            high = std::max(high, rss);
        }
        check_deliveries(
            f, sink, [&] { return sender->sent.load(); }, p.drain, out);
        const auto first = samples.empty() ? 0 : samples.front().as_int64();
        const auto last = samples.empty() ? 0 : samples.back().as_int64();
        json::object soak{
            {"seconds", p.soak},      {"rate", p.rate},       {"messages", sender->sent.load()},
            {"rss_first_kib", first}, {"rss_last_kib", last}, {"rss_min_kib", low},
            {"rss_max_kib", high}};
        if (first > 0) {
            soak["drift_percent"] =
                round_to(100.0 * static_cast<double>(last - first) / static_cast<double>(first), 2);
            soak["spread_percent"] =
                round_to(100.0 * static_cast<double>(high - low) / static_cast<double>(first), 2);
        }
        f.sync();
        add_latencies(soak, "delivery_latency", sink.deliveries_ns);
        out.figures["soak"] = std::move(soak);
        out.figures["rss_after_soak_kib"] = last;
    }
    report_closures(f, out);
    f.close_all(5s);
    return out.finish();
}

json::object run_persist(target& server, const scenario_params& p) {
    outcome out;
    out.figures["senders"] = p.senders;
    out.figures["groups"] = p.groups;
    out.figures["inflight"] = p.inflight;
    const auto groups = create_groups(server, p.groups, "persist");
    std::vector<std::size_t> joiners;
    const auto tokens = connection_tokens(server, p.senders, 1, joiners);

    closed_loop_sink sink(p.threads, p.text_size);
    sink.group_of.resize(p.senders);
    for (std::size_t i = 0; i < p.senders; ++i) {
        sink.group_of[i] = groups[i % groups.size()];
    }
    fleet f(server.where(), p.threads, &sink);
    connect_and_join(
        f, tokens, joiners, [&](std::size_t i) { return sink.group_of[i]; }, out);
    if (!out.problems.empty()) {
        return out.finish();
    }

    f.each([&](conn& c) {
        for (std::size_t i = 0; i < p.inflight; ++i) {
            sink.send_one(c, sink.group_of[c.index()]);
        }
    });
    sleep_seconds(p.warmup);
    sink.record_from = now_ns();
    usage_probe usage(server.pid());
    const auto acked_before = sink.acked.load();
    const auto deliveries_before = total_deliveries(f);
    sleep_seconds(p.duration);
    const auto acked_after = sink.acked.load();
    const auto deliveries_after = total_deliveries(f);
    const double window = seconds_between(usage.start_ns, now_ns());
    usage.report(out.figures);
    sink.record_from = INT64_MAX;
    sink.sending = false;

    out.figures["seconds"] = round_to(window, 3);
    out.figures["acks_per_s"] = per_second(acked_before, acked_after, window);
    out.figures["deliveries_per_s"] = per_second(deliveries_before, deliveries_after, window);
    wait_until([&] { return sink.acked + sink.failed >= sink.sent; }, p.drain);
    out.figures["acked"] = sink.acked.load();
    out.figures["failed"] = sink.failed.load();
    report_failed_sends(sink, out);
    if (sink.acked + sink.failed < sink.sent) {
        out.problem(std::to_string(sink.sent - sink.acked - sink.failed) + " sends never answered");
    }
    if (acked_after == acked_before) {
        out.problem("no message was acknowledged while measuring");
    }
    report_closures(f, out);
    f.sync();
    add_latencies(out.figures, "ack_latency", sink.replies_ns);
    f.close_all(3s);
    return out.finish();
}

namespace {

// Readers ask for the latest 50 in a closed loop; the first answer on each connection is
// checked in full.
class history_sink : public latency_sink {
public:
    history_sink(std::size_t threads, std::size_t connections, std::int64_t group,
                 std::size_t expected)
        : latency_sink(threads), checked(connections, 0), group_(group), expected_(expected) {}

    void after_reply(conn& c, std::int64_t, bool ok, std::string_view frame) override {
        if (ok && !checked[c.index()]) {
            checked[c.index()] = 1;
            boost::system::error_code ec;
            const auto reply = json::parse(frame, ec);
            const auto* result =
                !ec && reply.is_object() ? reply.as_object().if_contains("result") : nullptr;
            const auto* messages = result && result->is_object()
                                       ? result->as_object().if_contains("messages")
                                       : nullptr;
            if (!messages || !messages->is_array() || messages->as_array().size() != expected_) {
                wrong_pages.fetch_add(1);
            }
        }
        if (reading.load(std::memory_order_relaxed)) {
            ask(c);
        }
    }
    void ask(conn& c) {
        sent.fetch_add(1, std::memory_order_relaxed);
        c.send(history_frame(now_ns(), group_));
    }

    std::vector<char> checked; // by connection; each slot written by its own thread only
    std::atomic<bool> reading{true};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> wrong_pages{0};

private:
    std::int64_t group_;
    std::size_t expected_;
};

} // namespace

json::object run_history(target& server, const scenario_params& p) {
    outcome out;
    out.figures["readers"] = p.readers;
    out.figures["messages"] = p.messages;
    std::int64_t group = 0;
    if (auto seeded = server.fixture_history(); seeded && seeded->messages >= p.messages) {
        group = seeded->group;
        out.figures["messages"] = seeded->messages;
        out.figures["startup_seconds"] = round_to(server.startup_seconds(), 3);
    } else {
        group = create_groups(server, 1, "history").front();
        const auto started = now_ns();
        if (server.can_seed_offline()) {
            out.figures["startup_seconds"] = round_to(server.seed_offline(group, p.messages), 3);
        } else {
            // Through the protocol: `bench.seed` on the reference, messages.send elsewhere.
            closed_loop_sink seeder(1, p.text_size);
            seeder.group_of.assign(1, group);
            fleet admin(server.where(), 1, &seeder);
            admin.connect({server.admin_token()}, 30s);
            if (server.is_reference()) {
                const auto reply = admin.call(
                    0, "bench.seed",
                    {{"group", group}, {"count", p.messages}, {"text", make_text(0, p.text_size)}},
                    setup_timeout);
                if (!reply_ok(reply)) {
                    out.problem("bench.seed failed: " + describe(reply));
                }
            } else {
                net::post(admin.at(0).context(), [&] {
                    for (int i = 0; i < 64; ++i) {
                        seeder.send_one(admin.at(0), group);
                    }
                });
                wait_until([&] { return seeder.acked + seeder.failed >= p.messages; }, 600);
                seeder.sending = false;
                wait_until([&] { return seeder.acked + seeder.failed >= seeder.sent; }, p.drain);
            }
            admin.close_all(2s);
        }
        out.figures["seed_seconds"] = round_to(seconds_between(started, now_ns()), 2);
        server.remember_history({group, p.messages});
    }
    if (!out.problems.empty()) {
        return out.finish();
    }

    std::vector<std::size_t> joiners;
    const auto tokens = connection_tokens(server, p.readers, 1, joiners);
    const auto expected =
        std::min<std::size_t>(50, out.figures["messages"].to_number<std::size_t>());
    history_sink sink(p.threads, p.readers, group, expected);
    fleet f(server.where(), p.threads, &sink);
    if (f.connect(tokens, setup_timeout) != tokens.size()) {
        out.problem("reader connections failed to open");
        return out.finish();
    }
    f.each([&](conn& c) { sink.ask(c); });
    sleep_seconds(p.warmup);
    sink.record_from = now_ns();
    usage_probe usage(server.pid());
    const auto before = sink.acked.load();
    sleep_seconds(p.duration);
    const auto after = sink.acked.load();
    const double window = seconds_between(usage.start_ns, now_ns());
    usage.report(out.figures);
    sink.record_from = INT64_MAX;
    sink.reading = false;
    wait_until([&] { return sink.acked + sink.failed >= sink.sent; }, p.drain);

    out.figures["seconds"] = round_to(window, 3);
    out.figures["reads_per_s"] = per_second(before, after, window);
    out.figures["failed"] = sink.failed.load();
    if (sink.failed > 0) {
        out.problem(std::to_string(sink.failed.load()) + " history reads failed, e.g. " +
                    sink.failed_example);
    }
    if (sink.wrong_pages > 0) {
        out.problem(std::to_string(sink.wrong_pages.load()) + " pages did not hold " +
                    std::to_string(expected) + " messages");
    }
    if (after == before) {
        out.problem("no history read completed while measuring");
    }
    report_closures(f, out);
    f.sync();
    add_latencies(out.figures, "read_latency", sink.replies_ns);
    f.close_all(3s);
    return out.finish();
}

const std::vector<std::string>& scenario_names() {
    static const std::vector<std::string> names{"fanout", "latency", "idle", "persist", "history"};
    return names;
}

json::object run_scenario(const std::string& name, target& server, const scenario_params& p) {
    if (name == "fanout") {
        return run_fanout(server, p);
    }
    if (name == "latency") {
        return run_latency(server, p);
    }
    if (name == "idle") {
        return run_idle(server, p);
    }
    if (name == "persist") {
        return run_persist(server, p);
    }
    if (name == "history") {
        return run_history(server, p);
    }
    throw std::invalid_argument("unknown scenario " + name);
}

} // namespace carecircle::bench
