#pragma once

// Child processes the benchmark starts (the server under test, the reference server, the
// `carecircle admin` tool) and what it reads about them from /proc.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace carecircle::bench {

// A server started with `--listen 127.0.0.1:0` that prints `listening on http://HOST:PORT`.
class server_process {
public:
    // Starts `argv` with its stderr appended to `log_file` (its stdout is read, then drained),
    // pinned to `cpus` when not empty ("0", "0-1", "0,2"), and waits up to `timeout` for the
    // listening line. Throws when it does not come up.
    server_process(std::vector<std::string> argv, const std::filesystem::path& log_file,
                   const std::string& cpus, std::chrono::milliseconds timeout);
    ~server_process();

    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    pid_t pid() const { return pid_; }
    unsigned short port() const { return port_; }
    // From the fork to the listening line.
    std::chrono::microseconds startup_time() const { return startup_; }

    // SIGTERM, then SIGKILL when it has not exited within `grace`. Returns the exit status as
    // a shell reports it (128 + signal when killed).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    std::chrono::microseconds startup_{0};
};

// Runs a program to completion with `stdin_text`; returns its exit status and its output.
std::pair<int, std::string> run_program(const std::vector<std::string>& argv,
                                        const std::string& stdin_text,
                                        std::chrono::milliseconds timeout);

// Resident set size of a process in KiB (VmRSS in /proc/PID/status), or nullopt.
std::optional<std::int64_t> rss_kib(pid_t pid);
// User plus system CPU time a process has used so far, in seconds (/proc/PID/stat).
std::optional<double> cpu_seconds(pid_t pid);
// The same for this process.
double own_cpu_seconds();

// Raises the open-file limit to the hard limit; returns the new soft limit.
std::uint64_t raise_fd_limit();
// How many CPUs this process may run on (its affinity mask).
std::size_t usable_cpus();

// Kills every server this process started (for the watchdog and fatal errors).
void kill_all_children();

} // namespace carecircle::bench
