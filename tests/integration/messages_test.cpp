// Sending messages, who receives them, text rules, idempotency, unread counts
// and the rate limit (PROTOCOL.md section 3, "Messages").

#include "server_test.hpp"

#include <gtest/gtest.h>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

class Messages : public server_test {};

std::string repeat(std::string_view unit, std::size_t times) {
    std::string s;
    s.reserve(unit.size() * times);
    for (std::size_t i = 0; i < times; ++i)
        s += unit;
    return s;
}

const std::string grinning_face = "\xF0\x9F\x98\x80"; // U+1F600, four bytes in UTF-8

json::array history(ws_client& ws, std::int64_t group, json::object extra = {}) {
    json::object params{{"group", group}};
    for (auto& kv : extra)
        params[kv.key()] = kv.value();
    return at_path(ws.call("messages.history", params), "messages").as_array();
}

} // namespace

TEST_F(Messages, MembersSeeEachOthersMessages) {
    const auto group = create_group("Nottingham");
    const auto alice = register_user("alice", "Alice Carer");
    const auto bob = register_user("bob", "Bob Carer");
    ws_client a(port(), alice.token);
    ws_client b(port(), bob.token);
    join(a, group);
    join(b, group);

    const auto sent = send(a, group, "Anyone around Sneinton this afternoon?");
    const auto seen_by_bob = b.next_event("message.created");
    EXPECT_EQ(seen_by_bob.at("message"), json::value(sent)) << seen_by_bob;

    const auto reply = send(b, group, "Yes, at the library from 4");
    const auto seen_by_alice = a.next_event("message.created", 5s);
    // Alice first sees her own message, then Bob's.
    EXPECT_EQ(seen_by_alice.at("message"), json::value(sent));
    EXPECT_EQ(a.next_event("message.created").at("message"), json::value(reply));
}

