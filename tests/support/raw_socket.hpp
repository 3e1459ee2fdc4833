#pragma once

// A bare TCP connection to 127.0.0.1 for tests of misbehaving clients: ones that send half a
// request, nothing at all, or never read. Every wait has a timeout.

#include <chrono>
#include <string>
#include <string_view>

namespace carecircle::test {

class raw_socket {
public:
    // Connects from `source` (another loopback address such as 127.0.0.2 makes a second
    // client address) or from wherever the system picks; throws when it cannot.
    explicit raw_socket(unsigned short port, const char* source = nullptr);
    ~raw_socket();
    raw_socket(raw_socket&& other) noexcept;
    raw_socket& operator=(raw_socket&& other) noexcept;
    raw_socket(const raw_socket&) = delete;
    raw_socket& operator=(const raw_socket&) = delete;

    // Sends all of `bytes`; false when the server has closed the connection.
    bool send(std::string_view bytes);
    // Whatever arrives within `timeout` (stops early at the end of the stream).
    std::string receive(std::chrono::milliseconds timeout);
    // Reads until what arrived contains `marker`, the stream ends, or `timeout` passes.
    std::string receive_until(std::string_view marker, std::chrono::milliseconds timeout);
    // Sends one HTTP/1.1 request and reads one answer with its Content-Length body. Returns ""
    // when the server closed the connection instead of answering.
    std::string exchange(std::string_view request, std::chrono::milliseconds timeout);
    // Reads (and discards) until the server ends the connection; true when it did within
    // `timeout`. What arrived meanwhile is appended to `received` when given.
    bool closed_by_server(std::chrono::milliseconds timeout, std::string* received = nullptr);
    void close();

private:
    // Reads once, waiting up to `timeout`; -1 on the end of the stream or an error, 0 on a
    // timeout, else the number of bytes appended to `out`.
    long read_once(std::string& out, std::chrono::milliseconds timeout);

    int fd_ = -1;
};

// Raises this process's soft limit on open files to at least `wanted` (within the hard limit);
// returns the limit now in effect. Servers started afterwards inherit it.
unsigned long raise_open_file_limit(unsigned long wanted);

} // namespace carecircle::test
