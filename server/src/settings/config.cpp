#include "settings/config.hpp"

#include "settings/log.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <fstream>

namespace carecircle::server {
namespace po = boost::program_options;
namespace {

constexpr std::string_view env_prefix = "CARECIRCLE_";

// The origin a browser sends for pages at `address`: scheme://host, plus :port unless it is the
// scheme's default, in lower case. Only absolute http(s) addresses with no user, path, query or
// fragment qualify.
std::optional<std::string> origin_of(std::string_view address) {
    namespace urls = boost::urls;
    auto parsed = urls::parse_absolute_uri(address);
    if (!parsed) {
        return std::nullopt;
    }
    const auto& url = *parsed;
    const bool https = url.scheme_id() == urls::scheme::https;
    if ((!https && url.scheme_id() != urls::scheme::http) || url.encoded_host().empty() ||
        url.has_userinfo() || url.has_query() ||
        !(url.encoded_path().empty() || url.encoded_path() == "/")) {
        return std::nullopt;
    }
    std::string origin =
        std::string(https ? "https://" : "http://") + std::string(url.encoded_host());
    if (url.has_port() && url.port_number() != (https ? 443 : 80)) {
        origin += ':' + std::string(url.port());
    }
    std::transform(origin.begin(), origin.end(), origin.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return origin;
}

// HOST:PORT, where HOST may be a bracketed IPv6 address.
bool split_listen(const std::string& listen, options& opts) {
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

struct raw_settings {
    std::string listen = "127.0.0.1:8080";
    std::string db = "data/carecircle.db";
    std::string secret_file;
    std::string web_root;
    std::string tls_cert;
    std::string tls_key;
    std::string public_url;
    std::string log_level = "info";
    long handshake_timeout_seconds = 30;
    long close_timeout_seconds = 5;
    long login_window_seconds = 15L * 60;
    long ws_idle_timeout_seconds = 300;
    long reminder_lead_minutes = 120;
    long reminder_check_seconds = 30;
    long retention_check_seconds = 3600;
    long event_coalescing_ms = 20;
};

po::options_description describe(options& opts, raw_settings& raw) {
    po::options_description desc("carecircle serve");
    // clang-format off
    desc.add_options()
        ("config", po::value<std::string>(), "settings file of `name = value` lines")
        ("print-config", po::bool_switch(), "show the effective settings and stop")
        ("listen", po::value(&raw.listen), "HOST:PORT to listen on (port 0 picks a free one)")
        ("db", po::value(&raw.db), "SQLite database file")
        ("secret-file", po::value(&raw.secret_file),
         "the server's own secret, made on first start (default: the db file's name + .secret)")
        ("web-root", po::value(&raw.web_root), "folder of the web client")
        ("tls-cert", po::value(&raw.tls_cert), "PEM certificate chain: serve HTTPS and WSS")
        ("tls-key", po::value(&raw.tls_key), "PEM private key of the certificate")
        ("public-url", po::value(&raw.public_url),
         "the address people use, e.g. https://care.example.org (its origin opens WebSockets)")
        ("allowed-origin", po::value(&opts.allowed_origins)->composing(),
         "another origin that may open WebSockets (repeatable)")
        ("metrics-token", po::value(&opts.metrics_token),
         "bearer token that opens /metrics to non-loopback clients")
        ("log-level", po::value(&raw.log_level), "debug, info, warn or error")
        ("trust-proxy", po::value(&opts.trust_proxy),
         "true behind a reverse proxy on loopback: honour X-Forwarded-For and -Proto")
        ("send-rate", po::value(&opts.send_rate), "messages.send per second per user (0: no limit)")
        ("send-burst", po::value(&opts.send_burst), "messages.send burst per user")
        ("request-rate", po::value(&opts.request_rate),
         "other WebSocket requests per second per connection, twice that per user (0: no limit)")
        ("request-burst", po::value(&opts.request_burst), "WebSocket request burst per connection")
        ("create-rate", po::value(&opts.create_rate),
         "requests that create groups, meet-ups or reports per second per user (0: no limit)")
        ("create-burst", po::value(&opts.create_burst), "burst of such requests per user")
        ("max-frame-bytes", po::value(&opts.max_frame_bytes), "largest WebSocket message accepted")
        ("max-body-bytes", po::value(&opts.max_body_bytes), "largest HTTP request body accepted")
        ("max-header-bytes", po::value(&opts.max_header_bytes),
         "largest HTTP request line and headers accepted")
        ("max-outgoing-messages", po::value(&opts.max_outgoing_messages),
         "frames queued for one connection before it is closed as too slow")
        ("max-json-depth", po::value(&opts.max_json_depth),
         "deepest JSON nesting accepted in a WebSocket request")
        ("close-timeout-seconds", po::value(&raw.close_timeout_seconds),
         "wait for the client's close frame before dropping the connection")
        ("handshake-timeout-seconds", po::value(&raw.handshake_timeout_seconds),
         "time allowed for a request's headers or a TLS handshake")
        ("ws-idle-timeout-seconds", po::value(&raw.ws_idle_timeout_seconds),
         "drop a WebSocket silent this long (pinged at half of it)")
        ("login-failures-per-user", po::value(&opts.login_failures_per_user),
         "failed sign-ins for one username within the window before it is locked")
        ("login-failures-per-address", po::value(&opts.login_failures_per_address),
         "failed sign-ins from one client address within the window before it is locked")
        ("login-window-seconds", po::value(&raw.login_window_seconds),
         "sliding window over which failed sign-ins are counted")
        ("registrations-per-address", po::value(&opts.registrations_per_address),
         "accounts created from one client address per hour (0: no limit)")
        ("password-queue", po::value(&opts.password_queue),
         "sign-ins and registrations waiting for a password hash before 503")
        ("max-connections-per-ip", po::value(&opts.max_connections_per_ip),
         "open connections allowed from one client address (0: no limit)")
        ("io-threads", po::value(&opts.io_threads), "threads running network I/O")
        ("read-connections", po::value(&opts.read_connections), "read-only database connections")
        ("event-coalescing-ms", po::value(&raw.event_coalescing_ms),
         "longest an event waits to share a write with the next ones (0: none)")
        ("history-window", po::value(&opts.history_window),
         "latest messages of each group kept in memory for history reads (0: none)")
        ("reminder-lead-minutes", po::value(&raw.reminder_lead_minutes),
         "meetup.reminder this long before a meet-up (0: none)")
        ("reminder-check-seconds", po::value(&raw.reminder_check_seconds),
         "how often to look for due meet-up reminders")
        ("retention-check-seconds", po::value(&raw.retention_check_seconds),
         "how often to delete messages older than their group keeps them");
    // clang-format on
    return desc;
}

// CARECIRCLE_SEND_RATE -> send-rate. Other variables, and CARECIRCLE_ ones that name no
// setting, are not ours and are left alone.
std::string option_for(const po::options_description& desc, const std::string& variable) {
    if (variable.rfind(env_prefix, 0) != 0) {
        return {};
    }
    std::string name = variable.substr(env_prefix.size());
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
        return c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (name == "print-config" || desc.find_nothrow(name, false) == nullptr) {
        return {};
    }
    return name;
}

} // namespace

std::optional<serve_config> read_serve_config(const std::vector<std::string>& args,
                                              std::ostream& errors) {
    serve_config config;
    raw_settings raw;
    const auto desc = describe(config.opts, raw);
    try {
        po::variables_map vm;
        // The first source to give a setting wins: flags, then environment, then the file.
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        po::store(
            po::parse_environment(
                desc, [&desc](const std::string& variable) { return option_for(desc, variable); }),
            vm);
        if (vm.count("config")) {
            const auto path = vm["config"].as<std::string>();
            std::ifstream file(path);
            if (!file) {
                errors << "carecircle: cannot read the config file " << path << '\n';
                return std::nullopt;
            }
            po::store(po::parse_config_file(file, desc, false), vm);
        }
        po::notify(vm);
        config.print_only = vm["print-config"].as<bool>();
    } catch (const po::error& e) {
        errors << "carecircle: " << e.what() << '\n';
        return std::nullopt;
    }

    auto& opts = config.opts;
    if (raw.tls_cert.empty() != raw.tls_key.empty()) {
        errors << "carecircle: tls-cert and tls-key go together\n";
        return std::nullopt;
    }
    if (!raw.public_url.empty()) {
        auto origin = origin_of(raw.public_url);
        if (!origin) {
            errors << "carecircle: public-url must be an http or https address with no path, "
                      "such as https://care.example.org\n";
            return std::nullopt;
        }
        opts.public_origin = *origin;
    }
    opts.tls_certificate = raw.tls_cert;
    opts.tls_private_key = raw.tls_key;
    if (!split_listen(raw.listen, opts)) {
        errors << "carecircle: listen must be HOST:PORT\n";
        return std::nullopt;
    }
    log::level level{};
    if (!log::parse_level(raw.log_level, level)) {
        errors << "carecircle: log-level must be debug, info, warn or error\n";
        return std::nullopt;
    }
    log::set_level(level);
    opts.log_level = raw.log_level;
    if (opts.send_rate < 0 || opts.send_burst < 1 || opts.max_frame_bytes < 1024 ||
        opts.max_body_bytes < 1024 || opts.max_header_bytes < 1024 ||
        opts.max_outgoing_messages < 16 || raw.handshake_timeout_seconds < 1 ||
        raw.ws_idle_timeout_seconds < 2 || opts.login_failures_per_user < 1 ||
        opts.login_failures_per_address < 1 || raw.login_window_seconds < 1 ||
        raw.reminder_lead_minutes < 0 || opts.max_json_depth < 2 || opts.max_json_depth > 64 ||
        raw.close_timeout_seconds < 1 || raw.close_timeout_seconds > 60 || opts.request_rate < 0 ||
        opts.request_burst < 1 || opts.create_rate < 0 || opts.create_burst < 1 ||
        opts.password_queue < 1) {
        errors << "carecircle: a limit is out of range (see --help)\n";
        return std::nullopt;
    }
    opts.io_threads = std::max<std::size_t>(1, opts.io_threads);
    opts.read_connections = std::max<std::size_t>(1, opts.read_connections);
    opts.handshake_timeout = std::chrono::seconds{raw.handshake_timeout_seconds};
    opts.close_timeout = std::chrono::seconds{raw.close_timeout_seconds};
    opts.ws_idle_timeout = std::chrono::seconds{raw.ws_idle_timeout_seconds};
    opts.login_window = std::chrono::seconds{raw.login_window_seconds};
    opts.reminder_lead = std::chrono::minutes{raw.reminder_lead_minutes};
    opts.reminder_interval = std::chrono::seconds{std::max(1L, raw.reminder_check_seconds)};
    opts.retention_interval = std::chrono::seconds{std::max(1L, raw.retention_check_seconds)};
    opts.event_coalescing =
        std::chrono::milliseconds{std::clamp(raw.event_coalescing_ms, 0L, 60000L)};
    opts.database = raw.db;
    opts.secret_file = raw.secret_file.empty() ? raw.db + ".secret" : raw.secret_file;
    opts.web_root = raw.web_root;
    return config;
}

void print_config(const options& opts, std::ostream& out) {
    out << "listen = " << opts.listen_host << ':' << opts.listen_port << '\n'
        << "db = " << opts.database.string() << '\n'
        << "secret-file = " << opts.secret_file.string() << '\n'
        << "web-root = " << opts.web_root.string() << '\n'
        << "tls-cert = " << opts.tls_certificate.string() << '\n'
        << "tls-key = " << opts.tls_private_key.string() << '\n';
    for (const auto& origin : opts.allowed_origins) {
        out << "allowed-origin = " << origin << '\n';
    }
    out << "public-url = " << opts.public_origin << '\n';
    out << "metrics-token = " << (opts.metrics_token.empty() ? "" : "(set, hidden)") << '\n'
        << "log-level = " << opts.log_level << '\n'
        << "trust-proxy = " << (opts.trust_proxy ? "true" : "false") << '\n'
        << "send-rate = " << opts.send_rate << '\n'
        << "send-burst = " << opts.send_burst << '\n'
        << "request-rate = " << opts.request_rate << '\n'
        << "request-burst = " << opts.request_burst << '\n'
        << "create-rate = " << opts.create_rate << '\n'
        << "create-burst = " << opts.create_burst << '\n'
        << "max-frame-bytes = " << opts.max_frame_bytes << '\n'
        << "max-body-bytes = " << opts.max_body_bytes << '\n'
        << "max-header-bytes = " << opts.max_header_bytes << '\n'
        << "max-outgoing-messages = " << opts.max_outgoing_messages << '\n'
        << "handshake-timeout-seconds = " << opts.handshake_timeout.count() << '\n'
        << "max-json-depth = " << opts.max_json_depth << '\n'
        << "close-timeout-seconds = " << opts.close_timeout.count() << '\n'
        << "max-connections-per-ip = " << opts.max_connections_per_ip << '\n'
        << "ws-idle-timeout-seconds = " << opts.ws_idle_timeout.count() << '\n'
        << "login-failures-per-user = " << opts.login_failures_per_user << '\n'
        << "login-failures-per-address = " << opts.login_failures_per_address << '\n'
        << "login-window-seconds = " << opts.login_window.count() << '\n'
        << "registrations-per-address = " << opts.registrations_per_address << '\n'
        << "password-queue = " << opts.password_queue << '\n'
        << "io-threads = " << opts.io_threads << '\n'
        << "read-connections = " << opts.read_connections << '\n'
        << "event-coalescing-ms = " << opts.event_coalescing.count() << '\n'
        << "history-window = " << opts.history_window << '\n'
        << "reminder-lead-minutes = " << opts.reminder_lead.count() << '\n'
        << "reminder-check-seconds = " << opts.reminder_interval.count() << '\n'
        << "retention-check-seconds = " << opts.retention_interval.count() << '\n';
}

} // namespace carecircle::server
