#include "process.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace carecircle::bench {
namespace {

using clock_type = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::mutex children_mutex;
std::vector<pid_t> children;

void remember_child(pid_t pid) {
    std::lock_guard lock(children_mutex);
    children.push_back(pid);
}

void forget_child(pid_t pid) {
    std::lock_guard lock(children_mutex);
    std::erase(children, pid);
}

// "0-1,3" -> a CPU set; throws on anything else.
cpu_set_t parse_cpus(const std::string& list) {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::stringstream in(list);
    std::string part;
    while (std::getline(in, part, ',')) {
        const auto dash = part.find('-');
        const int first = std::stoi(part.substr(0, dash));
        const int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
        for (int cpu = first; cpu <= last; ++cpu) {
            CPU_SET(cpu, &set);
        }
    }
    return set;
}

struct spawned {
    pid_t pid = -1;
    int stdin_fd = -1;
    int stdout_fd = -1;
};

// stdout goes to a pipe; stderr to `stderr_fd` (or the pipe when it is -1).
spawned spawn(const std::vector<std::string>& args, bool pipe_stdin, int stderr_fd,
              const std::string& cpus) {
    std::vector<std::string> storage = args;
    std::vector<char*> argv;
    for (auto& arg : storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::optional<cpu_set_t> pin;
    if (!cpus.empty()) {
        pin = parse_cpus(cpus);
    }

    std::array<int, 2> out{};
    std::array<int, 2> in{-1, -1};
    if (::pipe2(out.data(), O_CLOEXEC) != 0 || (pipe_stdin && ::pipe2(in.data(), O_CLOEXEC) != 0)) {
        throw_errno("pipe2");
    }
    const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw_errno("fork");
    }
    if (pid == 0) {
        // Only async-signal-safe calls until exec. The child dies with the benchmark.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        if (pin) {
            ::sched_setaffinity(0, sizeof(*pin), &*pin);
        }
        ::dup2(pipe_stdin ? in[0] : dev_null, 0);
        ::dup2(out[1], 1);
        ::dup2(stderr_fd >= 0 ? stderr_fd : out[1], 2);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    if (pipe_stdin) {
        ::close(in[0]);
    }
    if (dev_null >= 0) {
        ::close(dev_null);
    }
    return {pid, pipe_stdin ? in[1] : -1, out[0]};
}

int decode_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

std::optional<int> wait_until(pid_t pid, clock_type::time_point deadline) {
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return decode_status(status);
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (clock_type::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

int remaining_ms(clock_type::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Reads from `fd` until a whole line is there or the deadline passes.
std::optional<std::string> read_line(int fd, clock_type::time_point deadline, std::string& seen) {
    for (;;) {
        if (auto nl = seen.find('\n'); nl != std::string::npos) {
            return seen.substr(0, nl);
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready <= 0) {
            return std::nullopt;
        }
        char chunk[512];
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) {
            return std::nullopt;
        }
        seen.append(chunk, static_cast<std::size_t>(n));
    }
}

} // namespace

server_process::server_process(std::vector<std::string> argv, const std::filesystem::path& log_file,
                               const std::string& cpus, std::chrono::milliseconds timeout) {
    const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) {
        throw_errno("open " + log_file.string());
    }
    const auto started = clock_type::now();
    const auto child = spawn(argv, false, log, cpus);
    ::close(log);
    pid_ = child.pid;
    remember_child(pid_);
    std::string seen;
    const auto line = read_line(child.stdout_fd, started + timeout, seen);
    startup_ = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started);
    constexpr std::string_view prefix = "listening on http://";
    if (!line || line->rfind(prefix, 0) != 0) {
        ::close(child.stdout_fd);
        stop(std::chrono::seconds(2));
        throw std::runtime_error("the server did not print its listening line; see " +
                                 log_file.string());
    }
    port_ = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
    // Later output is not read: a thread drains it so the server never blocks on a full pipe.
    std::thread([fd = child.stdout_fd] {
        char sink[4096];
        while (::read(fd, sink, sizeof sink) > 0) {
        }
        ::close(fd);
    }).detach();
}

server_process::~server_process() {
    if (pid_ > 0) {
        stop();
    }
}

int server_process::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) {
        return -1;
    }
    ::kill(pid_, SIGTERM);
    auto status = wait_until(pid_, clock_type::now() + grace);
    if (!status) {
        ::kill(pid_, SIGKILL);
        status = wait_until(pid_, clock_type::now() + std::chrono::seconds(5));
    }
    forget_child(pid_);
    pid_ = -1;
    return status.value_or(-1);
}

std::pair<int, std::string> run_program(const std::vector<std::string>& argv,
                                        const std::string& stdin_text,
                                        std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    auto child = spawn(argv, true, -1, "");
    remember_child(child.pid);
    const char* data = stdin_text.data();
    std::size_t left = stdin_text.size();
    while (left > 0) {
        const ssize_t n = ::write(child.stdin_fd, data, left);
        if (n <= 0) {
            break;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    ::close(child.stdin_fd);
    std::string output;
    for (;;) {
        pollfd p{child.stdout_fd, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            break;
        }
        char chunk[1024];
        const ssize_t n = ::read(child.stdout_fd, chunk, sizeof chunk);
        if (n <= 0) {
            break;
        }
        output.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(child.stdout_fd);
    auto status = wait_until(child.pid, deadline);
    if (!status) {
        ::kill(child.pid, SIGKILL);
        status = wait_until(child.pid, clock_type::now() + std::chrono::seconds(5));
    }
    forget_child(child.pid);
    return {status.value_or(-1), output};
}

std::optional<std::int64_t> rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoll(line.substr(6));
        }
    }
    return std::nullopt;
}

std::optional<double> cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    std::getline(in, all);
    // The command name may hold spaces; fields are counted after its closing parenthesis.
    const auto close = all.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(all.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14 || i == 15) { // utime, stime
            ticks += std::stod(field);
        }
        if (i == 15) {
            return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
        }
    }
    return std::nullopt;
}

double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::uint64_t raise_fd_limit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

std::size_t usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) {
        return 1;
    }
    return std::max(1, CPU_COUNT(&set));
}

void kill_all_children() {
    std::lock_guard lock(children_mutex);
    for (const pid_t pid : children) {
        ::kill(pid, SIGKILL);
    }
}

} // namespace carecircle::bench
