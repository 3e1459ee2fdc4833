// The start of a message that a group list shows: one line, at most 80 code points, never
// cutting a character or a cluster a reader sees as one.

#include "carecircle/protocol/excerpt.hpp"

#include <gtest/gtest.h>
#include <string>

using carecircle::protocol::excerpt;

namespace {

std::string repeat(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
        out.append(piece);
    }
    return out;
}

} // namespace

TEST(Excerpt, ShortTextStaysAsItIs) {
    EXPECT_EQ(excerpt("Meet at the library at 4"), "Meet at the library at 4");
    EXPECT_EQ(excerpt(""), "");
}

TEST(Excerpt, LineBreaksBecomeOneSpace) {
    EXPECT_EQ(excerpt("  Hello all\n\n  see you\tthere \n"), "Hello all see you there");
}

TEST(Excerpt, LongTextIsCutAtEightyCodePointsWithAnEllipsis) {
    const auto text = repeat("é", 100); // two bytes each
    EXPECT_EQ(excerpt(text), repeat("é", 80) + "\u2026");
}

TEST(Excerpt, TheCutDoesNotLeaveATrailingSpace) {
    EXPECT_EQ(excerpt("abcd efgh", 5), "abcd\u2026");
}

TEST(Excerpt, AnAccentStaysWithItsLetter) {
    // "e" + combining acute accent, cut between them.
    EXPECT_EQ(excerpt("abce\u0301fgh", 4), "abc\u2026");
}

TEST(Excerpt, AnEmojiSequenceIsNotParted) {
    // Woman + skin tone + ZWJ + laptop: cutting anywhere inside drops the whole of it.
    const std::string worker = "\U0001F469\U0001F3FD\u200D\U0001F4BB";
    EXPECT_EQ(excerpt("ab" + worker + "cd", 3), "ab\u2026");
    EXPECT_EQ(excerpt("ab" + worker + "cd", 4), "ab\u2026");
    EXPECT_EQ(excerpt("ab" + worker + "cd", 6), "ab" + worker + "\u2026");
}

TEST(Excerpt, AFlagIsNotCutInHalf) {
    const std::string flag = "\U0001F1EC\U0001F1E7"; // GB
    EXPECT_EQ(excerpt("a" + flag + flag + "b", 2), "a\u2026");
    EXPECT_EQ(excerpt("a" + flag + flag + "b", 4), "a" + flag + "\u2026");
}
