// Message retention per group: a moderator chooses how long the group keeps its messages, the
// members are told, and a background sweep deletes what is older.

#include "server_test.hpp"

#include <cstdio>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

using namespace carecircle::test;

namespace {

class Retention : public server_test {
protected:
    // Sweeps every second, so a test sees one soon after the server starts.
    server_options options() const override {
        return with_admin({"--retention-check-seconds", "1"});
    }

    std::int64_t create_group_keeping(std::string_view name, json::value days) {
        auto result = admin_ws().call("groups.create", {{"name", name},
                                                        {"region", "East Midlands"},
                                                        {"visibility", "public"},
                                                        {"retention_days", days}});
        return num(at_path(result, "group.id"));
    }

    // Makes the groups' messages up to `through_seq` look 100 days old, as if written then. One
    // restart for all of them, so the sweep that follows sees them together.
    void age_messages(const std::vector<std::int64_t>& groups, std::int64_t through_seq) {
        ASSERT_EQ(server().stop(), 0);
        for (const auto group : groups) {
            const auto command = "sqlite3 " + server().db_path().string() +
                                 " 'UPDATE messages SET created_at = created_at - 8640000000 "
                                 "WHERE group_id = " +
                                 std::to_string(group) +
                                 " AND seq <= " + std::to_string(through_seq) + "' 2>&1";
            const int status = std::system(command.c_str());
            ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
        }
        server().start();
    }

    static std::vector<std::int64_t> seqs(ws_client& ws, std::int64_t group) {
        std::vector<std::int64_t> out;
        auto page = ws.call("messages.history", {{"group", group}, {"limit", 100}});
        for (const auto& m : page.at("messages").as_array()) {
            out.push_back(num(m.at("seq")));
        }
        return out;
    }
};

} // namespace

TEST_F(Retention, ModeratorSetsThePeriodAndMembersAreToldAtOnce) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client ws = connect(amy);
    join(ws, group);
    EXPECT_TRUE(listed_group(ws, group).at("retention_days").is_null());

    auto result =
        admin_ws().call("groups.set_retention", {{"group", group}, {"retention_days", 30}});
    EXPECT_EQ(num(at_path(result, "group.retention_days")), 30);
    auto event = ws.next_event("group.retention_changed");
    EXPECT_EQ(num(event.at("group")), group);
    EXPECT_EQ(num(event.at("retention_days")), 30);
    EXPECT_EQ(num(listed_group(ws, group).at("retention_days")), 30);

    admin_ws().call("groups.set_retention", {{"group", group}, {"retention_days", nullptr}});
    EXPECT_TRUE(ws.next_event("group.retention_changed").at("retention_days").is_null());
    EXPECT_TRUE(listed_group(ws, group).at("retention_days").is_null());

    auto log = admin_ws().call("moderation.log", {{"group", group}});
    const auto& entries = log.at("entries").as_array();
    ASSERT_GE(entries.size(), 2U);
    EXPECT_EQ(str(entries.at(0).at("action")), "set_retention");
    EXPECT_EQ(str(entries.at(0).at("reason")), "for good");
    EXPECT_EQ(str(entries.at(1).at("reason")), "30 days");
}

TEST_F(Retention, OnlyModeratorsChooseAndOnlySensiblePeriodsAreAccepted) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    ws_client ws = connect(amy);
    join(ws, group);

    EXPECT_EQ(error_code_of(
                  ws.request("groups.set_retention", {{"group", group}, {"retention_days", 30}})),
              "forbidden");
    for (const json::value& days : {json::value(0), json::value(3651), json::value(-5),
                                    json::value("30"), json::value(1.5)}) {
        EXPECT_EQ(error_code_of(admin_ws().request("groups.set_retention",
                                                   {{"group", group}, {"retention_days", days}})),
                  "bad_request")
            << json::serialize(days);
    }
    EXPECT_EQ(error_code_of(admin_ws().request("groups.set_retention", {{"group", group}})),
              "bad_request");
    EXPECT_EQ(error_code_of(admin_ws().request("groups.set_retention",
                                               {{"group", 999999}, {"retention_days", 30}})),
              "not_found");
    EXPECT_EQ(error_code_of(admin_ws().request("groups.create", {{"name", "Derby"},
                                                                 {"region", "East Midlands"},
                                                                 {"visibility", "public"},
                                                                 {"retention_days", 0}})),
              "bad_request");
    EXPECT_TRUE(listed_group(ws, group).at("retention_days").is_null());
}

TEST_F(Retention, OldMessagesAreDeletedAndEverythingElseStays) {
    const auto keeping = create_group_keeping("Nottingham", 30);
    const auto forever = create_group("Worcestershire");
    const auto amy = register_user("amy", "Amy Pond");
    {
        ws_client ws = connect(amy);
        join(ws, keeping);
        join(ws, forever);
        for (int i = 1; i <= 5; ++i) {
            send(ws, keeping, "kept for a while " + std::to_string(i));
            send(ws, forever, "kept for good " + std::to_string(i));
        }
    }
    age_messages({keeping, forever}, 3);

    ws_client ws = connect(amy);
    std::vector<std::int64_t> left;
    for (int tries = 0; tries < 100; ++tries) {
        left = seqs(ws, keeping);
        if (left.size() < 5) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(left, (std::vector<std::int64_t>{4, 5}));
    EXPECT_EQ(seqs(ws, forever), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));

    // The group carries on where it was: no seq is given out twice.
    EXPECT_EQ(num(send(ws, keeping, "after the sweep").at("seq")), 6);
    const auto metrics = http(port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("carecircle_messages_expired_total 3\n"), std::string::npos) << metrics;
}
