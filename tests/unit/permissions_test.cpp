#include "hub/hub.hpp"
#include "hub/permissions.hpp"

#include <gtest/gtest.h>

using namespace carecircle;
using namespace carecircle::server;
using namespace std::chrono_literals;

namespace {

// One person's standing in a public and a private group, as the hub reports it to the
// handlers: the decisions below are the ones a request would get.
class GroupPermissions : public ::testing::Test {
protected:
    void SetUp() override {
        hub_.put_group(storage::group_record{
            public_group_, "Walkers", "Leeds", "", group_visibility::public_group, Seq{0}, {}});
        hub_.put_group(storage::group_record{
            private_group_, "Carers", "Leeds", "", group_visibility::private_group, Seq{0}, {}});
    }

    void join(GroupId group, group_role role, membership_status status) {
        hub_.put_membership(
            storage::membership_record{group, person_.id, Membership{role, status}, Seq{0}, now_});
    }
    void join_both(group_role role, membership_status status = membership_status::active) {
        join(public_group_, role, status);
        join(private_group_, role, status);
    }
    // What the ban handler does: out of the group, and a ban that keeps them out.
    void ban(GroupId group) {
        hub_.remove_membership(group, person_.id);
        hub_.put_ban(
            storage::ban_record{group, person_.id, "spam", std::nullopt, UserId{99}, now_});
    }

    group_access access(GroupId group) const { return hub_.access(group, person_); }

    static std::optional<error_code> code(const std::optional<error>& problem) {
        return problem ? std::optional<error_code>(problem->code) : std::nullopt;
    }
    std::optional<error_code> read(GroupId group) const {
        return code(check_can_read(access(group)));
    }
    std::optional<error_code> send(GroupId group) const {
        return code(check_can_send(access(group), now_));
    }
    std::optional<error_code> act_as(GroupId group, group_role role) const {
        return code(check_group_role(access(group), role));
    }

    hub hub_;
    User person_{UserId{7}, "sam", "Sam", site_role::member};
    GroupId public_group_{1};
    GroupId private_group_{2};
    GroupId missing_group_{3};
    timestamp now_ =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
};

constexpr std::optional<error_code> allowed = std::nullopt;
constexpr std::optional<error_code> forbidden = error_code::forbidden;

} // namespace

TEST_F(GroupPermissions, NonMemberReadsPublicGroupButNotPrivateAndCannotSend) {
    EXPECT_EQ(read(public_group_), allowed);
    EXPECT_EQ(read(private_group_), forbidden);
    EXPECT_EQ(send(public_group_), forbidden);
    EXPECT_EQ(send(private_group_), forbidden);
    EXPECT_EQ(code(check_active_member(access(public_group_))), forbidden);
    EXPECT_EQ(act_as(public_group_, group_role::organiser), forbidden);
    EXPECT_EQ(act_as(public_group_, group_role::moderator), forbidden);
}

TEST_F(GroupPermissions, GroupThatDoesNotExistIsNotFoundForEveryDecision) {
    person_.role = site_role::admin;
    EXPECT_EQ(read(missing_group_), error_code::not_found);
    EXPECT_EQ(send(missing_group_), error_code::not_found);
    EXPECT_EQ(act_as(missing_group_, group_role::member), error_code::not_found);
}

TEST_F(GroupPermissions, PendingMemberIsRefusedEvenThePublicGroupUntilApproved) {
    join_both(group_role::member, membership_status::pending);

    EXPECT_EQ(read(public_group_), forbidden);
    EXPECT_EQ(read(private_group_), forbidden);
    EXPECT_EQ(send(public_group_), forbidden);
    EXPECT_EQ(act_as(private_group_, group_role::member), forbidden);
    EXPECT_NE(check_can_read(access(public_group_))->message.find("waiting for approval"),
              std::string::npos);
}

