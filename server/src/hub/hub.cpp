#include "hub/hub.hpp"

#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"

#include <algorithm>

namespace carecircle::server {

void hub::load(SQLite::Database& db) {
    std::lock_guard lock(mutex_);
    for (auto& user : storage::load_users(db)) {
        users_[user.id] = std::move(user);
    }
    for (auto& session : storage::load_sessions(db)) {
        sessions_[session.token_hash] = session.user;
    }
    for (auto& group : storage::load_groups(db)) {
        groups_[group.id].info = std::move(group);
    }
    for (auto& m : storage::load_memberships(db)) {
        auto it = groups_.find(m.group);
        if (it == groups_.end()) {
            continue;
        }
        it->second.members[m.user] = member_state{m.membership, m.last_read, m.requested_at};
        if (m.membership.status == membership_status::active) {
            ++it->second.active_count;
        }
    }
    for (const auto& mute : storage::load_mutes(db)) {
        mutes_[{mute.group, mute.user}] = mute_state{mute.until, mute.reason};
    }
    for (auto& ban : storage::load_bans(db)) {
        bans_[{ban.group, ban.user}] = std::move(ban);
    }
}

std::optional<User> hub::user_for_token(const std::string& token_hash) const {
    std::lock_guard lock(mutex_);
    auto session = sessions_.find(token_hash);
    if (session == sessions_.end()) {
        return std::nullopt;
    }
    auto user = users_.find(session->second);
    if (user == users_.end()) {
        return std::nullopt;
    }
    return user->second;
}

std::optional<User> hub::find_user(UserId id) const {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    if (it == users_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void hub::put_user(const User& user) {
    std::lock_guard lock(mutex_);
    users_[user.id] = user;
}

void hub::add_session(const std::string& token_hash, UserId user) {
    std::lock_guard lock(mutex_);
    sessions_[token_hash] = user;
}

std::vector<std::shared_ptr<connection>> hub::remove_session(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<connection>> opened_with_it;
    auto session = sessions_.find(token_hash);
    if (session == sessions_.end()) {
        return opened_with_it;
    }
    std::vector<std::shared_ptr<connection>> all;
    collect_connections(session->second, all);
    for (auto& conn : all) {
        if (conn->token_hash() == token_hash) {
            opened_with_it.push_back(std::move(conn));
        }
    }
    sessions_.erase(session);
    return opened_with_it;
}

void hub::attach(const std::shared_ptr<connection>& conn) {
    std::lock_guard lock(mutex_);
    connections_[conn->user()].push_back(conn);
}

void hub::detach(const connection* conn) {
    std::lock_guard lock(mutex_);
    auto it = connections_.find(conn->user());
    if (it == connections_.end()) {
        return;
    }
    std::erase_if(it->second, [conn](const std::weak_ptr<connection>& weak) {
        auto strong = weak.lock();
        return !strong || strong.get() == conn;
    });
    if (it->second.empty()) {
        connections_.erase(it);
    }
}

std::vector<std::shared_ptr<connection>> hub::all_connections() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<connection>> all;
    for (const auto& [user, list] : connections_) {
        for (const auto& weak : list) {
            if (auto conn = weak.lock()) {
                all.push_back(std::move(conn));
            }
        }
    }
    return all;
}

void hub::collect_connections(UserId user, std::vector<std::shared_ptr<connection>>& out) const {
    auto it = connections_.find(user);
    if (it == connections_.end()) {
        return;
    }
    for (const auto& weak : it->second) {
        if (auto conn = weak.lock()) {
            out.push_back(std::move(conn));
        }
    }
}

group_access hub::access(GroupId group, const User& user) const {
    std::lock_guard lock(mutex_);
    group_access result;
    result.site = user.role;
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return result;
    }
    result.group_exists = true;
    result.visibility = it->second.info.visibility;
    if (auto mute = mutes_.find({group, user.id}); mute != mutes_.end()) {
        result.muted_until = mute->second.until;
    }
    if (auto m = it->second.members.find(user.id); m != it->second.members.end()) {
        result.membership = m->second.membership;
    }
    return result;
}

Group hub::to_group(const group_state& state, const User& viewer, timestamp now) const {
    Group group;
    group.id = state.info.id;
    group.name = state.info.name;
    group.region = state.info.region;
    group.description = state.info.description;
    group.visibility = state.info.visibility;
    group.member_count = state.active_count;
    group.last_seq = state.info.last_seq;
    group.retention = state.info.retention;
    if (auto m = state.members.find(viewer.id); m != state.members.end()) {
        group.my_membership = m->second.membership;
        if (auto mute = mutes_.find({state.info.id, viewer.id});
            mute != mutes_.end() && mute->second.until > now) {
            group.muted_until = mute->second.until;
            group.mute_reason = mute->second.reason;
        }
        if (m->second.membership.status == membership_status::active) {
            group.unread =
                std::max<std::int64_t>(0, state.info.last_seq.value - m->second.last_read.value);
        }
    }
    return group;
}

std::vector<Group> hub::list_groups(const User& viewer) const {
    const auto now = storage::now();
    std::lock_guard lock(mutex_);
    std::vector<Group> groups;
    groups.reserve(groups_.size());
    for (const auto& [id, state] : groups_) {
        groups.push_back(to_group(state, viewer, now));
    }
    return groups;
}

std::optional<Group> hub::group_for(GroupId group, const User& viewer) const {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return std::nullopt;
    }
    return to_group(it->second, viewer, storage::now());
}

