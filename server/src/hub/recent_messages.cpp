#include "hub/recent_messages.hpp"

#include "carecircle/protocol/encode.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

namespace carecircle::server {

recent_messages::entry recent_messages::encode(const Message& message) {
    return entry{message.seq, std::make_shared<const std::string>(
                                  boost::json::serialize(protocol::to_json(message)))};
}

void recent_messages::fill(window& w, const storage::history_page& latest) const {
    w.entries.clear();
    for (const auto& message : latest.messages) {
        w.entries.push_back(encode(message));
    }
    w.complete = !latest.has_more;
}

storage::history_page recent_messages::read_latest(SQLite::Database& db, GroupId group) const {
    // At least one, for the group list, even without a window.
    const auto limit = static_cast<int>(std::max<std::size_t>(per_group_, 1));
    return storage::read_history(db,
                                 storage::history_query{group, std::nullopt, std::nullopt, limit});
}

void recent_messages::load(SQLite::Database& db, const std::vector<GroupId>& groups) {
    std::unordered_map<GroupId, window> loaded;
    std::unordered_map<GroupId, Message> last;
    for (const auto group : groups) {
        const auto latest = read_latest(db, group);
        if (!latest.messages.empty()) {
            last.emplace(group, latest.messages.back());
        }
        if (per_group_ > 0) {
            fill(loaded[group], latest);
        }
    }
    const std::scoped_lock lock(mutex_);
    windows_ = std::move(loaded);
    last_ = std::move(last);
}

void recent_messages::replace(GroupId group, const storage::history_page& latest) {
    window fresh;
    if (per_group_ > 0) {
        fill(fresh, latest);
    }
    const std::scoped_lock lock(mutex_);
    if (latest.messages.empty()) {
        last_.erase(group);
    } else {
        last_.insert_or_assign(group, latest.messages.back());
    }
    if (per_group_ > 0) {
        windows_[group] = std::move(fresh);
    }
}

void recent_messages::forget(GroupId group) {
    const std::scoped_lock lock(mutex_);
    windows_.erase(group);
    last_.erase(group);
}

std::optional<Message> recent_messages::last(GroupId group) const {
    const std::scoped_lock lock(mutex_);
    const auto found = last_.find(group);
    if (found == last_.end()) {
        return std::nullopt;
    }
    return found->second;
}

void recent_messages::append(const Message& message) {
    {
        const std::scoped_lock lock(mutex_);
        const auto known = last_.find(message.group);
        if (known == last_.end()) {
            last_.emplace(message.group, message);
        } else if (known->second.seq < message.seq) {
            known->second = message;
        }
    }
    if (per_group_ == 0) {
        return;
    }
    auto added = encode(message);
    const std::scoped_lock lock(mutex_);
    auto found = windows_.find(message.group);
    if (found == windows_.end()) {
        // Only a group's first message proves that nothing older is missing.
        if (message.seq.value == 1) {
            windows_[message.group].entries.push_back(std::move(added));
        }
        return;
    }
    auto& w = found->second;
    if (!w.entries.empty() && w.entries.back().seq >= message.seq) {
        return; // already there
    }
    w.entries.push_back(std::move(added));
    if (w.entries.size() > per_group_) {
        w.entries.pop_front();
        w.complete = false;
    }
}

void recent_messages::mark_deleted(const Message& message) {
    Message deleted = message;
    deleted.deleted = true;
    deleted.text.clear();
    auto replacement = encode(deleted);
    const std::scoped_lock lock(mutex_);
    if (const auto known = last_.find(message.group);
        known != last_.end() && known->second.id == message.id) {
        known->second = deleted;
    }
    const auto found = windows_.find(message.group);
    if (found == windows_.end()) {
        return;
    }
    auto& entries = found->second.entries;
    const auto at = std::lower_bound(entries.begin(), entries.end(), message.seq,
                                     [](const entry& e, Seq seq) { return e.seq < seq; });
    if (at != entries.end() && at->seq == message.seq) {
        *at = std::move(replacement);
    }
}

std::optional<recent_messages::page>
recent_messages::find(const storage::history_query& query) const {
    const auto limit = static_cast<std::size_t>(std::max(query.limit, 0));
    const std::scoped_lock lock(mutex_);
    const auto found = windows_.find(query.group);
    if (found == windows_.end()) {
        return std::nullopt;
    }
    const auto& w = found->second;
    const auto& entries = w.entries;
    const auto by_seq = [](const entry& e, Seq seq) { return e.seq < seq; };
    page out;
    if (query.after) {
        // Every message newer than `after` is here once the window reaches back to it.
        const Seq next{query.after->value + 1};
        if (!w.complete && (entries.empty() || entries.front().seq > next)) {
            return std::nullopt;
        }
        const auto first = std::lower_bound(entries.begin(), entries.end(), next, by_seq);
        const auto available = static_cast<std::size_t>(entries.end() - first);
        const auto taken = std::min(available, limit);
        out.has_more = available > limit;
        out.messages.reserve(taken);
        for (auto it = first; it != first + static_cast<std::ptrdiff_t>(taken); ++it) {
            out.messages.push_back(it->encoded);
        }
        return out;
    }
    const auto end = query.before
                         ? std::lower_bound(entries.begin(), entries.end(), *query.before, by_seq)
                         : entries.end();
    const auto available = static_cast<std::size_t>(end - entries.begin());
    if (available < limit && !w.complete) {
        return std::nullopt;
    }
    const auto taken = std::min(available, limit);
    out.has_more = available > limit || !w.complete;
    out.messages.reserve(taken);
    for (auto it = end - static_cast<std::ptrdiff_t>(taken); it != end; ++it) {
        out.messages.push_back(it->encoded);
    }
    return out;
}

} // namespace carecircle::server
