#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace carecircle::server {

class connection_counter;

// One admitted TCP connection, counted against its address until this is destroyed. It moves
// with the connection from the HTTP session into the WebSocket session.
class connection_slot {
public:
    connection_slot() = default;
    connection_slot(connection_slot&& other) noexcept;
    connection_slot& operator=(connection_slot&& other) noexcept;
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
    ~connection_slot();

private:
    friend class connection_counter;
    connection_slot(connection_counter* owner, boost::asio::ip::address address)
        : owner_(owner), address_(std::move(address)) {}
    void release();

    connection_counter* owner_ = nullptr; // null: not counted (no limit, or moved from)
    boost::asio::ip::address address_;
};

// Open TCP connections per client address, so that one address cannot take every socket the
// server has. Safe from any thread; it must outlive every slot it hands out.
class connection_counter {
public:
    // `per_address` 0 means no limit, and then nothing is counted.
    explicit connection_counter(std::size_t per_address) : limit_(per_address) {}

    // A slot for one more connection from `address`, or nothing when it is at its limit.
    std::optional<connection_slot> admit(const boost::asio::ip::address& address);
    std::size_t limit() const { return limit_; }

private:
    friend class connection_slot;
    void release(const boost::asio::ip::address& address);

    std::size_t limit_;
    std::mutex mutex_;
    std::map<boost::asio::ip::address, std::size_t> open_;
};

} // namespace carecircle::server
