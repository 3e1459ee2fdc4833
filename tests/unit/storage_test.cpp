#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "carecircle/storage/writer.hpp"
#include "scratch_directory.hpp"

#include <future>
#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::storage;

namespace {

class StorageTest : public ::testing::Test {
protected:
    void SetUp() override { path_ = dir_ / "test.db"; }

    struct fixture {
        User author;
        GroupId group;
    };

    fixture add_group(SQLite::Database& db) {
        auto user = insert_user(db, "alice", "Alice", "hash", site_role::member, now());
        auto group = insert_group(db, "Nottingham", "Nottingham", "",
                                  group_visibility::public_group, user.id, now());
        return {user, group.id};
    }

    static new_message text(const fixture& f, std::string body,
                            std::optional<std::string> client_id = std::nullopt) {
        return new_message{f.group,
                           Author{f.author.id, f.author.username, f.author.display_name},
                           message_kind::text,
                           std::move(body),
                           std::move(client_id),
                           now()};
    }

    carecircle::test::scratch_directory dir_{"storage"};
    std::filesystem::path path_;
};

} // namespace

TEST_F(StorageTest, MigratesAnEmptyFileAndLeavesACurrentOneAlone) {
    {
        auto db = open_database(path_, access::read_write);
        EXPECT_GE(schema_version(db), 1);
        add_group(db);
    }
    auto db = open_database(path_, access::read_write);
    const int version = schema_version(db);
    migrate(db);
    EXPECT_EQ(schema_version(db), version);
    EXPECT_EQ(load_users(db).size(), 1u);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(StorageTest, SeqCountsPerGroupWithoutGaps) {
    auto db = open_database(path_, access::read_write);
    auto f = add_group(db);
    auto other = insert_group(db, "Worcestershire", "Worcestershire", "",
                              group_visibility::public_group, f.author.id, now());
    EXPECT_EQ(append_message(db, text(f, "one")).message.seq, Seq{1});
    EXPECT_EQ(append_message(db, text(f, "two")).message.seq, Seq{2});
    auto elsewhere = text(f, "elsewhere");
    elsewhere.group = other.id;
    EXPECT_EQ(append_message(db, elsewhere).message.seq, Seq{1});
    EXPECT_EQ(append_message(db, text(f, "three")).message.seq, Seq{3});
}

TEST_F(StorageTest, RepeatedClientIdReturnsTheOriginal) {
    auto db = open_database(path_, access::read_write);
    auto f = add_group(db);
    auto first = append_message(db, text(f, "hello", "c-1"));
    auto again = append_message(db, text(f, "hello", "c-1"));
    EXPECT_FALSE(first.duplicate);
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.message.id, first.message.id);
    EXPECT_EQ(append_message(db, text(f, "next")).message.seq, Seq{2});
}

TEST_F(StorageTest, HistoryPagesBackwardAndForward) {
    auto db = open_database(path_, access::read_write);
    auto f = add_group(db);
    for (int i = 1; i <= 7; ++i) {
        append_message(db, text(f, "m" + std::to_string(i)));
    }
    auto latest = read_history(db, {f.group, std::nullopt, std::nullopt, 3});
    ASSERT_EQ(latest.messages.size(), 3u);
    EXPECT_EQ(latest.messages.front().seq, Seq{5});
    EXPECT_EQ(latest.messages.back().seq, Seq{7});
    EXPECT_TRUE(latest.has_more);

    auto older = read_history(db, {f.group, Seq{5}, std::nullopt, 3});
    EXPECT_EQ(older.messages.front().seq, Seq{2});
    EXPECT_TRUE(older.has_more);
    auto oldest = read_history(db, {f.group, Seq{2}, std::nullopt, 3});
    ASSERT_EQ(oldest.messages.size(), 1u);
    EXPECT_FALSE(oldest.has_more);

    auto newer = read_history(db, {f.group, std::nullopt, Seq{4}, 2});
    EXPECT_EQ(newer.messages.front().seq, Seq{5});
    EXPECT_EQ(newer.messages.back().seq, Seq{6});
    EXPECT_TRUE(newer.has_more);
    auto caught_up = read_history(db, {f.group, std::nullopt, Seq{6}, 2});
    EXPECT_EQ(caught_up.messages.size(), 1u);
    EXPECT_FALSE(caught_up.has_more);
}

