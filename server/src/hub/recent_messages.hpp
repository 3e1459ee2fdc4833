#pragma once

#include "carecircle/protocol/types.hpp"
#include "carecircle/storage/messages.hpp"

#include <SQLiteCpp/Database.h>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace carecircle::server {

// The latest messages of each group, already encoded, so that opening a conversation (the
// latest page) and catching up after a reconnect (`after`) are answered from memory: a group
// of a million messages is read as fast as an empty one, and readers never queue behind the
// database. The database stays the truth. The windows are filled before serving and then
// follow every commit that adds, deletes or expires a message, from the writer's completions,
// which run in commit order; a page a window cannot answer is read from the database.
class recent_messages {
public:
    // Keeps up to `per_group` messages of each group (0: none, every read goes to the database).
    explicit recent_messages(std::size_t per_group) : per_group_(per_group) {}

    // Fills the groups' windows; call before serving.
    void load(SQLite::Database& db, const std::vector<GroupId>& groups);

    // What `replace` takes: the group's latest messages as the database holds them. Run it
    // inside the writer's transaction, so nothing committed later is missing from it.
    storage::history_page read_latest(SQLite::Database& db, GroupId group) const;
    void replace(GroupId group, const storage::history_page& latest);
    // Drops the group's window (its history is read from the database from then on) and its
    // latest message.
    void forget(GroupId group);

    // A message just committed. A group without a window gets one at its first message.
    void append(const Message& message);
    // A message just marked deleted: it keeps its place, with no text.
    void mark_deleted(const Message& message);

    // The group's latest message, kept whatever the window's size, for the group list.
    std::optional<Message> last(GroupId group) const;

    struct page {
        std::vector<std::shared_ptr<const std::string>> messages; // encoded, ascending by seq
        bool has_more = false;
    };
    // The page `query` asks for, or nothing when the window does not hold all of it.
    std::optional<page> find(const storage::history_query& query) const;

private:
    struct entry {
        Seq seq;
        std::shared_ptr<const std::string> encoded;
    };
    struct window {
        // Ascending by seq, and every message of the group from the first one on is here.
        std::deque<entry> entries;
        bool complete = true; // no older message lies outside the window
    };

    static entry encode(const Message& message);
    void fill(window& w, const storage::history_page& latest) const;

    std::size_t per_group_;
    mutable std::mutex mutex_;
    std::unordered_map<GroupId, window> windows_;
    std::unordered_map<GroupId, Message> last_;
};

} // namespace carecircle::server
