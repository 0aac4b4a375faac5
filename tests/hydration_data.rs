//! The data a page sends along for the browser to take over from: each
//! loaded resource once, under the same ids on every request, and never a
//! load the server cancelled. The browser numbers resources in the order it
//! creates them; a page whose server render created some twice (in a view the
//! server built twice) made the browser read a cancelled load ("not signed
//! in") where the page showed the desk panel, and the page broke on hydration.

mod support;

use support::TestApp;

/// The ids of the resources the page says are coming, in order.
fn pending_ids(html: &str) -> Vec<u32> {
    let start = html.find("__PENDING_RESOURCES=[").expect("the page carries its resources") + 21;
    let end = start + html[start..].find(']').expect("end of the list");
    html[start..end].split(',').filter(|s| !s.is_empty()).map(|s| s.parse().expect("an id")).collect()
}

/// Each resolved resource's serialised value.
fn resolved_values(html: &str) -> Vec<&str> {
    html.split("__RESOLVED_RESOURCES[")
        .skip(1) // what comes before the first resource (the array is declared as `=[]`)
        .map(|rest| rest.split_once("] = ").map_or("", |(_, value)| value.split(";__").next().unwrap_or("")))
        .collect()
}

async fn assert_steady(app: &TestApp, client: &reqwest::Client, path: &str) {
    let mut first = None;
    for _ in 0..40 {
        let response = client.get(app.url(path)).send().await.expect("GET");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let html = response.text().await.expect("body");
        let ids = pending_ids(&html);
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(ids, unique, "{path}: each resource once");
        assert_eq!(&ids, first.get_or_insert_with(|| ids.clone()), "{path}: the same resources on every request");
        let values = resolved_values(&html);
        assert_eq!(values.len(), ids.len(), "{path}: a value for every resource");
        for value in values {
            assert!(!value.contains("Unauthorized"), "{path}: a cancelled load was sent: {value}");
        }
    }
}

#[test]
fn pages_send_each_resource_once_under_the_same_ids_every_time() {
    support::run(async {
        let app = TestApp::start().await;
        let vet = app.client_for("pieter@maple.example").await;
        assert_steady(&app, &vet, "/patients/1").await;
        assert_steady(&app, &app.client, "/sync").await;
        assert_steady(&app, &app.client, "/").await;
    })
}

#[test]
fn a_deceased_pets_page_offers_its_held_plan_to_the_households_living_pets() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let (other, name): (i64, String) =
            sqlx::query_as("SELECT id, name FROM patients WHERE client_id = $1 AND id <> $2 AND deceased_on IS NULL")
                .bind(app.client_of(rex).await)
                .bind(rex)
                .fetch_one(app.store.reader())
                .await
                .expect("Rex's household has another pet");
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let (status, body) = app.call("patient/deceased", &format!("patient_id={rex}&died_on={today}")).await;
        assert_eq!(status, 200, "{body}");
        let (status, html) = app.get(&format!("/patients/{rex}")).await;
        assert_eq!(status, 200);
        assert!(html.contains(r#"data-test="transfer-to""#), "the held plan can move");
        assert!(html.contains(&format!(r#"<option value="{other}">{name}"#)), "to {name}");
        assert!(!html.contains(&format!(r#"<option value="{rex}">"#)), "not to Rex himself");
        assert_steady(&app, &app.client, &format!("/patients/{rex}")).await;
    })
}