TEST_F(Messages, MessageCarriesItsAuthorSeqKindAndTimestamp) {
    const auto group = create_group("Derby");
    const auto cat = register_user("cat", "Cat Morgan");
    ws_client ws(port(), cat.token);
    join(ws, group);
    const auto message = send(ws, group, "first!");
    EXPECT_TRUE(message.at("id").is_int64()) << message;
    EXPECT_EQ(message.at("group"), json::value(group));
    EXPECT_EQ(message.at("seq"), json::value(1));
    EXPECT_EQ(message.at("kind"), json::value("text"));
    EXPECT_EQ(message.at("text"), json::value("first!"));
    EXPECT_EQ(message.at("deleted"), json::value(false));
    const json::object author{
        {"id", cat.id()}, {"username", "cat"}, {"display_name", "Cat Morgan"}};
    const auto& got_author = message.at("author").as_object();
    for (const auto& [key, value] : author)
        EXPECT_EQ(got_author.at(key), value) << key << " in " << got_author;
    const auto created_at = str(message.at("created_at"));
    EXPECT_TRUE(
        std::regex_match(created_at, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
        << created_at;

    EXPECT_EQ(send(ws, group, "second").at("seq"), json::value(2));
}

TEST_F(Messages, EveryConnectionOfTheSenderGetsTheEvent) {
    const auto group = create_group("Leicester");
    const auto dee = register_user("dee");
    ws_client phone(port(), dee.token);
    ws_client laptop(port(), dee.token);
    join(phone, group);

    const auto sent = send(phone, group, "sent from my phone");
    EXPECT_EQ(laptop.next_event("message.created").at("message"), json::value(sent));
    EXPECT_EQ(phone.next_event("message.created").at("message"), json::value(sent));
}

// The reply follows the commit, and the members hear after it: a client that shows its own
// message as sent from the reply never sees its event first and shows it twice.
TEST_F(Messages, SenderHearsTheReplyBeforeItsOwnEvent) {
    const auto group = create_group("Leicester");
    ws_client ws = member_of(group, "dee");
    while (ws.next_message(300ms)) {
        // whatever joining told the group
    }

    for (int i = 1; i <= 3; ++i) {
        const auto id = ws.send_request(
            "messages.send", {{"group", group}, {"text", "message " + std::to_string(i)}});
        const auto first = ws.next_message();
        ASSERT_TRUE(first.has_value());
        ASSERT_TRUE(first->as_object().contains("id")) << json::serialize(*first);
        EXPECT_EQ(first->at("id"), id);
        EXPECT_EQ(num(at_path(*first, "result.message.seq")), i);
        const auto event = ws.next_message();
        ASSERT_TRUE(event.has_value());
        EXPECT_EQ(str(event->at("event")), "message.created") << json::serialize(*event);
        EXPECT_EQ(num(at_path(*event, "message.seq")), i);
    }
}

TEST_F(Messages, NonMemberReceivesNothing) {
    const auto group = create_group("Lincoln");
    const auto outsider = register_user("outsider");
    ws_client member = member_of(group, "eli");
    ws_client stranger(port(), outsider.token);

    send(member, group, "only for the group");
    member.next_event("message.created");
    EXPECT_TRUE(stranger.no_event("message.created", 500ms));
    EXPECT_TRUE(stranger.is_open());
    // Whatever else the server may push, nothing of the group's talk reaches the stranger.
    while (auto m = stranger.next_message(0ms))
        EXPECT_EQ(json::serialize(*m).find("only for the group"), std::string::npos) << *m;
}

TEST_F(Messages, PendingMemberOfAPrivateGroupReceivesNothing) {
    const auto group = create_group("Confidential circle", "private");
    const auto fin = register_user("fin");
    ws_client ws(port(), fin.token);
    ASSERT_EQ(join(ws, group).at("status"), json::value("pending"));
    send(admin_ws(), group, "not for pending eyes");
    EXPECT_TRUE(ws.no_event("message.created", 500ms));
}

TEST_F(Messages, OnlyOrganisersAndModeratorsPostAnnouncements) {
    const auto group = create_group("Worksop");
    ws_client member = member_of(group, "wyn");

    const auto refused = member.request(
        "messages.send", {{"group", group}, {"text", "Hear ye"}, {"kind", "announcement"}});
    EXPECT_EQ(error_code_of(refused), "forbidden") << refused;

    // The site admin created the group and so moderates it.
    const auto posted = at_path(admin_ws().call("messages.send", {{"group", group},
                                                                  {"text", "Meet-up moved to 5pm"},
                                                                  {"kind", "announcement"}}),
                                "message");
    EXPECT_EQ(posted.at("kind"), json::value("announcement"));
    EXPECT_EQ(posted.at("seq"), json::value(1)) << "the refused announcement created nothing";
    EXPECT_EQ(member.next_event("message.created").at("message"), posted);
}

TEST_F(Messages, ClientsCannotPostSystemMessages) {
    const auto group = create_group("Retford");
    ws_client ws = member_of(group, "yas");
    for (auto* who : {&ws, &admin_ws()}) {
        const auto reply = who->request(
            "messages.send", {{"group", group}, {"text", "System: all clear"}, {"kind", "system"}});
        const auto code = error_code_of(reply);
        EXPECT_TRUE(code == "bad_request" || code == "forbidden") << reply;
    }
    EXPECT_EQ(send(ws, group, "hello").at("seq"), json::value(1));
}

TEST_F(Messages, RepeatedClientIdReturnsTheOriginalMessageAndCreatesNothing) {
    const auto group = create_group("Chesterfield");
    ws_client sender = member_of(group, "gia");
    ws_client watcher = member_of(group, "hugo");

    const json::object params{{"group", group}, {"text", "on my way"}, {"client_id", "c-42"}};
    const auto first = at_path(sender.call("messages.send", params), "message");
    const auto again = at_path(sender.call("messages.send", params), "message");
    EXPECT_EQ(again, first);

    json::object changed = params;
    changed["text"] = "edited on retry";
    EXPECT_EQ(at_path(sender.call("messages.send", changed), "message"), first);

    EXPECT_EQ(watcher.next_event("message.created").at("message"), first);
    EXPECT_TRUE(watcher.no_event("message.created", 300ms))
        << "a repeat must not be announced again";
    EXPECT_EQ(history(watcher, group).size(), 1u);
    EXPECT_EQ(send(sender, group, "next").at("seq"), json::value(2));
}

TEST_F(Messages, SameClientIdFromAnotherUserIsANewMessage) {
    const auto group = create_group("Buxton");
    ws_client a = member_of(group, "ivy");
    ws_client b = member_of(group, "jay");
    const auto first =
        at_path(a.call("messages.send", {{"group", group}, {"text", "hi"}, {"client_id", "same"}}),
                "message");
    const auto second =
        at_path(b.call("messages.send", {{"group", group}, {"text", "hi"}, {"client_id", "same"}}),
                "message");
    EXPECT_NE(first.at("id"), second.at("id"));
    EXPECT_EQ(second.at("seq"), json::value(2));
}

TEST_F(Messages, HostileTextIsStoredAndReturnedExactly) {
    const auto group = create_group("Matlock");
    ws_client sender = member_of(group, "kai");
    ws_client reader = member_of(group, "lou");

    const std::vector<std::string> texts = {
        "<script>alert('x')</script>",
        "<b>bold</b> &amp; &lt;i&gt; <img src=x onerror=alert(1)>",
        "'; DROP TABLE messages; --",
        "Robert'); DELETE FROM users WHERE 1=1; --",
        "\" OR \"1\"=\"1",
        "back\\slash and \"quotes\" and \\u0041",
        "  spaces kept around  ",
        "line one\nline two\r\nline three\ttabbed",
        "caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE2\x9C\x93",
        "nurse \xF0\x9F\x91\xA9\xE2\x80\x8D\xE2\x9A\x95\xEF\xB8\x8F and flag "
        "\xF0\x9F\x87\xAC\xF0\x9F\x87\xA7",
        "right-to-left \xE2\x80\xAE override",
        "%s %d %n {0} ${HOME} $(rm -rf /)",
        R"({"id":1,"type":"messages.send"})",
        "null",
    };
    std::vector<json::value> sent;
    for (const auto& text : texts) {
        const auto message = send(sender, group, text);
        EXPECT_EQ(str(message.at("text")), text) << "in the reply";
        const auto event = reader.next_event("message.created");
        EXPECT_EQ(str(at_path(event, "message.text")), text) << "in the event";
        sent.emplace_back(message);
    }
    const auto stored = history(reader, group);
    ASSERT_EQ(stored.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i)
        EXPECT_EQ(str(stored[i].at("text")), texts[i]) << "in the history";
}

TEST_F(Messages, FourThousandEmojiAreKeptExactly) {
    const auto group = create_group("Bakewell");
    ws_client ws = member_of(group, "max");

    const auto text = repeat(grinning_face, 4000); // 4000 code points, 16000 bytes
    const auto message = send(ws, group, text);
    EXPECT_EQ(str(message.at("text")), text);
    const auto stored = history(ws, group);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(str(stored[0].at("text")), text);

    const auto over =
        ws.request("messages.send", {{"group", group}, {"text", text + grinning_face}});
    EXPECT_EQ(error_code_of(over), "bad_request") << "4001 code points";
}

TEST_F(Messages, TextMustBeOneTo4000CharactersAfterTrimming) {
    const auto group = create_group("Belper");
    ws_client ws = member_of(group, "ned");

    for (const auto& bad : std::vector<std::string>{"", " ", "   \t\n  \r\n", repeat("a", 4001),
                                                    "  " + repeat("b", 4001) + "  "}) {
        const auto reply = ws.request("messages.send", {{"group", group}, {"text", bad}});
        EXPECT_EQ(error_code_of(reply), "bad_request") << "text of " << bad.size() << " bytes";
    }
    EXPECT_EQ(send(ws, group, "x").at("seq"), json::value(1)) << "refused sends create nothing";
    EXPECT_EQ(str(send(ws, group, repeat("a", 4000)).at("text")), repeat("a", 4000));
    const auto padded = "\n  " + repeat("c", 4000) + "  \n";
    EXPECT_EQ(str(send(ws, group, padded).at("text")), padded) << "trimmed only for counting";
    EXPECT_EQ(history(ws, group).size(), 3u);
}

TEST_F(Messages, SendWithWrongParametersIsABadRequest) {
    const auto group = create_group("Ilkeston");
    ws_client ws = member_of(group, "ola");
    const std::vector<std::pair<const char*, json::object>> cases = {
        {"no text", {{"group", group}}},
        {"text that is a number", {{"group", group}, {"text", 5}}},
        {"text that is null", {{"group", group}, {"text", nullptr}}},
        {"no group", {{"text", "hello"}}},
        {"group as a string", {{"group", "Ilkeston"}, {"text", "hello"}}},
        {"unknown kind", {{"group", group}, {"text", "hello"}, {"kind", "shout"}}},
        {"client_id that is an object",
         {{"group", group}, {"text", "hello"}, {"client_id", json::object{}}}},
    };
    for (const auto& [why, params] : cases)
        EXPECT_EQ(error_code_of(ws.request("messages.send", params)), "bad_request") << why;
    EXPECT_EQ(history(ws, group).size(), 0u);
}

TEST_F(Messages, InvalidUtf8IsRefusedAndNeverStored) {
    const auto group = create_group("Ripley");
    const auto pia = register_user("pia");
    ws_client ws(port(), pia.token);
    join(ws, group);
    const std::string frame = R"({"id":"bad-utf8","type":"messages.send","group":)" +
                              std::to_string(group) + R"(,"text":"broken )" +
                              std::string("\xFF\xFE\xC3\x28") + R"( bytes"})";
    ws.send_text(frame);

    // Either the socket is closed as invalid (1007), or the request is refused.
    if (auto reply = ws.next_message(3s)) {
        const auto& o = reply->as_object();
        ASSERT_FALSE(o.contains("event")) << *reply;
        EXPECT_EQ(error_code_of(o), "bad_request") << *reply;
        EXPECT_TRUE(o.at("id") == json::value("bad-utf8") || o.at("id").is_null()) << *reply;
    } else {
        EXPECT_EQ(ws.wait_close(0ms), 1007) << ws.close_description();
    }
    ws_client again(port(), pia.token);
    EXPECT_EQ(history(again, group).size(), 0u);
    EXPECT_EQ(send(again, group, "still fine").at("seq"), json::value(1));
}

