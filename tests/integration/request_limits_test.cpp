// The budgets every WebSocket request is charged to (docs/architecture.md, "The parts"): a
// client over one is told to wait with `rate_limited` and `retry_after_ms`, keeps its
// connection, and nobody else notices.

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

constexpr int flood = 12;

// A pipelined flood of `type` on one connection; returns the replies in the order sent.
std::vector<json::object> flood_with(ws_client& ws, std::string_view type, int count,
                                     const json::object& params = {}) {
    std::vector<json::value> ids;
    for (int i = 0; i < count; ++i)
        ids.push_back(ws.send_request(type, params));
    std::vector<json::object> replies;
    for (const auto& id : ids)
        replies.push_back(ws.wait_reply(id));
    return replies;
}

int count_ok(const std::vector<json::object>& replies) {
    int ok = 0;
    for (const auto& reply : replies)
        ok += error_code_of(reply) == "ok" ? 1 : 0;
    return ok;
}

std::int64_t retry_after_ms(const json::object& reply) {
    return num(at_path(reply, "error.retry_after_ms"));
}

// Two requests a second, four at once, per connection: a flood is refused within a few frames.
class RequestRateLimits : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--request-rate", "2", "--request-burst", "4"});
    }
};

// Two groups at once, then one every hundred seconds; reads as usual.
class CreateRateLimits : public server_test {
protected:
    server_options options() const override {
        auto opts = with_admin({"--create-rate", "0.01", "--create-burst", "2"});
        opts.users.push_back({"site_moderator", "moderator-password-123", "Mod", "moderator"});
        return opts;
    }

    json::object create(ws_client& ws, std::string_view name) {
        return ws.request("groups.create", {{"name", name},
                                            {"region", "Leeds"},
                                            {"description", "Peer support"},
                                            {"visibility", "public"}});
    }
};

class NoRequestRateLimit : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--request-rate", "0", "--request-burst", "1"});
    }
};

} // namespace

TEST_F(RequestRateLimits, FloodOfReadsIsToldToWaitAndKeepsItsConnection) {
    ws_client amy = connect(register_user("amy"));

    const auto replies = flood_with(amy, "groups.list", flood);

    const int ok = count_ok(replies);
    EXPECT_GE(ok, 4) << "the burst is allowed";
    EXPECT_LE(ok, 6) << "the flood went through";
    for (int i = 0; i < flood; ++i) {
        if (i < ok) {
            EXPECT_EQ(error_code_of(replies[i]), "ok") << "reply " << i;
            continue;
        }
        ASSERT_EQ(error_code_of(replies[i]), "rate_limited") << "reply " << i;
        EXPECT_GT(retry_after_ms(replies[i]), 0) << "reply " << i;
        EXPECT_LE(retry_after_ms(replies[i]), 500) << "a token comes every half second";
    }
    EXPECT_TRUE(amy.is_open()) << amy.close_description();
}

TEST_F(RequestRateLimits, ClientThatWaitsAsToldIsServedAgain) {
    ws_client amy = connect(register_user("amy"));
    const auto replies = flood_with(amy, "groups.list", flood);
    ASSERT_EQ(error_code_of(replies.back()), "rate_limited");
    const auto wait = std::chrono::milliseconds(retry_after_ms(replies.back()));

    std::this_thread::sleep_for(wait + 20ms);

    EXPECT_EQ(error_code_of(amy.request("groups.list")), "ok");
}

TEST_F(RequestRateLimits, OtherPeopleAreServedWhileOneIsRefused) {
    ws_client amy = connect(register_user("amy"));
    ws_client ben = connect(register_user("ben"));

    const auto amys = flood_with(amy, "groups.list", flood);
    ASSERT_EQ(error_code_of(amys.back()), "rate_limited");

    const auto bens = flood_with(ben, "groups.list", 3);
    EXPECT_EQ(count_ok(bens), 3);
}

TEST_F(CreateRateLimits, CreatingGroupsBeyondTheBurstIsRefusedWhileReadsWork) {
    EXPECT_EQ(error_code_of(create(admin_ws(), "Walkers")), "ok");
    EXPECT_EQ(error_code_of(create(admin_ws(), "Carers")), "ok");

    const auto refused = create(admin_ws(), "Knitters");
    ASSERT_EQ(error_code_of(refused), "rate_limited") << json::serialize(refused);
    EXPECT_GT(retry_after_ms(refused), 1000) << "one group every hundred seconds";
    EXPECT_TRUE(admin_ws().is_open());

    const auto groups = result_of(admin_ws().request("groups.list"));
    EXPECT_EQ(at_path(groups, "groups").as_array().size(), 2U) << "the refused group was not made";

    ws_client moderator = connect(login(port(), "site_moderator", "moderator-password-123"));
    EXPECT_EQ(error_code_of(create(moderator, "Knitters")), "ok")
        << "the create budget is each person's own";
}

TEST_F(CreateRateLimits, SecondConnectionOfTheSamePersonSharesTheCreateBudget) {
    EXPECT_EQ(error_code_of(create(admin_ws(), "Walkers")), "ok");
    EXPECT_EQ(error_code_of(create(admin_ws(), "Carers")), "ok");

    ws_client laptop = connect(admin());
    EXPECT_EQ(error_code_of(create(laptop, "Knitters")), "rate_limited");
    EXPECT_EQ(error_code_of(laptop.request("groups.list")), "ok");
}

TEST_F(NoRequestRateLimit, RequestRateOfZeroLetsAFloodThrough) {
    ws_client amy = connect(register_user("amy"));

    EXPECT_EQ(count_ok(flood_with(amy, "groups.list", 100)), 100);
}
