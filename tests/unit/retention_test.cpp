#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/moderation.hpp"
#include "carecircle/storage/retention.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "scratch_directory.hpp"

#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::storage;
using namespace std::chrono_literals;

namespace {

// A group with 10 messages written 100 days ago and 5 written today, and a second group
// with old messages of its own that must not be touched.
class RetentionTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_.emplace(open_database(dir_ / "test.db", access::read_write));
        author_ = insert_user(*db_, "alice", "Alice", "hash", site_role::member, now());
        group_ = add_group("Nottingham");
        other_ = add_group("Worcestershire");
        for (int i = 0; i < 10; ++i) {
            old_.push_back(post(group_, "old " + std::to_string(i), long_ago()));
            post(other_, "other " + std::to_string(i), long_ago());
        }
        for (int i = 0; i < 5; ++i) {
            post(group_, "new " + std::to_string(i), now());
        }
    }

    GroupId add_group(const std::string& name) {
        return insert_group(*db_, name, name, "", group_visibility::public_group, author_.id, now())
            .id;
    }

    static timestamp long_ago() { return now() - std::chrono::days{100}; }
    static timestamp cutoff() { return now() - std::chrono::days{30}; }

    Message post(GroupId group, std::string text, timestamp at) {
        return append_message(
                   *db_,
                   new_message{group, Author{author_.id, author_.username, author_.display_name},
                               message_kind::text, std::move(text), std::nullopt, at})
            .message;
    }

    std::vector<std::string> texts(GroupId group) {
        std::vector<std::string> out;
        for (const auto& m :
             read_history(*db_, history_query{group, std::nullopt, std::nullopt, 100}).messages) {
            out.push_back(m.text);
        }
        return out;
    }

    carecircle::test::scratch_directory dir_{"retention"};
    std::optional<SQLite::Database> db_;
    User author_;
    GroupId group_;
    GroupId other_;
    std::vector<Message> old_;
};

} // namespace

TEST_F(RetentionTest, DeletesOnlyMessagesOlderThanTheCutoffInThatGroup) {
    const auto result = expire_messages(*db_, group_, cutoff(), 500);

    EXPECT_EQ(result.deleted, 10);
    EXPECT_FALSE(result.more);
    EXPECT_EQ(texts(group_),
              (std::vector<std::string>{"new 0", "new 1", "new 2", "new 3", "new 4"}));
    EXPECT_EQ(texts(other_).size(), 10U);
}

TEST_F(RetentionTest, SeqsCarryOnAfterExpiry) {
    expire_messages(*db_, group_, cutoff(), 500);

    const auto next = post(group_, "after", now());
    EXPECT_EQ(next.seq.value, 16);
    const auto groups = load_groups(*db_);
    EXPECT_EQ(groups.at(0).last_seq.value, 16);
}

TEST_F(RetentionTest, WorksInChunksAndSaysWhenMoreRemain) {
    auto first = expire_messages(*db_, group_, cutoff(), 4);
    EXPECT_EQ(first.deleted, 4);
    EXPECT_TRUE(first.more);
    auto second = expire_messages(*db_, group_, cutoff(), 4);
    EXPECT_EQ(second.deleted, 4);
    EXPECT_TRUE(second.more);
    auto last = expire_messages(*db_, group_, cutoff(), 4);
    EXPECT_EQ(last.deleted, 2);
    EXPECT_FALSE(last.more);
    EXPECT_EQ(expire_messages(*db_, group_, cutoff(), 4).deleted, 0);
    EXPECT_EQ(texts(group_).size(), 5U);
}

TEST_F(RetentionTest, KeepsAMessageUnderAnOpenReportUntilTheReportIsResolved) {
    const auto reported = insert_report(*db_, group_, old_.at(3).id, author_.id, "abusive", now());
    const auto dismissed = insert_report(*db_, group_, old_.at(5).id, author_.id, "spam", now());
    resolve_report(*db_, dismissed, author_.id, false, now());

    EXPECT_EQ(expire_messages(*db_, group_, cutoff(), 500).deleted, 9);
    auto left = texts(group_);
    EXPECT_EQ(left.front(), "old 3");
    EXPECT_EQ(left.size(), 6U);

    resolve_report(*db_, reported, author_.id, false, now());
    EXPECT_EQ(expire_messages(*db_, group_, cutoff(), 500).deleted, 1);
    EXPECT_EQ(texts(group_).size(), 5U);
}

TEST_F(RetentionTest, RetentionPeriodIsStoredWithTheGroupAndCanBeCleared) {
    set_group_retention(*db_, group_, std::chrono::days{90});
    auto groups = load_groups(*db_);
    ASSERT_TRUE(groups.at(0).retention.has_value());
    EXPECT_EQ(groups.at(0).retention->count(), 90);
    EXPECT_FALSE(groups.at(1).retention.has_value());

    set_group_retention(*db_, group_, std::nullopt);
    EXPECT_FALSE(load_groups(*db_).at(0).retention.has_value());
}

TEST_F(RetentionTest, TheDatabaseRefusesAnOutOfRangePeriod) {
    EXPECT_THROW(set_group_retention(*db_, group_, std::chrono::days{0}), SQLite::Exception);
    EXPECT_THROW(set_group_retention(*db_, group_, std::chrono::days{3651}), SQLite::Exception);
}
