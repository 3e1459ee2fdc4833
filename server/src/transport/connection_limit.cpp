#include "transport/connection_limit.hpp"

namespace carecircle::server {

connection_slot::connection_slot(connection_slot&& other) noexcept
    : owner_(other.owner_), address_(std::move(other.address_)) {
    other.owner_ = nullptr;
}

connection_slot& connection_slot::operator=(connection_slot&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = other.owner_;
        address_ = other.address_;
        other.owner_ = nullptr;
    }
    return *this;
}

connection_slot::~connection_slot() {
    release();
}

void connection_slot::release() {
    if (owner_ != nullptr) {
        owner_->release(address_);
        owner_ = nullptr;
    }
}

std::optional<connection_slot> connection_counter::admit(const boost::asio::ip::address& address) {
    if (limit_ == 0) {
        return connection_slot{};
    }
    // An IPv4 client reaching an IPv6 socket is still the same client.
    auto key = address;
    if (key.is_v6() && key.to_v6().is_v4_mapped()) {
        key = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, key.to_v6());
    }
    const std::lock_guard lock(mutex_);
    auto& open = open_[key];
    if (open >= limit_) {
        return std::nullopt;
    }
    ++open;
    return connection_slot{this, key};
}

void connection_counter::release(const boost::asio::ip::address& address) {
    const std::lock_guard lock(mutex_);
    const auto found = open_.find(address);
    if (found != open_.end() && --found->second == 0) {
        open_.erase(found);
    }
}

} // namespace carecircle::server
