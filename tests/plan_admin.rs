//! What managers set up: templates, settings and clinics, the
//! one-wellness-plan rule and multi-pet pricing.

mod support;

use chrono::Utc;
use serde_json::{Value, json};
use support::*;

#[test]
fn editing_a_template_never_changes_sold_plans_and_the_manager_decides_renewal_prices() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        let sold = app
            .scalar("SELECT id FROM subscriptions WHERE template_id = $1 AND status = 'active' LIMIT 1", adult)
            .await;
        let benefits_before =
            app.scalar("SELECT count(*) FROM subscription_benefits WHERE subscription_id = $1", sold).await;
        let mut draft = editor(&app, adult).await["draft"].clone();
        draft["price"] = json!("480.00");
        draft["benefits"].as_array_mut().unwrap().truncate(1);
        let (status, body) = save_template(&app, &draft, false).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            app.scalar("SELECT count(*) FROM subscription_benefits WHERE subscription_id = $1", sold).await,
            benefits_before
        );
        assert_eq!(text(&app, "SELECT price FROM subscriptions WHERE id = $1", sold).await.unwrap(), "420.00");
        assert_eq!(
            text(&app, "SELECT renewal_price FROM subscriptions WHERE id = $1", sold).await.as_deref(),
            Some("420.00")
        );
        // The renewal keeps the contract's price.
        let (status, body) = app.call("plan/renew", &format!("id={sold}")).await;
        assert_eq!(status, 200, "{body}");
        let renewal: i64 = body.parse().unwrap();
        assert_eq!(text(&app, "SELECT price FROM subscriptions WHERE id = $1", renewal).await.unwrap(), "420.00");
        // Passing a later change on: running plans renew at the new price.
        draft["price"] = json!("500.00");
        let (status, _) = save_template(&app, &draft, true).await;
        assert_eq!(status, 200);
        let other = app
            .scalar(
                &format!(
                    "SELECT id FROM subscriptions WHERE template_id = $1 AND status = 'active' AND id <> {sold} LIMIT 1"
                ),
                adult,
            )
            .await;
        assert_eq!(text(&app, "SELECT renewal_price FROM subscriptions WHERE id = $1", other).await, None);
        let audit =
            app.scalar("SELECT count(*) FROM audit_log WHERE entity = 'plan_template' AND entity_id = $1", adult).await;
        assert_eq!(audit, 2);
    });
}

