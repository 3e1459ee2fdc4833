#include "transport/send_batch.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle;
using namespace carecircle::server;

namespace {

// A connection that records what reaches it, handing frames to the open batch the way a
// WebSocket session does.
class recording_connection : public connection,
                             public std::enable_shared_from_this<recording_connection> {
public:
    struct delivery {
        std::vector<std::string> frames;
        bool with_reply = false;
        bool batched = false; // one send_all, rather than a single send or reply
    };

    recording_connection() : connection(UserId{1}, "token") {}

    void send(frame_ptr frame) override { hand_over(std::move(frame), false); }
    void reply(frame_ptr frame) override { hand_over(std::move(frame), true); }
    void send_all(std::vector<frame_ptr> frames, bool with_reply) override {
        delivery d{{}, with_reply, true};
        for (const auto& frame : frames) {
            d.frames.push_back(*frame);
        }
        deliveries.push_back(std::move(d));
    }
    void close(std::uint16_t) override {}

    std::vector<delivery> deliveries;

private:
    void hand_over(frame_ptr frame, bool is_reply) {
        if (auto* batch = send_batch::current()) {
            return batch->add(shared_from_this(), std::move(frame), is_reply);
        }
        deliveries.push_back(delivery{{*frame}, is_reply, false});
    }
};

std::shared_ptr<recording_connection> make_connection() {
    return std::make_shared<recording_connection>();
}

frame_ptr frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

using texts = std::vector<std::string>;

} // namespace

TEST(SendBatch, WithoutABatchEveryFrameLeavesAtOnce) {
    auto amy = make_connection();
    EXPECT_EQ(send_batch::current(), nullptr);

    amy->send(frame("one"));
    amy->reply(frame("two"));

    ASSERT_EQ(amy->deliveries.size(), 2U);
    EXPECT_FALSE(amy->deliveries[0].batched);
    EXPECT_EQ(amy->deliveries[0].frames, texts{"one"});
    EXPECT_FALSE(amy->deliveries[0].with_reply);
    EXPECT_TRUE(amy->deliveries[1].with_reply);
}

TEST(SendBatch, FramesSentDuringABatchReachEachConnectionInOneGoInOrder) {
    auto amy = make_connection();
    auto ben = make_connection();
    {
        const send_batch batch;
        amy->send(frame("a1"));
        ben->send(frame("b1"));
        amy->send(frame("a2"));
        ben->send(frame("b2"));
        amy->send(frame("a3"));
        EXPECT_TRUE(amy->deliveries.empty()) << "held until the batch ends";
        EXPECT_TRUE(ben->deliveries.empty());
    }

    ASSERT_EQ(amy->deliveries.size(), 1U);
    EXPECT_TRUE(amy->deliveries[0].batched);
    EXPECT_EQ(amy->deliveries[0].frames, (texts{"a1", "a2", "a3"}));
    ASSERT_EQ(ben->deliveries.size(), 1U);
    EXPECT_EQ(ben->deliveries[0].frames, (texts{"b1", "b2"}));
}

TEST(SendBatch, ConnectionWithAReplyInTheBatchIsFlaggedToWriteAtOnce) {
    auto asker = make_connection();
    auto listener = make_connection();
    {
        const send_batch batch;
        asker->send(frame("event"));
        listener->send(frame("event"));
        asker->reply(frame("answer"));
    }

    ASSERT_EQ(asker->deliveries.size(), 1U);
    EXPECT_TRUE(asker->deliveries[0].with_reply);
    EXPECT_EQ(asker->deliveries[0].frames, (texts{"event", "answer"}));
    ASSERT_EQ(listener->deliveries.size(), 1U);
    EXPECT_FALSE(listener->deliveries[0].with_reply) << "only events: it may wait to coalesce";
}

TEST(SendBatch, NestedBatchDeliversItsOwnFramesWhenItEndsAndTheOuterOneResumes) {
    auto amy = make_connection();
    {
        const send_batch outer;
        amy->send(frame("outer 1"));
        {
            const send_batch inner;
            EXPECT_EQ(send_batch::current(), &inner);
            amy->send(frame("inner 1"));
            amy->send(frame("inner 2"));
        }
        EXPECT_EQ(send_batch::current(), &outer);
        ASSERT_EQ(amy->deliveries.size(), 1U);
        EXPECT_EQ(amy->deliveries[0].frames, (texts{"inner 1", "inner 2"}));
        amy->send(frame("outer 2"));
    }

    EXPECT_EQ(send_batch::current(), nullptr);
    ASSERT_EQ(amy->deliveries.size(), 2U);
    EXPECT_EQ(amy->deliveries[1].frames, (texts{"outer 1", "outer 2"}));
}

TEST(SendBatch, NothingIsHeldOnceTheBatchHasEnded) {
    auto amy = make_connection();
    { const send_batch batch; }
    EXPECT_TRUE(amy->deliveries.empty()) << "an empty batch sends nothing";

    amy->send(frame("later"));
    ASSERT_EQ(amy->deliveries.size(), 1U);
    EXPECT_FALSE(amy->deliveries[0].batched);
}

TEST(SendBatch, BatchHoldsOnlyWhatItsOwnThreadSends) {
    auto amy = make_connection();
    const send_batch batch;
    std::thread elsewhere([&] {
        EXPECT_EQ(send_batch::current(), nullptr);
        amy->send(frame("from another thread"));
    });
    elsewhere.join();

    ASSERT_EQ(amy->deliveries.size(), 1U);
    EXPECT_FALSE(amy->deliveries[0].batched);
}

TEST(SendBatch, BatchKeepsTheConnectionAliveUntilItDelivers) {
    auto amy = make_connection();
    const std::weak_ptr<recording_connection> watch = amy;
    {
        const send_batch batch;
        amy->send(frame("last words"));
        // The session goes away (its socket closed) before the batch ends.
        amy.reset();
        EXPECT_FALSE(watch.expired()) << "the batch holds it to deliver";
    }
    EXPECT_TRUE(watch.expired()) << "and lets it go once delivered";
}
