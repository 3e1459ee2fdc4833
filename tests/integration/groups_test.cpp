// Regional groups: listing, creating, joining, leaving and members (PROTOCOL.md
// section 3, "Groups").

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

constexpr std::string_view moderator_username = "site_moderator";
constexpr std::string_view moderator_password = "moderator-password-1";

class Groups : public server_test {
protected:
    server_options options() const override {
        auto o = with_admin();
        o.users.push_back({std::string(moderator_username), std::string(moderator_password),
                           "Site Moderator", "moderator"});
        return o;
    }
};

// A field a non-member must not learn: absent, null or zero.
bool concealed(const json::object& group, std::string_view field) {
    const auto* v = group.if_contains(field);
    return !v || v->is_null() || *v == json::value(0);
}

json::object membership(std::string_view role, std::string_view status) {
    return {{"role", role}, {"status", status}};
}

} // namespace

TEST_F(Groups, SiteAdminCreatesAGroupAndBecomesItsModerator) {
    const auto result =
        admin_ws().call("groups.create", {{"name", "Nottingham"},
                                          {"region", "East Midlands"},
                                          {"description", "Carers around Nottingham"},
                                          {"visibility", "public"}});
    const auto& group = at_path(result, "group").as_object();
    EXPECT_TRUE(group.at("id").is_int64()) << group;
    EXPECT_EQ(str(group.at("name")), "Nottingham");
    EXPECT_EQ(str(group.at("region")), "East Midlands");
    EXPECT_EQ(str(group.at("description")), "Carers around Nottingham");
    EXPECT_EQ(str(group.at("visibility")), "public");
    EXPECT_EQ(num(group.at("member_count")), 1);
    EXPECT_EQ(num(group.at("last_seq")), 0);
    EXPECT_EQ(num(group.at("unread")), 0);
    EXPECT_EQ(group.at("my_membership"), json::value(membership("moderator", "active"))) << group;
}

TEST_F(Groups, SiteModeratorCanCreateGroups) {
    const auto moderator = login(port(), moderator_username, moderator_password);
    ws_client ws(port(), moderator.token);
    const auto result = ws.call(
        "groups.create",
        {{"name", "Worcestershire"}, {"region", "West Midlands"}, {"visibility", "private"}});
    EXPECT_EQ(str(at_path(result, "group.visibility")), "private");
    EXPECT_EQ(at_path(result, "group.my_membership"),
              json::value(membership("moderator", "active")));
}

TEST_F(Groups, OrdinaryMemberCannotCreateGroups) {
    const auto amy = register_user("amy");
    ws_client ws(port(), amy.token);
    const auto reply =
        ws.request("groups.create",
                   {{"name", "Rogue group"}, {"region", "Nowhere"}, {"visibility", "public"}});
    EXPECT_EQ(error_code_of(reply), "forbidden") << reply;
    const auto listed = ws.call("groups.list");
    for (const auto& g : at_path(listed, "groups").as_array())
        EXPECT_NE(str(g.at("name")), "Rogue group");
}

TEST_F(Groups, CreateRefusesBadParameters) {
    auto& ws = admin_ws();
    const std::vector<std::pair<const char*, json::object>> cases = {
        {"no name", {{"region", "East Midlands"}, {"visibility", "public"}}},
        {"no region", {{"name", "Derby"}, {"visibility", "public"}}},
        {"no visibility", {{"name", "Derby"}, {"region", "East Midlands"}}},
        {"unknown visibility",
         {{"name", "Derby"}, {"region", "East Midlands"}, {"visibility", "secret"}}},
        {"name that is a number",
         {{"name", 12}, {"region", "East Midlands"}, {"visibility", "public"}}},
    };
    for (const auto& [why, params] : cases)
        EXPECT_EQ(error_code_of(ws.request("groups.create", params)), "bad_request") << why;
}

TEST_F(Groups, ListShowsEveryGroupPrivateOnesIncluded) {
    const auto open_group = create_group("Leicester", "public", "East Midlands");
    const auto closed_group = create_group("Night shift carers", "private", "Midlands");
    const auto ben = register_user("ben");
    ws_client ws(port(), ben.token);

    const auto listed_open = listed_group(ws, open_group);
    EXPECT_EQ(str(listed_open.at("name")), "Leicester");
    EXPECT_EQ(str(listed_open.at("region")), "East Midlands");
    EXPECT_EQ(str(listed_open.at("description")), "Peer support for Leicester");
    EXPECT_EQ(str(listed_open.at("visibility")), "public");
    EXPECT_TRUE(listed_open.at("my_membership").is_null()) << listed_open;

    const auto listed_closed = listed_group(ws, closed_group);
    EXPECT_EQ(str(listed_closed.at("name")), "Night shift carers");
    EXPECT_EQ(str(listed_closed.at("region")), "Midlands");
    EXPECT_EQ(str(listed_closed.at("description")), "Peer support for Night shift carers");
    EXPECT_EQ(str(listed_closed.at("visibility")), "private");
    EXPECT_TRUE(listed_closed.at("my_membership").is_null()) << listed_closed;
}

TEST_F(Groups, PrivateGroupShowsOutsidersOnlyItsNameRegionAndDescription) {
    const auto group = create_group("Confidential", "private");
    for (int i = 0; i < 3; ++i)
        send(admin_ws(), group, "private note " + std::to_string(i));
    const auto cara = register_user("cara");
    ws_client ws(port(), cara.token);
    const auto listed = listed_group(ws, group);
    EXPECT_EQ(str(listed.at("name")), "Confidential");
    EXPECT_TRUE(concealed(listed, "last_seq")) << listed;
    EXPECT_TRUE(concealed(listed, "member_count")) << listed;
    EXPECT_TRUE(concealed(listed, "unread")) << listed;
    EXPECT_EQ(json::serialize(listed).find("private note"), std::string::npos) << listed;
}

