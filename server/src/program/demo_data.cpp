#include "program/demo_data.hpp"

#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/meetups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "crypto/security.hpp"

#include <SQLiteCpp/Transaction.h>
#include <array>

namespace carecircle::server {
namespace {

struct demo_group {
    const char* name;
    const char* region;
    const char* description;
    group_visibility visibility;
};

constexpr std::array<demo_group, 4> demo_groups{{
    {"Nottingham", "Nottingham",
     "Homecare workers in and around Nottingham: swap tips, find cover, meet up.",
     group_visibility::public_group},
    {"East Midlands", "East Midlands",
     "For everyone doing domiciliary care across the East Midlands.",
     group_visibility::public_group},
    {"Worcestershire", "Worcestershire",
     "Care workers in Worcester, Kidderminster, Redditch and the villages between.",
     group_visibility::public_group},
    {"Nottingham homecare workers", "Nottingham",
     "A private space for Nottingham carers. Ask to join and a moderator will let you in.",
     group_visibility::private_group},
}};

constexpr std::array<const char*, 3> welcome_messages{{
    "Welcome to CareCircle! This is a space for homecare workers to support each other.",
    "Please never post names or details of the people you care for.",
    "Our fortnightly online catch-up is on Wednesdays at 4pm. Everyone is welcome.",
}};

} // namespace

demo_account seed_demo_data(const std::filesystem::path& database) {
    demo_account account{"demo", "carecircle-demo", false};
    auto db = storage::open_database(database, storage::access::read_write);
    if (storage::find_user_by_username(db, account.username)) {
        return account;
    }
    SQLite::Transaction transaction(db);
    const auto now = storage::now();
    const auto admin = storage::insert_user(db, account.username, "Demo Organiser",
                                            hash_password(account.password), site_role::admin, now);
    for (const auto& g : demo_groups) {
        const auto group =
            storage::insert_group(db, g.name, g.region, g.description, g.visibility, admin.id, now);
        storage::put_membership(
            db, storage::membership_record{
                    group.id, admin.id,
                    Membership{group_role::moderator, membership_status::active}, Seq{0}, now});
        if (g.visibility == group_visibility::public_group) {
            for (const char* text : welcome_messages) {
                storage::append_message(
                    db, storage::new_message{group.id,
                                             Author{admin.id, admin.username, admin.display_name},
                                             message_kind::announcement, text, std::nullopt, now});
            }
        }
    }
    // A fortnightly online catch-up on Wednesdays at 16:00 from next Wednesday, and an
    // in-person meet-up with limited places a month on, in the East Midlands group.
    const auto meetup_group = storage::load_groups(db).at(1).id;
    const auto today = date::floor<date::days>(std::chrono::system_clock::now());
    const date::weekday weekday{today};
    const auto next_wednesday =
        today + date::days{((date::Wednesday - weekday).count() + 6) % 7 + 1};
    Meetup online;
    online.group = meetup_group;
    online.title = "Wednesday tea and talk (online)";
    online.description = "An hour to talk about the fortnight: cameras optional, tea encouraged.";
    online.kind = meetup_kind::online;
    online.url = "https://meet.example.org/carecircle-nottingham";
    online.start = date::local_days{next_wednesday.time_since_epoch()} + std::chrono::hours{16};
    online.repeat = meetup_repeat{2, 26, std::nullopt};
    storage::insert_meetup(db, online, admin.id, now);
    Meetup in_person;
    in_person.group = meetup_group;
    in_person.title = "Library meet-up: Angel Row";
    in_person.description = "A room at the library, 4 to 5 pm. Snacks provided.";
    in_person.kind = meetup_kind::in_person;
    in_person.location = "Nottingham Central Library, Angel Row";
    in_person.start = online.start + date::days{29};
    in_person.capacity = 20;
    storage::insert_meetup(db, in_person, admin.id, now);

    transaction.commit();
    account.created = true;
    return account;
}

} // namespace carecircle::server
