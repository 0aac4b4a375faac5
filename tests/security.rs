//! The security gaps found by trying CareCount as an attacker and as a
//! careless user would, one test each: where sign-in sends you, guessing
//! passwords, floods, oversized requests, roles, headers, spreadsheets,
//! long text, mail over TLS and what a pet owner may read.

mod support;

use serde_json::json;
use support::smtp::{Mode, SmtpServer, TestCa};
use support::*;

/// Signs in as `email` asking to go on to `next`; returns status and Location.
async fn sign_in_to(app: &TestApp, email: &str, next: &str) -> (u16, String) {
    let response = new_client()
        .post(app.url("/api/sign-in"))
        .header("accept", "text/html")
        .form(&[("email", email), ("password", DEMO_PASSWORD), ("next", next)])
        .send()
        .await
        .expect("sign-in");
    let location = response.headers().get("location").map(|v| v.to_str().unwrap_or("").to_string());
    (response.status().as_u16(), location.unwrap_or_default())
}

#[test]
fn after_sign_in_only_paths_of_this_site_are_followed() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        assert_eq!(sign_in_to(&app, RECEPTIONIST, "/lists?status=active").await.1, "/lists?status=active");
        for next in
            ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/\n", "/\r\nX: y"]
        {
            let (status, location) = sign_in_to(&app, RECEPTIONIST, next).await;
            assert!(status < 400, "{next:?}: {status}");
            assert_eq!(location, "/", "{next:?} must land at home, not elsewhere");
        }
    });
}

#[test]
fn parallel_guesses_get_no_more_than_five_tries() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let guesses = (0..30).map(|n| {
            let app = &app;
            async move { app.sign_in_with(&new_client(), MANAGER, &format!("wrong-guess-{n}")).await }
        });
        let answers = futures::future::join_all(guesses).await;
        let judged = answers.iter().filter(|(status, _)| *status == 422).count();
        assert!(judged <= 5, "{judged} guesses were checked: {answers:?}");
        assert!(answers.iter().all(|(status, _)| [422, 429].contains(status)), "{answers:?}");
        // The right password waits too: the email is paused.
        assert_eq!(app.sign_in_with(&new_client(), MANAGER, DEMO_PASSWORD).await.0, 429);
    });
}

#[test]
fn one_address_trying_many_emails_is_paused_and_cannot_hide_behind_a_header() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        for n in 0..20 {
            // No proxy is trusted here: a made-up X-Forwarded-For changes nothing.
            let response = new_client()
                .post(app.url("/api/sign-in"))
                .header("x-forwarded-for", format!("203.0.113.{n}"))
                .form(&[
                    ("email", format!("guess{n}@maple.example")),
                    ("password", "x".into()),
                    ("next", String::new()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 422, "attempt {n}");
        }
        let (status, body) = app.sign_in_with(&new_client(), "fresh@maple.example", "x").await;
        assert_eq!(status, 429, "{body}");
        assert!(body.contains("Wait 15 minutes"), "{body}");
        // A malformed email is refused in words and never becomes a key.
        let app = TestApp::start_signed_out().await;
        for _ in 0..30 {
            assert_eq!(app.call("forgot", "email=not+an+email").await.0, 422);
        }
        assert_eq!(app.call("forgot", &format!("email={}", MANAGER.replace('@', "%40"))).await.0, 200);
    });
}

#[test]
fn a_flood_of_failed_sign_ins_does_not_stall_the_desk() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let flood = (0..40).map(|n| {
            let app = &app;
            async move { app.sign_in_with(&new_client(), &format!("flood{n}@example.com"), "not-it-at-all").await.0 }
        });
        let desk = async {
            // Let the flood start hashing first.
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            let started = std::time::Instant::now();
            let (status, body) = app.get(&format!("/patients/{rex}")).await;
            (status, body.contains("Rex"), started.elapsed())
        };
        let (statuses, (status, shows_rex, took)) = futures::join!(futures::future::join_all(flood), desk);
        assert_eq!((status, shows_rex), (200, true));
        assert!(took < std::time::Duration::from_secs(1), "the patient page took {took:?} during the flood");
        println!("patient page during a flood of 40 failed sign-ins: {took:?}");
        assert!(statuses.iter().all(|s| [422, 429].contains(s)), "{statuses:?}");
    });
}

#[test]
fn a_reset_with_a_made_up_link_is_refused_before_any_hashing() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let (status, body) = app
            .call("reset", &format!("token={}&password=long+enough+one&repeat=long+enough+one", "0".repeat(64)))
            .await;
        assert_eq!(status, 404, "{body}");
    });
}

