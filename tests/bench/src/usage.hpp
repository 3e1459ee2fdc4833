#pragma once

// What the benchmark reads about processes from /proc, and the limits it raises for itself.
// Starting and stopping them is the test support's (child_process.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sys/types.h>

namespace carecircle::bench {

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

} // namespace carecircle::bench
