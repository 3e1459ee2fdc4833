#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <string_view>

namespace carecircle::test {

// A fresh folder under the system's temporary directory for one test's database, removed with
// everything in it when the test ends. Declare it before anything that keeps files open in it.
class scratch_directory {
public:
    explicit scratch_directory(std::string_view purpose) {
        std::random_device seed;
        path_ = std::filesystem::temp_directory_path() /
                ("carecircle-" + std::string(purpose) + "-" + std::to_string(seed()));
        std::filesystem::create_directories(path_);
    }
    ~scratch_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    scratch_directory(const scratch_directory&) = delete;
    scratch_directory& operator=(const scratch_directory&) = delete;

    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace carecircle::test
