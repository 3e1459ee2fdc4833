// Pinned messages (protocol/README.md, "Pinned messages"): organisers and moderators pin up to
// three messages to the top of a group; every member hears of it at once, and every history
// page carries the pins, so a member who reconnects sees them too.

#include "moderation_fixture.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <sys/wait.h>

using namespace carecircle::test;

namespace {

class Pins : public moderation_test {
protected:
    server_options options() const override {
        auto o = moderation_test::options();
        o.extra_args.insert(o.extra_args.end(), {"--send-rate", "0", "--request-rate", "0"});
        return o;
    }

    json::object pin(ws_client& ws, std::int64_t group, const json::object& message) {
        return ws.request("messages.pin", {{"group", group}, {"message", message.at("id")}});
    }
    json::object unpin(ws_client& ws, std::int64_t group, const json::object& message) {
        return ws.request("messages.unpin", {{"group", group}, {"message", message.at("id")}});
    }

    // The ids of the pinned messages a history page carries, in its order.
    static std::vector<std::int64_t> pinned_ids(const json::object& page) {
        std::vector<std::int64_t> out;
        for (const auto& p : page.at("pinned").as_array()) {
            out.push_back(num(at_path(p, "message.id")));
        }
        return out;
    }
    std::vector<std::int64_t> pinned_ids(ws_client& ws, std::int64_t group,
                                         json::object cursor = {}) {
        cursor["group"] = group;
        return pinned_ids(ws.call("messages.history", cursor));
    }
};

} // namespace

TEST_F(Pins, AnOrganiserPinsAnAnnouncementAndEveryMemberSeesItAtTheTop) {
    const auto c = make_circle("Nottingham homecare workers");
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    auto announcement =
        result_of(olive.request("messages.send", {{"group", c.group},
                                                  {"kind", "announcement"},
                                                  {"text", "Library meet-up moved to room 2"}}))
            .at("message")
            .as_object();
    send(amy, c.group, "Thanks Olive!");

    const auto reply = pin(olive, c.group, announcement);
    const auto& pinned = at_path(reply, "result.pin");
    EXPECT_EQ(pinned.at("message"), json::value(announcement));
    EXPECT_EQ(num(at_path(pinned, "pinned_by.id")), c.organiser.id());
    EXPECT_EQ(str(at_path(pinned, "pinned_by.display_name")), "Olive Organiser");
    EXPECT_TRUE(is_timestamp(pinned.at("pinned_at")));

    for (auto* ws : {&olive, &amy}) {
        const auto event = ws->next_event("message.pinned");
        EXPECT_EQ(num(event.at("group")), c.group);
        EXPECT_EQ(event.at("pin"), pinned);
    }
    const auto page = amy.call("messages.history", {{"group", c.group}});
    ASSERT_EQ(page.at("pinned").as_array().size(), 1u);
    EXPECT_EQ(page.at("pinned").as_array()[0], pinned);

    const auto entry = log_entries(c.group).at(0);
    EXPECT_EQ(str(entry.at("action")), "pin");
    EXPECT_EQ(num(at_path(entry, "actor.id")), c.organiser.id());
    EXPECT_EQ(num(entry.at("message")), num(announcement.at("id")));

    EXPECT_EQ(result_of(unpin(olive, c.group, announcement)), json::object{});
    for (auto* ws : {&olive, &amy}) {
        EXPECT_EQ(ws->next_event("message.unpinned"),
                  (json::object{{"event", "message.unpinned"},
                                {"group", c.group},
                                {"message", announcement.at("id")}}));
    }
    EXPECT_TRUE(pinned_ids(amy, c.group).empty());
    EXPECT_EQ(str(log_entries(c.group).at(0).at("action")), "unpin");
}

