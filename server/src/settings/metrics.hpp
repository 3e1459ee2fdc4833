#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace carecircle::server {

// A histogram with fixed buckets, safe to observe from any thread without a lock.
class histogram {
public:
    // Upper bounds of the buckets, ascending; the +Inf bucket is implied.
    explicit histogram(std::vector<double> bounds = latency_bounds())
        : bounds_(std::move(bounds)), buckets_(bounds_.size() + 1) {}

    static std::vector<double> latency_bounds() {
        return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
    }

    void observe(double value);
    void write(std::string& out, std::string_view name, std::string_view labels) const;

private:
    std::vector<double> bounds_;
    std::vector<std::atomic<std::uint64_t>> buckets_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_micros_{0}; // seconds * 1e6, kept integral for atomics
};

// What the server counts, exposed at GET /metrics in the Prometheus text format. Names follow
// Prometheus conventions: a unit suffix, _total on counters.
class metrics {
public:
    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> messages_sent{0};
    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::int64_t> outgoing_queued{0}; // frames waiting in sessions' queues
    std::atomic<std::uint64_t> slow_consumers_closed{0};
    std::atomic<std::uint64_t> messages_expired{0};
    std::atomic<std::uint64_t> connections_refused{0}; // over max-connections-per-ip
    std::atomic<std::uint64_t> password_queue_full{0}; // sign-ins and registrations turned away
    histogram write_batch_size{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
    histogram commit_seconds;

    void observe_request(std::string_view op, std::chrono::steady_clock::duration elapsed);
    void count_error(std::string_view code);

    // The exposition, with the writer's queue depth and the process memory read at call time.
    std::string render(std::size_t writer_queue_depth) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, histogram, std::less<>> request_seconds_;
    std::map<std::string, std::uint64_t, std::less<>> errors_;
};

} // namespace carecircle::server
