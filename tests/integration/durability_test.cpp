// Acknowledged writes outlive a hard kill that lands while many clients are still
// sending (PROTOCOL.md: a reply is sent only after the message is committed).

#include "server_test.hpp"

#include <atomic>
#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class Durability : public server_test {
protected:
    // Senders go as fast as the server answers; the per-user limit would only slow them.
    server_options options() const override { return with_admin({"--send-rate", "0"}); }
};

struct acknowledged {
    std::int64_t group = 0;
    std::int64_t seq = 0;
    std::string text;
};

// Every message of `group`, oldest first, paged with `after`.
json::array whole_history(ws_client& ws, std::int64_t group) {
    json::array all;
    std::int64_t after = 0;
    for (;;) {
        const auto page =
            ws.call("messages.history", {{"group", group}, {"after", after}, {"limit", 100}});
        const auto& messages = at_path(page, "messages").as_array();
        for (const auto& m : messages)
            all.push_back(m);
        if (messages.empty() || !at_path(page, "has_more").as_bool())
            return all;
        after = num(messages.back().at("seq"));
    }
}

} // namespace

TEST_F(Durability, HardKillWhileSixClientsSendKeepsEveryAcknowledgedMessageOnce) {
    constexpr int clients = 6;
    constexpr int in_flight = 3;
    constexpr std::size_t kill_after = 150;
    const std::vector<std::int64_t> groups{create_group("Lincoln"), create_group("Boston")};

    std::vector<account> senders;
    for (int c = 0; c < clients; ++c) {
        senders.push_back(register_user("sender" + std::to_string(c)));
        auto ws = connect(senders.back());
        for (const auto group : groups)
            join(ws, group);
    }

    std::mutex mutex;
    std::vector<acknowledged> acked;
    std::atomic<std::size_t> ack_count{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            const auto group = groups[static_cast<std::size_t>(c) % groups.size()];
            try {
                ws_client ws(port(), senders[static_cast<std::size_t>(c)].token);
                std::map<std::string, std::string> pending; // request id -> text
                int next = 0;
                auto send_one = [&] {
                    const std::string text = "c" + std::to_string(c) + "-" + std::to_string(next++);
                    const auto id =
                        ws.send_request("messages.send", {{"group", group}, {"text", text}});
                    pending.emplace(json::serialize(id), text);
                };
                for (int i = 0; i < in_flight; ++i)
                    send_one();
                // Until the kill cuts the connection: each reply that arrives is a promise.
                for (;;) {
                    const auto message = ws.next_message(5s);
                    if (!message)
                        return;
                    const auto& reply = message->as_object();
                    if (reply.contains("event"))
                        continue;
                    const auto it = pending.find(json::serialize(reply.at("id")));
                    if (it == pending.end())
                        continue;
                    if (error_code_of(reply) == "ok") {
                        const auto& m = at_path(reply, "result.message");
                        std::lock_guard lock(mutex);
                        acked.push_back({group, num(m.at("seq")), it->second});
                        ++ack_count;
                    }
                    pending.erase(it);
                    send_one();
                }
            } catch (const std::exception&) {
                // The connection ended with the server; what was acknowledged is recorded.
            }
        });
    }

    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (ack_count < kill_after && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    ASSERT_GE(ack_count.load(), kill_after) << "the senders did not get going";
    server().kill9();
    for (auto& t : threads)
        t.join();

    server().start();
    auto ws = connect(login(port(), "sender0", password_for("sender0")));
    for (const auto group : groups) {
        const auto stored = whole_history(ws, group);
        std::map<std::string, std::int64_t> seq_of_text;
        for (std::size_t i = 0; i < stored.size(); ++i) {
            EXPECT_EQ(num(stored[i].at("seq")), static_cast<std::int64_t>(i + 1))
                << "seqs in group " << group << " stay gapless";
            const auto text = str(stored[i].at("text"));
            EXPECT_TRUE(seq_of_text.emplace(text, num(stored[i].at("seq"))).second)
                << "\"" << text << "\" is stored twice";
        }
        std::size_t acked_here = 0;
        for (const auto& a : acked) {
            if (a.group != group)
                continue;
            ++acked_here;
            const auto found = seq_of_text.find(a.text);
            ASSERT_NE(found, seq_of_text.end())
                << "acknowledged \"" << a.text << "\" (seq " << a.seq << ") was lost";
            EXPECT_EQ(found->second, a.seq) << "\"" << a.text << "\" kept its seq";
        }
        EXPECT_GT(acked_here, 0u);
        EXPECT_GE(stored.size(), acked_here);
    }
}

// An operator restores by putting the backup in place of the database file.
TEST_F(Durability, ServerStartsOnABackupTakenWhileClientsSentAndSeqsCarryOn) {
    const auto group = create_group("Newark");
    constexpr int clients = 3;
    std::vector<account> senders;
    for (int c = 0; c < clients; ++c) {
        senders.push_back(register_user("writer" + std::to_string(c)));
        auto ws = connect(senders.back());
        join(ws, group);
    }

    std::mutex mutex;
    std::vector<acknowledged> acked;
    std::atomic<bool> stop_sending{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            try {
                ws_client ws(port(), senders[static_cast<std::size_t>(c)].token);
                for (int n = 0; !stop_sending; ++n) {
                    const std::string text = "w" + std::to_string(c) + "-" + std::to_string(n);
                    const auto seq =
                        num(at_path(ws.call("messages.send", {{"group", group}, {"text", text}}),
                                    "message.seq"));
                    std::lock_guard lock(mutex);
                    acked.push_back({group, seq, text});
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << "sender " << c << ": " << e.what();
            }
        });
    }
    auto acked_so_far = [&] {
        std::lock_guard lock(mutex);
        return acked;
    };
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (acked_so_far().size() < 30 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);

    const auto before_backup = acked_so_far();
    const auto copy = server().directory() / "backup.db";
    const auto [status, output] = server().run_tool(
        {"backup", "--db", server().db_path().string(), "--to", copy.string()}, "");
    const auto sent_during_backup = acked_so_far().size() - before_backup.size();
    stop_sending = true;
    for (auto& t : threads)
        t.join();
    ASSERT_EQ(status, 0) << output;
    ASSERT_GE(before_backup.size(), 30u) << "the senders did not get going";
    ASSERT_EQ(server().stop(), 0);

    const auto db = server().db_path();
    for (const auto* suffix : {"-wal", "-shm"})
        std::filesystem::remove(db.string() + suffix);
    std::filesystem::copy_file(copy, db, std::filesystem::copy_options::overwrite_existing);
    server().start();

    const auto back = login(port(), "writer0", password_for("writer0"));
    auto ws = connect(back);
    const auto stored = whole_history(ws, group);
    std::map<std::string, std::int64_t> seq_of_text;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        EXPECT_EQ(num(stored[i].at("seq")), static_cast<std::int64_t>(i + 1)) << "gapless";
        seq_of_text.emplace(str(stored[i].at("text")), num(stored[i].at("seq")));
    }
    for (const auto& a : before_backup) {
        const auto found = seq_of_text.find(a.text);
        ASSERT_NE(found, seq_of_text.end()) << "\"" << a.text << "\" was sent before the backup";
        EXPECT_EQ(found->second, a.seq);
    }
    EXPECT_LE(stored.size(), before_backup.size() + sent_during_backup)
        << "nothing sent after the backup finished is in it";
    const auto next = send(ws, group, "after the restore");
    EXPECT_EQ(num(next.at("seq")), static_cast<std::int64_t>(stored.size()) + 1);
}
