#pragma once

// What the moderation tests share: a server with a site moderator beside the site admin, a
// group with the people moderation acts on, and helpers that read like PROTOCOL.md's
// "Groups" and "Messages" operations.

#include "server_test.hpp"

#include <chrono>
#include <date/date.h>
#include <gtest/gtest.h>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace carecircle::test {

inline constexpr std::string_view site_moderator_username = "site_moderator";
inline constexpr std::string_view site_moderator_password = "site-moderator-password-1";

// A time written as the protocol writes times: 2026-12-11T16:00:00.000Z.
inline std::string iso(std::chrono::system_clock::time_point at) {
    return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(at));
}

inline std::string iso_in(std::chrono::milliseconds from_now) {
    return iso(std::chrono::system_clock::now() + from_now);
}

inline bool is_timestamp(const json::value& v) {
    static const std::regex format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    return v.is_string() && std::regex_match(std::string(v.as_string()), format);
}

// Throws away every message that has already reached `ws`.
inline void drain(ws_client& ws) {
    while (ws.next_message(0ms)) {
    }
}

// True when `secret` appears anywhere in `v`: a refusal must not leak what it refuses.
inline bool mentions(const json::value& v, std::string_view secret) {
    return json::serialize(v).find(secret) != std::string::npos;
}

class moderation_test : public server_test {
protected:
    // A group with an organiser and two ordinary members; the site admin created it and so
    // is its moderator.
    struct circle {
        std::int64_t group = 0;
        account organiser;
        account amy;
        account ben;
    };

    server_options options() const override {
        auto o = with_admin();
        o.users.push_back({std::string(site_moderator_username),
                           std::string(site_moderator_password), "Site Moderator", "moderator"});
        return o;
    }

    const account& site_moderator() {
        if (!site_moderator_)
            site_moderator_ = login(port(), site_moderator_username, site_moderator_password);
        return *site_moderator_;
    }

    circle make_circle(std::string_view name, std::string_view visibility = "private") {
        circle c;
        c.group = create_group(name, visibility);
        c.organiser = register_user("olive", "Olive Organiser");
        c.amy = register_user("amy", "Amy Carer");
        c.ben = register_user("ben", "Ben Carer");
        for (const auto* who : {&c.organiser, &c.amy, &c.ben})
            add_member(c.group, *who);
        set_role(c.group, c.organiser, "organiser");
        return c;
    }

    // Joins `who` to `group`; a private group's request is approved by the site admin.
    void add_member(std::int64_t group, const account& who) {
        auto ws = connect(who);
        if (str(join(ws, group).at("status")) == "pending")
            admin_ws().call("groups.approve", {{"group", group}, {"user", who.id()}});
    }

    void set_role(std::int64_t group, const account& who, std::string_view role) {
        admin_ws().call("groups.set_role", {{"group", group}, {"user", who.id()}, {"role", role}});
    }

    // `user`'s role among the group's active members, as the site admin sees it.
    std::optional<std::string> role_of(std::int64_t group, std::int64_t user) {
        const auto result = admin_ws().call("groups.members", {{"group", group}});
        for (const auto& m : at_path(result, "members").as_array())
            if (num(at_path(m, "user.id")) == user)
                return str(m.at("role"));
        return std::nullopt;
    }

    std::size_t member_count(std::int64_t group) {
        return at_path(admin_ws().call("groups.members", {{"group", group}}), "members")
            .as_array()
            .size();
    }

    json::array history(ws_client& ws, std::int64_t group) {
        return at_path(ws.call("messages.history", {{"group", group}}), "messages").as_array();
    }

    json::array log_entries(std::int64_t group) {
        return at_path(admin_ws().call("moderation.log", {{"group", group}}), "entries").as_array();
    }

    json::array open_reports(std::int64_t group) {
        return at_path(admin_ws().call("reports.list", {{"group", group}}), "reports").as_array();
    }

    json::array pending_requests(std::int64_t group) {
        return at_path(admin_ws().call("groups.requests", {{"group", group}}), "requests")
            .as_array();
    }

    // True when `who` may send to the group right now (the probe, when accepted, is a message).
    bool can_send(const account& who, std::int64_t group) {
        auto ws = connect(who);
        return error_code_of(ws.request("messages.send",
                                        {{"group", group}, {"text", "can I still post?"}})) == "ok";
    }

private:
    std::optional<account> site_moderator_;
};

} // namespace carecircle::test
