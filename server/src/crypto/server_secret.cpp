#include "crypto/server_secret.hpp"

#include "crypto/security.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace carecircle::server {
namespace {

constexpr std::size_t shortest_secret = 32;

void write_new_secret(const std::filesystem::path& file) {
    if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path());
    }
    // O_EXCL: of two servers starting on one folder, one makes the secret and both read it.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return;
        }
        throw std::system_error(errno, std::generic_category(), "cannot make " + file.string());
    }
    const std::string text = new_token() + "\n";
    const bool written =
        ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        std::filesystem::remove(file);
        throw std::runtime_error("cannot write " + file.string());
    }
}

} // namespace

std::string load_server_secret(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) {
        write_new_secret(file);
    }
    std::ifstream in(file);
    std::string secret;
    if (!in || !std::getline(in, secret)) {
        throw std::runtime_error("cannot read " + file.string());
    }
    while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) {
        secret.pop_back();
    }
    if (secret.size() < shortest_secret) {
        throw std::runtime_error(file.string() + " holds fewer than 32 characters");
    }
    return secret;
}

} // namespace carecircle::server