#[test]
fn a_template_with_a_mistake_is_refused_with_what_to_fix() {
    support::run(async {
        let app = TestApp::start().await;
        let mut draft = editor(&app, 0).await["draft"].clone();
        draft["name"] = json!("Dental Club");
        draft["price"] = json!("120");
        draft["benefits"] = json!([{ "label": "Cleaning", "target": "NOPE", "limit": "1", "discount": "100" }]);
        let (status, body) = save_template(&app, &draft, false).await;
        assert_eq!(status, 422);
        assert!(body.contains("Benefit 1 (Cleaning): there is no item with code NOPE"), "{body}");
        draft["benefits"][0]["target"] = json!("DEN-CLN");
        draft["available_from"] = json!("2027-03-01");
        draft["available_until"] = json!("2027-01-01");
        let (status, body) = save_template(&app, &draft, false).await;
        assert_eq!(status, 422);
        assert!(body.contains("swap them"), "{body}");
        draft["available_until"] = json!("");
        let (status, body) = save_template(&app, &draft, false).await;
        assert_eq!(status, 200, "{body}");
        let id: i64 = body.parse().unwrap();
        // Not yet on sale: the sell page says so with the date.
        let rex = app.patient_id("Rex").await;
        let (_, body) = app.call("sell/options", &format!("patient_id={rex}")).await;
        let page: Value = serde_json::from_str(&body).unwrap();
        let offer = page["templates"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
        assert!(offer["ineligible"].as_str().unwrap().contains("2027"), "{offer}");
    });
}

#[test]
fn a_pet_has_one_wellness_plan_and_a_second_pet_gets_the_multi_pet_discount() {
    support::run(async {
        let app = TestApp::start().await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        let bella = app.patient_id("Bella").await;
        let today = carecount::server::store::demo::demo_today(Utc::now());
        let (status, body) = app
            .call("sell", &format!("patient_id={bella}&template_id={adult}&starts_on={today}&billing=Monthly"))
            .await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body.contains("Bella already has the Adult Dog Plan") && body.contains("one wellness plan per pet"),
            "{body}"
        );
        // 10% off for a household's further pets.
        let mut draft = editor(&app, adult).await["draft"].clone();
        draft["multi_pet_discount"] = json!("10");
        assert_eq!(save_template(&app, &draft, false).await.0, 200);
        // Max (Sophie Bakker's dog) is past due on his plan; Luna, her cat, is covered.
        // Bobbie has no plan; his household's other pets decide the price.
        let bobbie = app.patient_id("Bobbie").await;
        let household = app.client_of(bobbie).await;
        let others = app.scalar(
            "SELECT count(*) FROM subscriptions WHERE client_id = $1 AND kind = 'wellness' AND status IN ('pending','active','on_hold','past_due')",
            household,
        ).await;
        let (status, body) = app
            .call("sell", &format!("patient_id={bobbie}&template_id={adult}&starts_on={today}&billing=Monthly"))
            .await;
        assert_eq!(status, 200, "{body}");
        let plan: i64 = body.parse().unwrap();
        let price = text(&app, "SELECT price FROM subscriptions WHERE id = $1", plan).await.unwrap();
        assert_eq!(price, if others > 0 { "378.00" } else { "420.00" });
        // A second sale for the same pet is refused now that it has one.
        let (status, _) = app
            .call("sell", &format!("patient_id={bobbie}&template_id={adult}&starts_on={today}&billing=Monthly"))
            .await;
        assert_eq!(status, 409);
    });
}

