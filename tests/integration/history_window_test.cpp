// History answered from memory: the server keeps each group's latest messages to answer
// messages.history without the database. Whichever answers, every page must be the one the
// database holds, through sends, deletions, a restart and a group's first messages.

#include "server_test.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

using namespace carecircle::test;

namespace {

// A window of 5, so that most pages below are partly or wholly outside it.
constexpr int window = 5;

class HistoryWindow : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--send-rate", "0", "--request-rate", "0", "--history-window",
                           std::to_string(window)});
    }

    // What the group holds, as the sender was told, ascending by seq.
    std::vector<json::object> held;
    // The group's pins as the pinner was told, newest first: every page carries them.
    json::array pinned;

    void pin(ws_client& ws, std::int64_t group, std::size_t seq) {
        auto result =
            ws.call("messages.pin", {{"group", group}, {"message", held.at(seq - 1).at("id")}});
        pinned.insert(pinned.begin(), result.at("pin"));
    }

    void send_some(ws_client& ws, std::int64_t group, int count) {
        for (int i = 0; i < count; ++i) {
            held.push_back(send(ws, group, "note " + std::to_string(held.size() + 1)));
        }
    }

    void remove(ws_client& ws, std::int64_t group, std::size_t seq) {
        auto& message = held.at(seq - 1);
        ws.call("messages.delete", {{"group", group}, {"message", message.at("id")}});
        message["deleted"] = true;
        message["text"] = "";
        // Deleting a pinned message unpins it.
        pinned.erase(std::remove_if(pinned.begin(), pinned.end(),
                                    [&](const json::value& p) {
                                        return at_path(p, "message.id") == message.at("id");
                                    }),
                     pinned.end());
    }

    // The page PROTOCOL.md describes, worked out from `held`.
    json::object expected(std::optional<std::int64_t> before, std::optional<std::int64_t> after,
                          std::size_t limit) const {
        std::vector<json::object> matching;
        for (const auto& m : held) {
            const auto seq = num(m.at("seq"));
            if ((!before || seq < *before) && (!after || seq > *after)) {
                matching.push_back(m);
            }
        }
        json::array page;
        if (after) {
            for (std::size_t i = 0; i < std::min(limit, matching.size()); ++i) {
                page.push_back(matching[i]);
            }
        } else {
            const auto skip = matching.size() > limit ? matching.size() - limit : 0;
            for (std::size_t i = skip; i < matching.size(); ++i) {
                page.push_back(matching[i]);
            }
        }
        return {{"messages", page}, {"has_more", matching.size() > limit}, {"pinned", pinned}};
    }

    // Every cursor around and beyond the group's messages, with limits smaller than, equal to
    // and larger than the window.
    void expect_every_page(ws_client& ws, std::int64_t group) {
        const auto last = static_cast<std::int64_t>(held.size());
        for (const std::size_t limit : {1, 2, 4, 5, 6, 12, 100}) {
            const json::object latest{{"group", group}, {"limit", limit}};
            EXPECT_EQ(ws.call("messages.history", latest),
                      expected(std::nullopt, std::nullopt, limit))
                << "latest " << limit;
            for (std::int64_t before = 1; before <= last + 2; ++before) {
                const json::object cursor{{"group", group}, {"before", before}, {"limit", limit}};
                EXPECT_EQ(ws.call("messages.history", cursor),
                          expected(before, std::nullopt, limit))
                    << "before " << before << ", limit " << limit;
            }
            for (std::int64_t after = 0; after <= last + 1; ++after) {
                const json::object cursor{{"group", group}, {"after", after}, {"limit", limit}};
                EXPECT_EQ(ws.call("messages.history", cursor), expected(std::nullopt, after, limit))
                    << "after " << after << ", limit " << limit;
            }
        }
    }
};

} // namespace

TEST_F(HistoryWindow, EveryPageMatchesTheDatabaseThroughDeletionsAndARestart) {
    const auto group = create_group("Nottingham");
    send_some(admin_ws(), group, 12);
    pin(admin_ws(), group, 2);  // outside the window
    pin(admin_ws(), group, 11); // inside it
    pin(admin_ws(), group, 12);
    remove(admin_ws(), group, 3);  // outside the window
    remove(admin_ws(), group, 11); // inside it, and pinned
    ASSERT_EQ(pinned.size(), 2u);
    expect_every_page(admin_ws(), group);

    // After a restart the window and the pins are filled from the database.
    server().restart();
    auto ws = connect(admin());
    expect_every_page(ws, group);

    send_some(ws, group, 3);
    remove(ws, group, 15);
    remove(ws, group, 9); // now just outside the window
    remove(ws, group, 2); // pinned, far outside the window
    expect_every_page(ws, group);
}

TEST_F(HistoryWindow, AGroupMadeWhileServingIsAnsweredFromItsFirstMessage) {
    const auto group = create_group("Leicester");
    expect_every_page(admin_ws(), group);
    send_some(admin_ws(), group, 1);
    expect_every_page(admin_ws(), group);
    send_some(admin_ws(), group, window + 2);
    remove(admin_ws(), group, 1);
    expect_every_page(admin_ws(), group);
}

TEST_F(HistoryWindow, ReadersOfOneGroupNeverSeeAnother) {
    const auto here = create_group("Derby");
    const auto there = create_group("Lincoln");
    send_some(admin_ws(), here, 3);
    const auto elsewhere = send(admin_ws(), there, "somewhere else");
    const auto page = admin_ws().call("messages.history", {{"group", here}});
    EXPECT_EQ(page, expected(std::nullopt, std::nullopt, 50));
    EXPECT_EQ(admin_ws().call("messages.history", {{"group", there}}),
              (json::object{{"messages", json::array{elsewhere}},
                            {"has_more", false},
                            {"pinned", json::array{}}}));
}
