// Reading back: messages.history paging with before/after and has_more
// (PROTOCOL.md section 3, "Messages").

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class MessageHistory : public server_test {
protected:
    server_options options() const override { return with_admin({"--send-rate", "0"}); }

    // A public group with `count` messages "message 1".."message count" from the admin.
    std::int64_t group_with_messages(int count) {
        const auto group = create_group("Nottingham");
        std::vector<json::value> ids;
        for (int i = 1; i <= count; ++i)
            ids.push_back(admin_ws().send_request(
                "messages.send", {{"group", group}, {"text", "message " + std::to_string(i)}}));
        for (const auto& id : ids)
            result_of(admin_ws().wait_reply(id, 10s));
        return group;
    }

    struct page {
        std::vector<std::int64_t> seqs;
        bool has_more = false;
        json::array messages;
    };

    page read(ws_client& ws, std::int64_t group, json::object cursor) {
        cursor["group"] = group;
        const auto result = ws.call("messages.history", cursor);
        page p;
        p.messages = at_path(result, "messages").as_array();
        for (const auto& m : p.messages)
            p.seqs.push_back(num(m.at("seq")));
        const auto& more = at_path(result, "has_more");
        if (!more.is_bool())
            throw std::runtime_error("has_more is not a boolean: " + json::serialize(result));
        p.has_more = more.as_bool();
        return p;
    }
};

using seqs = std::vector<std::int64_t>;

} // namespace

TEST_F(MessageHistory, WithoutACursorReturnsTheLatestPage) {
    const auto group = group_with_messages(7);
    ws_client ws = member_of(group, "wil");

    auto p = read(ws, group, {{"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{5, 6, 7}));
    EXPECT_TRUE(p.has_more);
    EXPECT_EQ(str(p.messages[0].at("text")), "message 5");

    p = read(ws, group, {});
    EXPECT_EQ(p.seqs, (seqs{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_FALSE(p.has_more);

    p = read(ws, group, {{"limit", 7}});
    EXPECT_EQ(p.seqs, (seqs{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_FALSE(p.has_more) << "nothing lies beyond a page that holds everything";
}

TEST_F(MessageHistory, BeforePagesBackThroughOlderMessages) {
    const auto group = group_with_messages(7);
    auto& ws = admin_ws();

    auto p = read(ws, group, {{"before", 5}, {"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{2, 3, 4}));
    EXPECT_TRUE(p.has_more);

    p = read(ws, group, {{"before", 2}, {"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{1}));
    EXPECT_FALSE(p.has_more);

    p = read(ws, group, {{"before", 4}, {"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{1, 2, 3}));
    EXPECT_FALSE(p.has_more);

    p = read(ws, group, {{"before", 1}});
    EXPECT_TRUE(p.seqs.empty());
    EXPECT_FALSE(p.has_more);
}

TEST_F(MessageHistory, AfterCatchesUpOnNewerMessages) {
    const auto group = group_with_messages(7);
    auto& ws = admin_ws();

    auto p = read(ws, group, {{"after", 2}, {"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{3, 4, 5}));
    EXPECT_TRUE(p.has_more);

    p = read(ws, group, {{"after", 4}, {"limit", 3}});
    EXPECT_EQ(p.seqs, (seqs{5, 6, 7}));
    EXPECT_FALSE(p.has_more);

    p = read(ws, group, {{"after", 0}});
    EXPECT_EQ(p.seqs, (seqs{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_FALSE(p.has_more);

    p = read(ws, group, {{"after", 7}});
    EXPECT_TRUE(p.seqs.empty());
    EXPECT_FALSE(p.has_more);
}

TEST_F(MessageHistory, DefaultPageIsTheLatest50) {
    const auto group = group_with_messages(55);
    auto& ws = admin_ws();
    auto p = read(ws, group, {});
    ASSERT_EQ(p.seqs.size(), 50u);
    EXPECT_EQ(p.seqs.front(), 6);
    EXPECT_EQ(p.seqs.back(), 55);
    EXPECT_TRUE(p.has_more);

    p = read(ws, group, {{"before", 6}});
    EXPECT_EQ(p.seqs, (seqs{1, 2, 3, 4, 5}));
    EXPECT_FALSE(p.has_more);
}

TEST_F(MessageHistory, ScrollingBackVisitsEveryMessageOnceInOrder) {
    const auto group = group_with_messages(23);
    auto& ws = admin_ws();
    seqs all;
    auto p = read(ws, group, {{"limit", 5}});
    all.insert(all.begin(), p.seqs.begin(), p.seqs.end());
    while (p.has_more) {
        ASSERT_FALSE(p.seqs.empty());
        p = read(ws, group, {{"before", p.seqs.front()}, {"limit", 5}});
        all.insert(all.begin(), p.seqs.begin(), p.seqs.end());
        ASSERT_LE(all.size(), 23u);
    }
    seqs expected;
    for (std::int64_t s = 1; s <= 23; ++s)
        expected.push_back(s);
    EXPECT_EQ(all, expected);
}

TEST_F(MessageHistory, CatchingUpVisitsEveryMessageOnceInOrder) {
    const auto group = group_with_messages(23);
    auto& ws = admin_ws();
    seqs all;
    page p;
    p.has_more = true;
    std::int64_t last = 0;
    while (p.has_more) {
        p = read(ws, group, {{"after", last}, {"limit", 4}});
        ASSERT_FALSE(p.seqs.empty() && p.has_more);
        all.insert(all.end(), p.seqs.begin(), p.seqs.end());
        if (!p.seqs.empty())
            last = p.seqs.back();
        ASSERT_LE(all.size(), 23u);
    }
    seqs expected;
    for (std::int64_t s = 1; s <= 23; ++s)
        expected.push_back(s);
    EXPECT_EQ(all, expected);
}

TEST_F(MessageHistory, HistoryReturnsTheSameMessagesAsTheReplies) {
    const auto group = create_group("Arnold");
    ws_client ws = member_of(group, "xan");
    json::array sent;
    for (int i = 0; i < 4; ++i)
        sent.emplace_back(send(ws, group, "note " + std::to_string(i)));
    const auto p = read(ws, group, {});
    EXPECT_EQ(p.messages, sent);
}

TEST_F(MessageHistory, LimitMustBeBetween1And100) {
    const auto group = group_with_messages(3);
    auto& ws = admin_ws();
    for (const auto& limit :
         {json::value(0), json::value(101), json::value(-1), json::value("10"), json::value(2.5)}) {
        const auto reply = ws.request("messages.history", {{"group", group}, {"limit", limit}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << "limit " << limit;
    }
    EXPECT_EQ(read(ws, group, {{"limit", 100}}).seqs, (seqs{1, 2, 3}));
    EXPECT_EQ(read(ws, group, {{"limit", 1}}).seqs, (seqs{3}));
}

TEST_F(MessageHistory, CursorsOfTheWrongTypeAreBadRequests) {
    const auto group = group_with_messages(3);
    auto& ws = admin_ws();
    EXPECT_EQ(error_code_of(ws.request("messages.history", {{"group", group}, {"before", "3"}})),
              "bad_request");
    EXPECT_EQ(
        error_code_of(ws.request("messages.history", {{"group", group}, {"after", json::array{}}})),
        "bad_request");
}