#[test]
fn oversized_requests_are_refused_with_the_limit_in_words() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) = oversized_post(&app, "/api/soap/save", true).await;
        assert_eq!(status, 413, "{body}");
        assert!(body.contains("1 MiB") && body.contains("nothing of it was saved"), "{body}");
        // Without a declared length too: a chunked body is cut off while read.
        let (status, body) = oversized_post(&app, "/api/soap/save", false).await;
        assert_eq!(status, 413, "{body}");
        // Pages and downloads have the same ceiling.
        assert_eq!(oversized_post(&app, "/login", true).await.0, 413);
        // A large but reasonable draft is fine.
        let rex = app.patient_id("Rex").await;
        let (_, soap) = app.call("soap/start", &format!("patient_id={rex}")).await;
        let soap: i64 = soap.parse().expect("a SOAP plan id");
        let (status, body) =
            app.call_json("soap/save", json!({ "id": soap, "plan_notes": "x".repeat(4_900), "lines": [] })).await;
        assert_eq!(status, 200, "{body}");
        // A clinical note of ordinary size is fine; one over the text limit is refused in words.
        let (status, body) =
            app.call_json("soap/save", json!({ "id": 1, "plan_notes": "é".repeat(5_001), "lines": [] })).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("at most 5000 characters"), "{body}");
    });
}

/// POSTs a body too large to accept, without a session, over a raw
/// connection: with its length declared up front (and not sent), or
/// chunked with no length given (sent until just past the limit, then
/// nothing more, so the answer can be read). Returns status and body.
async fn oversized_post(app: &TestApp, path: &str, declared: bool) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let length = if declared { "Content-Length: 2097152" } else { "Transfer-Encoding: chunked" };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{length}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    if !declared {
        let chunk = vec![b'a'; 16 * 1024];
        for n in 0..=64 {
            let end: &[u8] = if n < 64 { b"\r\n" } else { b"" };
            stream.write_all(&[format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, end].concat()).await.unwrap();
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[test]
fn every_free_text_has_a_limit_said_in_words() {
    support::run(async {
        let app = TestApp::start().await;
        let long = "n".repeat(501);
        for (endpoint, form) in [
            ("plan/cancel", format!("subscription_id=1&option=PayDifference&note={long}")),
            ("plan/hold", format!("id=1&note={long}")),
            ("invoice/void", format!("id=1&reason={long}")),
            ("usage/remove", format!("entry_id=1&reason=mistake&note={long}")),
        ] {
            let (status, body) = app.call(endpoint, &form).await;
            assert_eq!(status, 422, "{endpoint}: {body}");
            assert!(body.contains("at most 500 characters"), "{endpoint}: {body}");
        }
        let (status, body) =
            app.call("staff/invite", &format!("email=a%40b.example&name={}&role=vet", "n".repeat(81))).await;
        assert_eq!(status, 422, "{body}");
    });
}

#[test]
fn vets_have_the_desk_only_and_the_readme_says_the_same() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let vet = app.client_for(VET).await;
        for (endpoint, form) in [
            ("payment/record", "payment_id=1&method=cash&reference="),
            ("plan/hold", "id=1&note=away+for+a+while"),
            ("plan/cancel", "subscription_id=1&option=PayDifference&note=moving+away"),
            ("plan/transfer", "subscription_id=1&to_patient_id=2"),
        ] {
            let (status, body) = app.call_as(&vet, endpoint, form).await;
            assert_eq!(status, 403, "{endpoint}: {body}");
        }
        assert_eq!(app.call_as(&vet, "patients", "").await.0, 200);

        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        for role in carecount::domain::Role::ALL {
            let code = role.code();
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", if code == "owner" { "pet owner" } else { code })))
                .unwrap_or_else(|| panic!("the README's role table has no row for {code}"));
            let sees = row.trim_end_matches('|').rsplit('|').next().unwrap().trim();
            assert_eq!(sees, carecount::domain::access::role_summary(role), "README row for {code}");
        }
    });
}

