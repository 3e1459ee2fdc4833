// A client that stops reading while its group keeps talking is closed with 1008 once its
// outgoing queue is full (max-outgoing-messages), and nobody else loses a message.

#include "server_test.hpp"

#include <atomic>
#include <deque>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class SlowConsumer : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--max-outgoing-messages", "16", "--send-rate", "0"});
    }
};

// The value of an unlabelled metric, or -1 when it is missing.
double metric(const std::string& exposition, const std::string& name) {
    const auto at = exposition.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(exposition.substr(at + name.size() + 2));
}

} // namespace

TEST_F(SlowConsumer, ClientThatNeverReadsIsClosedWith1008AndOthersGetEveryMessage) {
    const auto group = create_group("Nottingham");
    admin_ws().close(); // the group's creator is a member too; only sid is to fall behind
    const auto sid = register_user("sid");
    ws_client amy_ws = member_of(group, "amy");
    ws_client bob_ws = member_of(group, "bob");
    ws_client sid_ws = connect(sid);
    join(sid_ws, group); // sid reads nothing after this

    // Bob reads everything, on his own thread, as a phone with a good signal would.
    std::atomic<bool> sending_done{false};
    std::atomic<std::int64_t> sent{0};
    std::vector<std::int64_t> bob_seqs;
    std::thread reader([&] {
        const auto give_up = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < give_up) {
            if (sending_done && static_cast<std::int64_t>(bob_seqs.size()) >= sent)
                return;
            if (auto event = bob_ws.try_next_event("message.created", 200ms))
                bob_seqs.push_back(num(at_path(*event, "message.seq")));
        }
    });

    // Large messages, so that the kernel's socket buffers fill and the server's queue for
    // sid is what is left to grow.
    const std::string padding(3900, 'x');
    std::deque<json::value> outstanding;
    std::vector<std::int64_t> acknowledged;
    auto settle_oldest = [&] {
        const auto reply = amy_ws.wait_reply(outstanding.front(), 10s);
        outstanding.pop_front();
        acknowledged.push_back(num(at_path(result_of(reply), "message.seq")));
    };
    bool sid_dropped = false;
    for (int i = 0; i < 4000 && !sid_dropped; ++i) {
        outstanding.push_back(amy_ws.send_request(
            "messages.send", {{"group", group}, {"text", std::to_string(i) + " " + padding}}));
        ++sent;
        if (outstanding.size() >= 8)
            settle_oldest();
        if (i % 50 == 49)
            sid_dropped = metric(http(port(), "GET", "/metrics").body,
                                 "carecircle_slow_consumers_closed_total") >= 1;
    }
    ASSERT_TRUE(sid_dropped) << "sid was never closed after " << sent << " messages";

    // Sid picks the phone up again: the frames already on their way arrive, then the close.
    EXPECT_EQ(sid_ws.wait_close(15s), 1008) << sid_ws.close_description();

    while (!outstanding.empty())
        settle_oldest();
    sending_done = true;
    reader.join();

    ASSERT_EQ(static_cast<std::int64_t>(acknowledged.size()), sent.load());
    ASSERT_EQ(bob_seqs.size(), acknowledged.size()) << "bob missed messages";
    EXPECT_EQ(bob_seqs, acknowledged) << "bob got the messages out of order";
    EXPECT_TRUE(bob_ws.is_open()) << bob_ws.close_description();
    EXPECT_TRUE(amy_ws.is_open()) << amy_ws.close_description();
    EXPECT_EQ(
        metric(http(port(), "GET", "/metrics").body, "carecircle_slow_consumers_closed_total"), 1);
}