TEST_F(Messages, NonMemberCanReadAPublicGroupButNotWriteToIt) {
    const auto group = create_group("Alfreton");
    send(admin_ws(), group, "welcome, all");
    const auto quin = register_user("quin");
    ws_client ws(port(), quin.token);

    const auto stored = history(ws, group);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(str(stored[0].at("text")), "welcome, all");
    EXPECT_EQ(error_code_of(ws.request("messages.send", {{"group", group}, {"text", "drive-by"}})),
              "forbidden");
    EXPECT_EQ(error_code_of(ws.request("messages.mark_read", {{"group", group}, {"seq", 1}})),
              "forbidden");
    EXPECT_EQ(history(ws, group).size(), 1u);
}

TEST_F(Messages, PrivateGroupIsClosedToNonMembers) {
    const auto group = create_group("Safeguarding leads", "private");
    send(admin_ws(), group, "Mrs K at 14 Elm Road needs a second visit");
    const auto rex = register_user("rex");
    ws_client ws(port(), rex.token);

    const std::vector<std::pair<std::string, json::object>> requests = {
        {"messages.history", {{"group", group}}},
        {"messages.history", {{"group", group}, {"after", 0}}},
        {"messages.history", {{"group", group}, {"before", 2}}},
        {"messages.send", {{"group", group}, {"text", "let me in"}}},
        {"messages.mark_read", {{"group", group}, {"seq", 1}}},
        {"groups.members", {{"group", group}}},
    };
    for (const auto& [type, params] : requests) {
        const auto reply = ws.request(type, params);
        EXPECT_EQ(error_code_of(reply), "forbidden")
            << type << " " << json::serialize(params) << ": " << reply;
        EXPECT_EQ(json::serialize(reply).find("Elm Road"), std::string::npos) << reply;
    }
    EXPECT_EQ(
        num(at_path(admin_ws().call("messages.history", {{"group", group}}), "messages.0.seq")), 1)
        << "the refused send created nothing";
    EXPECT_EQ(at_path(admin_ws().call("messages.history", {{"group", group}}), "messages")
                  .as_array()
                  .size(),
              1u);
}

