// Many people talking at once in one group: seq stays gapless and everyone
// sees the same conversation in the same order.

#include "server_test.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <latch>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class Concurrency : public server_test {
protected:
    server_options options() const override { return with_admin({"--send-rate", "0"}); }
};

// Runs `body(i)` on `count` threads at once; returns the exceptions' messages.
template <class Body> std::vector<std::string> run_in_parallel(int count, Body body) {
    std::vector<std::string> errors(static_cast<std::size_t>(count));
    std::vector<std::thread> threads;
    std::latch start(count);
    for (int i = 0; i < count; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                body(i);
            } catch (const std::exception& e) {
                errors[static_cast<std::size_t>(i)] =
                    "client " + std::to_string(i) + ": " + e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    errors.erase(std::remove(errors.begin(), errors.end(), std::string()), errors.end());
    return errors;
}

struct seen_message {
    std::int64_t seq;
    std::string text;
    std::int64_t author;
};

seen_message seen(const json::value& message) {
    return {num(message.at("seq")), str(message.at("text")), num(at_path(message, "author.id"))};
}

} // namespace

TEST_F(Concurrency, TwentyClientsSendingAtOnceGetGaplessSeqsAndEveryoneSeesEverythingInOrder) {
    constexpr int clients = 20;
    constexpr int per_client = 25;
    constexpr int total = clients * per_client;
    const auto group = create_group("Nottingham");

    // Registered one by one: twenty Argon2 hashes at once would queue on the one password
    // thread for longer than a client waits on a slow machine, and that is not what this
    // test is about.
    std::vector<account> accounts;
    for (int i = 0; i < clients; ++i) {
        accounts.push_back(register_user("carer_" + std::to_string(i)));
    }

    std::vector<ws_client> sockets;
    for (const auto& a : accounts) {
        sockets.emplace_back(port(), a.token);
        join(sockets.back(), group);
    }

    std::vector<std::vector<seen_message>> replies(clients);
    std::vector<std::vector<seen_message>> events(clients);
    auto errors = run_in_parallel(clients, [&](int i) {
        const auto n = static_cast<std::size_t>(i);
        auto& ws = sockets[n];
        for (int k = 0; k < per_client; ++k) {
            const auto text = "from " + std::to_string(i) + " #" + std::to_string(k);
            const auto result = ws.call("messages.send", {{"group", group}, {"text", text}}, 15s);
            replies[n].push_back(seen(at_path(result, "message")));
        }
        for (int k = 0; k < total; ++k)
            events[n].push_back(seen(ws.next_event("message.created", 15s).at("message")));
    });
    ASSERT_TRUE(errors.empty()) << errors.size() << " clients failed; first: " << errors.front();

    // Every send got its own seq, and together they are exactly 1..total.
    std::map<std::int64_t, seen_message> by_seq;
    for (int i = 0; i < clients; ++i) {
        const auto n = static_cast<std::size_t>(i);
        for (int k = 0; k < per_client; ++k) {
            const auto& r = replies[n][static_cast<std::size_t>(k)];
            EXPECT_EQ(r.author, accounts[n].id());
            EXPECT_EQ(r.text, "from " + std::to_string(i) + " #" + std::to_string(k));
            EXPECT_TRUE(by_seq.emplace(r.seq, r).second) << "seq " << r.seq << " was given twice";
            if (k > 0) {
                EXPECT_GT(r.seq, replies[n][static_cast<std::size_t>(k - 1)].seq)
                    << "one client's messages keep their order";
            }
        }
    }
    ASSERT_EQ(by_seq.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(by_seq.begin()->first, 1);
    EXPECT_EQ(by_seq.rbegin()->first, total) << "seqs have a gap";

    // Every client saw every message once, in seq order, as it was sent.
    for (int i = 0; i < clients; ++i) {
        const auto& got = events[static_cast<std::size_t>(i)];
        ASSERT_EQ(got.size(), static_cast<std::size_t>(total));
        for (std::size_t k = 0; k < got.size(); ++k) {
            ASSERT_EQ(got[k].seq, static_cast<std::int64_t>(k + 1))
                << "client " << i << ", event " << k;
            ASSERT_EQ(got[k].text, by_seq.at(got[k].seq).text)
                << "client " << i << ", seq " << got[k].seq;
            ASSERT_EQ(got[k].author, by_seq.at(got[k].seq).author);
        }
        EXPECT_TRUE(sockets[static_cast<std::size_t>(i)].no_event("message.created", 0ms))
            << "client " << i << " got more than " << total << " events";
    }

    // And the stored history is the same conversation.
    std::int64_t last = 0;
    for (;;) {
        const auto result = sockets[0].call("messages.history",
                                            {{"group", group}, {"after", last}, {"limit", 100}});
        const auto& page = at_path(result, "messages").as_array();
        for (const auto& m : page) {
            const auto s = seen(m);
            ASSERT_EQ(s.seq, last + 1);
            EXPECT_EQ(s.text, by_seq.at(s.seq).text);
            last = s.seq;
        }
        if (!at_path(result, "has_more").as_bool() || page.empty())
            break;
    }
    EXPECT_EQ(last, total);
}
