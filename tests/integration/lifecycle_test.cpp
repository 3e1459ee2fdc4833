// Stopping and starting: graceful shutdown, durability across restarts
// (PROTOCOL.md section 1).

#include "server_test.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class Lifecycle : public server_test {};

json::array history_of(unsigned short port, const account& who, std::int64_t group) {
    ws_client ws(port, who.token);
    return at_path(ws.call("messages.history", {{"group", group}, {"limit", 100}}), "messages")
        .as_array();
}

} // namespace

TEST_F(Lifecycle, RestartKeepsAccountsGroupsAndHistoryAndSeqContinues) {
    const auto group = create_group("Nottingham");
    const auto amy = register_user("amy", "Amy Pond");
    std::vector<json::value> before;
    {
        ws_client ws(port(), amy.token);
        join(ws, group);
        for (int i = 1; i <= 3; ++i)
            before.emplace_back(send(ws, group, "before restart " + std::to_string(i)));
    }

    server().restart();

    const auto again = login(port(), "amy", password_for("amy"));
    EXPECT_EQ(again.user, amy.user);
    ws_client ws(port(), again.token);
    EXPECT_EQ(listed_group(ws, group).at("my_membership"),
              json::value(json::object{{"role", "member"}, {"status", "active"}}));
    const auto stored =
        at_path(ws.call("messages.history", {{"group", group}}), "messages").as_array();
    ASSERT_EQ(stored.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(stored[i], before[i]) << "message " << i + 1 << " after the restart";

    EXPECT_EQ(send(ws, group, "after restart").at("seq"), json::value(4));
    EXPECT_EQ(num(listed_group(ws, group).at("last_seq")), 4);
}

TEST_F(Lifecycle, AcknowledgedMessagesSurviveAHardKill) {
    const auto group = create_group("Derby");
    {
        ws_client ws = member_of(group, "ben");
        std::vector<json::value> ids;
        for (int i = 1; i <= 15; ++i)
            ids.push_back(ws.send_request(
                "messages.send", {{"group", group}, {"text", "note " + std::to_string(i)}}));
        for (const auto& id : ids)
            result_of(ws.wait_reply(id));
        server().kill9();
    }
    server().start();
    const auto again = login(port(), "ben", password_for("ben"));
    const auto stored = history_of(port(), again, group);
    ASSERT_EQ(stored.size(), 15u);
    for (std::size_t i = 0; i < stored.size(); ++i) {
        EXPECT_EQ(num(stored[i].at("seq")), static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(str(stored[i].at("text")), "note " + std::to_string(i + 1));
    }
}

TEST_F(Lifecycle, SendsAcknowledgedDuringShutdownAreKept) {
    const auto group = create_group("Worksop");
    std::vector<std::int64_t> acknowledged;
    {
        ws_client ws = member_of(group, "gil");
        std::vector<json::value> ids;
        for (int i = 1; i <= 20; ++i)
            ids.push_back(ws.send_request(
                "messages.send", {{"group", group}, {"text", "late " + std::to_string(i)}}));
        server().send_signal(SIGTERM);
        // Replies may still come before the close; each one that does is a promise.
        while (auto m = ws.next_message(6s)) {
            const auto& o = m->as_object();
            if (!o.contains("event") && error_code_of(o) == "ok")
                acknowledged.push_back(num(at_path(o, "result.message.seq")));
        }
        EXPECT_EQ(ws.wait_close(0ms), 1001) << ws.close_description();
        admin_ws().wait_close(6s);
        const int status = server().wait_for_exit(10s);
        EXPECT_EQ(status, 0) << describe_exit_status(status);
    }
    server().start();
    const auto stored = history_of(port(), login(port(), "gil", password_for("gil")), group);
    for (const auto seq : acknowledged) {
        ASSERT_GE(stored.size(), static_cast<std::size_t>(seq))
            << "acknowledged seq " << seq << " was lost";
        EXPECT_EQ(num(stored[static_cast<std::size_t>(seq - 1)].at("seq")), seq);
    }
    for (std::size_t i = 0; i < stored.size(); ++i)
        EXPECT_EQ(num(stored[i].at("seq")), static_cast<std::int64_t>(i + 1))
            << "seqs stay gapless";
}

TEST_F(Lifecycle, SigtermClosesWebSocketsWith1001AndExitsZero) {
    const auto group = create_group("Leicester");
    const auto dil = register_user("dil");
    ws_client a = member_of(group, "cyd");
    ws_client b(port(), dil.token);
    ws_client b2(port(), dil.token);
    send(a, group, "last words");

    server().send_signal(SIGTERM);
    EXPECT_EQ(a.wait_close(6s), 1001) << a.close_description();
    EXPECT_EQ(b.wait_close(6s), 1001) << b.close_description();
    EXPECT_EQ(b2.wait_close(6s), 1001) << b2.close_description();
    EXPECT_EQ(admin_ws().wait_close(6s), 1001) << admin_ws().close_description();
    const int status = server().wait_for_exit(10s);
    EXPECT_EQ(status, 0) << describe_exit_status(status);
    EXPECT_LE(server().last_stop_duration().count(), 5000) << "exit within 5 seconds of SIGTERM";
}

TEST_F(Lifecycle, SigintAlsoShutsDownCleanly) {
    const auto eddie = register_user("eddie");
    ws_client ws(port(), eddie.token);
    server().send_signal(SIGINT);
    EXPECT_EQ(ws.wait_close(6s), 1001) << ws.close_description();
    const int status = server().wait_for_exit(10s);
    EXPECT_EQ(status, 0) << describe_exit_status(status);
    EXPECT_LE(server().last_stop_duration().count(), 5000);
}

TEST_F(Lifecycle, IdleServerStopsQuicklyOnSigterm) {
    register_user("flo");
    const int status = server().stop();
    EXPECT_EQ(status, 0) << describe_exit_status(status);
    EXPECT_LE(server().last_stop_duration().count(), 5000);
}
