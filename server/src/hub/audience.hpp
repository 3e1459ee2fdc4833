#pragma once

#include "carecircle/protocol/ids.hpp"

namespace carecircle::server {

enum class audience_kind { group_members, group_moderators, user };

// Whom an event is for, named by what they are rather than by their sockets, so that the
// recipients are worked out where the state is (and, with several processes, in each of them).
struct audience {
    audience_kind kind;
    GroupId group{};
    UserId user{};

    // Every connection of the group's active members.
    static audience members_of(GroupId group) { return {audience_kind::group_members, group, {}}; }
    // The group's moderators, and site moderators and admins who are members of it.
    static audience moderators_of(GroupId group) {
        return {audience_kind::group_moderators, group, {}};
    }
    // Every connection of one person.
    static audience person(UserId user) { return {audience_kind::user, {}, user}; }
};

} // namespace carecircle::server
