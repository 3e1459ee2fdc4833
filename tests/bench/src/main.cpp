// carecircle-bench: CareCircle's own load generator. It speaks the real protocol (sign-up,
// groups.join, messages.send, messages.history), measures the performance targets in
// docs/benchmarks.md and, given the reference server, the same scenarios against Node `ws` for a
// ratio. One JSON line per scenario goes to stdout; people read stderr.
#include "child_process.hpp"
#include "scenarios.hpp"
#include "stats.hpp"
#include "target.hpp"
#include "usage.hpp"

#include <boost/program_options.hpp>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <unistd.h>

namespace po = boost::program_options;
namespace json = boost::json;
using namespace carecircle::bench;

namespace {

constexpr const char* usage = R"(usage: carecircle-bench [SCENARIO...] [options]
  SCENARIO: fanout latency idle persist history (default: all of them), or
            prepare (make a --fixture: signed-in users and a long history)
  --smoke runs every scenario tiny and fails on any lost delivery or error.

Examples:
  carecircle-bench --smoke --server-binary build/bin/carecircle
  taskset -c 1 carecircle-bench fanout --server-binary build/bin/carecircle --server-cpus 0 \
      --reference-script tests/bench/reference/server.js
)";

// The figure that stands for a scenario in the ratio against the reference.
const std::vector<std::string>& ratio_keys(const std::string& scenario) {
    static const std::map<std::string, std::vector<std::string>> keys{
        {"fanout", {"deliveries_per_s", "delivery_latency.p99_ms"}},
        {"latency", {"deliveries_per_s", "delivery_latency.p99_ms"}},
        {"idle", {"kib_per_connection"}},
        {"persist", {"acks_per_s", "ack_latency.p99_ms"}},
        {"history", {"reads_per_s", "read_latency.p99_ms"}}};
    return keys.at(scenario);
}

std::optional<double> lookup(const json::object& figures, const std::string& path) {
    const json::value* at = nullptr;
    const json::object* in = &figures;
    std::size_t start = 0;
    for (;;) {
        const auto dot = path.find('.', start);
        const auto key =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        at = in->if_contains(key);
        if (!at) {
            return std::nullopt;
        }
        if (dot == std::string::npos) {
            break;
        }
        if (!at->is_object()) {
            return std::nullopt;
        }
        in = &at->as_object();
        start = dot + 1;
    }
    if (at->is_number()) {
        return at->to_number<double>();
    }
    return std::nullopt;
}

