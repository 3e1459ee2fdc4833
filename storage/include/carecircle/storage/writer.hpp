#pragma once

#include "carecircle/storage/database.hpp"

#include <SQLiteCpp/Database.h>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace carecircle::storage {

struct writer_options {
    // Most operations committed in one transaction.
    std::size_t max_batch = 512;
    // How long the writer waits for more operations before committing, as long as each wait
    // brings another one, and at most `linger_max` in all. Clients that pipeline a few
    // requests have them read one by one; a short wait lets them share a commit instead of
    // paying an fsync each. Zero: commit at once.
    std::chrono::microseconds linger{0};
    std::chrono::microseconds linger_max{0};
    // Told after each commit how many operations it held and how long it took (for metrics).
    std::function<void(std::size_t operations, std::chrono::steady_clock::duration)> on_commit;
    // Called once per batch with a function that runs all its completions in order, so the
    // caller can surround them (the server gathers what they send and sends it per
    // connection). Unset: the completions just run.
    std::function<void(const std::function<void()>& run_completions)> around_completions;
    // How the read-write connection is opened (the server keeps the defaults).
    open_options database;
};

// The one thread that owns the read-write connection. Operations queue up while a commit is
// in flight and the next transaction takes all of them (group commit), so one fsync serves
// many writes. Each operation runs in its own savepoint: one failing operation is rolled back
// alone and the rest of the batch commits. Completions run on this thread after the commit,
// in submission order, so they must be quick (typically a post to an I/O thread).
class writer {
public:
    using work = std::function<void(SQLite::Database&)>;
    using completion = std::function<void(std::exception_ptr)>;

    writer(const std::filesystem::path& path, writer_options options);
    ~writer();

    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;

    // Once stop() has returned, nothing runs any more: a submission is let go at once, without
    // running its work or its completion.
    void submit(work operation, completion done);

    // Finishes every queued operation, then ends the thread.
    void stop();

    std::size_t queue_depth() const;

private:
    struct pending {
        work operation;
        completion done;
    };

    void run();
    void commit_batch(std::deque<pending>& batch);

    SQLite::Database db_;
    writer_options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<pending> queue_;
    bool stopping_ = false;
    bool finished_ = false; // the thread has ended; later submissions are let go at once
    std::thread thread_;
};

} // namespace carecircle::storage