TEST_F(Pins, OnlyOrganisersAndModeratorsMayPin) {
    const auto c = make_circle("Derby", "public");
    auto amy = connect(c.amy);
    const auto message = send(amy, c.group, "Anyone for the online call?");
    const auto outsider = register_user("olly", "Olly Outsider");
    auto olly = connect(outsider);

    EXPECT_EQ(error_code_of(pin(amy, c.group, message)), "forbidden");
    EXPECT_EQ(error_code_of(pin(olly, c.group, message)), "forbidden");
    EXPECT_TRUE(amy.no_event("message.pinned", 200ms));

    // A site moderator has moderator powers in every group, without joining.
    auto site = connect(site_moderator());
    EXPECT_EQ(error_code_of(pin(site, c.group, message)), "ok");
    EXPECT_EQ(error_code_of(unpin(amy, c.group, message)), "forbidden");
    EXPECT_EQ(pinned_ids(amy, c.group), std::vector<std::int64_t>{num(message.at("id"))});
}

TEST_F(Pins, AMessageOfAnotherGroupIsNotFoundAndItsMembersHearNothing) {
    const auto c = make_circle("Nottingham homecare workers");
    const auto elsewhere = create_group("Lincoln");
    auto lincoln = member_of(elsewhere, "lena");
    auto olive = connect(c.organiser);
    const auto there = send(lincoln, elsewhere, "Lincoln only");
    const auto here = send(olive, c.group, "Nottingham only");

    EXPECT_EQ(error_code_of(pin(olive, c.group, there)), "not_found");
    EXPECT_EQ(
        error_code_of(olive.request("messages.pin", {{"group", c.group}, {"message", 999999}})),
        "not_found");
    EXPECT_EQ(error_code_of(olive.request("messages.pin", {{"group", c.group}})), "bad_request");
    EXPECT_EQ(error_code_of(olive.request("messages.pin", {{"group", 999999}, {"message", 1}})),
              "not_found");

    ASSERT_EQ(error_code_of(pin(olive, c.group, here)), "ok");
    EXPECT_TRUE(lincoln.no_event("message.pinned", 300ms));
    EXPECT_TRUE(pinned_ids(lincoln, elsewhere).empty());
}

TEST_F(Pins, AFourthPinIsRefusedUntilOneIsUnpinned) {
    const auto c = make_circle("Nottingham homecare workers");
    auto olive = connect(c.organiser);
    std::vector<json::object> messages;
    for (int i = 1; i <= 4; ++i) {
        messages.push_back(send(olive, c.group, "notice " + std::to_string(i)));
    }
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(error_code_of(pin(olive, c.group, messages[i])), "ok");
    }
    const auto refused = pin(olive, c.group, messages[3]);
    EXPECT_EQ(error_code_of(refused), "conflict");
    EXPECT_NE(str(at_path(refused, "error.message")).find("unpin one first"), std::string::npos);

    // Newest pin first.
    auto id = [&](int i) { return num(messages[i].at("id")); };
    EXPECT_EQ(pinned_ids(olive, c.group), (std::vector<std::int64_t>{id(2), id(1), id(0)}));

    // Pinning again changes nothing, says nothing, and answers with the pin as it was.
    drain(olive);
    const auto again = pin(olive, c.group, messages[1]);
    EXPECT_EQ(num(at_path(again, "result.pin.message.id")), id(1));
    EXPECT_TRUE(olive.no_event("message.pinned", 300ms));

    ASSERT_EQ(error_code_of(unpin(olive, c.group, messages[0])), "ok");
    EXPECT_EQ(error_code_of(unpin(olive, c.group, messages[0])), "ok") << "already unpinned";
    ASSERT_EQ(error_code_of(pin(olive, c.group, messages[3])), "ok");
    EXPECT_EQ(pinned_ids(olive, c.group), (std::vector<std::int64_t>{id(3), id(2), id(1)}));
}

