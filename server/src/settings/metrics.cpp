#include "settings/metrics.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace carecircle::server {
namespace {

void line(std::string& out, std::string_view name, std::string_view labels, double value) {
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    char buffer[64];
    const int length = std::snprintf(buffer, sizeof buffer, "%.17g", value);
    out.append(buffer, static_cast<std::size_t>(length));
    out += '\n';
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size_pages = 0;
    std::int64_t resident_pages = 0;
    statm >> size_pages >> resident_pages;
    return resident_pages * ::sysconf(_SC_PAGESIZE);
}

// Op names come from a fixed table and error codes from an enum, but a label value is quoted
// and escaped all the same (the exposition format's rule for `\`, `"` and newlines).
std::string label(std::string_view key, std::string_view value) {
    std::string out(key);
    out += "=\"";
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

} // namespace

void histogram::observe(double value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) {
        ++i;
    }
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<std::uint64_t>(value * 1e6), std::memory_order_relaxed);
}

void histogram::write(std::string& out, std::string_view name, std::string_view labels) const {
    std::uint64_t cumulative = 0;
    const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
    char bound[32];
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        std::snprintf(bound, sizeof bound, "%g", bounds_[i]);
        line(out, std::string(name) + "_bucket", prefix + "le=\"" + bound + "\"",
             static_cast<double>(cumulative));
    }
    cumulative += buckets_[bounds_.size()].load(std::memory_order_relaxed);
    line(out, std::string(name) + "_bucket", prefix + "le=\"+Inf\"",
         static_cast<double>(cumulative));
    line(out, std::string(name) + "_sum", labels,
         static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
    line(out, std::string(name) + "_count", labels,
         static_cast<double>(count_.load(std::memory_order_relaxed)));
}

void metrics::observe_request(std::string_view op, std::chrono::steady_clock::duration elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::lock_guard lock(mutex_);
    auto it = request_seconds_.find(op);
    if (it == request_seconds_.end()) {
        it = request_seconds_.try_emplace(std::string(op)).first;
    }
    it->second.observe(seconds);
}

void metrics::count_error(std::string_view code) {
    std::lock_guard lock(mutex_);
    auto it = errors_.find(code);
    if (it == errors_.end()) {
        it = errors_.emplace(std::string(code), 0).first;
    }
    ++it->second;
}

std::string metrics::render(std::size_t writer_queue_depth) const {
    std::string out;
    out.reserve(8192);
    header(out, "carecircle_connections_open", "gauge", "WebSocket connections open now.");
    line(out, "carecircle_connections_open", {}, static_cast<double>(connections_open.load()));
    header(out, "carecircle_connections_total", "counter", "WebSocket connections accepted.");
    line(out, "carecircle_connections_total", {}, static_cast<double>(connections_total.load()));
    header(out, "carecircle_messages_sent_total", "counter", "Messages committed and fanned out.");
    line(out, "carecircle_messages_sent_total", {}, static_cast<double>(messages_sent.load()));
    header(out, "carecircle_deliveries_total", "counter",
           "Message events queued to member connections.");
    line(out, "carecircle_deliveries_total", {}, static_cast<double>(deliveries.load()));
    header(out, "carecircle_fanout_queue_frames", "gauge",
           "Frames waiting in connections' outgoing queues.");
    line(out, "carecircle_fanout_queue_frames", {}, static_cast<double>(outgoing_queued.load()));
    header(out, "carecircle_slow_consumers_closed_total", "counter",
           "Connections closed with 1008 for not keeping up.");
    line(out, "carecircle_slow_consumers_closed_total", {},
         static_cast<double>(slow_consumers_closed.load()));
    header(out, "carecircle_messages_expired_total", "counter",
           "Messages deleted for being older than their group keeps them.");
    line(out, "carecircle_messages_expired_total", {},
         static_cast<double>(messages_expired.load()));
    header(out, "carecircle_connections_refused_total", "counter",
           "TCP connections closed at once because their address had too many open.");
    line(out, "carecircle_connections_refused_total", {},
         static_cast<double>(connections_refused.load()));
    header(out, "carecircle_password_queue_full_total", "counter",
           "Sign-ins and registrations answered 503 because the password queue was full.");
    line(out, "carecircle_password_queue_full_total", {},
         static_cast<double>(password_queue_full.load()));
    header(out, "carecircle_writer_queue_operations", "gauge",
           "Write operations waiting for the storage writer.");
    line(out, "carecircle_writer_queue_operations", {}, static_cast<double>(writer_queue_depth));
    header(out, "carecircle_write_batch_operations", "histogram",
           "Operations committed together in one transaction.");
    write_batch_size.write(out, "carecircle_write_batch_operations", {});
    header(out, "carecircle_commit_duration_seconds", "histogram",
           "Time to run and commit one write batch.");
    commit_seconds.write(out, "carecircle_commit_duration_seconds", {});
    {
        std::lock_guard lock(mutex_);
        header(out, "carecircle_request_duration_seconds", "histogram",
               "WebSocket requests from receipt to reply, by operation.");
        for (const auto& [op, h] : request_seconds_) {
            h.write(out, "carecircle_request_duration_seconds", label("op", op));
        }
        header(out, "carecircle_errors_total", "counter", "Error replies, by protocol error code.");
        for (const auto& [code, count] : errors_) {
            line(out, "carecircle_errors_total", label("code", code), static_cast<double>(count));
        }
    }
    header(out, "carecircle_resident_memory_bytes", "gauge", "Resident memory of the process.");
    line(out, "carecircle_resident_memory_bytes", {}, static_cast<double>(resident_bytes()));
    return out;
}

} // namespace carecircle::server
