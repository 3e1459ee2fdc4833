#pragma once

#include "carecircle/protocol/types.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace carecircle::server {

// What the hub knows of a live WebSocket: who it belongs to and how to reach it. Both calls
// are safe from any thread; they post to the connection's own strand.
class connection {
public:
    connection(UserId user, std::string token_hash)
        : user_(user), token_hash_(std::move(token_hash)) {}
    virtual ~connection() = default;

    virtual void send(std::shared_ptr<const std::string> frame) = 0;
    virtual void close(std::uint16_t code) = 0;

    UserId user() const { return user_; }
    const std::string& token_hash() const { return token_hash_; }

private:
    UserId user_;
    std::string token_hash_;
};

using frame_ptr = std::shared_ptr<const std::string>;

inline frame_ptr make_frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

} // namespace carecircle::server