TEST_F(Pins, DeletingAPinnedMessageUnpinsItForEveryone) {
    const auto c = make_circle("Nottingham homecare workers");
    auto olive = connect(c.organiser);
    auto amy = connect(c.amy);
    const auto message = send(amy, c.group, "Shift swap on Friday, anyone?");
    ASSERT_EQ(error_code_of(pin(olive, c.group, message)), "ok");
    amy.next_event("message.pinned");

    amy.call("messages.delete", {{"group", c.group}, {"message", message.at("id")}});
    amy.next_event("message.deleted");
    EXPECT_EQ(num(amy.next_event("message.unpinned").at("message")), num(message.at("id")));
    EXPECT_TRUE(pinned_ids(amy, c.group).empty());
    EXPECT_EQ(error_code_of(pin(olive, c.group, message)), "conflict") << "deleted";

    // A moderator's deletion through a report does the same.
    const auto second = send(amy, c.group, "Ring me on 07700 900123");
    ASSERT_EQ(error_code_of(pin(olive, c.group, second)), "ok");
    auto ben = connect(c.ben);
    const auto report =
        ben.call("messages.report",
                 {{"group", c.group}, {"message", second.at("id")}, {"reason", "phone number"}});
    drain(amy);
    admin_ws().call("reports.resolve",
                    {{"report", at_path(report, "report.id")}, {"action", "delete_message"}});
    EXPECT_EQ(num(amy.next_event("message.unpinned").at("message")), num(second.at("id")));
    EXPECT_TRUE(pinned_ids(amy, c.group).empty());
}

TEST_F(Pins, PinsOutliveARestartAndComeWithEveryPage) {
    const auto group = create_group("Nottingham");
    auto& before = admin_ws();
    std::vector<json::object> messages;
    for (int i = 1; i <= 120; ++i) {
        messages.push_back(send(before, group, "message " + std::to_string(i)));
    }
    ASSERT_EQ(error_code_of(pin(before, group, messages[0])), "ok"); // far from the latest
    ASSERT_EQ(error_code_of(pin(before, group, messages[119])), "ok");
    const std::vector<std::int64_t> expected{num(messages[119].at("id")),
                                             num(messages[0].at("id"))};

    server().restart();
    auto ws = connect(admin());
    EXPECT_EQ(pinned_ids(ws, group), expected);
    EXPECT_EQ(pinned_ids(ws, group, {{"before", 110}}), expected);
    EXPECT_EQ(pinned_ids(ws, group, {{"before", 10}}), expected) << "read from the database";
    EXPECT_EQ(pinned_ids(ws, group, {{"after", 2}}), expected) << "catch-up from far back";
    EXPECT_EQ(pinned_ids(ws, group, {{"after", 118}}), expected) << "catch-up from memory";
}

namespace {

class PinsAndRetention : public Pins {
protected:
    server_options options() const override {
        auto o = Pins::options();
        o.extra_args.insert(o.extra_args.end(), {"--retention-check-seconds", "1"});
        return o;
    }
};

} // namespace

TEST_F(PinsAndRetention, AnExpiredPinnedMessageTakesItsPinWithIt) {
    const auto group = create_group("Nottingham");
    auto& before = admin_ws();
    before.call("groups.set_retention", {{"group", group}, {"retention_days", 30}});
    const auto old = send(before, group, "Old news");
    const auto fresh = send(before, group, "Still true");
    ASSERT_EQ(error_code_of(pin(before, group, old)), "ok");
    ASSERT_EQ(error_code_of(pin(before, group, fresh)), "ok");

    ASSERT_EQ(server().stop(), 0);
    const auto command = "sqlite3 " + server().db_path().string() +
                         " 'UPDATE messages SET created_at = created_at - 8640000000 WHERE id = " +
                         std::to_string(num(old.at("id"))) + "' 2>&1";
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
    server().start();

    // The first sweep runs a second after the start.
    auto ws = connect(admin());
    const auto event = ws.next_event("message.unpinned", 10s);
    EXPECT_EQ(num(event.at("message")), num(old.at("id")));
    EXPECT_EQ(pinned_ids(ws, group), std::vector<std::int64_t>{num(fresh.at("id"))});

    server().restart();
    auto again = connect(admin());
    EXPECT_EQ(pinned_ids(again, group), std::vector<std::int64_t>{num(fresh.at("id"))});
}
