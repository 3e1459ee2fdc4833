#include "carecircle/protocol/validation.hpp"

#include <gtest/gtest.h>

using namespace carecircle::validation;

TEST(Usernames, FollowTheFieldRules) {
    EXPECT_FALSE(check_username("jo_smith.2-b"));
    EXPECT_TRUE(check_username("jo"));
    EXPECT_TRUE(check_username(std::string(33, 'a')));
    EXPECT_TRUE(check_username("jo smith"));
    EXPECT_TRUE(check_username("jos\xC3\xA9"));
    EXPECT_EQ(normalise_username("Jo.Smith"), "jo.smith");
}

TEST(DisplayNames, AreTrimmedAndFreeOfControlCharacters) {
    EXPECT_FALSE(check_display_name("  Jo Smith  "));
    EXPECT_FALSE(check_display_name("Zo\xC3\xAB \xF0\x9F\x8C\xBB"));
    EXPECT_TRUE(check_display_name("   "));
    EXPECT_TRUE(check_display_name("Jo\nSmith"));
    EXPECT_TRUE(check_display_name("Jo\xC2\x85Smith")); // U+0085, a C1 control
    EXPECT_TRUE(check_display_name(std::string(65, 'x')));
}

TEST(Passwords, Need10To256Characters) {
    EXPECT_TRUE(check_password("short"));
    EXPECT_FALSE(check_password("long enough"));
    EXPECT_TRUE(check_password(std::string(257, 'p')));
}

TEST(CodePoints, CountCharactersNotBytes) {
    EXPECT_EQ(code_points("abc"), 3u);
    EXPECT_EQ(code_points("\xF0\x9F\x98\x80"), 1u);
    EXPECT_EQ(code_points("caf\xC3\xA9"), 4u);
}