scenario_params defaults_for(const std::string& scenario, bool smoke) {
    scenario_params p;
    if (smoke) {
        p.warmup = 0.3;
        p.duration = 1;
        p.drain = 5;
        p.settle = 0.5;
        p.clients = 20;
        p.inflight = 4;
        p.rate = 50;
        p.senders = 10;
        p.groups = 2;
        p.readers = 4;
        p.messages = 500;
        p.smoke = true;
        if (scenario == "idle") {
            p.clients = 40;
            p.conns_per_user = 4;
            p.soak = 2;
            p.rate = 5;
        }
        if (scenario == "persist") {
            p.inflight = 1;
        }
        return p;
    }
    if (scenario == "latency") {
        p.clients = 2000;
        p.rate = 100;
        p.drain = 30; // a server that falls behind gets the time to show whether it catches up
    } else if (scenario == "idle") {
        p.clients = 10000;
        p.rate = 10;
    } else if (scenario == "persist") {
        p.inflight = 1;
    }
    return p;
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    target_config config;
    std::vector<std::string> scenarios;
    bool smoke = false;
    bool strict = false;
    bool reference_only = false;
    double max_seconds = 0;
    std::size_t prepare_users = 0;
    std::string label;
    std::optional<std::size_t> threads, clients, conns_per_user, inflight, senders, groups, readers,
        messages, text_size;
    std::optional<double> rate, warmup, duration, drain, settle, soak;
    std::string work_root, fixture, host = "127.0.0.1";
    unsigned short port = 0;
    unsigned short reference_port = 0;

    po::options_description desc("options");
    desc.add_options()("help,h", "this text")("scenario", po::value(&scenarios)->composing(),
                                              "fanout, latency, idle, persist, history, prepare")(
        "smoke", po::bool_switch(&smoke), "every scenario, tiny; non-zero exit on any problem")(
        "strict", po::bool_switch(&strict), "non-zero exit when a scenario reports a problem")(
        "server-binary", po::value(&config.server_binary),
        "start CareCircle from this binary on a fresh database")(
        "server-arg", po::value(&config.server_args)->composing(),
        "extra argument for `serve` (repeatable)")(
        "server-cpus", po::value(&config.server_cpus),
        "pin the servers started here to these CPUs, e.g. 0")(
        "host", po::value(&host), "address of a running server (loopback)")(
        "port", po::value(&port), "port of a running CareCircle instead of starting one")(
        "server-pid", po::value(&config.external_pid),
        "process id of that server, for memory figures")(
        "admin-user", po::value(&config.admin_user), "site admin used to create groups")(
        "admin-password", po::value(&config.admin_password),
        "its password")("fixture", po::value(&fixture), "prepared database folder (see `prepare`)")(
        "users", po::value(&prepare_users), "prepare: signed-in users to keep in the fixture")(
        "reference-script", po::value(&config.reference_script),
        "also run each scenario against this reference server")(
        "reference-port", po::value(&reference_port),
        "a reference server already running on this port")(
        "reference-only", po::bool_switch(&reference_only), "measure only the reference")(
        "node", po::value(&config.node), "node executable for the reference")(
        "threads", po::value<std::size_t>(),
        "client threads (default: the CPUs this process may use)")(
        "clients", po::value<std::size_t>(), "connections (fanout, latency, idle)")(
        "conns-per-user", po::value<std::size_t>(), "connections sharing one account")(
        "inflight", po::value<std::size_t>(), "unacknowledged messages per sender")(
        "rate", po::value<double>(), "messages per second (latency, idle soak)")(
        "senders", po::value<std::size_t>(), "persist: sending connections")(
        "groups", po::value<std::size_t>(), "persist: groups they are spread over")(
        "readers", po::value<std::size_t>(), "history: concurrent readers")(
        "messages", po::value<std::size_t>(), "history: messages in the group")(
        "text-size", po::value<std::size_t>(),
        "characters per message")("warmup", po::value<double>(), "seconds before measuring")(
        "duration", po::value<double>(), "seconds measured")("drain", po::value<double>(),
                                                             "seconds allowed for late deliveries")(
        "settle", po::value<double>(), "idle: seconds before reading memory")(
        "soak", po::value<double>(), "idle: seconds of traffic while memory is sampled")(
        "max-seconds", po::value(&max_seconds),
        "hard limit on the whole run (default 900, smoke 120)")("work-dir", po::value(&work_root),
                                                                "where temporary databases go")(
        "keep-work", po::bool_switch(&config.keep_work), "keep them (and the server logs)")(
        "label", po::value(&label), "a free-form tag copied into each result line");
    po::positional_options_description positional;
    positional.add("scenario", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).positional(positional).run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "carecircle-bench: " << e.what() << "\n" << usage << desc;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << usage << desc;
        return 0;
    }
    const auto take = [&]<class T>(const char* name, std::optional<T>& into) {
        if (vm.count(name)) {
            into = vm[name].as<T>();
        }
    };
    take("threads", threads);
    take("clients", clients);
    take("conns-per-user", conns_per_user);
    take("inflight", inflight);
    take("senders", senders);
    take("groups", groups);
    take("readers", readers);
    take("messages", messages);
    take("text-size", text_size);
    take("rate", rate);
    take("warmup", warmup);
    take("duration", duration);
    take("drain", drain);
    take("settle", settle);
    take("soak", soak);

    config.fixture = fixture;
    config.work_root = work_root;
    config.external = endpoint{host, port};
    config.reference_external = endpoint{host, reference_port};
    if (config.server_binary.empty() && port == 0 && !reference_only) {
        std::cerr << "carecircle-bench: give --server-binary or --port\n" << usage;
        return 2;
    }
    const bool with_reference = !config.reference_script.empty() || reference_port != 0;
    if (reference_only && !with_reference) {
        std::cerr
            << "carecircle-bench: --reference-only needs --reference-script or --reference-port\n";
        return 2;
    }
    if (scenarios.empty()) {
        scenarios = scenario_names();
    }
    strict = strict || smoke;

    const auto fd_limit = raise_fd_limit();
    if (max_seconds <= 0) {
        max_seconds = smoke ? 120 : 900;
    }
    // Every run is bounded, whatever happens to the servers.
    std::thread([max_seconds] {
        std::this_thread::sleep_for(std::chrono::duration<double>(max_seconds));
        std::cerr << "carecircle-bench: gave up after " << max_seconds << " s\n";
        carecircle::test::kill_all_children();
        std::_Exit(124);
    }).detach();

    try {
        if (scenarios.size() == 1 && scenarios.front() == "prepare") {
            if (fixture.empty() || config.server_binary.empty()) {
                std::cerr << "carecircle-bench: prepare needs --fixture and --server-binary\n";
                return 2;
            }
            config.write_fixture = true;
            auto server = start_carecircle(config);
            server->tokens(prepare_users);
            json::object line{{"prepared", fixture}, {"users", prepare_users}};
            if (messages && *messages > 0) {
                scenario_params p = defaults_for("history", false);
                p.messages = *messages;
                p.readers = 1;
                p.duration = 0.5;
                p.warmup = 0;
                line["history"] = run_history(*server, p);
            }
            std::cout << to_line(line) << std::endl;
            return 0;
        }

        bool all_ok = true;
        for (const auto& scenario : scenarios) {
            scenario_params p = defaults_for(scenario, smoke);
            p.threads = threads.value_or(usable_cpus());
            p.clients = clients.value_or(p.clients);
            p.conns_per_user = conns_per_user.value_or(p.conns_per_user);
            p.inflight = inflight.value_or(p.inflight);
            p.senders = senders.value_or(p.senders);
            p.groups = groups.value_or(p.groups);
            p.readers = readers.value_or(p.readers);
            p.messages = messages.value_or(p.messages);
            p.text_size = text_size.value_or(p.text_size);
            p.rate = rate.value_or(p.rate);
            p.warmup = warmup.value_or(p.warmup);
            p.duration = duration.value_or(p.duration);
            p.drain = drain.value_or(p.drain);
            p.settle = settle.value_or(p.settle);
            p.soak = soak.value_or(p.soak);
            if (p.clients + 64 > fd_limit) {
                std::cerr << "carecircle-bench: " << p.clients << " connections need more than the "
                          << fd_limit << " open files allowed\n";
                return 2;
            }

            json::object line{
                {"scenario", scenario}, {"threads", p.threads}, {"text_size", p.text_size}};
            // Other work on the machine skews every figure: say how busy it was.
            double load[1] = {0};
            if (::getloadavg(load, 1) == 1) {
                line["loadavg_1m"] = std::round(load[0] * 100.0) / 100.0;
            }
            if (!label.empty()) {
                line["label"] = label;
            }
            std::vector<std::pair<std::string, std::function<std::unique_ptr<target>()>>> targets;
            if (!reference_only) {
                targets.emplace_back("carecircle", [&] { return start_carecircle(config); });
            }
            if (with_reference) {
                targets.emplace_back("reference", [&] { return start_reference(config); });
            }
            for (const auto& [name, start] : targets) {
                std::cerr << scenario << " on " << name << " ...\n";
                json::object figures;
                try {
                    auto server = start();
                    figures = run_scenario(scenario, *server, p);
                } catch (const std::exception& e) {
                    std::cerr << "  failed: " << e.what() << '\n';
                    figures = json::object{{"ok", false}, {"problems", json::array{e.what()}}};
                }
                std::cerr << "  " << to_line(figures) << '\n';
                all_ok = all_ok && figures.at("ok").as_bool();
                line[name] = std::move(figures);
            }
            if (line.contains("carecircle") && line.contains("reference")) {
                json::object ratio;
                for (const auto& key : ratio_keys(scenario)) {
                    const auto ours = lookup(line["carecircle"].as_object(), key);
                    const auto theirs = lookup(line["reference"].as_object(), key);
                    if (ours && theirs && *theirs != 0) {
                        ratio[key] = std::round(*ours / *theirs * 1000.0) / 1000.0;
                    }
                }
                line["ratio_carecircle_to_reference"] = std::move(ratio);
            }
            std::cout << to_line(line) << std::endl;
        }
        if (strict && !all_ok) {
            std::cerr << "carecircle-bench: some checks failed\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "carecircle-bench: " << e.what() << '\n';
        carecircle::test::kill_all_children();
        return 1;
    }
}
