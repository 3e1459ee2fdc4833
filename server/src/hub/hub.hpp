#pragma once

#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/moderation.hpp"
#include "hub/audience.hpp"
#include "hub/permissions.hpp"
#include "transport/connection.hpp"

#include <SQLiteCpp/Database.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace carecircle::server {

struct member_state {
    Membership membership;
    Seq last_read;
    timestamp requested_at;
};

struct pending_request {
    User user;
    timestamp requested_at;
};

struct member_view {
    User user;
    group_role role = group_role::member;
    bool online = false;
    std::optional<timestamp> muted_until; // while the mute lasts
};

struct mute_state {
    timestamp until;
    std::string reason;
};

// The state every request consults, kept in memory so permission checks and fan-out never
// touch the database: users, sign-in sessions, groups, memberships and live connections.
// The database stays the truth; the hub is updated only after a write has committed.
class hub {
public:
    void load(SQLite::Database& db);

    // Users and sign-in sessions.
    std::optional<User> user_for_token(const std::string& token_hash) const;
    std::optional<User> find_user(UserId id) const;
    void put_user(const User& user);
    void add_session(const std::string& token_hash, UserId user);
    // Forgets the session and returns the connections opened with it, to be closed.
    std::vector<std::shared_ptr<connection>> remove_session(const std::string& token_hash);

    // Live connections.
    void attach(const std::shared_ptr<connection>& conn);
    void detach(const connection* conn);
    std::vector<std::shared_ptr<connection>> all_connections() const;

    // Groups and memberships.
    group_access access(GroupId group, const User& user) const;
    std::vector<Group> list_groups(const User& viewer) const;
    std::vector<GroupId> group_ids() const;
    std::optional<Group> group_for(GroupId group, const User& viewer) const;
    std::vector<member_view> active_members(GroupId group) const;
    std::optional<member_state> membership(GroupId group, UserId user) const;

    std::vector<pending_request> pending_requests(GroupId group) const;
    std::size_t moderator_count(GroupId group) const;
    // A ban that is still in force; expired ones are forgotten here.
    std::optional<storage::ban_record> active_ban(GroupId group, UserId user, timestamp now);

    void put_group(const storage::group_record& group);
    void set_retention(GroupId group, std::optional<std::chrono::days> retention);
    // The groups that keep messages for a limited time, with that time.
    std::vector<std::pair<GroupId, std::chrono::days>> retention_policies() const;
    void set_muted_until(GroupId group, UserId user, std::optional<timestamp> until,
                         std::string reason = {});
    void put_ban(const storage::ban_record& ban);
    void remove_ban(GroupId group, UserId user);
    void put_membership(const storage::membership_record& membership);
    void remove_membership(GroupId group, UserId user);
    void set_last_read(GroupId group, UserId user, Seq seq);
    void message_committed(GroupId group, Seq seq);
    Seq last_seq(GroupId group) const;

    // The one way out to connections: every event, from every handler and background job,
    // leaves here, addressed to an audience rather than to sockets. The same encoded frame is
    // queued to each recipient's connection (nothing is copied per recipient), outside the
    // lock. This is the seam where server processes would exchange events: another process
    // would deliver the same (audience, frame) to its own connections.
    // Returns how many connections the frame was queued to.
    std::size_t publish(const audience& to, const frame_ptr& frame) const;

private:
    struct group_state {
        storage::group_record info;
        std::map<UserId, member_state> members;
        std::int64_t active_count = 0;
    };

    Group to_group(const group_state& state, const User& viewer, timestamp now) const;
    void collect_connections(UserId user, std::vector<std::shared_ptr<connection>>& out) const;
    void collect_audience(const audience& to, std::vector<std::shared_ptr<connection>>& out) const;

    mutable std::mutex mutex_;
    std::unordered_map<UserId, User> users_;
    std::unordered_map<std::string, UserId> sessions_;
    std::map<GroupId, group_state> groups_;
    std::map<std::pair<GroupId, UserId>, storage::ban_record> bans_;
    std::map<std::pair<GroupId, UserId>, mute_state> mutes_;
    std::unordered_map<UserId, std::vector<std::weak_ptr<connection>>> connections_;
};

} // namespace carecircle::server
