#include "target.hpp"

#include "child_process.hpp"
#include "http.hpp"
#include "seed.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace carecircle::bench {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

constexpr auto startup_timeout = std::chrono::seconds(60);
constexpr std::string_view user_password = "bench-password-1";
constexpr std::size_t registering_threads = 4;

fs::path make_work_dir(const fs::path& root) {
    const fs::path base = root.empty() ? fs::temp_directory_path() : root;
    fs::create_directories(base);
    std::string pattern = (base / "carecircle-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot make a temporary folder under " + base.string());
    }
    return pattern;
}

std::string random_tag() {
    std::random_device device;
    std::uniform_int_distribution<unsigned> digit(0, 35);
    std::string tag;
    for (int i = 0; i < 6; ++i) {
        const unsigned d = digit(device);
        tag.push_back(static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10));
    }
    return tag;
}

// What a fixture folder holds beside its database: the users' tokens and the long history.
struct fixture_state {
    std::vector<std::string> tokens;
    std::optional<seeded_history> history;

    static fixture_state load(const fs::path& file) {
        fixture_state state;
        std::ifstream in(file);
        if (!in) {
            return state;
        }
        std::stringstream text;
        text << in.rdbuf();
        const auto root = json::parse(text.str()).as_object();
        for (const auto& token : root.at("tokens").as_array()) {
            state.tokens.emplace_back(token.as_string());
        }
        if (const auto* h = root.if_contains("history"); h && h->is_object()) {
            state.history = seeded_history{h->at("group").as_int64(),
                                           static_cast<std::size_t>(h->at("messages").as_int64())};
        }
        return state;
    }

    void save(const fs::path& file) const {
        json::object root;
        json::array list;
        for (const auto& token : tokens) {
            list.emplace_back(token);
        }
        root["tokens"] = std::move(list);
        if (history) {
            root["history"] =
                json::object{{"group", history->group},
                             {"messages", static_cast<std::int64_t>(history->messages)}};
        }
        const fs::path temporary = file.string() + ".new";
        std::ofstream(temporary) << json::serialize(root) << '\n';
        fs::rename(temporary, file);
    }
};

std::string token_from(const http_answer& answer, std::string_view what) {
    if (answer.status != 200 && answer.status != 201) {
        throw std::runtime_error(std::string(what) + " failed with HTTP " +
                                 std::to_string(answer.status) + ": " + answer.body);
    }
    return std::string(json::parse(answer.body).as_object().at("token").as_string());
}

class carecircle_target final : public target {
public:
    explicit carecircle_target(const target_config& config) : config_(config), tag_(random_tag()) {
        const bool from_fixture = !config.fixture.empty();
        if (from_fixture) {
            fixture_ = fixture_state::load(config.fixture / "fixture.json");
        }
        if (config.external.port != 0) {
            // A running server: its database must be a copy of the fixture for its tokens.
            where_ = config.external;
            login_admin();
            return;
        }
        work_ = config.write_fixture ? config.fixture : make_work_dir(config.work_root);
        fs::create_directories(work_);
        db_ = work_ / "cc.db";
        if (from_fixture) {
            if (!config.write_fixture) {
                for (const char* suffix : {"", "-wal", "-shm"}) {
                    const fs::path from = config.fixture / (std::string("cc.db") + suffix);
                    if (fs::exists(from)) {
                        fs::copy_file(from, work_ / from.filename(),
                                      fs::copy_options::overwrite_existing);
                    }
                }
            }
        }
        if (!fs::exists(db_)) {
            create_admin();
        }
        start();
        login_admin();
    }

    ~carecircle_target() override {
        server_.reset();
        if (!config_.keep_work && !config_.write_fixture && !work_.empty()) {
            std::error_code ignored;
            fs::remove_all(work_, ignored);
        }
    }

    std::string name() const override { return "carecircle"; }
    endpoint where() const override { return where_; }
    pid_t pid() const override { return server_ ? server_->pid() : config_.external_pid; }

    std::vector<std::string> tokens(std::size_t n) override {
        std::vector<std::string> out(fixture_.tokens.begin(),
                                     fixture_.tokens.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                   n, fixture_.tokens.size())));
        if (out.size() < n) {
            auto fresh = register_users(n - out.size());
            out.insert(out.end(), fresh.begin(), fresh.end());
            if (config_.write_fixture) {
                fixture_.tokens.insert(fixture_.tokens.end(), fresh.begin(), fresh.end());
                fixture_.save(config_.fixture / "fixture.json");
            }
        }
        return out;
    }

    std::string admin_token() override { return admin_token_; }
    double startup_seconds() const override {
        return server_ ? std::chrono::duration<double>(server_->startup_time()).count() : 0;
    }

    bool can_seed_offline() const override { return server_ != nullptr; }

    double seed_offline(std::int64_t group, std::size_t count) override {
        server_->stop();
        server_.reset();
        std::cerr << "  seeding " << count << " messages into group " << group << " ...\n";
        append_messages(db_, group, config_.admin_user, count);
        start();
        login_admin();
        return std::chrono::duration<double>(server_->startup_time()).count();
    }

    std::optional<seeded_history> fixture_history() const override { return fixture_.history; }

    void remember_history(const seeded_history& history) override {
        if (config_.write_fixture) {
            fixture_.history = history;
            fixture_.save(config_.fixture / "fixture.json");
        }
    }