TEST_F(StorageTest, ReusedHistoryReaderPagesLikeReadHistoryAndSeesLaterCommits) {
    auto db = open_database(path_, access::read_write);
    auto f = add_group(db);
    for (int i = 1; i <= 7; ++i) {
        append_message(db, text(f, "m" + std::to_string(i)));
    }
    auto reading = open_database(path_, access::read_only);
    history_reader reader(reading);
    const std::vector<history_query> queries = {{f.group, std::nullopt, std::nullopt, 3},
                                                {f.group, Seq{5}, std::nullopt, 3},
                                                {f.group, Seq{2}, std::nullopt, 3},
                                                {f.group, std::nullopt, Seq{4}, 2},
                                                {f.group, std::nullopt, Seq{6}, 2}};
    for (int round = 0; round < 2; ++round) {
        for (const auto& q : queries) {
            const auto kept = reader.read(q);
            const auto fresh = read_history(reading, q);
            ASSERT_EQ(kept.messages.size(), fresh.messages.size());
            EXPECT_EQ(kept.has_more, fresh.has_more);
            for (std::size_t i = 0; i < kept.messages.size(); ++i) {
                EXPECT_EQ(kept.messages[i].seq, fresh.messages[i].seq);
                EXPECT_EQ(kept.messages[i].text, fresh.messages[i].text);
            }
        }
    }

    // A statement kept between reads must not keep an old snapshot: a message committed
    // after one read is in the next.
    append_message(db, text(f, "m8"));
    const auto latest = reader.read({f.group, std::nullopt, std::nullopt, 3});
    ASSERT_EQ(latest.messages.size(), 3u);
    EXPECT_EQ(latest.messages.back().seq, Seq{8});
    EXPECT_EQ(latest.messages.back().text, "m8");
}

TEST_F(StorageTest, WriterRollsBackOnlyTheFailingOperationOfABatch) {
    fixture f;
    {
        auto db = open_database(path_, access::read_write);
        f = add_group(db);
    }
    writer w(path_, writer_options{});
    std::vector<std::future<bool>> outcomes;
    for (int i = 0; i < 50; ++i) {
        auto done = std::make_shared<std::promise<bool>>();
        outcomes.push_back(done->get_future());
        w.submit(
            [&, i](SQLite::Database& db) {
                append_message(db, text(f, "message " + std::to_string(i)));
                if (i == 10) {
                    throw std::runtime_error("refused");
                }
            },
            [done](std::exception_ptr failure) { done->set_value(failure == nullptr); });
    }
    int committed = 0;
    for (auto& outcome : outcomes) {
        committed += outcome.get() ? 1 : 0;
    }
    w.stop();
    EXPECT_EQ(committed, 49);
    auto db = open_database(path_, access::read_only);
    auto page = read_history(db, {f.group, std::nullopt, std::nullopt, 100});
    ASSERT_EQ(page.messages.size(), 49u);
    for (std::size_t i = 0; i < page.messages.size(); ++i) {
        EXPECT_EQ(page.messages[i].seq, Seq{static_cast<std::int64_t>(i + 1)}) << "gap in seq";
    }
}

TEST_F(StorageTest, WriterLetsGoOfWorkSubmittedAfterItStopped) {
    writer w(path_, writer_options{});
    w.stop();
    // What a late request holds (its session, in the server) must be released now, by the
    // caller, not kept in a queue that nothing will ever run.
    auto held = std::make_shared<int>(0);
    bool ran = false;
    w.submit([held, &ran](SQLite::Database&) { ran = true; },
             [held, &ran](std::exception_ptr) { ran = true; });
    EXPECT_EQ(held.use_count(), 1);
    EXPECT_FALSE(ran);
}
