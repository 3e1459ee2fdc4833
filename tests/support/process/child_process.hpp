#pragma once

// Child processes for tests and the load generator: the server under test, its `admin` tool,
// and other servers to compare it with. Every child is killed when this process dies, so a
// crashed run leaves nothing behind. No GoogleTest here: the load generator links it too.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace carecircle::test {

using process_clock = std::chrono::steady_clock;

struct spawn_options {
    bool pipe_stdin = false; // otherwise stdin is /dev/null
    // Where the child's stderr goes: its stdout pipe, this process's stderr, or `stderr_fd`.
    enum class stderr_target { stdout_pipe, inherit, descriptor };
    stderr_target stderr_to = stderr_target::inherit;
    int stderr_fd = -1;
    std::string cpus; // pins the child to these CPUs ("0", "0-1", "0,2") when not empty
};

struct child {
    pid_t pid = -1;
    int stdin_fd = -1;  // write end, or -1 when stdin is /dev/null
    int stdout_fd = -1; // read end
};

// Starts `argv` (argv[0] is looked up on PATH when it has no slash) with its stdout on a pipe.
// Throws std::system_error when it cannot.
child spawn(const std::vector<std::string>& argv, const spawn_options& options);

// Exit status as a shell reports it: the exit code, 128 + signal when killed by a signal, or -1
// when it could not be known.
int decode_wait_status(int status);
// The same status in words, for failure messages (-1 reads as "did not exit in time").
std::string describe_exit_status(int status);

// Waits for `pid` until `deadline`; the status, or nullopt when it is still running.
std::optional<int> wait_until(pid_t pid, process_clock::time_point deadline);
// Sends `signal_number`, waits up to `grace`, then kills. Returns the status (-1 when killed
// after the grace or when it could not be waited for).
int stop_child(pid_t pid, int signal_number, std::chrono::milliseconds grace);
// Kills every child started with spawn() that has not been waited for (watchdogs, fatal errors).
void kill_all_children();

// Milliseconds left until `deadline`, for poll(); 0 once it has passed.
int remaining_ms(process_clock::time_point deadline);
// Writes everything unless the reader has gone.
void write_all(int fd, std::string_view data);
void close_fd(int& fd);
// Reads from `fd` into `pending` until it holds a whole line or the deadline passes; returns the
// line (without its newline) and leaves what followed it in `pending`.
std::optional<std::string> read_line(int fd, process_clock::time_point deadline,
                                     std::string& pending);

struct program_result {
    int status = -1;       // as decode_wait_status
    bool finished = false; // false: still running at the deadline, and killed
    std::string output;    // stdout and stderr together
};

// Runs a program to completion with `stdin_text` on its stdin.
program_result run_program(const std::vector<std::string>& argv, std::string_view stdin_text,
                           std::chrono::milliseconds timeout);

// A server started with `--listen 127.0.0.1:0` that prints `listening on http://HOST:PORT`
// (or https) on its stdout once it accepts connections.
class listening_process {
public:
    // Starts `argv` with its stderr appended to `log_file`, pinned to `cpus` when not empty, and
    // waits up to `timeout` for the listening line; its later stdout is read and dropped. Throws
    // when it does not come up.
    listening_process(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
                      const std::string& cpus, std::chrono::milliseconds timeout);
    ~listening_process();

    listening_process(const listening_process&) = delete;
    listening_process& operator=(const listening_process&) = delete;

    pid_t pid() const { return pid_; }
    unsigned short port() const { return port_; }
    // From the start to the listening line.
    std::chrono::microseconds startup_time() const { return startup_; }

    // SIGTERM, then SIGKILL when it has not exited within `grace`; returns its exit status.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    std::chrono::microseconds startup_{0};
};

} // namespace carecircle::test
