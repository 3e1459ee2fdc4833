#include "seed.hpp"

#include "carecircle/storage/database.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"

#include <SQLiteCpp/Transaction.h>
#include <stdexcept>

namespace carecircle::bench {

void append_messages(const std::filesystem::path& db_path, std::int64_t group,
                     const std::string& author_username, std::size_t count) {
    constexpr std::size_t per_transaction = 20000;
    auto db = storage::open_database(db_path, storage::access::read_write);
    const auto author = storage::find_user_by_username(db, author_username);
    if (!author) {
        throw std::runtime_error("no user " + author_username + " to write the history");
    }
    storage::new_message message{
        GroupId{group},
        Author{author->user.id, author->user.username, author->user.display_name},
        message_kind::text,
        {},
        std::nullopt,
        storage::now()};
    for (std::size_t done = 0; done < count;) {
        SQLite::Transaction transaction(db);
        const std::size_t stop = std::min(count, done + per_transaction);
        for (; done < stop; ++done) {
            message.text = "history message " + std::to_string(done) +
                           ": a line of about the length people write in a chat";
            storage::append_message(db, message);
        }
        transaction.commit();
    }
}

} // namespace carecircle::bench
