//! Who may call what: every server function and route, tried with no
//! session, an expired one, a pet owner, staff of another organisation, a
//! role without the permission, and a cross-site origin. Each is refused
//! with the right status, and nothing is leaked or written.

mod support;

use serde_json::json;
use support::*;

/// A server function call: endpoint, body, and whether the body is JSON.
struct Call {
    endpoint: &'static str,
    body: String,
    json: bool,
}

fn form(endpoint: &'static str, body: &str) -> Call {
    Call { endpoint, body: body.to_string(), json: false }
}

fn json_call(endpoint: &'static str, body: serde_json::Value) -> Call {
    Call { endpoint, body: body.to_string(), json: true }
}

/// Every staff server function, with arguments naming records of the demo
/// organisation (patient 1, client 1, plan 1, invoice 1...).
fn staff_calls() -> Vec<Call> {
    vec![
        form("patients", ""),
        form("patient", "id=1"),
        form("catalog/search", "query=exam"),
        form("desk", "patient_id=1"),
        form("soap/start", "patient_id=1"),
        form("soap/load", "id=1"),
        json_call("soap/save", json!({ "id": 1, "plan_notes": "", "lines": [] })),
        json_call("invoice/start", json!({ "client_id": 1, "soap_ids": [] })),
        form("invoice/load", "id=1"),
        json_call("invoice/save", json!({ "id": 1, "lines": [] })),
        json_call("invoice/finalize", json!({ "id": 1, "lines": [], "preview": [], "key": "k" })),
        form("invoice/void", "id=1&reason=wrong"),
        form("invoice/correct", "id=1"),
        form("plan", "id=1"),
        form("usage/remove", "entry_id=1&reason=mistake&note=mistake"),
        form("lists", ""),
        form("sell/options", "patient_id=1"),
        form("sell", "patient_id=1&template_id=1&starts_on=2026-12-01&billing=Monthly"),
        form("payment/record", "payment_id=1&method=cash&reference="),
        form("payment/failed", "payment_id=2&reason=declined"),
        form("plan/settlement", "subscription_id=1&option=PayDifference"),
        form("plan/cancel", "subscription_id=1&option=PayDifference&note=moving+away"),
        form("plan/hold", "id=1&note=travelling"),
        form("plan/resume", "id=1"),
        form("plan/renew", "id=1"),
        form("household", "patient_id=1"),
        form("patient/deceased", "patient_id=1&died_on=2026-11-01"),
        form("plan/transfer", "subscription_id=1&to_patient_id=2"),
        form("owner/invite", "client_id=2"),
        form("owner/access", "client_id=1&active=false"),
        form("templates", ""),
        form("templates/editor", "id=1"),
        json_call(
            "templates/save",
            json!({ "draft": { "id": 1, "name": "X", "kind": "wellness", "species": "",
            "life_stage": "", "description": "", "price": "1", "enrollment_fee": "", "term_months": "12",
            "auto_renew": false, "renews_into": null, "member_discount": "", "multi_pet_discount": "",
            "available_from": "", "available_until": "", "billing_options": ["monthly"], "clinic_ids": [],
            "active": true, "benefits": [] }, "apply_price_to_renewals": false }),
        ),
        form("clinic/switch", "clinic_id=1"),
        form("settings", ""),
        form(
            "settings/clinic",
            "id=1&name=X&currency=EUR&time_zone=UTC&member_tag_label=M&import_code_prefix=WP&over_usage_emails=",
        ),
        form(
            "settings/rules",
            "cancellation_fee=1&cooling_off_days=1&max_hold_days=1&past_due_grace_days=1&renewal_lead_days=1",
        ),
        form("client/packs", "client_id=1"),
        json_call(
            "client/carry-over",
            json!({ "client_id": 1, "form": { "template_id": "2", "left": "3", "ends_on": "", "use_note": "",
                    "reason": "old system" } }),
        ),
        json_call(
            "client/authorise",
            json!({ "client_id": 1, "form": { "template_id": "5", "sessions": "3", "starts_on": "2026-11-01",
                    "ends_on": "2027-01-31", "by": "insurer", "name": "PetCover", "reference": "PC-1" } }),
        ),
        json_call(
            "carry-over/file",
            json!({ "csv": "client,pack,left,reason\n1,Daycare 10-day pack,3,old\n", "apply": true }),
        ),
        json_call(
            "pack/change",
            json!({ "subscription_id": 1, "form": { "left": "3", "ends_on": "", "note": "fix" } }),
        ),
        form("schedule/view", "week=true"),
        form("daycare/day", ""),
        form("schedule/find", "query=Rex"),
        form("schedule/choices", "client_id=1"),
        json_call(
            "schedule/book",
            json!({ "form": { "kind": "Appointment", "patient_id": 1, "item_id": 1, "starts_at": "2026-12-02T10:00",
                    "minutes": "30", "staff_id": null, "pack": "NoPack", "override_note": "" } }),
        ),
        json_call(
            "schedule/move",
            json!({ "visit_id": 1, "form": { "starts_at": "2026-12-02T11:00", "staff_id": null } }),
        ),
        json_call("schedule/close", json!({ "visit_id": 1, "action": "Cancel" })),
        json_call("client/preferred-pack", json!({ "client_id": 1, "pack": null })),
        form("staff", ""),
        form("staff/invite", "email=new%40maple.example&name=New&role=vet"),
        form("staff/update", "user_id=2&role=vet&active=false"),
    ]
}

