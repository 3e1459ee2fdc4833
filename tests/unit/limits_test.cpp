#include "hub/limits.hpp"

#include <gtest/gtest.h>
#include <thread>

using namespace carecircle;
using namespace carecircle::server;
using namespace std::chrono_literals;

namespace {

// Budgets small enough to spend in a test and slow enough (one token a second, or less) not to
// refill while it runs.
options slow_budgets() {
    options opts;
    opts.request_rate = 1.0;
    opts.request_burst = 5.0;
    opts.create_rate = 0.01;
    opts.create_burst = 2.0;
    opts.send_rate = 0.01;
    opts.send_burst = 3.0;
    return opts;
}

constexpr std::uintptr_t phone = 1;
constexpr std::uintptr_t laptop = 2;
constexpr std::uintptr_t tablet = 3;
constexpr std::uintptr_t other_persons_phone = 4;
constexpr UserId sam{1};
constexpr UserId alex{2};

// Requests of `cost` until one is refused (or `most` were allowed); returns how many were.
int allowed_until_refused(limits& l, std::uintptr_t conn, UserId user, request_cost cost,
                          int most = 1000) {
    int allowed = 0;
    while (allowed < most && !l.take_request(conn, user, cost)) {
        ++allowed;
    }
    return allowed;
}

} // namespace

TEST(RequestBudgets, ConnectionMayBurstItsBudgetThenIsToldHowLongToWait) {
    limits l(slow_budgets());

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read), 5);
    const auto wait = l.take_request(phone, sam, request_cost::read);
    ASSERT_TRUE(wait);
    EXPECT_GT(*wait, 0ms);
    EXPECT_LE(*wait, 1000ms) << "one token a second";
}

TEST(RequestBudgets, OnePersonFloodingDoesNotSpendAnotherPersonsBudget) {
    limits l(slow_budgets());
    allowed_until_refused(l, phone, sam, request_cost::read);

    EXPECT_EQ(allowed_until_refused(l, other_persons_phone, alex, request_cost::read), 5);
}

TEST(RequestBudgets, SecondConnectionOfTheSamePersonSharesTheirPersonalBudget) {
    limits l(slow_budgets());
    // The personal budget is twice a connection's: a phone and a laptop at full use.
    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read, 5), 5);
    EXPECT_EQ(allowed_until_refused(l, laptop, sam, request_cost::read, 5), 5);

    EXPECT_TRUE(l.take_request(tablet, sam, request_cost::read))
        << "a third connection with a fresh budget of its own is still refused";
    EXPECT_FALSE(l.take_request(other_persons_phone, alex, request_cost::read));
}

TEST(RequestBudgets, RefusedRequestsOfAGreedyTabDoNotSpendWhatTheOtherDevicesShare) {
    limits l(slow_budgets());
    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read, 5), 5);
    for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(l.take_request(phone, sam, request_cost::read));
    }

    EXPECT_EQ(allowed_until_refused(l, laptop, sam, request_cost::read), 5);
}

TEST(RequestBudgets, ReconnectingGetsAFreshConnectionBudgetButNotAFreshPersonalOne) {
    limits l(slow_budgets());
    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read, 5), 5);
    l.forget_connection(phone);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read), 5);
    l.forget_connection(phone);
    EXPECT_TRUE(l.take_request(phone, sam, request_cost::read));
}

TEST(RequestBudgets, CreatingIsRefusedBeyondTheCreateBurstWhileReadsGoOn) {
    auto opts = slow_budgets();
    opts.request_burst = 50.0;
    limits l(opts);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::create), 2);
    const auto wait = l.take_request(phone, sam, request_cost::create);
    ASSERT_TRUE(wait);
    EXPECT_GT(*wait, 1000ms) << "the create rate is one in a hundred seconds";
    EXPECT_FALSE(l.take_request(phone, sam, request_cost::read));
    EXPECT_TRUE(l.take_request(laptop, sam, request_cost::create))
        << "the create budget is the person's, whichever connection asks";
    EXPECT_FALSE(l.take_request(other_persons_phone, alex, request_cost::create));
}

TEST(RequestBudgets, CreatingAlsoSpendsTheConnectionsRequestBudget) {
    auto opts = slow_budgets();
    opts.create_burst = 50.0;
    limits l(opts);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::create), 5);
    EXPECT_TRUE(l.take_request(phone, sam, request_cost::read));
}

TEST(RequestBudgets, SendingDrawsOnTheSendRateAloneNotTheRequestBudget) {
    auto opts = slow_budgets();
    opts.request_burst = 1.0;
    limits l(opts);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::send), 3);
    EXPECT_TRUE(l.take_send_token(sam)) << "the same budget as messages.send checks";
    EXPECT_FALSE(l.take_request(phone, sam, request_cost::read));
    EXPECT_EQ(allowed_until_refused(l, other_persons_phone, alex, request_cost::send), 3);
}

