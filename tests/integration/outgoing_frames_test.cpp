// What the server writes on a WebSocket: every event and reply arrives as one whole, valid
// frame, whatever its length, and the control frames the server writes in between (pongs)
// never land inside a data frame, even while a burst of messages is going out.

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class OutgoingFrames : public server_test {
protected:
    server_options options() const override { return with_admin({"--send-rate", "0"}); }
};

// A text whose length and content say which message it is.
std::string text_for(int k, std::size_t length) {
    std::string text = "#" + std::to_string(k) + " ";
    text.resize(length, static_cast<char>('a' + k % 26));
    return text;
}

TEST_F(OutgoingFrames, EventsAndRepliesOfEveryLengthArriveWhole) {
    const auto group = create_group("Leicester");
    ws_client writing = member_of(group, "author");
    ws_client reading = member_of(group, "reader");

    // Across the three encodings of a frame's length: under 126 bytes, up to 65,535 bytes, and
    // (the history page below, 30 messages, 20 of them of 4,000 characters) beyond.
    const std::vector<std::size_t> lengths = {1, 20, 60, 100, 110, 125, 126, 127, 1000, 4000};
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < 30; ++i)
        sent.push_back(text_for(static_cast<int>(i), i < lengths.size() ? lengths[i] : 4000));
    for (const auto& text : sent) {
        const auto result = writing.call("messages.send", {{"group", group}, {"text", text}});
        EXPECT_EQ(str(at_path(result, "message.text")), text);
    }
    for (const auto& text : sent)
        EXPECT_EQ(str(reading.next_event("message.created").at("message").at("text")), text);

    const auto page = reading.call("messages.history", {{"group", group}, {"limit", 100}});
    const auto& messages = at_path(page, "messages").as_array();
    ASSERT_EQ(messages.size(), sent.size());
    EXPECT_GT(json::serialize(page).size(), 65535U) << "the page needs the longest length form";
    for (std::size_t i = 0; i < sent.size(); ++i)
        EXPECT_EQ(str(messages[i].at("text")), sent[i]);
}

TEST_F(OutgoingFrames, PingsAnsweredDuringABurstLeaveEveryMessageIntactAndInOrder) {
    constexpr int messages = 300;
    constexpr int pings = 300;
    const auto group = create_group("Derby");
    const auto author = register_user("author");
    const auto watcher = register_user("watcher");
    ws_client writing(port(), author.token);
    ws_client watching(port(), watcher.token);
    join(writing, group);
    join(watching, group);

    // The author sends without waiting while the watcher pings, so the server answers pings
    // while it is writing the watcher's events.
    std::thread sender([&] {
        std::vector<json::value> ids;
        for (int k = 0; k < messages; ++k)
            ids.push_back(writing.send_request(
                "messages.send",
                {{"group", group},
                 {"text", text_for(k, 40 + static_cast<std::size_t>(k % 7) * 30)}}));
        for (const auto& id : ids)
            writing.wait_reply(id, 15s);
    });
    for (int p = 0; p < pings; ++p)
        ASSERT_TRUE(watching.send_ping("ping " + std::to_string(p)));
    sender.join();

    for (int k = 0; k < messages; ++k) {
        const auto event = watching.next_event("message.created", 15s);
        ASSERT_EQ(num(at_path(event, "message.seq")), k + 1);
        ASSERT_EQ(str(at_path(event, "message.text")),
                  text_for(k, 40 + static_cast<std::size_t>(k % 7) * 30));
    }
    // The server reads each ping before this request, so their pongs are ahead of its reply.
    watching.call("groups.list");
    EXPECT_EQ(watching.matching_pongs(), pings);
    EXPECT_TRUE(watching.is_open()) << watching.close_description();
}

} // namespace