/// Counts of every table a refused call could have written to.
async fn writes(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "usage_ledger",
        "audit_log",
        "invoices",
        "invoice_lines",
        "soap_notes",
        "subscriptions",
        "payments",
        "users",
        "outbox",
        "plan_templates",
        "clinics",
        "settings",
        "appointments",
    ] {
        counts.push(
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(app.store.reader()).await.unwrap(),
        );
    }
    let changed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM subscriptions WHERE status = 'cancelled' OR hold_from IS NOT NULL")
            .fetch_one(app.store.reader())
            .await
            .unwrap();
    counts.push(changed);
    counts
}

/// The first organisation's records, as counts and its clinic's settings.
async fn ours(app: &TestApp) -> Vec<String> {
    let mut facts = Vec::new();
    for sql in [
        "SELECT count(*) FROM usage_ledger",
        "SELECT count(*) FROM audit_log WHERE organisation_id = 1",
        "SELECT count(*) FROM invoices WHERE organisation_id = 1",
        "SELECT count(*) FROM soap_notes WHERE organisation_id = 1",
        "SELECT count(*) FROM subscriptions WHERE organisation_id = 1 AND status <> 'cancelled'",
        "SELECT count(*) FROM users WHERE organisation_id = 1 AND active = 1",
        "SELECT count(*) FROM plan_templates WHERE organisation_id = 1",
        "SELECT count(*) FROM patients WHERE deceased_on IS NOT NULL",
    ] {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(app.store.reader()).await.unwrap();
        facts.push(n.to_string());
    }
    let clinic: String = sqlx::query_scalar("SELECT name || time_zone FROM clinics WHERE id = 1")
        .fetch_one(app.store.reader())
        .await
        .unwrap();
    facts.push(clinic);
    facts
}

async fn send(app: &TestApp, client: &reqwest::Client, call: &Call, origin: Option<&str>) -> (u16, String) {
    let mut request = client
        .post(app.url(&format!("/api/{}", call.endpoint)))
        .header("content-type", if call.json { "application/json" } else { "application/x-www-form-urlencoded" })
        .body(call.body.clone());
    if let Some(origin) = origin {
        request = request.header("origin", origin).header("sec-fetch-site", "cross-site");
    }
    let response = request.send().await.expect("POST");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Asserts every staff call gets `expected` and nothing was written.
async fn every_call_refused(app: &TestApp, client: &reqwest::Client, origin: Option<&str>, expected: u16, who: &str) {
    let before = writes(app).await;
    for call in staff_calls() {
        let (status, body) = send(app, client, &call, origin).await;
        assert_eq!(status, expected, "{who}: /api/{} answered {status}: {body}", call.endpoint);
        assert!(!body.contains("Rex") && !body.contains("de Vries"), "{who}: /api/{} leaked {body}", call.endpoint);
    }
    assert_eq!(writes(app).await, before, "{who}: a refused call wrote something");
}

#[test]
fn without_a_session_every_server_function_says_sign_in_and_writes_nothing() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        every_call_refused(&app, &app.client, None, 401, "no session").await;
        let (status, body) = app.call("healthcard", "").await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body, "\"Unauthorized\"", "the browser shows it as: Please sign in to continue.");
    });
}

#[test]
fn an_expired_session_counts_as_none() {
    support::run(async {
        let app = TestApp::start().await;
        assert_eq!(app.call("patients", "").await.0, 200);
        support::set_session_expiry(&app, -60).await;
        every_call_refused(&app, &app.client, None, 401, "expired session").await;
        let response = app.client.get(app.url("/patients/1")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/login?next=/patients/1");
    });
}

#[test]
fn a_pet_owner_cannot_reach_any_staff_function_or_page() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let owner = app.client_for(OWNER).await;
        every_call_refused(&app, &owner, None, 403, "owner").await;
        for page in ["/", "/patients/1", "/lists", "/templates", "/settings", "/staff", "/plans/1"] {
            let response = owner.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.headers()["location"], "/portal", "owner at {page}");
        }
        let response = owner.get(app.url("/exports/plans.csv")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403);
    });
}

