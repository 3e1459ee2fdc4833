#include "child_process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace carecircle::test {
namespace {

using namespace std::chrono_literals;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::mutex children_mutex;
std::vector<pid_t> children;

void remember_child(pid_t pid) {
    const std::lock_guard lock(children_mutex);
    children.push_back(pid);
}

void forget_child(pid_t pid) {
    const std::lock_guard lock(children_mutex);
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

std::array<int, 2> make_pipe() {
    std::array<int, 2> fds{-1, -1};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        throw_errno("pipe2");
    }
    return fds;
}

} // namespace

child spawn(const std::vector<std::string>& args, const spawn_options& options) {
    if (args.empty()) {
        throw std::invalid_argument("spawn: no program");
    }
    std::vector<std::string> storage = args;
    std::vector<char*> argv;
    for (auto& arg : storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::optional<cpu_set_t> pin;
    if (!options.cpus.empty()) {
        pin = parse_cpus(options.cpus);
    }

    auto out = make_pipe();
    std::array<int, 2> in{-1, -1};
    if (options.pipe_stdin) {
        in = make_pipe();
    }
    int dev_null = -1;
    if (!options.pipe_stdin && (dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        throw_errno("open /dev/null");
    }
    int stderr_fd = -1;
    switch (options.stderr_to) {
    case spawn_options::stderr_target::stdout_pipe:
        stderr_fd = out[1];
        break;
    case spawn_options::stderr_target::descriptor:
        stderr_fd = options.stderr_fd;
        break;
    case spawn_options::stderr_target::inherit:
        break;
    }

    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw_errno("fork");
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec. The child dies with this process.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        if (pin) {
            ::sched_setaffinity(0, sizeof(*pin), &*pin);
        }
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &default_action, nullptr);
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(options.pipe_stdin ? in[0] : dev_null, 0);
        ::dup2(out[1], 1);
        if (stderr_fd >= 0) {
            ::dup2(stderr_fd, 2);
        }
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    remember_child(pid);
    close_fd(out[1]);
    close_fd(in[0]);
    close_fd(dev_null);
    return {pid, in[1], out[0]};
}

int decode_wait_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

std::string describe_exit_status(int status) {
    if (status == -1) {
        return "did not exit in time (killed)";
    }
    if (status > 128) {
        return "killed by signal " + std::to_string(status - 128);
    }
    return "exited with code " + std::to_string(status);
}

std::optional<int> wait_until(pid_t pid, process_clock::time_point deadline) {
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            forget_child(pid);
            return decode_wait_status(status);
        }
        if (r < 0 && errno != EINTR) {
            forget_child(pid);
            return -1;
        }
        if (process_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(5ms);
    }
}

int stop_child(pid_t pid, int signal_number, std::chrono::milliseconds grace) {
    ::kill(pid, signal_number);
    if (auto status = wait_until(pid, process_clock::now() + grace)) {
        return *status;
    }
    ::kill(pid, SIGKILL);
    wait_until(pid, process_clock::now() + 10s);
    forget_child(pid);
    return -1;
}

void kill_all_children() {
    const std::lock_guard lock(children_mutex);
    for (const pid_t pid : children) {
        ::kill(pid, SIGKILL);
    }
}

int remaining_ms(process_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - process_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return; // the reader has gone; its exit status tells the rest
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
    }
    fd = -1;
}

std::optional<std::string> read_line(int fd, process_clock::time_point deadline,
                                     std::string& pending) {
    for (;;) {
        if (const auto newline = pending.find('\n'); newline != std::string::npos) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            return line;
        }
        const int wait_ms = remaining_ms(deadline);
        if (wait_ms == 0) {
            return std::nullopt;
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR) {
            throw_errno("poll");
        }
        if (ready <= 0) {
            continue;
        }
        std::array<char, 4096> chunk{};
        const ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return std::nullopt;
        }
        pending.append(chunk.data(), static_cast<std::size_t>(n));
    }
}

program_result run_program(const std::vector<std::string>& argv, std::string_view stdin_text,
                           std::chrono::milliseconds timeout) {
    const auto deadline = process_clock::now() + timeout;
    spawn_options options;
    options.pipe_stdin = true;
    options.stderr_to = spawn_options::stderr_target::stdout_pipe;
    child c = spawn(argv, options);
    write_all(c.stdin_fd, stdin_text);
    close_fd(c.stdin_fd);

    program_result result;
    for (;;) {
        const int wait_ms = remaining_ms(deadline);
        if (wait_ms == 0) {
            break;
        }
        pollfd p{c.stdout_fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR) {
            throw_errno("poll");
        }
        if (ready <= 0) {
            continue;
        }
        std::array<char, 4096> chunk{};
        const ssize_t n = ::read(c.stdout_fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        result.output.append(chunk.data(), static_cast<std::size_t>(n));
    }
    close_fd(c.stdout_fd);
    // Its output has ended; a moment more for it to exit.
    if (auto status = wait_until(c.pid, std::max(deadline, process_clock::now() + 10s))) {
        result.status = *status;
        result.finished = true;
        return result;
    }
    result.status = stop_child(c.pid, SIGKILL, 10s);
    return result;
}

listening_process::listening_process(const std::vector<std::string>& argv,
                                     const std::filesystem::path& log_file, const std::string& cpus,
                                     std::chrono::milliseconds timeout) {
    const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) {
        throw_errno("open " + log_file.string());
    }
    const auto started = process_clock::now();
    spawn_options options;
    options.stderr_to = spawn_options::stderr_target::descriptor;
    options.stderr_fd = log;
    options.cpus = cpus;
    child c;
    try {
        c = spawn(argv, options);
    } catch (...) {
        ::close(log);
        throw;
    }
    ::close(log);
    pid_ = c.pid;
    std::string pending;
    const auto line = read_line(c.stdout_fd, started + timeout, pending);
    startup_ =
        std::chrono::duration_cast<std::chrono::microseconds>(process_clock::now() - started);
    const bool listening = line && (line->starts_with("listening on http://") ||
                                    line->starts_with("listening on https://"));
    if (!listening) {
        close_fd(c.stdout_fd);
        stop(2s);
        throw std::runtime_error("the server did not print its listening line; see " +
                                 log_file.string());
    }
    port_ = static_cast<unsigned short>(std::stoi(line->substr(line->rfind(':') + 1)));
    // Later output is not read: a thread drains it so the server never blocks on a full pipe.
    std::thread([fd = c.stdout_fd]() mutable {
        std::array<char, 4096> sink{};
        while (::read(fd, sink.data(), sink.size()) > 0) {
        }
        close_fd(fd);
    }).detach();
}

listening_process::~listening_process() {
    if (pid_ > 0) {
        stop();
    }
}

int listening_process::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) {
        return -1;
    }
    const int status = stop_child(pid_, SIGTERM, grace);
    pid_ = -1;
    return status;
}

} // namespace carecircle::test
