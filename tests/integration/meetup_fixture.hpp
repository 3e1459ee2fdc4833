#pragma once

// A public group with the people a meet-up's organising involves, for the tests of editing,
// cancelling with a reason and seeing who is coming.

#include "server_test.hpp"

#include <string>
#include <string_view>

namespace carecircle::test {

class meetup_fixture : public server_test {
protected:
    // The site admin created the group; Olive organises the meet-ups, Oscar is another
    // organiser, Mona a group moderator; Amy, Ben, Cara and Dev are members.
    struct cast {
        std::int64_t group = 0;
        account olive;
        account oscar;
        account mona;
        account amy;
        account ben;
        account cara;
        account dev;
    };

    cast public_group_with_people(std::string_view visibility = "public") {
        cast c;
        c.group = create_group("Nottingham", visibility);
        c.olive = register_user("olive", "Olive Organiser");
        c.oscar = register_user("oscar", "Oscar Organiser");
        c.mona = register_user("mona", "Mona Moderator");
        c.amy = register_user("amy", "Amy Carer");
        c.ben = register_user("ben", "Ben Carer");
        c.cara = register_user("cara", "Cara Carer");
        c.dev = register_user("dev", "Dev Carer");
        for (const auto* who : {&c.olive, &c.oscar, &c.mona, &c.amy, &c.ben, &c.cara, &c.dev}) {
            auto ws = connect(*who);
            join(ws, c.group);
            if (visibility == "private") {
                admin_ws().call("groups.approve", {{"group", c.group}, {"user", who->id()}});
            }
        }
        set_role(c.group, c.olive, "organiser");
        set_role(c.group, c.oscar, "organiser");
        set_role(c.group, c.mona, "moderator");
        return c;
    }

    void set_role(std::int64_t group, const account& who, std::string_view role) {
        admin_ws().call("groups.set_role", {{"group", group}, {"user", who.id()}, {"role", role}});
    }
};

inline json::object fortnightly_catch_up(std::int64_t group) {
    return {{"group", group},
            {"title", "Fortnightly online catch-up"},
            {"description", "Bring a cuppa."},
            {"kind", "online"},
            {"url", "https://meet.example.org/notts-catch-up"},
            {"start", "2027-01-13T16:00"},
            {"timezone", "Europe/London"},
            {"duration_minutes", 60},
            {"repeat", {{"every_weeks", 2}}}};
}

inline json::object library_meetup(std::int64_t group, std::int64_t capacity) {
    return {{"group", group},
            {"title", "Nottingham in-person meet-up"},
            {"description", "Snacks provided."},
            {"kind", "in_person"},
            {"location", "Nottingham Central Library, Angel Row"},
            {"start", "2027-02-03T16:00"},
            {"duration_minutes", 60},
            {"repeat", {{"every_weeks", 4}, {"count", 6}}},
            {"capacity", capacity}};
}

inline std::int64_t create_meetup(ws_client& ws, const json::object& params) {
    return num(at_path(ws.call("meetups.create", params), "meetup.id"));
}

inline json::object rsvp(ws_client& ws, std::int64_t meetup, std::string_view occurrence,
                         std::string_view status) {
    return ws.request("meetups.rsvp",
                      {{"meetup", meetup}, {"occurrence", occurrence}, {"status", status}});
}

inline json::array occurrences(ws_client& ws, std::int64_t group,
                               std::string_view from = "2027-01-01",
                               std::string_view to = "2027-12-31") {
    return at_path(ws.call("meetups.list", {{"group", group}, {"from", from}, {"to", to}}),
                   "occurrences")
        .as_array();
}

inline const json::object& occurrence_at(const json::array& all, std::int64_t meetup,
                                         std::string_view local_start) {
    for (const auto& o : all) {
        if (num(o.at("meetup")) == meetup && str(o.at("local_start")) == local_start) {
            return o.as_object();
        }
    }
    throw std::runtime_error("no occurrence " + std::string(local_start) + " of meetup " +
                             std::to_string(meetup) + " in " + json::serialize(all));
}

inline json::object attendees(ws_client& ws, std::int64_t meetup, std::string_view occurrence) {
    return ws.request("meetups.attendees", {{"meetup", meetup}, {"occurrence", occurrence}});
}

// The display names in a list of User objects, in order.
inline std::vector<std::string> names(const json::value& users) {
    std::vector<std::string> out;
    for (const auto& u : users.as_array()) {
        out.push_back(str(u.at("display_name")));
    }
    return out;
}

// The text of the group's latest message.
inline std::string last_message(ws_client& ws, std::int64_t group) {
    const auto history = at_path(ws.call("messages.history", {{"group", group}}), "messages");
    return str(history.as_array().back().at("text"));
}

} // namespace carecircle::test
