#include "hub/permissions.hpp"

namespace carecircle::server {
namespace {

int rank(group_role role) {
    switch (role) {
    case group_role::member:
        return 0;
    case group_role::organiser:
        return 1;
    case group_role::moderator:
        return 2;
    }
    return 0;
}

} // namespace

std::optional<error> check_can_read(const group_access& access) {
    if (!access.group_exists) {
        return make_error(error_code::not_found, "no such group");
    }
    if (access.pending()) {
        return make_error(error_code::forbidden, "your request to join is waiting for approval");
    }
    if (access.visibility == group_visibility::private_group && !access.active_member() &&
        !access.site_moderator()) {
        return make_error(error_code::forbidden, "this group is private");
    }
    return std::nullopt;
}

std::optional<error> check_active_member(const group_access& access) {
    if (!access.group_exists) {
        return make_error(error_code::not_found, "no such group");
    }
    if (access.pending()) {
        return make_error(error_code::forbidden, "your request to join is waiting for approval");
    }
    if (!access.active_member()) {
        return make_error(error_code::forbidden, "join the group first");
    }
    return std::nullopt;
}

std::optional<error> check_can_send(const group_access& access, timestamp now) {
    if (auto problem = check_active_member(access)) {
        return problem;
    }
    if (access.muted_until && *access.muted_until > now) {
        return make_error(error_code::forbidden, "you are muted in this group until " +
                                                     format_timestamp(*access.muted_until));
    }
    return std::nullopt;
}

std::optional<error> check_group_role(const group_access& access, group_role needed) {
    if (!access.group_exists) {
        return make_error(error_code::not_found, "no such group");
    }
    if (access.site_moderator()) {
        return std::nullopt;
    }
    if (!access.active_member() || rank(access.membership->role) < rank(needed)) {
        return make_error(error_code::forbidden,
                          "this needs the group role " + std::string(to_string(needed)));
    }
    return std::nullopt;
}

std::optional<error> check_can_manage_meetup(const group_access& access, bool organised_it) {
    if (!check_group_role(access, group_role::moderator)) {
        return std::nullopt;
    }
    if (organised_it && !check_group_role(access, group_role::organiser)) {
        return std::nullopt;
    }
    return make_error(error_code::forbidden,
                      "only the meet-up's organiser or a moderator may do this");
}

} // namespace carecircle::server
