#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace carecircle {

// A distinct type per kind of identifier, so a GroupId can never be passed where a UserId
// is expected.
template <class Tag> struct strong_id {
    std::int64_t value = 0;

    // NOLINTNEXTLINE(modernize-use-nullptr): a false alarm on a defaulted <=>
    constexpr auto operator<=>(const strong_id&) const = default;
};

using UserId = strong_id<struct user_tag>;
using GroupId = strong_id<struct group_tag>;
using MessageId = strong_id<struct message_tag>;
using ReportId = strong_id<struct report_tag>;
using MeetupId = strong_id<struct meetup_tag>;

// Position of a message in its group: 1, 2, 3... with no gap and no repeat.
using Seq = strong_id<struct seq_tag>;

} // namespace carecircle

template <class Tag> struct std::hash<carecircle::strong_id<Tag>> {
    std::size_t operator()(carecircle::strong_id<Tag> id) const noexcept {
        return std::hash<std::int64_t>{}(id.value);
    }
};