TEST_F(Groups, JoiningAPublicGroupMakesYouAnActiveMember) {
    const auto group = create_group("Derby");
    const auto dan = register_user("dan");
    ws_client ws(port(), dan.token);
    const auto result = ws.call("groups.join", {{"group", group}});
    EXPECT_EQ(result.at("membership"), json::value(membership("member", "active"))) << result;

    const auto listed = listed_group(ws, group);
    EXPECT_EQ(listed.at("my_membership"), json::value(membership("member", "active"))) << listed;
    EXPECT_EQ(num(listed.at("member_count")), 2);
}

TEST_F(Groups, JoiningAPrivateGroupLeavesYouPending) {
    const auto group = create_group("Lincoln night carers", "private");
    const auto eve = register_user("eve");
    ws_client ws(port(), eve.token);
    const auto result = ws.call("groups.join", {{"group", group}});
    EXPECT_EQ(result.at("membership"), json::value(membership("member", "pending"))) << result;
    EXPECT_EQ(listed_group(ws, group).at("my_membership"),
              json::value(membership("member", "pending")));
}

TEST_F(Groups, PendingMemberIsForbiddenEverythingButLeaving) {
    const auto group = create_group("Rutland", "private");
    send(admin_ws(), group, "members only");
    const auto fay = register_user("fay");
    ws_client ws(port(), fay.token);
    ASSERT_EQ(join(ws, group).at("status"), json::value("pending"));

    EXPECT_EQ(error_code_of(ws.request("messages.history", {{"group", group}})), "forbidden");
    EXPECT_EQ(error_code_of(ws.request("messages.send", {{"group", group}, {"text", "hello?"}})),
              "forbidden");
    EXPECT_EQ(error_code_of(ws.request("messages.mark_read", {{"group", group}, {"seq", 1}})),
              "forbidden");
    EXPECT_EQ(error_code_of(ws.request("groups.members", {{"group", group}})), "forbidden");
    send(admin_ws(), group, "while fay waits");
    EXPECT_TRUE(ws.no_event("message.created", 500ms));

    EXPECT_EQ(ws.call("groups.leave", {{"group", group}}), json::object{});
    EXPECT_TRUE(listed_group(ws, group).at("my_membership").is_null());
}

TEST_F(Groups, LeavingAGroupStopsItsMessagesAndItsWrites) {
    const auto group = create_group("Mansfield");
    ws_client ws = member_of(group, "gus");
    EXPECT_EQ(ws.call("groups.leave", {{"group", group}}), json::object{});

    send(admin_ws(), group, "after gus left");
    EXPECT_TRUE(ws.no_event("message.created", 500ms));
    EXPECT_EQ(
        error_code_of(ws.request("messages.send", {{"group", group}, {"text", "still here?"}})),
        "forbidden");

    const auto listed = listed_group(ws, group);
    EXPECT_TRUE(listed.at("my_membership").is_null()) << listed;
    EXPECT_EQ(num(listed.at("member_count")), 1);
}

TEST_F(Groups, MembersListShowsEachMemberWithRoleAndPresence) {
    const auto group = create_group("Newark");
    const auto hal = register_user("hal", "Hal Jones");
    ws_client ws(port(), hal.token);
    join(ws, group);
    admin_ws(); // the admin is connected too

    const auto result = ws.call("groups.members", {{"group", group}});
    const auto& members = at_path(result, "members").as_array();
    ASSERT_EQ(members.size(), 2u) << result;
    bool saw_admin = false;
    bool saw_hal = false;
    for (const auto& m : members) {
        const auto& user = m.at("user").as_object();
        EXPECT_TRUE(m.at("online").is_bool()) << m;
        if (user.at("id") == json::value(hal.id())) {
            saw_hal = true;
            EXPECT_EQ(user, hal.user);
            EXPECT_EQ(str(m.at("role")), "member");
            EXPECT_EQ(m.at("online"), json::value(true)) << m;
        } else if (user.at("id") == json::value(admin().id())) {
            saw_admin = true;
            EXPECT_EQ(user, admin().user);
            EXPECT_EQ(str(m.at("role")), "moderator");
            EXPECT_EQ(m.at("online"), json::value(true)) << m;
        }
    }
    EXPECT_TRUE(saw_admin) << result;
    EXPECT_TRUE(saw_hal) << result;
}

TEST_F(Groups, MembersOfAPrivateGroupAreHiddenFromOutsiders) {
    const auto group = create_group("Boston carers", "private");
    const auto ida = register_user("ida");
    ws_client ws(port(), ida.token);
    const auto reply = ws.request("groups.members", {{"group", group}});
    EXPECT_EQ(error_code_of(reply), "forbidden") << reply;
    EXPECT_EQ(json::serialize(reply).find(std::string(admin_username)), std::string::npos) << reply;
}

TEST_F(Groups, JoiningAGroupThatDoesNotExistIsNotFound) {
    const auto jon = register_user("jon");
    ws_client ws(port(), jon.token);
    EXPECT_EQ(error_code_of(ws.request("groups.join", {{"group", 987654}})), "not_found");
}

TEST_F(Groups, NewMemberIsSeenByTheGroupsOtherMembers) {
    const auto group = create_group("Grantham");
    const auto kat = register_user("kat");
    ws_client ws(port(), kat.token);
    join(ws, group);
    const auto result = admin_ws().call("groups.members", {{"group", group}});
    bool found = false;
    for (const auto& m : at_path(result, "members").as_array())
        found = found || at_path(m, "user.id") == json::value(kat.id());
    EXPECT_TRUE(found) << result;
}
