// The `carecircle` command line (PROTOCOL.md section 1).
#include "carecircle/protocol/validation.hpp"
#include "carecircle/storage/database.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "demo_data.hpp"
#include "security.hpp"
#include "server.hpp"
#include "static_files.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace carecircle;

namespace {

constexpr const char* usage = R"(usage:
  carecircle serve [--listen HOST:PORT] [--db PATH] [--web-root DIR] [--tls-cert F --tls-key F]
                   [--send-rate R] [--send-burst B] [--allowed-origin ORIGIN]
  carecircle admin create-user --db PATH --username U --display-name D --role admin|moderator|member
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

// HOST:PORT, where HOST may be a bracketed IPv6 address.
bool split_listen(const std::string& listen, server::options& opts) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        return false;
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    try {
        const auto port = std::stoul(listen.substr(colon + 1));
        if (port > 65535) {
            return false;
        }
        opts.listen_port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        return false;
    }
    opts.listen_host = host == "localhost" ? "127.0.0.1" : host;
    return true;
}

int run_serve(const std::vector<std::string>& args, const char* argv0) {
    server::options opts;
    std::string listen = "127.0.0.1:8080";
    std::string db = opts.database.string();
    std::string web_root;
    po::options_description desc("serve");
    desc.add_options()("listen", po::value(&listen),
                       "HOST:PORT to listen on (port 0 picks a free one)")(
        "db", po::value(&db), "SQLite database file")("web-root", po::value(&web_root),
                                                      "folder of the web client")(
        "tls-cert", po::value<std::string>(), "PEM certificate chain: serve HTTPS and WSS")(
        "tls-key", po::value<std::string>(), "PEM private key of the certificate")(
        "allowed-origin", po::value(&opts.allowed_origins)->composing(),
        "another origin that may open WebSockets")(
        "send-rate", po::value(&opts.send_rate), "messages.send per second per user (0: no limit)")(
        "send-burst", po::value(&opts.send_burst), "messages.send burst per user")(
        "max-frame-bytes", po::value(&opts.max_frame_bytes), "largest WebSocket message accepted")(
        "io-threads", po::value(&opts.io_threads),
        "threads running network I/O")("reminder-lead-minutes", po::value<long>(),
                                       "meetup.reminder this long before a meet-up (0: none)")(
        "reminder-check-seconds", po::value<long>(), "how often to look for due meet-up reminders");
    const auto vm = parse(args, desc);
    if (vm.count("tls-cert") != vm.count("tls-key")) {
        std::cerr << "carecircle: --tls-cert and --tls-key go together\n";
        return 2;
    }
    if (vm.count("tls-cert")) {
        opts.tls_certificate = vm["tls-cert"].as<std::string>();
        opts.tls_private_key = vm["tls-key"].as<std::string>();
    }
    if (!split_listen(listen, opts)) {
        std::cerr << "carecircle: --listen must be HOST:PORT\n";
        return 2;
    }
    if (opts.io_threads == 0) {
        opts.io_threads = 1;
    }
    if (vm.count("reminder-lead-minutes")) {
        opts.reminder_lead = std::chrono::minutes{vm["reminder-lead-minutes"].as<long>()};
    }
    if (vm.count("reminder-check-seconds")) {
        opts.reminder_interval =
            std::chrono::seconds{std::max(1L, vm["reminder-check-seconds"].as<long>())};
    }
    opts.database = db;
    opts.web_root = web_root.empty()
                        ? server::default_web_root(std::filesystem::canonical("/proc/self/exe"))
                        : std::filesystem::path(web_root);
    (void)argv0;
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
            return run_serve(args, argv[0]);
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
