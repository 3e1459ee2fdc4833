#pragma once

#include "carecircle/protocol/errors.hpp"
#include "carecircle/protocol/types.hpp"

#include <optional>

namespace carecircle::server {

// What one user may do in one group, decided in one place (PROTOCOL.md section 3, "Groups").
struct group_access {
    bool group_exists = false;
    group_visibility visibility = group_visibility::public_group;
    std::optional<Membership> membership;
    std::optional<timestamp> muted_until;
    site_role site = site_role::member;

    bool active_member() const {
        return membership && membership->status == membership_status::active;
    }
    bool pending() const { return membership && membership->status == membership_status::pending; }
    // Site moderators and admins have moderator powers in every group.
    bool site_moderator() const { return site != site_role::member; }
};

// Reading history, meetups and the like: anyone in a public group; in a private group only its
// active members (and site moderators). A pending member is refused everything but leaving.
std::optional<error> check_can_read(const group_access& access);

// Writing (sending, marking read, reporting): active members only.
std::optional<error> check_active_member(const group_access& access);

// Sending: an active member who is not muted at `now`.
std::optional<error> check_can_send(const group_access& access, timestamp now);

// Acting with a group role: organisers for announcements and meet-ups, moderators for
// moderation. Site moderators and admins pass as group moderators.
std::optional<error> check_group_role(const group_access& access, group_role needed);

// Editing a meet-up and seeing who is coming: the organiser who made it (while still an
// organiser of the group), the group's moderators, and site moderators and admins.
std::optional<error> check_can_manage_meetup(const group_access& access, bool organised_it);

} // namespace carecircle::server
