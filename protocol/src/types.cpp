#include "carecircle/protocol/types.hpp"

#include <array>
#include <utility>

namespace carecircle {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::pair<std::string_view, Enum>, N>& names,
                          std::string_view text) {
    for (const auto& [name, value] : names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, Enum>, N>& names,
                         Enum value) {
    for (const auto& [name, candidate] : names) {
        if (candidate == value) {
            return name;
        }
    }
    return names.front().first;
}

constexpr std::array<std::pair<std::string_view, site_role>, 3> site_roles{{
    {"member", site_role::member},
    {"moderator", site_role::moderator},
    {"admin", site_role::admin},
}};
constexpr std::array<std::pair<std::string_view, group_role>, 3> group_roles{{
    {"member", group_role::member},
    {"organiser", group_role::organiser},
    {"moderator", group_role::moderator},
}};
constexpr std::array<std::pair<std::string_view, membership_status>, 2> statuses{{
    {"active", membership_status::active},
    {"pending", membership_status::pending},
}};
constexpr std::array<std::pair<std::string_view, group_visibility>, 2> visibilities{{
    {"public", group_visibility::public_group},
    {"private", group_visibility::private_group},
}};
constexpr std::array<std::pair<std::string_view, message_kind>, 3> kinds{{
    {"text", message_kind::text},
    {"announcement", message_kind::announcement},
    {"system", message_kind::system},
}};

} // namespace

std::string_view to_string(site_role role) {
    return name_of(site_roles, role);
}
std::string_view to_string(group_role role) {
    return name_of(group_roles, role);
}
std::string_view to_string(membership_status status) {
    return name_of(statuses, status);
}
std::string_view to_string(group_visibility visibility) {
    return name_of(visibilities, visibility);
}
std::string_view to_string(message_kind kind) {
    return name_of(kinds, kind);
}

std::optional<site_role> parse_site_role(std::string_view text) {
    return parse(site_roles, text);
}
std::optional<group_role> parse_group_role(std::string_view text) {
    return parse(group_roles, text);
}
std::optional<membership_status> parse_membership_status(std::string_view text) {
    return parse(statuses, text);
}
std::optional<group_visibility> parse_group_visibility(std::string_view text) {
    return parse(visibilities, text);
}
std::optional<message_kind> parse_message_kind(std::string_view text) {
    return parse(kinds, text);
}

} // namespace carecircle