#[test]
fn settings_are_checked_saved_and_used() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = app
            .call("settings/clinic", "id=1&name=Maple&currency=EURO&time_zone=Europe%2FAmsterdam&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("three-letter code"), "{body}");
        let (status, body) = app
            .call("settings/clinic", "id=1&name=Maple&currency=EUR&time_zone=Mars%2FOlympus&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("Europe/Amsterdam"), "{body}");
        // The demo clinic has sold in euros: its amounts are euros.
        let (status, body) = app
            .call("settings/clinic", "id=1&name=Maple&currency=GBP&time_zone=Europe%2FAmsterdam&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 422);
        assert!(
            body.contains("has sold plans or invoiced in EUR") && body.contains("the currency stays EUR"),
            "{body}"
        );
        // A new clinic in yen counts no cents.
        let (status, body) = app
            .call("settings/clinic", "id=0&name=Maple+Tokyo&currency=JPY&time_zone=Asia%2FTokyo&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 200, "{body}");
        let tokyo: i64 = body.trim_matches('"').parse().unwrap();
        assert_eq!(app.scalar("SELECT minor_digits FROM clinics WHERE id = $1", tokyo).await, 0);
        let (status, body) = app
            .call("settings/clinic", "id=1&name=Maple+Street&currency=EUR&time_zone=America%2FNew_York&member_tag_label=Wellness+club&import_code_prefix=wp&over_usage_emails=boss%40maple.example%2C+desk%40maple.example")
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call("settings", "").await;
        assert!(body.contains("Wellness club") && body.contains("\"import_code_prefix\":\"WP\""), "{body}");
        let (_, page) = app.get("/patients/1").await;
        assert!(page.contains("Wellness club"), "the member tag uses the new label");
        let (status, body) = app
            .call(
                "settings/rules",
                "cancellation_fee=-5&cooling_off_days=14&max_hold_days=60&past_due_grace_days=10&renewal_lead_days=30",
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = app
            .call("settings/rules", "cancellation_fee=30.00&cooling_off_days=7&max_hold_days=60&past_due_grace_days=10&renewal_lead_days=45")
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call("settings", "").await;
        let page: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["rules"]["cancellation_fee"], "30.00");
        assert_eq!(page["rules"]["past_due_usable"], false, "an unticked box switches it off");
        assert_eq!(page["rules"]["renewal_lead_days"], 45);
    });
}

#[test]
fn a_second_clinic_sells_what_is_offered_there_and_lists_filter_by_clinic() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = app
            .call("settings/clinic", "id=0&name=North+Branch&currency=EUR&time_zone=Europe%2FAmsterdam&member_tag_label=Plan+member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 200, "{body}");
        let north: i64 = body.parse().unwrap();
        // The Senior Cat Plan is offered at the main clinic only.
        let senior = template_id(&app, "Senior Cat Plan").await;
        let mut draft = editor(&app, senior).await["draft"].clone();
        draft["clinic_ids"] = json!([1]);
        assert_eq!(save_template(&app, &draft, false).await.0, 200);
        let (_, me) = app.call("me", "").await;
        assert!(me.contains("North Branch"), "several clinics to choose from: {me}");
        let (status, body) = app.call("clinic/switch", &format!("clinic_id={north}")).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.call("clinic/switch", "clinic_id=999").await;
        assert_eq!(status, 404);
        let bobbie = app.patient_id("Bobbie").await;
        let (_, body) = app.call("sell/options", &format!("patient_id={bobbie}")).await;
        let page: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["clinic"]["name"], "North Branch");
        let offer = page["templates"].as_array().unwrap().iter().find(|t| t["id"] == senior).unwrap().clone();
        assert!(offer["ineligible"].as_str().unwrap().contains("not offered at North Branch"), "{offer}");
        let adult = template_id(&app, "Adult Dog Plan").await;
        let today = carecount::server::store::demo::demo_today(Utc::now());
        let (status, body) = app
            .call("sell", &format!("patient_id={bobbie}&template_id={adult}&starts_on={today}&billing=Monthly"))
            .await;
        assert_eq!(status, 200, "{body}");
        let plan: i64 = body.parse().unwrap();
        assert_eq!(app.scalar("SELECT clinic_id FROM subscriptions WHERE id = $1", plan).await, north);
        let (_, body) = app.call("lists", &format!("clinic_id={north}")).await;
        let lists: Value = serde_json::from_str(&body).unwrap();
        let ids: Vec<i64> = lists["plans"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![plan]);
    });
}

#[test]
fn the_template_editor_shows_a_withdrawn_template_or_item_it_still_names() {
    support::run(async {
        let app = TestApp::start().await;
        let puppy = template_id(&app, "Puppy Plan").await;
        let adult = template_id(&app, "Adult Dog Plan").await;
        let mut tx = app.store.begin_write().await.unwrap();
        for statement in [
            format!("UPDATE plan_templates SET renews_into_template_id = {adult} WHERE id = {puppy}"),
            format!("UPDATE plan_templates SET active = 0 WHERE id = {adult}"),
            format!(
                "UPDATE catalog_items SET active = 0
                 WHERE id = (SELECT MIN(item_id) FROM template_benefits WHERE template_id = {puppy})"
            ),
        ] {
            sqlx::query(&statement).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        let page = editor(&app, puppy).await;
        assert_eq!(page["draft"]["renews_into"], json!(adult));
        let listed = |list: &str| -> Vec<String> {
            page[list].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap().to_string()).collect()
        };
        assert!(listed("templates").contains(&"Adult Dog Plan (withdrawn)".to_string()), "{:?}", listed("templates"));
        assert!(listed("targets").iter().any(|t| t.ends_with(", no longer on sale)")), "{:?}", listed("targets"));
        let other = editor(&app, template_id(&app, "Kitten Plan").await).await;
        let others: Vec<&str> =
            other["templates"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
        assert!(!others.iter().any(|t| t.contains("withdrawn")), "only where it is named: {others:?}");
    });
}
