#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/retention.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "hub/recent_messages.hpp"
#include "scratch_directory.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::server;
using storage::history_query;

namespace {

constexpr GroupId walkers{1};
constexpr GroupId carers{2};

Message message(GroupId group, std::int64_t seq) {
    Message m;
    m.id = MessageId{group.value * 1000 + seq};
    m.group = group;
    m.seq = Seq{seq};
    m.author = Author{UserId{7}, "sam", "Sam"};
    m.text = "message " + std::to_string(seq);
    m.created_at = storage::now();
    return m;
}

void post(recent_messages& recent, GroupId group, std::int64_t first, std::int64_t last) {
    for (auto seq = first; seq <= last; ++seq) {
        recent.append(message(group, seq));
    }
}

struct shown_page {
    std::vector<std::int64_t> seqs;
    bool has_more = false;
    bool operator==(const shown_page&) const = default;
};

std::ostream& operator<<(std::ostream& out, const shown_page& page) {
    out << "seqs [";
    for (const auto seq : page.seqs) {
        out << ' ' << seq;
    }
    return out << " ] has_more " << page.has_more;
}

// What a client would see of a page: the seqs it holds, in order, and whether there is more.
std::optional<shown_page> shown(const std::optional<recent_messages::page>& page) {
    if (!page) {
        return std::nullopt;
    }
    shown_page out;
    out.has_more = page->has_more;
    for (const auto& encoded : page->messages) {
        out.seqs.push_back(boost::json::parse(*encoded).as_object().at("seq").as_int64());
    }
    return out;
}

std::optional<shown_page> latest(const recent_messages& recent, GroupId group, int limit) {
    return shown(recent.find(history_query{group, std::nullopt, std::nullopt, limit}));
}
std::optional<shown_page> before(const recent_messages& recent, GroupId group, std::int64_t seq,
                                 int limit) {
    return shown(recent.find(history_query{group, Seq{seq}, std::nullopt, limit}));
}
std::optional<shown_page> after(const recent_messages& recent, GroupId group, std::int64_t seq,
                                int limit) {
    return shown(recent.find(history_query{group, std::nullopt, Seq{seq}, limit}));
}

shown_page seqs(std::vector<std::int64_t> seqs, bool has_more) {
    return shown_page{std::move(seqs), has_more};
}

} // namespace

TEST(RecentMessages, WindowKeepsTheLatestMessagesOfEachGroup) {
    recent_messages recent(5);
    post(recent, walkers, 1, 8);
    post(recent, carers, 1, 2);

    EXPECT_EQ(latest(recent, walkers, 5), seqs({4, 5, 6, 7, 8}, true));
    EXPECT_EQ(latest(recent, walkers, 3), seqs({6, 7, 8}, true));
    EXPECT_EQ(latest(recent, carers, 50), seqs({1, 2}, false))
        << "a small group's whole history, with nothing more to load";
}

TEST(RecentMessages, LatestPageLargerThanTheWindowGoesToTheDatabase) {
    recent_messages recent(5);
    post(recent, walkers, 1, 8);

    EXPECT_EQ(latest(recent, walkers, 6), std::nullopt);
}

TEST(RecentMessages, ScrollingBackIsAnsweredWhileThePageLiesInsideTheWindow) {
    recent_messages recent(5);
    post(recent, walkers, 1, 8);

    EXPECT_EQ(before(recent, walkers, 7, 2), seqs({5, 6}, true));
    EXPECT_EQ(before(recent, walkers, 8, 4), seqs({4, 5, 6, 7}, true));
    EXPECT_EQ(before(recent, walkers, 6, 3), std::nullopt) << "seq 3 has left the window";
    EXPECT_EQ(before(recent, walkers, 4, 1), std::nullopt);
}

TEST(RecentMessages, ScrollingBackToTheFirstMessageOfACompleteWindowSaysThereIsNoMore) {
    recent_messages recent(5);
    post(recent, walkers, 1, 4);

    EXPECT_EQ(before(recent, walkers, 3, 10), seqs({1, 2}, false));
}

TEST(RecentMessages, CatchUpAfterReconnectingIsAnsweredWhenItStartsInsideTheWindow) {
    recent_messages recent(5);
    post(recent, walkers, 1, 8);

    EXPECT_EQ(after(recent, walkers, 5, 50), seqs({6, 7, 8}, false));
    EXPECT_EQ(after(recent, walkers, 3, 50), seqs({4, 5, 6, 7, 8}, false));
    EXPECT_EQ(after(recent, walkers, 5, 2), seqs({6, 7}, true));
    EXPECT_EQ(after(recent, walkers, 8, 50), seqs({}, false)) << "nothing missed";
    EXPECT_EQ(after(recent, walkers, 2, 50), std::nullopt) << "seq 3 has left the window";
}