private:
    void create_admin() {
        const auto result = test::run_program(
            {config_.server_binary, "admin", "create-user", "--db", db_.string(), "--username",
             config_.admin_user, "--display-name", "Bench", "--role", "admin"},
            config_.admin_password + "\n", std::chrono::seconds(60));
        if (result.status != 0) {
            throw std::runtime_error("carecircle admin create-user failed: " + result.output);
        }
    }

    void start() {
        // Every simulated client comes from 127.0.0.1, so the per-user send limit and the
        // per-address connection limit are lifted; everything else runs at its default.
        std::vector<std::string> argv{config_.server_binary,
                                      "serve",
                                      "--listen",
                                      "127.0.0.1:0",
                                      "--db",
                                      db_.string(),
                                      "--send-rate",
                                      "0",
                                      "--request-rate",
                                      "0",
                                      "--max-connections-per-ip",
                                      "0"};
        argv.insert(argv.end(), config_.server_args.begin(), config_.server_args.end());
        server_ = std::make_unique<test::listening_process>(argv, work_ / "server.log",
                                                            config_.server_cpus, startup_timeout);
        where_ = endpoint{"127.0.0.1", server_->port()};
    }

    void login_admin() {
        const json::object body{{"username", config_.admin_user},
                                {"password", config_.admin_password}};
        admin_token_ =
            token_from(http_post(where_, "/api/login", json::serialize(body)), "admin sign-in");
    }

    std::vector<std::string> register_users(std::size_t n) {
        std::cerr << "  registering " << n
                  << " users (Argon2 on the server: this takes a while) ...\n";
        std::vector<std::string> out(n);
        std::atomic<std::size_t> next{0};
        std::mutex failure_mutex;
        std::string failure;
        std::vector<std::thread> workers;
        const std::size_t first = registered_;
        registered_ += n;
        for (std::size_t t = 0; t < std::min(registering_threads, n); ++t) {
            workers.emplace_back([&] {
                for (std::size_t i = next++; i < n; i = next++) {
                    try {
                        const std::string username = "b" + tag_ + "u" + std::to_string(first + i);
                        const json::object body{
                            {"username", username},
                            {"password", user_password},
                            {"display_name", "Bench user " + std::to_string(first + i)}};
                        out[i] =
                            token_from(http_post(where_, "/api/register", json::serialize(body)),
                                       "registration");
                    } catch (const std::exception& e) {
                        std::lock_guard lock(failure_mutex);
                        failure = e.what();
                        next = n;
                    }
                }
            });
        }
        for (auto& worker : workers) {
            worker.join();
        }
        if (!failure.empty()) {
            throw std::runtime_error(failure);
        }
        return out;
    }

    target_config config_;
    std::string tag_;
    fs::path work_;
    fs::path db_;
    fixture_state fixture_;
    std::unique_ptr<test::listening_process> server_;
    endpoint where_;
    std::string admin_token_;
    std::size_t registered_ = 0;
};

class reference_target final : public target {
public:
    explicit reference_target(const target_config& config) : config_(config) {
        if (config.reference_script.empty()) {
            where_ = config.reference_external;
            return;
        }
        work_ = make_work_dir(config.work_root);
        server_ = std::make_unique<test::listening_process>(
            std::vector<std::string>{config.node, config.reference_script, "--listen",
                                     "127.0.0.1:0"},
            work_ / "reference.log", config.server_cpus, startup_timeout);
        where_ = endpoint{"127.0.0.1", server_->port()};
    }

    ~reference_target() override {
        server_.reset();
        if (!config_.keep_work && !work_.empty()) {
            std::error_code ignored;
            fs::remove_all(work_, ignored);
        }
    }

    std::string name() const override { return "reference"; }
    endpoint where() const override { return where_; }
    pid_t pid() const override { return server_ ? server_->pid() : 0; }
    std::vector<std::string> tokens(std::size_t n) override { return std::vector<std::string>(n); }
    std::string admin_token() override { return {}; }
    bool is_reference() const override { return true; }

private:
    target_config config_;
    fs::path work_;
    std::unique_ptr<test::listening_process> server_;
    endpoint where_;
};

} // namespace

std::unique_ptr<target> start_carecircle(const target_config& config) {
    return std::make_unique<carecircle_target>(config);
}

std::unique_ptr<target> start_reference(const target_config& config) {
    return std::make_unique<reference_target>(config);
}

} // namespace carecircle::bench
