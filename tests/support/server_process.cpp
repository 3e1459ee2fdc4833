#include "server_process.hpp"

#include "tls_certificate.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unistd.h>

#ifndef CARECIRCLE_BINARY
#error "CARECIRCLE_BINARY must name the server executable"
#endif
#ifndef CARECIRCLE_WEB_ROOT
#error "CARECIRCLE_WEB_ROOT must name the web client folder"
#endif

namespace carecircle::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr auto startup_timeout = 10s;
constexpr auto tool_timeout = 30s;
constexpr std::string_view plain_listening_prefix = "listening on http://127.0.0.1:";
constexpr std::string_view tls_listening_prefix = "listening on https://127.0.0.1:";

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// The server executable with `args`, its stderr straight to this process's stderr.
child spawn_server(const std::vector<std::string>& args) {
    std::vector<std::string> argv{CARECIRCLE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return spawn(argv, spawn_options{});
}

std::filesystem::path make_temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "carecircle-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw_errno("mkdtemp");
    return pattern;
}

} // namespace

server_process::server_process(server_options options) : options_(std::move(options)) {
    // A peer closing a socket or pipe must surface as an error, not kill the tests.
    std::signal(SIGPIPE, SIG_IGN);
    dir_ = make_temp_dir();
    try {
        for (const auto& user : options_.users)
            create_user(user);
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

server_process::~server_process() {
    if (running()) {
        try {
            stop();
        } catch (const std::exception& e) {
            std::cerr << "stopping the server failed: " << e.what() << '\n';
        }
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void server_process::start() {
    if (running())
        throw std::logic_error("server_process::start: already running");

    std::vector<std::string> args{
        "serve",      "--listen",         "127.0.0.1:0", "--db", db_path().string(),
        "--web-root", CARECIRCLE_WEB_ROOT};
    if (options_.tls) {
        if (fingerprint_.empty())
            replace_certificate();
        args.insert(args.end(), {"--tls-cert", certificate_path().string(), "--tls-key",
                                 private_key_path().string()});
    }
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    const std::string_view listening_prefix =
        options_.tls ? tls_listening_prefix : plain_listening_prefix;
    child c = spawn_server(args);
    pid_ = c.pid;
    stdout_fd_ = c.stdout_fd;

    const auto deadline = clock_type::now() + startup_timeout;
    std::string pending;
    std::string seen;
    for (;;) {
        const auto newline = pending.find('\n');
        if (newline != std::string::npos) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            if (line.rfind("listening on", 0) == 0) {
                const std::string digits =
                    line.substr(std::min(line.size(), listening_prefix.size()));
                const bool well_formed =
                    line.rfind(listening_prefix, 0) == 0 && !digits.empty() && digits.size() <= 5 &&
                    digits.find_first_not_of("0123456789") == std::string::npos;
                if (!well_formed || std::stoi(digits) <= 0 || std::stoi(digits) > 65535) {
                    kill9();
                    throw std::runtime_error("server printed a malformed ready line: \"" + line +
                                             "\" (expected \"" + std::string(listening_prefix) +
                                             "PORT\")");
                }
                port_ = static_cast<unsigned short>(std::stoi(digits));
                keep_output(line + '\n');
                break;
            }
            seen += line + '\n';
            keep_output(line + '\n');
            std::cout << line << '\n';
            continue;
        }
        const int wait_ms = remaining_ms(deadline);
        if (wait_ms == 0) {
            kill9();
            throw std::runtime_error("server did not print \"" + std::string(listening_prefix) +
                                     "PORT\" within " + std::to_string(startup_timeout.count()) +
                                     " s; its stdout so far:\n" + seen + pending);
        }
        pollfd p{stdout_fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR)
            throw_errno("poll");
        if (ready <= 0)
            continue;
        std::array<char, 4096> chunk{};
        const ssize_t n = ::read(stdout_fd_, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const auto status = wait_until(pid_, clock_type::now() + 5s);
            pid_ = -1;
            close_fd(stdout_fd_);
            throw std::runtime_error(
                "server " +
                (status ? describe_exit_status(*status) : std::string("closed its stdout")) +
                " before printing its \"listening on\" line; its stdout:\n" + seen + pending);
        }
        pending.append(chunk.data(), static_cast<std::size_t>(n));
    }
    if (!pending.empty()) {
        keep_output(pending);
        std::cout << pending << std::flush;
    }
    drain_ = std::thread([this] { drain_output(); });
}

std::string server_process::replace_certificate() {
    fingerprint_ = write_self_signed_certificate(certificate_path(), private_key_path());
    return fingerprint_;
}

void server_process::drain_output() {
    std::array<char, 4096> chunk{};
    for (;;) {
        const ssize_t n = ::read(stdout_fd_, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        const std::string_view text(chunk.data(), static_cast<std::size_t>(n));
        keep_output(text);
        write_all(1, text);
    }
}

void server_process::keep_output(std::string_view text) {
    std::lock_guard lock(output_mutex_);
    output_ += text;
}

std::string server_process::output() const {
    std::lock_guard lock(output_mutex_);
    return output_;
}

void server_process::reap(int) {
    pid_ = -1;
    if (drain_.joinable())
        drain_.join();
    close_fd(stdout_fd_);
}

void server_process::send_signal(int signal_number) {
    if (!running())
        throw std::logic_error("server_process::send_signal: not running");
    signalled_at_ = clock_type::now();
    ::kill(pid_, signal_number);
}

int server_process::wait_for_exit(std::chrono::milliseconds timeout) {
    if (!running())
        throw std::logic_error("server_process::wait_for_exit: not running");
    auto status = wait_until(pid_, clock_type::now() + timeout);
    if (status)
        last_stop_duration_ = std::chrono::duration_cast<std::chrono::milliseconds>(
            clock_type::now() - signalled_at_);
    if (!status) {
        ::kill(pid_, SIGKILL);
        wait_until(pid_, clock_type::now() + 10s);
        status = -1;
    }
    reap(*status);
    return *status;
}

std::optional<int> server_process::exit_status_if_exited() {
    if (!running())
        return std::nullopt;
    const auto status = wait_until(pid_, clock_type::now());
    if (status)
        reap(*status);
    return status;
}

int server_process::stop(int signal_number, std::chrono::milliseconds timeout) {
    send_signal(signal_number);
    return wait_for_exit(timeout);
}

void server_process::kill9() {
    if (!running())
        return;
    send_signal(SIGKILL);
    wait_for_exit(10s);
}

void server_process::restart() {
    const int status = stop();
    if (status != 0)
        throw std::runtime_error("server did not stop cleanly before a restart: " +
                                 describe_exit_status(status));
    start();
}

void server_process::create_user(const user_spec& user) {
    if (running())
        throw std::logic_error("create_user: stop the server first");
    const auto [status, output] =
        run_tool({"admin", "create-user", "--db", db_path().string(), "--username", user.username,
                  "--display-name", user.display_name, "--role", user.role},
                 user.password + "\n");
    if (status != 0)
        throw std::runtime_error("`carecircle admin create-user --username " + user.username +
                                 "` " + describe_exit_status(status) + ": " + output);
}

std::pair<int, std::string> server_process::run_tool(const std::vector<std::string>& args,
                                                     const std::string& stdin_text) const {
    std::vector<std::string> argv{CARECIRCLE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_program(argv, stdin_text, tool_timeout);
    if (!result.finished)
        throw std::runtime_error("`carecircle " + (args.empty() ? std::string() : args[0]) +
                                 "` did not finish in time; output: " + result.output);
    return {result.status, std::move(result.output)};
}

} // namespace carecircle::test