TEST(RecentMessages, GroupWithoutAWindowIsLeftToTheDatabase) {
    recent_messages recent(5);
    // The server started after this group's first messages, without loading it.
    post(recent, walkers, 3, 4);

    EXPECT_EQ(latest(recent, walkers, 5), std::nullopt);
    EXPECT_EQ(after(recent, walkers, 0, 5), std::nullopt);
}

TEST(RecentMessages, RepeatedMessageIsKeptOnce) {
    recent_messages recent(5);
    post(recent, walkers, 1, 3);
    recent.append(message(walkers, 3));
    recent.append(message(walkers, 2));

    EXPECT_EQ(latest(recent, walkers, 50), seqs({1, 2, 3}, false));
}

TEST(RecentMessages, DeletedMessageKeepsItsPlaceWithoutItsText) {
    recent_messages recent(5);
    post(recent, walkers, 1, 3);
    recent.mark_deleted(message(walkers, 2));

    const auto page = recent.find(history_query{walkers, std::nullopt, std::nullopt, 50});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->messages.size(), 3U);
    const auto deleted = boost::json::parse(*page->messages[1]).as_object();
    EXPECT_EQ(deleted.at("seq").as_int64(), 2);
    EXPECT_TRUE(deleted.at("deleted").as_bool());
    EXPECT_EQ(deleted.at("text").as_string(), "");
    const auto kept = boost::json::parse(*page->messages[2]).as_object();
    EXPECT_EQ(kept.at("text").as_string(), "message 3");
    EXPECT_FALSE(kept.at("deleted").as_bool());
}

TEST(RecentMessages, DeletingAMessageOutsideTheWindowChangesNothingInIt) {
    recent_messages recent(2);
    post(recent, walkers, 1, 4);
    recent.mark_deleted(message(walkers, 1));

    EXPECT_EQ(latest(recent, walkers, 2), seqs({3, 4}, true));
}

TEST(RecentMessages, WindowOfZeroSendsEveryReadToTheDatabase) {
    recent_messages recent(0);
    post(recent, walkers, 1, 3);

    EXPECT_EQ(latest(recent, walkers, 1), std::nullopt);
    EXPECT_EQ(after(recent, walkers, 0, 1), std::nullopt);
}

namespace {

// A group in a real database: eight messages, the first six from long ago.
class RecentMessagesFromStorage : public ::testing::Test {
protected:
    void SetUp() override {
        db_.emplace(storage::open_database(dir_ / "test.db", storage::access::read_write));
        author_ =
            storage::insert_user(*db_, "sam", "Sam", "hash", site_role::member, storage::now());
        group_ = storage::insert_group(*db_, "Walkers", "Leeds", "", group_visibility::public_group,
                                       author_.id, storage::now())
                     .id;
        for (int i = 1; i <= 8; ++i) {
            const auto at = i <= 6 ? storage::now() - std::chrono::days{100} : storage::now();
            storage::append_message(
                *db_, storage::new_message{
                          group_, Author{author_.id, author_.username, author_.display_name},
                          message_kind::text, "message " + std::to_string(i), std::nullopt, at});
        }
    }

    carecircle::test::scratch_directory dir_{"recent-messages"};
    std::optional<SQLite::Database> db_;
    User author_;
    GroupId group_;
};

} // namespace

TEST_F(RecentMessagesFromStorage, LoadFillsTheWindowFromTheDatabase) {
    recent_messages recent(5);
    recent.load(*db_, {group_});

    EXPECT_EQ(latest(recent, group_, 5), seqs({4, 5, 6, 7, 8}, true));
    EXPECT_EQ(after(recent, group_, 2, 50), std::nullopt);
}

TEST_F(RecentMessagesFromStorage, AfterRetentionTheReloadedWindowShowsOnlyWhatIsLeft) {
    recent_messages recent(5);
    recent.load(*db_, {group_});
    storage::expire_messages(*db_, group_, storage::now() - std::chrono::days{30}, 500);

    recent.replace(group_, recent.read_latest(*db_, group_));

    EXPECT_EQ(latest(recent, group_, 50), seqs({7, 8}, false));
    EXPECT_EQ(after(recent, group_, 0, 50), seqs({7, 8}, false))
        << "nothing older is missing any more: the expired messages are gone";
    EXPECT_EQ(before(recent, group_, 7, 50), seqs({}, false));
}

TEST_F(RecentMessagesFromStorage, ForgottenGroupIsReadFromTheDatabase) {
    recent_messages recent(5);
    recent.load(*db_, {group_});
    recent.forget(group_);

    EXPECT_EQ(latest(recent, group_, 5), std::nullopt);
}
