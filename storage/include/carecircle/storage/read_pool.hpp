#pragma once

#include <SQLiteCpp/Database.h>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace carecircle::storage {

// A few threads, each with its own read-only connection. WAL lets them read beside the
// writer, so history and lists never wait for a commit nor block an I/O thread.
class read_pool {
public:
    using work = std::function<void(SQLite::Database&)>;

    read_pool(const std::filesystem::path& path, std::size_t connections);
    ~read_pool();

    read_pool(const read_pool&) = delete;
    read_pool& operator=(const read_pool&) = delete;

    // Runs `operation` on one of the pool's threads; it must catch its own exceptions.
    void submit(work operation);
    void stop();

private:
    void run(SQLite::Database& db);

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<work> queue_;
    bool stopping_ = false;
    std::vector<SQLite::Database> connections_;
    std::vector<std::thread> threads_;
};

} // namespace carecircle::storage
