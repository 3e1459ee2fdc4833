#include "carecircle/storage/writer.hpp"

#include "carecircle/storage/database.hpp"

#include <sqlite3.h>
#include <vector>

namespace carecircle::storage {

writer::writer(const std::filesystem::path& path, writer_options options)
    : db_(open_database(path, access::read_write, options.database)), options_(std::move(options)),
      thread_([this] { run(); }) {}

writer::~writer() {
    stop();
}

void writer::submit(work operation, completion done) {
    {
        std::lock_guard lock(mutex_);
        if (!finished_) {
            queue_.push_back(pending{std::move(operation), std::move(done)});
            wake_.notify_one();
            return;
        }
    }
    // The thread has ended, so nothing would ever run this. It is let go here, on the caller's
    // thread, while what it holds (a session waiting for its answer) can still be torn down;
    // left in the queue it would outlive the I/O that owns it.
}

void writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

std::size_t writer::queue_depth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void writer::run() {
    std::deque<pending> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                finished_ = true; // stopping, and everything queued has been committed
                return;
            }
            const auto give_up = std::chrono::steady_clock::now() + options_.linger_max;
            while (options_.linger.count() > 0 && !stopping_ &&
                   queue_.size() < options_.max_batch &&
                   std::chrono::steady_clock::now() < give_up) {
                const auto before = queue_.size();
                if (!wake_.wait_for(lock, options_.linger,
                                    [&] { return stopping_ || queue_.size() > before; })) {
                    break; // nothing more came: commit what there is
                }
            }
            while (!queue_.empty() && batch.size() < options_.max_batch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit_batch(batch);
        batch.clear();
    }
}

void writer::commit_batch(std::deque<pending>& batch) {
    std::vector<std::exception_ptr> outcomes(batch.size());
    const auto started = std::chrono::steady_clock::now();
    try {
        db_.exec("BEGIN IMMEDIATE");
        for (std::size_t i = 0; i < batch.size(); ++i) {
            db_.exec("SAVEPOINT operation");
            try {
                batch[i].operation(db_);
                db_.exec("RELEASE operation");
            } catch (...) {
                outcomes[i] = std::current_exception();
                db_.exec("ROLLBACK TO operation");
                db_.exec("RELEASE operation");
            }
        }
        db_.exec("COMMIT");
    } catch (...) {
        // The transaction itself failed (disk full, I/O error): nothing of the batch is on
        // disk, so every operation reports the failure.
        try {
            if (!db_.getHandle() || sqlite3_get_autocommit(db_.getHandle()) == 0) {
                db_.exec("ROLLBACK");
            }
        } catch (...) {
        }
        const auto failure = std::current_exception();
        for (auto& outcome : outcomes) {
            outcome = failure;
        }
    }
    if (options_.on_commit) {
        options_.on_commit(batch.size(), std::chrono::steady_clock::now() - started);
    }
    const auto run_completions = [&] {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (batch[i].done) {
                batch[i].done(outcomes[i]);
            }
        }
    };
    if (options_.around_completions) {
        options_.around_completions(run_completions);
    } else {
        run_completions();
    }
}

} // namespace carecircle::storage
