#include "carecircle/storage/retention.hpp"

#include "carecircle/storage/time_codec.hpp"

#include <SQLiteCpp/Statement.h>
#include <vector>

namespace carecircle::storage {

expiry_result expire_messages(SQLite::Database& db, GroupId group, timestamp cutoff, int limit) {
    // Seqs are given in commit order, so creation times rise with seq: walking the group in
    // seq order can stop at the first message that is young enough, and a sweep that finds
    // nothing to do reads one row.
    SQLite::Statement oldest(
        db,
        "SELECT m.id, m.created_at, EXISTS (SELECT 1 FROM reports r WHERE r.message_id = m.id "
        "AND r.resolved_at IS NULL), m.pinned_at IS NOT NULL FROM messages m WHERE m.group_id = ? "
        "ORDER BY m.seq");
    oldest.bind(1, group.value);
    std::vector<std::int64_t> expired;
    expiry_result result;
    while (oldest.executeStep()) {
        if (oldest.getColumn(1).getInt64() >= to_db(cutoff)) {
            break;
        }
        if (oldest.getColumn(2).getInt() != 0) {
            continue;
        }
        if (static_cast<int>(expired.size()) == limit) {
            result.more = true;
            break;
        }
        expired.push_back(oldest.getColumn(0).getInt64());
        if (oldest.getColumn(3).getInt() != 0) {
            result.unpinned.push_back(MessageId{expired.back()});
        }
    }
    oldest.reset();

    SQLite::Statement remove(db, "DELETE FROM messages WHERE id = ?");
    for (const auto id : expired) {
        remove.bind(1, id);
        remove.exec();
        remove.reset();
    }
    result.deleted = static_cast<std::int64_t>(expired.size());
    return result;
}

} // namespace carecircle::storage
