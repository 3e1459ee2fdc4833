#pragma once

// Runs the real carecircle executable as a child process on an ephemeral port,
// with its own temporary directory and database, for black-box tests. The child's
// stderr goes to the test's stderr; the child is killed if the test process dies.

#include "child_process.hpp"
#include "client.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace carecircle::test {

// An account made with `carecircle admin create-user` before the server starts.
struct user_spec {
    std::string username;
    std::string password;
    std::string display_name;
    std::string role; // "admin", "moderator" or "member"
};

struct server_options {
    std::vector<user_spec> users;        // created before the first start
    std::vector<std::string> extra_args; // appended to `serve ...`
    // HTTPS and WSS with a self-signed certificate made for the test (see tls_certificate.hpp).
    bool tls = false;
};

class server_process {
public:
    // Makes a fresh temporary directory, creates the users, starts the server and
    // waits for its `listening on` line. Throws when the server does not come up.
    explicit server_process(server_options options = {});
    ~server_process();

    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    unsigned short port() const { return port_; }
    // Where clients reach the server: its port, and whether it speaks TLS there.
    server_address address() const { return {port_, options_.tls}; }
    const std::filesystem::path& directory() const { return dir_; }
    std::filesystem::path db_path() const { return dir_ / "cc.db"; }
    bool running() const { return pid_ > 0; }

    // With `tls`: the certificate the server was started with (or last told to reload), its
    // files, and a way to put a new pair in their place. The server reads the new pair on SIGHUP.
    const std::string& certificate_fingerprint() const { return fingerprint_; }
    std::filesystem::path certificate_path() const { return dir_ / "tls-cert.pem"; }
    std::filesystem::path private_key_path() const { return dir_ / "tls-key.pem"; }
    std::string replace_certificate();

    // Starts the server on the same database (after stop() or kill9()).
    void start();

    // Sends `signal_number` and waits up to `timeout` for the exit. If the server
    // is still running then, it is killed and -1 is returned.
    int stop(int signal_number, std::chrono::milliseconds timeout);
    int stop() { return stop(SIGTERM, std::chrono::seconds(10)); }

    // Sends a signal without waiting; pair with wait_for_exit().
    void send_signal(int signal_number);
    // Waits up to `timeout` for the exit and returns the status (see above); a server
    // still running after that is killed and -1 is returned.
    int wait_for_exit(std::chrono::milliseconds timeout);
    // The exit status if the server has exited on its own (e.g. crashed), without waiting.
    std::optional<int> exit_status_if_exited();

    // Kills the server without giving it a chance to clean up.
    void kill9();

    // stop(), then start() on the same database. The port changes.
    void restart();

    // Everything the server has written to stdout (its log) since this object was made,
    // over every start. Complete up to the last exit once the server is stopped.
    std::string output() const;

    // How long the last stop() took from the signal to the exit.
    std::chrono::milliseconds last_stop_duration() const { return last_stop_duration_; }

    // Runs `carecircle admin create-user` on this server's database (while the
    // server is stopped). Throws if it exits non-zero.
    void create_user(const user_spec& user);

    // Runs the executable with `args` and `stdin_text`; returns {exit status, stdout+stderr}.
    std::pair<int, std::string> run_tool(const std::vector<std::string>& args,
                                         const std::string& stdin_text) const;

private:
    void drain_output();
    void keep_output(std::string_view text);
    void reap(int status);

    server_options options_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    unsigned short port_ = 0;
    std::string fingerprint_;
    std::thread drain_;
    mutable std::mutex output_mutex_;
    std::string output_;
    std::chrono::milliseconds last_stop_duration_{0};
    std::chrono::steady_clock::time_point signalled_at_{};
};

} // namespace carecircle::test