/// A page's policy is its own even while bundle files are served beside
/// it: a browser opening a page while the last page's code still loads
/// must not get the policy for files, which would block the page's scripts.
#[test]
fn pages_keep_their_policy_while_files_are_served_beside_them() {
    support::run(async {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/chunk.wasm"), vec![0u8; 64 * 1024]).unwrap();
        let root = site.path().to_string_lossy().to_string();
        let app = TestApp::start_with(|c| c.site_root = root).await;
        let mut pages = Vec::new();
        let mut files = Vec::new();
        for _ in 0..40 {
            pages.push(tokio::spawn(app.client.get(app.url("/login")).send()));
            for _ in 0..5 {
                files.push(tokio::spawn(app.client.get(app.url("/pkg/chunk.wasm")).send()));
            }
        }
        for file in files {
            let response = file.await.unwrap().unwrap();
            assert_eq!(response.status(), 200);
            let policy = response.headers()["content-security-policy"].to_str().unwrap().to_string();
            assert!(policy.starts_with("default-src 'none'"), "a file may run nothing: {policy}");
        }
        for page in pages {
            let response = page.await.unwrap().unwrap();
            let policy = response.headers()["content-security-policy"].to_str().unwrap().to_string();
            let html = response.text().await.unwrap();
            let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next());
            let nonce = nonce.unwrap_or_else(|| panic!("a page went out with the policy for files: {policy}"));
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry its policy's nonce");
        }
    });
}

#[test]
fn pages_carry_a_content_security_policy_with_their_own_nonce() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let response = app.client.get(app.url("/login")).send().await.unwrap();
        let headers = response.headers().clone();
        let html = response.text().await.unwrap();
        let policy = headers["content-security-policy"].to_str().unwrap().to_string();
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
        assert!(policy.contains("'wasm-unsafe-eval'") && !policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert!(!headers.contains_key("strict-transport-security"), "no HSTS over plain http");
        // A second page gets a fresh nonce.
        let again = app.client.get(app.url("/login")).send().await.unwrap();
        assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), policy);
        // Server functions and files get a policy that runs nothing.
        let response = app.client.post(app.url("/api/me")).send().await.unwrap();
        assert!(response.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));

        let secure = TestApp::start_with(|c| c.public_url = Some("https://clinic.example".into())).await;
        let response = secure.client.get(secure.url("/login")).send().await.unwrap();
        assert!(response.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
    });
}

#[test]
fn csv_cells_that_would_run_as_formulas_stay_text() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE patients SET name = '=HYPERLINK(\"http://evil.example\",\"Rex\")' WHERE id = $1")
            .bind(rex)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE clients SET last_name = 'Vries', first_name = '@Emma' WHERE id = 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (status, csv) = app.get("/exports/plans.csv").await;
        assert_eq!(status, 200);
        assert!(csv.contains("'=HYPERLINK("), "{csv}");
        assert!(csv.contains("'@Emma"), "{csv}");
        assert!(!csv.lines().any(|l| l.split(',').any(|cell| cell.trim_matches('"').starts_with(['=', '@']))), "{csv}");
    });
}

#[test]
fn the_owner_reads_the_reason_given_for_them_never_the_internal_note() {
    support::run(async {
        let app = TestApp::start().await;
        let rex = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        let invoice = app.new_invoice(app.client_of(rex).await).await;
        let line =
            json!({ "patient_id": rex, "item_id": exam, "quantity_text": "1", "unit": "Unit", "discount_text": "" });
        assert_eq!(app.finalize(invoice, json!([line]), "k-owner-note").await.0, 200);
        let posting = app
            .scalar(
                "SELECT l.id FROM usage_ledger l JOIN invoice_lines il ON il.id = l.invoice_line_id
                 WHERE il.invoice_id = $1 AND l.reversal_of IS NULL",
                invoice,
            )
            .await;
        let (status, body) = app.call("usage/remove", &format!("entry_id={posting}&reason=wrong_pet")).await;
        assert_eq!(status, 422, "the internal note is still required: {body}");
        let (status, body) =
            app.call("usage/remove", &format!("entry_id={posting}&reason=bogus&note=Jan+typed+it+on+Rex+again")).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("Choose what the owner is told"), "{body}");
        let (status, body) = app
            .call("usage/remove", &format!("entry_id={posting}&reason=wrong_pet&note=Jan+typed+it+on+Rex+again"))
            .await;
        assert_eq!(status, 200, "{body}");

        let owner = app.client_for(OWNER).await;
        let (_, card) = app.call_as(&owner, "healthcard", "").await;
        assert!(card.contains("corrected by the clinic: it was counted on the wrong pet or plan"), "{card}");
        assert!(!card.contains("Jan typed"), "the internal note reached the owner: {card}");
        let portal = owner.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
        assert!(portal.contains("wrong pet or plan") && !portal.contains("Jan typed"), "{portal}");
        // Staff see both in the plan's history.
        let (_, plan) = app.call("plan", &format!("id={}", plan_of(&app, posting).await)).await;
        assert!(plan.contains("Jan typed it on Rex again") && plan.contains("wrong pet or plan"), "{plan}");
    });
}

