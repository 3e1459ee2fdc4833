#include "hub/pinned_messages.hpp"

#include "carecircle/protocol/encode.hpp"
#include "hub/hub.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

namespace carecircle::server {

pinned_messages::encoded pinned_messages::encode(const storage::pin_record& pin,
                                                 const User& pinned_by) {
    return std::make_shared<const std::string>(
        boost::json::serialize(protocol::pin_to_json(pin.message, pinned_by, pin.pinned_at)));
}

void pinned_messages::load(SQLite::Database& db, const hub& people) {
    std::map<GroupId, std::vector<pin>> loaded;
    // Newest pin first, as they are listed.
    for (const auto& record : storage::load_pins(db)) {
        const auto by =
            people.find_user(record.pinned_by).value_or(User{record.pinned_by, "", "", {}});
        loaded[record.message.group].push_back(pin{record.message.id, encode(record, by)});
    }
    const std::scoped_lock lock(mutex_);
    groups_ = std::move(loaded);
}

void pinned_messages::add(GroupId group, MessageId message, encoded json) {
    const std::scoped_lock lock(mutex_);
    auto& pins = groups_[group];
    std::erase_if(pins, [message](const pin& p) { return p.message == message; });
    pins.insert(pins.begin(), pin{message, std::move(json)});
}

bool pinned_messages::remove(GroupId group, MessageId message) {
    const std::scoped_lock lock(mutex_);
    const auto found = groups_.find(group);
    if (found == groups_.end()) {
        return false;
    }
    const auto removed =
        std::erase_if(found->second, [message](const pin& p) { return p.message == message; });
    if (found->second.empty()) {
        groups_.erase(found);
    }
    return removed > 0;
}

std::optional<pinned_messages::encoded> pinned_messages::find(GroupId group,
                                                              MessageId message) const {
    const std::scoped_lock lock(mutex_);
    const auto found = groups_.find(group);
    if (found == groups_.end()) {
        return std::nullopt;
    }
    for (const auto& p : found->second) {
        if (p.message == message) {
            return p.json;
        }
    }
    return std::nullopt;
}

std::size_t pinned_messages::count(GroupId group) const {
    const std::scoped_lock lock(mutex_);
    const auto found = groups_.find(group);
    return found == groups_.end() ? 0 : found->second.size();
}

std::vector<pinned_messages::encoded> pinned_messages::of(GroupId group) const {
    std::vector<encoded> out;
    const std::scoped_lock lock(mutex_);
    const auto found = groups_.find(group);
    if (found != groups_.end()) {
        out.reserve(found->second.size());
        for (const auto& p : found->second) {
            out.push_back(p.json);
        }
    }
    return out;
}

frame_ptr unpinned_event(GroupId group, MessageId message) {
    return make_frame(protocol::encode_event("message.unpinned",
                                             {{"group", group.value}, {"message", message.value}}));
}

} // namespace carecircle::server
