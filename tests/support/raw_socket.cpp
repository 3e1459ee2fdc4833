#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace carecircle::test {
namespace {

using clock_type = std::chrono::steady_clock;

int remaining_ms(clock_type::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

raw_socket::raw_socket(unsigned short port, const char* source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "socket");
    if (source != nullptr) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        if (::inet_pton(AF_INET, source, &local.sin_addr) != 1 ||
            ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
            const int error = errno;
            close();
            throw std::system_error(error, std::generic_category(),
                                    std::string("bind to ") + source);
        }
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::system_error(error, std::generic_category(),
                                "connect to 127.0.0.1:" + std::to_string(port));
    }
}

raw_socket::~raw_socket() {
    close();
}

raw_socket::raw_socket(raw_socket&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

raw_socket& raw_socket::operator=(raw_socket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void raw_socket::close() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

bool raw_socket::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

long raw_socket::read_once(std::string& out, std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready == 0)
        return 0;
    if (ready < 0)
        return errno == EINTR ? 0 : -1;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n <= 0)
        return -1;
    out.append(chunk, static_cast<std::size_t>(n));
    return n;
}

std::string raw_socket::receive(std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = clock_type::now() + timeout;
    while (remaining_ms(deadline) > 0)
        if (read_once(out, std::chrono::milliseconds(remaining_ms(deadline))) < 0)
            break;
    return out;
}

std::string raw_socket::receive_until(std::string_view marker, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = clock_type::now() + timeout;
    while (out.find(marker) == std::string::npos && remaining_ms(deadline) > 0)
        if (read_once(out, std::chrono::milliseconds(remaining_ms(deadline))) < 0)
            break;
    return out;
}

std::string raw_socket::exchange(std::string_view request, std::chrono::milliseconds timeout) {
    if (!send(request))
        return {};
    std::string answer;
    const auto deadline = clock_type::now() + timeout;
    while (remaining_ms(deadline) > 0) {
        const auto head_end = answer.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            std::size_t length = 0;
            const auto field = answer.find("Content-Length: ");
            if (field != std::string::npos && field < head_end)
                length = std::stoul(answer.substr(field + 16));
            if (answer.size() >= head_end + 4 + length)
                return answer;
        }
        if (read_once(answer, std::chrono::milliseconds(remaining_ms(deadline))) < 0)
            break;
    }
    return answer;
}

bool raw_socket::closed_by_server(std::chrono::milliseconds timeout, std::string* received) {
    std::string sink;
    auto& out = received ? *received : sink;
    const auto deadline = clock_type::now() + timeout;
    while (remaining_ms(deadline) > 0) {
        if (read_once(out, std::chrono::milliseconds(remaining_ms(deadline))) < 0)
            return true;
        if (!received)
            sink.clear();
    }
    return false;
}

unsigned long raise_open_file_limit(unsigned long wanted) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

} // namespace carecircle::test
