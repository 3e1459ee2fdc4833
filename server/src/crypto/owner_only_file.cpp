#include "crypto/owner_only_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace carecircle::server {

void create_owner_only_file(const std::filesystem::path& file,
                            const std::function<std::string()>& contents) {
    if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path());
    }
    // O_EXCL settles a race between two servers starting at once; 0600 at creation leaves no
    // moment in which another user could read the file.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return;
        }
        throw std::system_error(errno, std::generic_category(), "cannot make " + file.string());
    }
    std::string text;
    try {
        text = contents();
    } catch (...) {
        ::close(fd);
        std::filesystem::remove(file);
        throw;
    }
    const bool written =
        ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        std::filesystem::remove(file);
        throw std::runtime_error("cannot write " + file.string());
    }
}

} // namespace carecircle::server
