// The `carecircle` command line (PROTOCOL.md section 1).
#include "carecircle/protocol/validation.hpp"
#include "carecircle/storage/database.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "crypto/security.hpp"
#include "http/static_files.hpp"
#include "program/demo_data.hpp"
#include "program/server.hpp"
#include "settings/config.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace carecircle;

namespace {

constexpr const char* usage = R"(usage:
  carecircle serve [--config FILE] [--print-config] [--listen HOST:PORT] [--db PATH]
                   [--web-root DIR] [--tls-cert F --tls-key F] [--send-rate R] [--send-burst B]
                   [--allowed-origin ORIGIN] [--metrics-token T] [--log-level L] ...
                   (every setting also as CARECIRCLE_<NAME> in the environment)
  carecircle admin create-user --db PATH --username U --display-name D --role admin|moderator|member
  carecircle admin set-role --db PATH --username U --role admin|moderator|member
  carecircle admin stats --db PATH
  carecircle admin seed-demo --db PATH
  carecircle backup --db PATH --to FILE
  carecircle --version
)";

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc) {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    return vm;
}

int run_serve(const std::vector<std::string>& args) {
    auto config = server::read_serve_config(args, std::cerr);
    if (!config) {
        return 2;
    }
    auto& opts = config->opts;
    if (opts.web_root.empty()) {
        opts.web_root = server::default_web_root(std::filesystem::canonical("/proc/self/exe"));
    }
    // Resolved once here rather than on every static request.
    opts.web_root = std::filesystem::weakly_canonical(opts.web_root);
    if (config->print_only) {
        server::print_config(opts, std::cout);
        return 0;
    }
    return server::serve(opts);
}

int run_create_user(const std::vector<std::string>& args) {
    std::string db, username, display_name, role_name;
    po::options_description desc("admin create-user");
    desc.add_options()("db", po::value(&db)->required(), "SQLite database file")(
        "username", po::value(&username)->required(), "3-32 characters of a-z 0-9 _ . -")(
        "display-name", po::value(&display_name)->required(), "name shown to others")(
        "role", po::value(&role_name)->required(), "admin, moderator or member");
    parse(args, desc);
    const auto role = parse_site_role(role_name);
    if (!role) {
        std::cerr << "carecircle: --role must be admin, moderator or member\n";
        return 2;
    }
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    for (const auto& problem :
         {validation::check_username(username), validation::check_display_name(display_name),
          validation::check_password(password)}) {
        if (problem) {
            std::cerr << "carecircle: " << *problem << '\n';
            return 1;
        }
    }
    auto connection = storage::open_database(db, storage::access::read_write);
    try {
        const auto user =
            storage::insert_user(connection, validation::normalise_username(username),
                                 std::string(validation::trim(display_name)),
                                 server::hash_password(password), *role, storage::now());
        std::cout << "created user " << user.username << " (id " << user.id.value << ")\n";
    } catch (const storage::username_taken&) {
        std::cerr << "carecircle: the username " << username << " is taken\n";
        return 1;
    }
    return 0;
}

int run_stats(const std::vector<std::string>& args) {
    std::string db;
    po::options_description desc("admin stats");
    desc.add_options()("db", po::value(&db)->required(), "SQLite database file");
    parse(args, desc);
    auto connection = storage::open_database(db, storage::access::read_only);
    const auto stats = storage::read_stats(connection);
    std::cout << "users: " << stats.users << "\ngroups: " << stats.groups
              << "\nmessages: " << stats.messages << "\nmeetups: " << stats.meetups
              << "\ndatabase bytes: " << stats.bytes << '\n';
    return 0;
}

// Site roles change offline; a running server learns them at its next start.
int run_set_role(const std::vector<std::string>& args) {
    std::string db, username, role_name;
    po::options_description desc("admin set-role");
    desc.add_options()("db", po::value(&db)->required(), "SQLite database file")(
        "username", po::value(&username)->required(), "whose site role to change")(
        "role", po::value(&role_name)->required(), "admin, moderator or member");
    parse(args, desc);
    const auto role = parse_site_role(role_name);
    if (!role) {
        std::cerr << "carecircle: --role must be admin, moderator or member\n";
        return 2;
    }
    auto connection = storage::open_database(db, storage::access::read_write);
    const auto user =
        storage::find_user_by_username(connection, validation::normalise_username(username));
    if (!user) {
        std::cerr << "carecircle: no user " << username << '\n';
        return 1;
    }
    storage::set_site_role(connection, user->user.id, *role);
    std::cout << user->user.username << " is now a site " << role_name << '\n';
    return 0;
}

int run_seed_demo(const std::vector<std::string>& args) {
    std::string db;
    po::options_description desc("admin seed-demo");
    desc.add_options()("db", po::value(&db)->required(), "SQLite database file");
    parse(args, desc);
    const auto account = server::seed_demo_data(db);
    std::cout << (account.created ? "demo data added" : "demo data already present")
              << "; demo account: username " << account.username << ", password "
              << account.password << '\n';
    return 0;
}

int run_backup(const std::vector<std::string>& args) {
    std::string db, to;
    po::options_description desc("backup");
    desc.add_options()("db", po::value(&db)->required(), "live SQLite database file")(
        "to", po::value(&to)->required(), "file to write the copy to");
    parse(args, desc);
    storage::backup(db, to);
    std::cout << "backed up " << db << " to " << to << '\n';
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h") {
            std::cout << usage;
            return args.empty() ? 2 : 0;
        }
        if (args[0] == "--version") {
            std::cout << "carecircle " << CARECIRCLE_VERSION << '\n';
            return 0;
        }
        const std::string command = args[0];
        args.erase(args.begin());
        if (command == "serve") {
            return run_serve(args);
        }
        if (command == "backup") {
            return run_backup(args);
        }
        if (command == "admin" && !args.empty()) {
            const std::string sub = args[0];
            args.erase(args.begin());
            if (sub == "create-user") {
                return run_create_user(args);
            }
            if (sub == "stats") {
                return run_stats(args);
            }
            if (sub == "set-role") {
                return run_set_role(args);
            }
            if (sub == "seed-demo") {
                return run_seed_demo(args);
            }
        }
        std::cerr << "carecircle: unknown command\n" << usage;
        return 2;
    } catch (const po::error& e) {
        std::cerr << "carecircle: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "carecircle: " << e.what() << '\n';
        return 1;
    }
}
