#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>

namespace carecircle::server {

// Admission to the Argon2 thread. Each hash takes tens of milliseconds on purpose, so a queue
// without a bound lets a flood of sign-ins and registrations (from as many addresses as an
// attacker has) put every honest sign-in minutes behind it. With at most `capacity` waiting or
// running, an admitted request is answered within about capacity hashes, and the rest are told
// at once to come back.
class password_queue {
public:
    // A place in the queue, held from admission until the work is done (or dropped): the place
    // is given back when the ticket is destroyed.
    class ticket {
    public:
        ticket(ticket&& other) noexcept;
        ticket& operator=(ticket&& other) noexcept;
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;
        ~ticket();

    private:
        friend class password_queue;
        explicit ticket(password_queue* queue) : queue_(queue) {}
        password_queue* queue_;
    };

    explicit password_queue(std::size_t capacity);

    // A place, or nothing when `capacity` are taken.
    std::optional<ticket> try_enter();

    // What to tell a client turned away: long enough for the queue to drain once.
    std::chrono::seconds retry_after() const;

    std::size_t waiting() const { return taken_.load(std::memory_order_relaxed); }

private:
    void leave();

    std::size_t capacity_;
    std::atomic<std::size_t> taken_{0};
};

} // namespace carecircle::server
