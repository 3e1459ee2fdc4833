#pragma once

#include "target.hpp"

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace carecircle::bench {

struct scenario_params {
    std::size_t threads = 1;        // client threads, each with its own io_context
    std::size_t clients = 500;      // connections (fanout, latency, idle)
    std::size_t conns_per_user = 1; // connections that share one account
    std::size_t inflight = 8;       // messages a sender keeps unacknowledged
    double rate = 100;              // messages per second (latency; idle's soak traffic)
    std::size_t senders = 100;      // persist
    std::size_t groups = 10;        // persist
    std::size_t readers = 50;       // history
    std::size_t messages = 1000000; // history: messages in the group
    std::size_t text_size = 64;     // characters per message text
    double warmup = 1;              // seconds before measuring
    double duration = 10;           // seconds measured
    double drain = 10;              // seconds allowed for late deliveries after sending stops
    double settle = 2;              // idle: seconds before reading memory
    double soak = 0;                // idle: seconds of traffic while memory is sampled
    bool smoke = false;             // strict checks: any loss or error fails the run
};

// Each returns the scenario's figures for one target, with "ok" (false when a check failed)
// and "problems" (what failed).
boost::json::object run_fanout(target& server, const scenario_params& p);
boost::json::object run_latency(target& server, const scenario_params& p);
boost::json::object run_idle(target& server, const scenario_params& p);
boost::json::object run_persist(target& server, const scenario_params& p);
boost::json::object run_history(target& server, const scenario_params& p);

const std::vector<std::string>& scenario_names();
boost::json::object run_scenario(const std::string& name, target& server, const scenario_params& p);

} // namespace carecircle::bench