std::vector<member_view> hub::active_members(GroupId group) const {
    const auto now = storage::now();
    std::lock_guard lock(mutex_);
    std::vector<member_view> members;
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return members;
    }
    for (const auto& [user_id, state] : it->second.members) {
        if (state.membership.status != membership_status::active) {
            continue;
        }
        auto user = users_.find(user_id);
        if (user == users_.end()) {
            continue;
        }
        const bool online = connections_.contains(user_id);
        std::optional<timestamp> muted_until;
        if (auto mute = mutes_.find({group, user_id});
            mute != mutes_.end() && mute->second.until > now) {
            muted_until = mute->second.until;
        }
        members.push_back(member_view{user->second, state.membership.role, online, muted_until});
    }
    return members;
}

std::optional<member_state> hub::membership(GroupId group, UserId user) const {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return std::nullopt;
    }
    auto m = it->second.members.find(user);
    if (m == it->second.members.end()) {
        return std::nullopt;
    }
    return m->second;
}

std::vector<pending_request> hub::pending_requests(GroupId group) const {
    std::lock_guard lock(mutex_);
    std::vector<pending_request> requests;
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return requests;
    }
    for (const auto& [user_id, state] : it->second.members) {
        if (state.membership.status != membership_status::pending) {
            continue;
        }
        if (auto user = users_.find(user_id); user != users_.end()) {
            requests.push_back(pending_request{user->second, state.requested_at});
        }
    }
    std::sort(requests.begin(), requests.end(),
              [](const auto& a, const auto& b) { return a.requested_at < b.requested_at; });
    return requests;
}

std::size_t hub::moderator_count(GroupId group) const {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return 0;
    }
    return static_cast<std::size_t>(
        std::count_if(it->second.members.begin(), it->second.members.end(), [](const auto& m) {
            return m.second.membership.status == membership_status::active &&
                   m.second.membership.role == group_role::moderator;
        }));
}

std::optional<storage::ban_record> hub::active_ban(GroupId group, UserId user, timestamp now) {
    std::lock_guard lock(mutex_);
    auto it = bans_.find({group, user});
    if (it == bans_.end()) {
        return std::nullopt;
    }
    if (it->second.until && *it->second.until <= now) {
        return std::nullopt;
    }
    return it->second;
}

void hub::set_muted_until(GroupId group, UserId user, std::optional<timestamp> until,
                          std::string reason) {
    std::lock_guard lock(mutex_);
    if (until) {
        mutes_[{group, user}] = mute_state{*until, std::move(reason)};
    } else {
        mutes_.erase({group, user});
    }
}