async fn plan_of(app: &TestApp, entry: i64) -> i64 {
    app.scalar(
        "SELECT b.subscription_id FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
         WHERE l.id = $1",
        entry,
    )
    .await
}

/// A store with one reset email waiting in the outbox, and a config whose
/// mail goes to `url`.
async fn outbox_with_one_email(
    dir: &std::path::Path,
    url: &str,
) -> (carecount::server::store::Store, carecount::server::config::Config) {
    let mut config =
        carecount::server::config::Config::for_database(dir.join("mail.db"), "127.0.0.1:0".parse().unwrap());
    config.smtp_url = Some(url.to_string());
    let store = carecount::server::store::Store::open(&config.database_path).await.unwrap();
    store.seed_demo(carecount::server::store::demo::demo_today(chrono::Utc::now())).await.unwrap();
    store.request_reset(MANAGER, "http://clinic.test").await.unwrap();
    (store, config)
}

#[test]
fn mail_goes_through_plain_starttls_and_implicit_tls_relays_with_verified_certificates() {
    support::run(async {
        let dir = tempfile::tempdir().unwrap();
        let ca = TestCa::new(dir.path());
        let deliver = |url: String, ca_file: Option<std::path::PathBuf>, name: &'static str| {
            let dir = dir.path().join(name);
            async move {
                std::fs::create_dir_all(&dir).unwrap();
                let (store, mut config) = outbox_with_one_email(&dir, &url).await;
                config.smtp_ca_file = ca_file;
                let mailer = carecount::server::mail::Mailer::new(&config).expect("mailer");
                mailer.deliver(&store).await.expect("deliver")
            }
        };

        let plain = SmtpServer::start(Mode::Plain, None).await;
        assert_eq!(deliver(format!("smtp://127.0.0.1:{}", plain.port), None, "plain").await, 1);
        assert!(plain.messages()[0].data.contains("Subject:"), "{:?}", plain.messages());

        let starttls = SmtpServer::start(Mode::StartTls, Some(&ca)).await;
        let url = format!("smtp://maple%40clinic.example:s3cret@127.0.0.1:{}?tls=required", starttls.port);
        assert_eq!(deliver(url, Some(ca.ca_pem.clone()), "starttls").await, 1);
        let got = starttls.messages();
        assert!(got[0].tls, "the message travelled inside TLS");
        assert!(got[0].auth.is_some(), "credentials from the URL were used");

        let implicit = SmtpServer::start(Mode::Implicit, Some(&ca)).await;
        let url = format!("smtps://127.0.0.1:{}", implicit.port);
        assert_eq!(deliver(url.clone(), Some(ca.ca_pem.clone()), "implicit").await, 1);
        assert!(implicit.messages()[0].tls);

        // Certificates are verified: without the clinic's CA nothing is sent.
        assert_eq!(deliver(url, None, "untrusted").await, 0);
        assert_eq!(implicit.messages().len(), 1);
        // tls=required to a relay without STARTTLS: refused, never sent in the clear.
        let no_tls = SmtpServer::start(Mode::Plain, None).await;
        let url = format!("smtp://127.0.0.1:{}?tls=required", no_tls.port);
        assert_eq!(deliver(url, Some(ca.ca_pem.clone()), "downgrade").await, 0);
        assert!(no_tls.messages().is_empty());
    });
}

/// Every request is answered in a reactive scope of its own. Leptos leaves
/// a page's root as its thread's current scope while the page's body still
/// streams, and a server function begun next on that thread made it its
/// parent: it read the page's nonce and went out with the page's policy.
/// Under load the same parent froze a worker thread for good, when the page
/// ended on another thread while the server function was looking through it.
/// One thread and the router called directly give that order every time.
#[test]
fn a_server_function_never_reads_a_page_still_streaming_on_its_thread() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let config = carecount::server::config::Config::for_database(
            dir.path().join("carecount.db"),
            "127.0.0.1:0".parse().unwrap(),
        );
        let store = config.open_store().await.expect("open store");
        let options = carecount::server::startup::leptos_options(&config);
        let app = carecount::server::app::router(store, options, "http://127.0.0.1".into(), Vec::new(), None);
        let page = app.clone().oneshot(Request::get("/login").body(Body::empty()).unwrap()).await.unwrap();
        let page_policy = page.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(page_policy.contains("'nonce-"), "the sign-in page has its nonce: {page_policy}");
        // The page's body is left unread: it is still streaming.
        let answer = app.clone().oneshot(Request::post("/api/me").body(Body::empty()).unwrap()).await.unwrap();
        let policy = answer.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.starts_with("default-src 'none'"), "a server function may run nothing: {policy}");
        drop(page);
    });
}