TEST_F(Messages, MarkReadLowersTheUnreadCount) {
    const auto group = create_group("Long Eaton");
    ws_client ws = member_of(group, "sue");
    ws_client other = member_of(group, "tia");
    for (int i = 1; i <= 5; ++i)
        send(admin_ws(), group, "update " + std::to_string(i));

    auto listed = listed_group(ws, group);
    EXPECT_EQ(num(listed.at("last_seq")), 5);
    EXPECT_EQ(num(listed.at("unread")), 5);

    EXPECT_EQ(ws.call("messages.mark_read", {{"group", group}, {"seq", 3}}), json::object{});
    EXPECT_EQ(num(listed_group(ws, group).at("unread")), 2);

    send(admin_ws(), group, "update 6");
    EXPECT_EQ(num(listed_group(ws, group).at("unread")), 3);

    ws.call("messages.mark_read", {{"group", group}, {"seq", 6}});
    EXPECT_EQ(num(listed_group(ws, group).at("unread")), 0);

    // Unread is per member: the other member has still read nothing.
    EXPECT_EQ(num(listed_group(other, group).at("unread")), 6);
}

TEST_F(Messages, RapidSendsAreRateLimitedWithRetryAfter) {
    const auto group = create_group("Heanor");
    ws_client ws = member_of(group, "uli");
    ws_client other = member_of(group, "val");

    std::vector<json::value> ids;
    for (int i = 0; i < 50; ++i)
        ids.push_back(ws.send_request("messages.send",
                                      {{"group", group}, {"text", "spam " + std::to_string(i)}}));
    int accepted = 0;
    int limited = 0;
    std::int64_t retry_after_ms = 0;
    for (const auto& id : ids) {
        const auto reply = ws.wait_reply(id, 10s);
        const auto code = error_code_of(reply);
        if (code == "ok") {
            ++accepted;
        } else if (code == "rate_limited") {
            ++limited;
            const auto& retry = at_path(reply, "error.retry_after_ms");
            ASSERT_TRUE(retry.is_int64() || retry.is_uint64()) << reply;
            EXPECT_GT(num(retry), 0) << reply;
            EXPECT_LE(num(retry), 10'000) << reply;
            retry_after_ms = std::max(retry_after_ms, num(retry));
        } else {
            ADD_FAILURE() << "unexpected reply: " << reply;
        }
    }
    EXPECT_GE(accepted, 20) << "the burst is 20";
    EXPECT_GE(limited, 1) << "50 sends at once exceed 10/s with a burst of 20";

    // The limit is per user.
    EXPECT_EQ(error_code_of(other.request("messages.send", {{"group", group}, {"text", "not me"}})),
              "ok");

    // Refused sends left no gap: seqs are 1..accepted+1.
    std::this_thread::sleep_for(std::chrono::milliseconds(retry_after_ms + 50));
    const auto after_wait = send(ws, group, "after waiting");
    EXPECT_EQ(num(after_wait.at("seq")), accepted + 2);
}
