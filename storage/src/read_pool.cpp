#include "carecircle/storage/read_pool.hpp"

#include "carecircle/storage/database.hpp"

namespace carecircle::storage {

read_pool::read_pool(const std::filesystem::path& path, std::size_t connections) {
    connections_.reserve(connections);
    for (std::size_t i = 0; i < connections; ++i) {
        connections_.push_back(open_database(path, access::read_only));
    }
    for (auto& db : connections_) {
        threads_.emplace_back([this, &db] { run(db); });
    }
}

read_pool::~read_pool() {
    stop();
}

void read_pool::submit(work operation) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(operation));
    }
    wake_.notify_one();
}

void read_pool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

void read_pool::run(SQLite::Database& db) {
    for (;;) {
        work next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;
            }
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        next(db);
    }
}

} // namespace carecircle::storage