TEST_F(GroupPermissions, MemberReadsAndSendsInBothGroupsButCannotOrganiseOrModerate) {
    join_both(group_role::member);

    EXPECT_EQ(read(public_group_), allowed);
    EXPECT_EQ(read(private_group_), allowed);
    EXPECT_EQ(send(public_group_), allowed);
    EXPECT_EQ(send(private_group_), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::member), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::organiser), forbidden);
    EXPECT_EQ(act_as(private_group_, group_role::moderator), forbidden);
}

TEST_F(GroupPermissions, MutedMemberCanReadButNotSendUntilTheMuteEnds) {
    join_both(group_role::member);
    hub_.set_muted_until(private_group_, person_.id, now_ + 1h);

    EXPECT_EQ(read(private_group_), allowed);
    EXPECT_EQ(send(private_group_), forbidden);
    EXPECT_NE(check_can_send(access(private_group_), now_)->message.find("muted"),
              std::string::npos);
    EXPECT_EQ(send(public_group_), allowed) << "a mute holds in one group only";
    EXPECT_EQ(code(check_can_send(access(private_group_), now_ + 1h)), allowed);
}

TEST_F(GroupPermissions, BannedPersonLosesThePrivateGroupAndCannotSendAnywhereTheyWereBanned) {
    join_both(group_role::organiser);
    ban(private_group_);
    ban(public_group_);

    EXPECT_TRUE(hub_.active_ban(private_group_, person_.id, now_));
    EXPECT_EQ(read(private_group_), forbidden);
    EXPECT_EQ(send(private_group_), forbidden);
    EXPECT_EQ(act_as(private_group_, group_role::organiser), forbidden);
    // What a public group says stays public, as it is to anyone signed out.
    EXPECT_EQ(read(public_group_), allowed);
    EXPECT_EQ(send(public_group_), forbidden);
}

TEST_F(GroupPermissions, BanForATimeStopsApplyingWhenItEnds) {
    hub_.put_ban(
        storage::ban_record{public_group_, person_.id, "cool off", now_ + 24h, UserId{99}, now_});

    EXPECT_TRUE(hub_.active_ban(public_group_, person_.id, now_ + 23h));
    EXPECT_FALSE(hub_.active_ban(public_group_, person_.id, now_ + 24h));
}

TEST_F(GroupPermissions, OrganiserSendsAndOrganisesButCannotModerate) {
    join_both(group_role::organiser);

    EXPECT_EQ(send(private_group_), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::organiser), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::moderator), forbidden);
}

TEST_F(GroupPermissions, GroupModeratorMayDoEverythingInTheirGroupOnly) {
    join(private_group_, group_role::moderator, membership_status::active);

    EXPECT_EQ(read(private_group_), allowed);
    EXPECT_EQ(send(private_group_), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::organiser), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::moderator), allowed);
    EXPECT_EQ(act_as(public_group_, group_role::moderator), forbidden);
}

TEST_F(GroupPermissions, PendingModeratorHasNoPowersUntilActive) {
    join(private_group_, group_role::moderator, membership_status::pending);

    EXPECT_EQ(act_as(private_group_, group_role::moderator), forbidden);
}

TEST_F(GroupPermissions, SiteAdminReadsAndModeratesEveryGroupButSendsOnlyAsMember) {
    person_.role = site_role::admin;

    EXPECT_EQ(read(private_group_), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::moderator), allowed);
    EXPECT_EQ(act_as(public_group_, group_role::organiser), allowed);
    EXPECT_EQ(send(private_group_), forbidden);

    join(private_group_, group_role::member, membership_status::active);
    EXPECT_EQ(send(private_group_), allowed);
}

TEST_F(GroupPermissions, SiteModeratorHasTheSamePowersAsSiteAdminInGroups) {
    person_.role = site_role::moderator;

    EXPECT_EQ(read(private_group_), allowed);
    EXPECT_EQ(act_as(private_group_, group_role::moderator), allowed);
    EXPECT_EQ(send(public_group_), forbidden);
}