#[test]
fn an_owner_sees_only_their_own_household() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let owner = app.client_for(OWNER).await;
        let (status, body) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{body}");
        let card: serde_json::Value = serde_json::from_str(&body).unwrap();
        let pets: Vec<&str> = card["pets"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(pets, ["Mimi", "Rex"]);
        assert!(!body.contains("Bella") && !body.contains("Jansen"), "another household leaked: {body}");
        // Another owner of the same clinic sees their own pets, not Emma's.
        let client_2 = app.client_id_of_patient("Bella").await;
        app.store
            .create_user(
                1,
                "liam@example.com",
                "Liam Jansen",
                carecount::domain::Role::Owner,
                Some(client_2),
                &carecount::server::auth::password::hash(DEMO_PASSWORD),
            )
            .await
            .unwrap();
        let other = app.client_for("liam@example.com").await;
        let (_, body) = app.call_as(&other, "healthcard", "").await;
        assert!(body.contains("Bella") && !body.contains("Rex"), "{body}");
        // The portal page renders on the server, readable before the WASM.
        let page = owner.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Plans overview") && page.contains("out of"), "{page}");
        let staff_page = owner.get(app.url("/patients/3")).send().await.unwrap();
        assert_eq!(staff_page.status().as_u16(), 303);
    });
}

#[test]
fn staff_of_another_organisation_see_and_change_nothing_here() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        app.add_second_organisation().await;
        let outsider = app.client_for("boss@elsewhere.example").await;
        let before_ours = ours(&app).await;
        for call in staff_calls() {
            let (status, body) = send(&app, &outsider, &call, None).await;
            assert!(
                !body.contains("Rex") && !body.contains("de Vries") && !body.contains("Maple"),
                "/api/{} leaked to another organisation: {body}",
                call.endpoint
            );
            // Lists of their own (empty) organisation are fine; records of ours are not found.
            assert!([200, 404, 409, 422].contains(&status), "/api/{}: {status} {body}", call.endpoint);
        }
        // Their own lists are their own: no patient of ours in them.
        let (_, body) = app.call_as(&outsider, "patients", "").await;
        assert!(!body.contains("Rex"), "{body}");
        assert_eq!(ours(&app).await, before_ours, "nothing of the first organisation changed");
    });
}

#[test]
fn cross_site_requests_are_refused_even_with_a_valid_session() {
    support::run(async {
        let app = TestApp::start().await;
        every_call_refused(&app, &app.client, Some("https://evil.example"), 403, "cross-site").await;
        // The same calls from our own origin work.
        let same = app
            .client
            .post(app.url("/api/patients"))
            .header("origin", app.url(""))
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(same.status().as_u16(), 200);
    });
}

#[test]
fn vets_and_receptionists_cannot_manage_or_waive() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        for email in [VET, RECEPTIONIST] {
            let staff = app.client_for(email).await;
            for (endpoint, body) in [
                ("settings", ""),
                ("templates", ""),
                ("staff", ""),
                (
                    "settings/rules",
                    "cancellation_fee=0&cooling_off_days=1&max_hold_days=1&past_due_grace_days=1&renewal_lead_days=1",
                ),
                ("plan/cancel", "subscription_id=1&option=Waive&note=goodwill"),
            ] {
                let (status, text) = app.call_as(&staff, endpoint, body).await;
                assert_eq!(status, 403, "{email} {endpoint}: {text}");
            }
            assert_eq!(app.call_as(&staff, "patients", "").await.0, 200, "{email} works the desk");
        }
        let waived: i64 =
            app.scalar("SELECT count(*) FROM subscriptions WHERE status = 'cancelled' AND id = $1", 1).await;
        assert_eq!(waived, 0);
    });
}

#[test]
fn pages_without_a_session_go_to_sign_in_and_come_back() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        for page in ["/", "/patients/1", "/lists", "/settings", "/portal", "/invoices/1/print"] {
            let response = app.client.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 303, "{page}");
            assert!(response.headers()["location"].to_str().unwrap().starts_with("/login?next="), "{page}");
        }
        let response = app.client.get(app.url("/exports/plans.csv")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let (status, body) = app.get("/login").await;
        assert_eq!(status, 200);
        assert!(body.contains("Sign in to CareCount"), "{body}");
        assert_eq!(app.get("/health").await.0, 200);
        // Signing in sends staff on to where they were going.
        let response = app
            .client
            .post(app.url("/api/sign-in"))
            .header("accept", "text/html")
            .form(&[("email", RECEPTIONIST), ("password", DEMO_PASSWORD), ("next", "/lists")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], "/lists");
        // ...but never to another site.
        let (status, _) = app.sign_in_with(&new_client(), VET, DEMO_PASSWORD).await;
        assert!(status < 400);
    });
}
