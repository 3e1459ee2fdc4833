#include "hub/rate_limiter.hpp"

#include <gtest/gtest.h>

using namespace carecircle::server;
using namespace std::chrono_literals;

namespace {

const steady_time start = steady_time{} + 1h;

// Takes tokens at `now` until the bucket refuses; returns how many it gave.
int drain(token_bucket& bucket, double rate, double burst, steady_time now) {
    int taken = 0;
    while (!bucket.take(rate, burst, now)) {
        if (++taken > 10'000) {
            break;
        }
    }
    return taken;
}

} // namespace

TEST(TokenBucket, FreshBucketAllowsTheWholeBurstAtOnceThenRefuses) {
    token_bucket bucket;
    EXPECT_EQ(drain(bucket, 2.0, 5.0, start), 5);
    EXPECT_TRUE(bucket.take(2.0, 5.0, start));
}

TEST(TokenBucket, RefusalSaysHowLongUntilTheNextTokenAndThatWaitIsEnough) {
    token_bucket bucket;
    drain(bucket, 4.0, 3.0, start);

    const auto wait = bucket.take(4.0, 3.0, start);
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 250ms);
    EXPECT_FALSE(bucket.take(4.0, 3.0, start + *wait));
}

TEST(TokenBucket, RefillsAtTheRateButNeverBeyondTheBurst) {
    token_bucket bucket;
    drain(bucket, 8.0, 4.0, start);

    EXPECT_EQ(drain(bucket, 8.0, 4.0, start + 250ms), 2);
    EXPECT_EQ(drain(bucket, 8.0, 4.0, start + 1h), 4) << "an idle hour saves up only a burst";
}

TEST(TokenBucket, TimeWaitedBeforeARefusalStillCountsTowardTheNextToken) {
    token_bucket bucket;
    drain(bucket, 4.0, 1.0, start);

    const auto halfway = bucket.take(4.0, 1.0, start + 125ms);
    ASSERT_TRUE(halfway);
    EXPECT_EQ(*halfway, 125ms);
    EXPECT_FALSE(bucket.take(4.0, 1.0, start + 250ms));
}

TEST(TokenBucket, RateOfZeroNeverRefuses) {
    token_bucket bucket;
    EXPECT_EQ(drain(bucket, 0.0, 0.0, start), 10'001);
}

TEST(EventWindow, KeyIsLockedOnceItReachesTheLimitAndNotBefore) {
    event_window window(3, 60s);
    window.record("sam", start);
    window.record("sam", start + 1s);
    EXPECT_FALSE(window.locked("sam", start + 2s));

    window.record("sam", start + 2s);
    const auto locked = window.locked("sam", start + 2s);
    ASSERT_TRUE(locked);
    EXPECT_EQ(*locked, 58s) << "until the first of the three leaves the window";
}

TEST(EventWindow, LockoutEndsWhenTheOldestEventLeavesTheWindow) {
    event_window window(2, 60s);
    window.record("sam", start);
    window.record("sam", start + 10s);

    EXPECT_TRUE(window.locked("sam", start + 59s));
    EXPECT_FALSE(window.locked("sam", start + 60s));
    window.record("sam", start + 60s);
    const auto again = window.locked("sam", start + 60s);
    ASSERT_TRUE(again) << "the second event is still inside the window";
    EXPECT_EQ(*again, 10s);
}

TEST(EventWindow, LockoutWaitRoundsUpToWholeSeconds) {
    event_window window(1, 60s);
    window.record("sam", start);

    EXPECT_EQ(window.locked("sam", start + 59'500ms), 1s);
}

TEST(EventWindow, KeysAreCountedApart) {
    event_window window(1, 60s);
    window.record("sam", start);

    EXPECT_TRUE(window.locked("sam", start));
    EXPECT_FALSE(window.locked("alex", start));
}
