#include "demo_data.hpp"

#include "carecircle/storage/database.hpp"
#include "carecircle/storage/groups.hpp"
#include "carecircle/storage/messages.hpp"
#include "carecircle/storage/time_codec.hpp"
#include "carecircle/storage/users.hpp"
#include "security.hpp"

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
    transaction.commit();
    account.created = true;
    return account;
}

} // namespace carecircle::server
