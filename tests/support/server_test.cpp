#include "server_test.hpp"

#include <stdexcept>
#include <thread>

namespace carecircle::test {

server_options with_admin(std::vector<std::string> extra_args) {
    server_options options;
    options.users.push_back({std::string(admin_username), std::string(admin_password),
                             std::string(admin_display_name), "admin"});
    options.extra_args = std::move(extra_args);
    return options;
}

server_options without_accounts(std::vector<std::string> extra_args) {
    server_options options;
    options.extra_args = std::move(extra_args);
    return options;
}

void server_test::SetUp() {
    server_ = std::make_unique<server_process>(options());
}

void server_test::TearDown() {
    // Close our own sockets first so the server's shutdown has nobody to wait for.
    admin_ws_.reset();
    if (!server_)
        return;
    // Give the server a moment to finish the closes the test just made, so that the
    // shutdown below does not race them; shutdown itself is tested in lifecycle_test.
    std::this_thread::sleep_for(30ms);
    if (const auto status = server_->exit_status_if_exited())
        ADD_FAILURE() << "the server died during the test: " << describe_exit_status(*status);
    server_.reset();
}

std::string server_test::password_for(std::string_view username) {
    return std::string(username) + "-password-1";
}

account server_test::register_user(std::string_view username, std::string_view display_name) {
    const std::string name =
        display_name.empty() ? "Carer " + std::string(username) : std::string(display_name);
    return test::register_user(address(), username, password_for(username), name);
}

const account& server_test::admin() {
    if (!admin_)
        admin_ = login(address(), admin_username, admin_password);
    return *admin_;
}

ws_client& server_test::admin_ws() {
    if (!admin_ws_)
        admin_ws_.emplace(address(), admin().token);
    return *admin_ws_;
}

ws_client server_test::connect(const account& who) {
    return ws_client(address(), who.token);
}

std::int64_t server_test::create_group(std::string_view name, std::string_view visibility,
                                       std::string_view region) {
    const auto result =
        admin_ws().call("groups.create", {{"name", name},
                                          {"region", region},
                                          {"description", "Peer support for " + std::string(name)},
                                          {"visibility", visibility}});
    return num(at_path(result, "group.id"));
}

json::object server_test::join(ws_client& ws, std::int64_t group) {
    return at_path(ws.call("groups.join", {{"group", group}}), "membership").as_object();
}

ws_client server_test::member_of(std::int64_t group, std::string_view username) {
    ws_client ws = connect(register_user(username));
    join(ws, group);
    return ws;
}

json::object server_test::send(ws_client& ws, std::int64_t group, std::string_view text) {
    return at_path(ws.call("messages.send", {{"group", group}, {"text", text}}), "message")
        .as_object();
}

json::object server_test::listed_group(ws_client& ws, std::int64_t group) {
    const auto result = ws.call("groups.list");
    for (const auto& g : at_path(result, "groups").as_array())
        if (g.is_object() && g.as_object().contains("id") &&
            g.as_object().at("id") == json::value(group))
            return g.as_object();
    throw std::runtime_error("group " + std::to_string(group) +
                             " is not in groups.list: " + json::serialize(result));
}

} // namespace carecircle::test