TEST(RequestBudgets, SendBudgetIsPerPersonAcrossConnections) {
    limits l(slow_budgets());

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::send), 3);
    EXPECT_TRUE(l.take_request(laptop, sam, request_cost::send));
}

TEST(RequestBudgets, BudgetRefillsAtItsRate) {
    auto opts = slow_budgets();
    opts.request_rate = 1000.0;
    opts.request_burst = 1.0;
    limits l(opts);
    ASSERT_FALSE(l.take_request(phone, sam, request_cost::read));
    const auto wait = l.take_request(phone, sam, request_cost::read);
    ASSERT_TRUE(wait);
    EXPECT_LE(*wait, 1ms);

    std::this_thread::sleep_for(*wait + 1ms);
    EXPECT_FALSE(l.take_request(phone, sam, request_cost::read));
}

TEST(RequestBudgets, RateOfZeroLiftsEachLimit) {
    auto opts = slow_budgets();
    opts.request_rate = 0;
    opts.create_rate = 0;
    opts.send_rate = 0;
    limits l(opts);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::read), 1000);
    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::create), 1000);
    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::send), 1000);
}

TEST(RequestBudgets, LiftingTheRequestLimitKeepsTheCreateLimit) {
    auto opts = slow_budgets();
    opts.request_rate = 0;
    limits l(opts);

    EXPECT_EQ(allowed_until_refused(l, phone, sam, request_cost::create), 2);
}

namespace {

options lockout_after(std::size_t per_user, std::size_t per_address) {
    options opts;
    opts.login_failures_per_user = per_user;
    opts.login_failures_per_address = per_address;
    opts.login_window = 15min;
    return opts;
}

void fail_sign_ins(limits& l, const std::string& username, const std::string& address, int n) {
    for (int i = 0; i < n; ++i) {
        l.login_failed(username, address);
    }
}

} // namespace

TEST(SignInLockout, UsernameIsLockedFromEveryAddressAfterItsFailures) {
    limits l(lockout_after(3, 100));
    fail_sign_ins(l, "sam", "203.0.113.1", 2);
    EXPECT_FALSE(l.login_locked("sam", "203.0.113.1"));

    fail_sign_ins(l, "sam", "203.0.113.1", 1);
    const auto locked = l.login_locked("sam", "198.51.100.9");
    ASSERT_TRUE(locked);
    EXPECT_GT(*locked, 0s);
    EXPECT_LE(*locked, 15min);
    EXPECT_FALSE(l.login_locked("alex", "203.0.113.1")) << "the address is below its own limit";
}

TEST(SignInLockout, AddressIsLockedForEveryUsernameAfterItsFailures) {
    limits l(lockout_after(100, 3));
    fail_sign_ins(l, "ann", "203.0.113.1", 1);
    fail_sign_ins(l, "ben", "203.0.113.1", 1);
    fail_sign_ins(l, "cat", "203.0.113.1", 1);

    EXPECT_TRUE(l.login_locked("sam", "203.0.113.1"));
    EXPECT_FALSE(l.login_locked("sam", "198.51.100.9"));
}

TEST(RegistrationsPerAddress, AddressIsRefusedAfterItsRegistrationsForTheHour) {
    options opts;
    opts.registrations_per_address = 2;
    limits l(opts);

    EXPECT_FALSE(l.take_registration("203.0.113.1"));
    EXPECT_FALSE(l.take_registration("203.0.113.1"));
    const auto wait = l.take_registration("203.0.113.1");
    ASSERT_TRUE(wait);
    EXPECT_GT(*wait, 3590s);
    EXPECT_LE(*wait, 3600s);
    EXPECT_FALSE(l.take_registration("198.51.100.9"));
}

TEST(RegistrationsPerAddress, RefusedRegistrationDoesNotExtendTheWait) {
    options opts;
    opts.registrations_per_address = 1;
    limits l(opts);
    EXPECT_FALSE(l.take_registration("203.0.113.1"));

    const auto first = l.take_registration("203.0.113.1");
    const auto second = l.take_registration("203.0.113.1");
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_LE(*second, *first);
}

TEST(RegistrationsPerAddress, ZeroLiftsTheLimit) {
    options opts;
    opts.registrations_per_address = 0;
    limits l(opts);

    for (int i = 0; i < 100; ++i) {
        ASSERT_FALSE(l.take_registration("203.0.113.1")) << "registration " << i;
    }
}
