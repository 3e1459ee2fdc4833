// Events to a connection written to moments ago wait (up to --event-coalescing-ms) to share a
// write with the next ones. Nothing may be lost or reordered by that: a reply takes what is
// held with it, in order, and what is held with no reply to take it still arrives.

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

class EventCoalescing : public server_test {
protected:
    // Long enough that every event below after the first is held back.
    server_options options() const override {
        return with_admin({"--send-rate", "0", "--event-coalescing-ms", "4000"});
    }

    static std::string kind_of(const json::value& frame) {
        const auto& object = frame.as_object();
        if (const auto* event = object.if_contains("event")) {
            return std::string(event->as_string()) + " " +
                   std::string(object.at("message").at("text").as_string());
        }
        return "reply";
    }
};

} // namespace

TEST_F(EventCoalescing, HeldEventsLeaveWithTheNextReplyInOrderOrWhenTheirTimeIsUp) {
    const auto group = create_group("Leicester");
    auto amy = connect(register_user("amy"));
    auto ben = connect(register_user("ben"));
    join(amy, group);
    join(ben, group);

    send(amy, group, "one");
    send(amy, group, "two");
    send(amy, group, "three");
    // Ben asks something: the answer comes at once, with the events held before it. "one" and
    // "two" were surely queued for Ben before Amy heard back about "three"; "three" itself may
    // reach Ben's queue just before his question, or just after and then wait its turn.
    ben.send_request("groups.list");
    std::vector<std::string> seen;
    while (seen.empty() || seen.back() != "reply") {
        const auto frame = ben.next_message(2s); // well inside the 4 s an event may be held
        ASSERT_TRUE(frame.has_value())
            << "the reply did not come at once after " << ::testing::PrintToString(seen);
        seen.push_back(kind_of(*frame));
    }
    if (seen.size() == 3) {
        const auto three = ben.next_event("message.created", 10s);
        seen.insert(seen.end() - 1, "message.created " + str(at_path(three, "message.text")));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"message.created one", "message.created two",
                                              "message.created three", "reply"}));

    // Nothing to take it along: the held event goes when its time is up.
    send(amy, group, "four");
    const auto event = ben.next_event("message.created");
    EXPECT_EQ(str(at_path(event, "message.text")), "four");
}

TEST_F(EventCoalescing, TheSenderIsAnsweredAtOnceWhileItsEventsAreHeld) {
    const auto group = create_group("Derby");
    auto amy = connect(register_user("amy"));
    join(amy, group);
    // Each reply takes Amy's own held message.created with it, so every one arrives in order.
    // A reply held like an event would miss the 2 s allowed here (events wait up to 4 s).
    for (int i = 1; i <= 20; ++i) {
        const auto text = "note " + std::to_string(i);
        const auto result = amy.call("messages.send", {{"group", group}, {"text", text}}, 2s);
        EXPECT_EQ(str(at_path(result, "message.text")), text);
    }
    for (int i = 1; i <= 20; ++i) {
        EXPECT_EQ(str(at_path(amy.next_event("message.created"), "message.text")),
                  "note " + std::to_string(i));
    }
}