void hub::put_ban(const storage::ban_record& ban) {
    std::lock_guard lock(mutex_);
    bans_[{ban.group, ban.user}] = ban;
}

void hub::remove_ban(GroupId group, UserId user) {
    std::lock_guard lock(mutex_);
    bans_.erase({group, user});
}

void hub::put_group(const storage::group_record& group) {
    std::lock_guard lock(mutex_);
    groups_[group.id].info = group;
}

void hub::set_retention(GroupId group, std::optional<std::chrono::days> retention) {
    std::lock_guard lock(mutex_);
    if (auto it = groups_.find(group); it != groups_.end()) {
        it->second.info.retention = retention;
    }
}

std::vector<GroupId> hub::group_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<GroupId> ids;
    ids.reserve(groups_.size());
    for (const auto& [id, state] : groups_) {
        ids.push_back(id);
    }
    return ids;
}

std::vector<std::pair<GroupId, std::chrono::days>> hub::retention_policies() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<GroupId, std::chrono::days>> policies;
    for (const auto& [id, state] : groups_) {
        if (state.info.retention) {
            policies.emplace_back(id, *state.info.retention);
        }
    }
    return policies;
}

void hub::put_membership(const storage::membership_record& record) {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(record.group);
    if (it == groups_.end()) {
        return;
    }
    auto& members = it->second.members;
    auto existing = members.find(record.user);
    if (existing != members.end() &&
        existing->second.membership.status == membership_status::active) {
        --it->second.active_count;
    }
    Seq last_read = existing != members.end() ? existing->second.last_read : record.last_read;
    members[record.user] = member_state{record.membership, last_read, record.requested_at};
    if (record.membership.status == membership_status::active) {
        ++it->second.active_count;
    }
}

void hub::remove_membership(GroupId group, UserId user) {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return;
    }
    auto m = it->second.members.find(user);
    if (m == it->second.members.end()) {
        return;
    }
    if (m->second.membership.status == membership_status::active) {
        --it->second.active_count;
    }
    it->second.members.erase(m);
}

void hub::set_last_read(GroupId group, UserId user, Seq seq) {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        return;
    }
    if (auto m = it->second.members.find(user); m != it->second.members.end()) {
        m->second.last_read = seq;
    }
}

void hub::message_committed(GroupId group, Seq seq) {
    std::lock_guard lock(mutex_);
    if (auto it = groups_.find(group); it != groups_.end()) {
        it->second.info.last_seq = std::max(it->second.info.last_seq, seq);
    }
}

Seq hub::last_seq(GroupId group) const {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    return it == groups_.end() ? Seq{0} : it->second.info.last_seq;
}

void hub::collect_audience(const audience& to,
                           std::vector<std::shared_ptr<connection>>& out) const {
    if (to.kind == audience_kind::user) {
        return collect_connections(to.user, out);
    }
    auto it = groups_.find(to.group);
    if (it == groups_.end()) {
        return;
    }
    for (const auto& [user, state] : it->second.members) {
        if (state.membership.status != membership_status::active) {
            continue;
        }
        if (to.kind == audience_kind::group_moderators) {
            // Site moderators and admins who are members watch over every group they are in.
            const auto account = users_.find(user);
            const bool site_moderator =
                account != users_.end() && account->second.role != site_role::member;
            if (state.membership.role != group_role::moderator && !site_moderator) {
                continue;
            }
        }
        collect_connections(user, out);
    }
}

std::size_t hub::publish(const audience& to, const frame_ptr& frame) const {
    std::vector<std::shared_ptr<connection>> recipients;
    {
        std::lock_guard lock(mutex_);
        collect_audience(to, recipients);
    }
    // Each send only posts to the connection's strand.
    for (const auto& conn : recipients) {
        conn->send(frame);
    }
    return recipients.size();
}

} // namespace carecircle::server
