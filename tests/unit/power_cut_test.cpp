// What a power cut in the middle of a group commit leaves on disk: the reason the database
// runs with synchronous=FULL. A process kill keeps the operating system's page cache, so only
// a simulated power cut (power_cut_vfs) shows the difference.

#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "carecircle/storage/writer.hpp"
#include "power_cut_vfs.hpp"
#include "scratch_directory.hpp"

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <string>
#include <vector>

using namespace carecircle;
using namespace carecircle::storage;
using carecircle::test::power_cut_vfs;

namespace {

constexpr int messages_sent = 600;
constexpr std::size_t acknowledged_before_the_cut = 200;

struct after_reboot {
    std::string integrity;
    std::vector<std::pair<std::int64_t, std::string>> stored; // seq, text, by seq
};

struct run_outcome {
    std::map<std::int64_t, std::string> acknowledged; // seq -> text
    bool power_was_cut = false;
    std::size_t syncs = 0;
    after_reboot disk;
};

class PowerCut : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_ / "test.db";
        // Set up and closed cleanly, so everything up to here is on the disk.
        auto db = open_database(path_, access::read_write);
        author_ = insert_user(db, "alice", "Alice", "hash", site_role::member, now());
        group_ = insert_group(db, "Nottingham", "Nottingham", "", group_visibility::public_group,
                              author_.id, now())
                     .id;
    }

    // Queues every message at once through the real writer (small batches, so there are many
    // commits), and cuts the power during the first commit after `acknowledged_before_the_cut`
    // acknowledgements, while more messages wait in the queue.
    run_outcome write_through_a_power_cut(sync_mode mode) {
        run_outcome outcome;
        power_cut_vfs vfs("carecircle-power-cut");
        {
            writer_options settings;
            settings.max_batch = 16;
            settings.database = open_options{mode, vfs.name()};
            writer w(path_, settings);
            std::mutex mutex;
            std::vector<std::int64_t> seq_of(messages_sent, 0);
            for (int i = 0; i < messages_sent; ++i) {
                const std::string body = "message " + std::to_string(i);
                w.submit(
                    [&, i, body](SQLite::Database& db) {
                        seq_of[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(
                            append_message(db, new_message{group_,
                                                           Author{author_.id, author_.username,
                                                                  author_.display_name},
                                                           message_kind::text, body, std::nullopt,
                                                           now()})
                                .message.seq.value);
                    },
                    [&, i, body](std::exception_ptr failure) {
                        if (failure)
                            return;
                        std::lock_guard lock(mutex);
                        outcome.acknowledged[seq_of[static_cast<std::size_t>(i)]] = body;
                        // The next commit's second WAL write is the last thing the disk sees.
                        if (outcome.acknowledged.size() == acknowledged_before_the_cut)
                            vfs.cut_power_at_wal_write(2);
                    });
            }
            w.stop();
        }
        outcome.power_was_cut = vfs.power_is_off();
        outcome.syncs = vfs.syncs();
        vfs.settle_disk();
        outcome.disk = reboot();
        return outcome;
    }

    // Opens the file as a restarted server would, with SQLite's own VFS.
    after_reboot reboot() {
        after_reboot disk;
        SQLite::Database db(path_.string(), SQLite::OPEN_READWRITE);
        disk.integrity = db.execAndGet("PRAGMA integrity_check").getString();
        SQLite::Statement rows(db,
                               "SELECT seq, text FROM messages WHERE group_id = ? ORDER BY seq");
        rows.bind(1, static_cast<std::int64_t>(group_.value));
        while (rows.executeStep())
            disk.stored.emplace_back(rows.getColumn(0).getInt64(), rows.getColumn(1).getString());
        return disk;
    }

    carecircle::test::scratch_directory dir_{"power-cut"};
    std::filesystem::path path_;
    User author_;
    GroupId group_{};
};

} // namespace

TEST_F(PowerCut, FullSyncKeepsEveryAcknowledgedMessageOfAnInterruptedGroupCommit) {
    const auto run = write_through_a_power_cut(sync_mode::full);
    ASSERT_TRUE(run.power_was_cut) << "the cut never happened, so the test proves nothing";
    ASSERT_GE(run.acknowledged.size(), acknowledged_before_the_cut);
    EXPECT_EQ(run.disk.integrity, "ok");
    const auto& stored = run.disk.stored;
    for (std::size_t i = 0; i < stored.size(); ++i)
        EXPECT_EQ(stored[i].first, static_cast<std::int64_t>(i + 1)) << "seqs stay gapless";
    for (const auto& [seq, text] : run.acknowledged) {
        ASSERT_LE(seq, static_cast<std::int64_t>(stored.size()))
            << "acknowledged seq " << seq << " was lost in the power cut";
        EXPECT_EQ(stored[static_cast<std::size_t>(seq - 1)].second, text);
    }
    EXPECT_LT(stored.size(), static_cast<std::size_t>(messages_sent))
        << "the commit in flight and the queue behind it never reached the disk";
}

// The trade-off that FULL avoids: NORMAL syncs the WAL only at checkpoints, so commits that
// were acknowledged are gone after the same cut, although the file itself stays sound.
TEST_F(PowerCut, NormalSyncLosesAcknowledgedMessagesInTheSameCut) {
    const auto run = write_through_a_power_cut(sync_mode::normal);
    ASSERT_TRUE(run.power_was_cut);
    ASSERT_GE(run.acknowledged.size(), acknowledged_before_the_cut);
    EXPECT_EQ(run.disk.integrity, "ok");
    const auto& stored = run.disk.stored;
    for (std::size_t i = 0; i < stored.size(); ++i)
        EXPECT_EQ(stored[i].first, static_cast<std::int64_t>(i + 1)) << "seqs stay gapless";
    EXPECT_LT(stored.size(), run.acknowledged.size())
        << "under NORMAL an acknowledged commit is expected to be lost";
}
