// Sign-ins and registrations wait for an Argon2 hash on one thread. A flood of them from many
// addresses is turned away (503 with Retry-After) once the queue is full, instead of putting
// every honest sign-in behind it (docs/security.md, "Limits").

#include "server_test.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace carecircle::test;

namespace {

constexpr int flooders = 60;
constexpr int requests_each = 5;

// Behind a trusted proxy, so the test can speak for many client addresses at once, none of
// them over its own sign-in or registration limit.
class PasswordQueue : public server_test {
protected:
    server_options options() const override {
        return with_admin({"--password-queue", "16", "--trust-proxy", "true"});
    }
};

// 10.<thread>.<request>.1: a different client address for every request of the flood.
header_list from_address(int thread, int request) {
    return {
        {"X-Forwarded-For", "10." + std::to_string(thread) + "." + std::to_string(request) + ".1"}};
}

struct flood_result {
    std::atomic<int> answered{0};
    std::atomic<int> unavailable{0};
    std::mutex mutex;
    std::vector<std::string> wrong; // anything other than 503 as it should be, 201 or 401
};

void flood(unsigned short port, int thread, flood_result& result) {
    for (int i = 0; i < requests_each; ++i) {
        const std::string name = "flood_" + std::to_string(thread) + "_" + std::to_string(i);
        const bool registering = i % 2 == 0;
        const auto answer =
            registering
                ? http(port, "POST", "/api/register",
                       json::value{{"username", name},
                                   {"password", "a flood of passwords"},
                                   {"display_name", name}},
                       from_address(thread, i))
                : http(port, "POST", "/api/login",
                       json::value{{"username", name}, {"password", "a flood of passwords"}},
                       from_address(thread, i));
        ++result.answered;
        if (answer.status == 503) {
            ++result.unavailable;
            const auto retry_after = answer.header("Retry-After");
            if (answer.error_code() != "unavailable" || retry_after.empty() ||
                std::stol(retry_after) < 1) {
                const std::lock_guard lock(result.mutex);
                result.wrong.push_back(answer.body + " Retry-After: " + retry_after);
            }
        } else if (answer.status != (registering ? 201u : 401u)) {
            const std::lock_guard lock(result.mutex);
            result.wrong.push_back(std::to_string(answer.status) + " " + answer.body);
        }
    }
}

// Signs in, coming back after Retry-After as often as told to, for at most `patience`.
http_response patient_sign_in(unsigned short port, const account& who,
                              std::chrono::seconds patience) {
    const auto give_up = std::chrono::steady_clock::now() + patience;
    for (;;) {
        auto answer = http(port, "POST", "/api/login",
                           json::value{{"username", who.username}, {"password", who.password}});
        if (answer.status != 503 || std::chrono::steady_clock::now() >= give_up)
            return answer;
        std::this_thread::sleep_for(std::chrono::seconds(std::stol(answer.header("Retry-After"))));
    }
}

} // namespace

TEST_F(PasswordQueue, FloodFromManyAddressesLeavesAnHonestSignInAnswered) {
    const auto honest = register_user("hana");

    flood_result result;
    std::vector<std::thread> threads;
    for (int t = 0; t < flooders; ++t)
        threads.emplace_back([this, t, &result] { flood(port(), t, result); });
    // Signs in while the queue is full (or, should it never fill, once the flood is over).
    const auto flood_seen_by = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (result.unavailable == 0 && result.answered < flooders * requests_each &&
           std::chrono::steady_clock::now() < flood_seen_by)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto during = patient_sign_in(port(), honest, std::chrono::seconds(60));
    for (auto& thread : threads)
        thread.join();

    EXPECT_EQ(during.status, 200u) << during.body;
    EXPECT_GT(result.unavailable, 0) << "the queue never filled";
    EXPECT_LT(result.unavailable, flooders * requests_each) << "nothing was admitted";
    for (const auto& answer : result.wrong)
        ADD_FAILURE() << answer;

    // Once the flood has passed, sign-in is answered straight away again.
    EXPECT_EQ(http(port(), "POST", "/api/login",
                   json::value{{"username", honest.username}, {"password", honest.password}})
                  .status,
              200u);
}

TEST_F(PasswordQueue, SettingIsShownByPrintConfigAndHasAFloor) {
    const auto [status, output] =
        server().run_tool({"serve", "--password-queue", "5", "--print-config"}, "");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("password-queue = 5\n"), std::string::npos) << output;
    const auto [defaults, default_output] = server().run_tool({"serve", "--print-config"}, "");
    EXPECT_NE(default_output.find("password-queue = 64\n"), std::string::npos) << default_output;
    const auto [zero, refusal] =
        server().run_tool({"serve", "--password-queue", "0", "--print-config"}, "");
    EXPECT_NE(zero, 0) << refusal;
}
