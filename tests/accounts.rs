//! Signing in and out, password resets and invitations, as a person meets
//! them: clear words, no hints for guessers, links that work once.

mod support;

use support::*;

/// The token in the newest email to `to`. A reset link is queued just after
/// the answer, so this waits a little for it.
async fn link_token(app: &TestApp, to: &str) -> String {
    let mut body: Option<String> = None;
    for _ in 0..100 {
        body = sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1")
            .bind(to)
            .fetch_optional(app.store.reader())
            .await
            .unwrap();
        if body.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let body = body.expect("an email was queued");
    let start = body.find("/reset/").expect("a link") + "/reset/".len();
    body[start..start + 64].to_string()
}

/// The emails queued by the reset requests already answered: waits for
/// `expected` of them to be written (each is written just after its
/// answer), then a moment more, so one too many would be seen too.
async fn emails_settled(app: &TestApp, expected: i64) -> i64 {
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox").fetch_one(app.store.reader()).await.unwrap()
    };
    for _ in 0..100 {
        if count().await >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    count().await
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("carecount_session="))
        .map(str::to_string)
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_words_then_a_pause() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let (status, wrong) = app.sign_in_with(&app.client, MANAGER, "not-the-password").await;
        assert_eq!(status, 422);
        let (_, unknown) = app.sign_in_with(&app.client, "nobody@maple.example", "not-the-password").await;
        assert_eq!(wrong, unknown, "the answer must not tell whether the account exists");
        assert!(wrong.contains("don't match an account"), "{wrong}");
        for _ in 0..4 {
            app.sign_in_with(&app.client, MANAGER, "still-wrong").await;
        }
        // Five failures: even the right password now waits.
        let (status, body) = app.sign_in_with(&app.client, MANAGER, DEMO_PASSWORD).await;
        assert_eq!(status, 429, "{body}");
        assert!(body.contains("Wait 15 minutes"), "{body}");
        // Other accounts are not locked by it.
        let (status, _) = app.sign_in_with(&app.client, VET, DEMO_PASSWORD).await;
        assert!(status < 400);
    });
}

#[test]
fn over_long_and_empty_fields_are_refused_with_what_to_fix() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let (status, body) = app.sign_in_with(&app.client, &"a".repeat(5000), "x").await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = app.sign_in_with(&app.client, MANAGER, &"p".repeat(10_000)).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = app.sign_in_with(&app.client, "", "").await;
        assert_eq!(status, 422);
        assert!(body.contains("Enter your email and your password"), "{body}");
        let manager = app.client_for(MANAGER).await;
        let long_name = "N".repeat(81);
        let (status, body) =
            app.call_as(&manager, "staff/invite", &format!("email=x%40maple.example&name={long_name}&role=vet")).await;
        assert_eq!(status, 422);
        assert!(body.contains("under 80 characters"), "{body}");
        let (status, body) = app.call_as(&manager, "staff/invite", "email=not-an-email&name=X&role=vet").await;
        assert_eq!(status, 422);
        assert!(body.contains("name@example.com"), "{body}");
    });
}

#[test]
fn sign_in_gives_a_new_session_id_and_sign_out_ends_it() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let client = new_client();
        let first = client.get(app.url("/login")).send().await.unwrap();
        let before = session_cookie(&first);
        let response = client
            .post(app.url("/api/sign-in"))
            .form(&[("email", RECEPTIONIST), ("password", DEMO_PASSWORD), ("next", "")])
            .send()
            .await
            .unwrap();
        let after = session_cookie(&response).expect("a session cookie at sign-in");
        assert_ne!(before, Some(after.clone()));
        assert!(after.contains("HttpOnly") && after.contains("SameSite=Lax"), "{after}");
        assert_eq!(app.call_as(&client, "patients", "").await.0, 200);
        let (status, _) = app.call_as(&client, "sign-out", "").await;
        assert!(status < 400);
        assert_eq!(app.call_as(&client, "patients", "").await.0, 401);
    });
}

#[test]
fn a_request_answered_after_sign_out_does_not_bring_the_session_back() {
    support::run(async {
        use tower_sessions::SessionStore;
        let app = TestApp::start_signed_out().await;
        let client = app.client_for(RECEPTIONIST).await;
        assert_eq!(app.call_as(&client, "patients", "").await.0, 200);
        // A request of another tab loaded the session before the sign-out…
        let table = if app.database_url.is_some() { "tower_sessions.session" } else { "tower_sessions" };
        let id: String =
            sqlx::query_scalar(&format!("SELECT id FROM {table}")).fetch_one(app.store.reader()).await.unwrap();
        let sessions = app.store.session_store();
        let mut loaded = sessions.load(&id.parse().unwrap()).await.unwrap().expect("the signed-in session");
        let (status, _) = app.call_as(&client, "sign-out", "").await;
        assert!(status < 400);
        // …and is answered after it, saving what it loaded.
        loaded.expiry_date += tower_sessions::cookie::time::Duration::minutes(5);
        sessions.save(&loaded).await.unwrap();
        assert_eq!(support::sessions(&app).await.1, 0, "the ended session stays ended");
        assert_eq!(app.call_as(&client, "patients", "").await.0, 401);
    });
}

#[test]
fn an_invitation_does_not_tell_whether_an_address_has_an_account_elsewhere() {
    support::run(async {
        let app = TestApp::start().await;
        let mut tx = app.store.begin_write().await.unwrap();
        let other: i64 = sqlx::query_scalar("INSERT INTO organisations (name) VALUES ('Other group') RETURNING id")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO users (organisation_id, email, display_name, role, password_hash)
             VALUES ($1, 'vet@other.example', 'Other vet', 'vet', 'x')",
        )
        .bind(other)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (status, body) = app.call("staff/invite", "email=vet%40other.example&name=Sam&role=vet").await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("cannot be invited here") && !body.contains("already has an account"), "{body}");
    });
}

#[test]
fn the_desk_switches_an_owners_portal_off_and_on_again() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let desk = app.client_for(RECEPTIONIST).await;
        let owner = app.client_for(OWNER).await;
        assert_eq!(app.call_as(&owner, "healthcard", "").await.0, 200);
        let rex = app.patient_id("Rex").await;
        let client = app.client_of(rex).await;
        let portal =
            |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["patient"]["portal_active"].clone();
        let (_, page) = app.call_as(&desk, "patient", &format!("id={rex}")).await;
        assert_eq!(portal(&page), serde_json::json!(true), "{page}");

        // The invitation went to an address the household no longer uses:
        // a link sent there must not work once the portal is on again.
        app.call("forgot", &format!("email={}", OWNER.replace('@', "%40"))).await;
        let old_link = link_token(&app, OWNER).await;
        let (status, body) = app.call_as(&desk, "owner/access", &format!("client_id={client}&active=false")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains(OWNER), "{body}");
        assert_eq!(app.call_as(&owner, "healthcard", "").await.0, 401, "the open session ends");
        let (status, _) = app.sign_in_with(&new_client(), OWNER, DEMO_PASSWORD).await;
        assert!(status >= 400, "and signing in again is refused: {status}");
        let (_, page) = app.call_as(&desk, "patient", &format!("id={rex}")).await;
        assert_eq!(portal(&page), serde_json::json!(false));

        let (status, body) = app.call_as(&desk, "owner/access", &format!("client_id={client}&active=true")).await;
        assert_eq!(status, 200, "{body}");
        let again = app.client_for(OWNER).await;
        assert_eq!(app.call_as(&again, "healthcard", "").await.0, 200);
        let (status, body) = app.call("link", &format!("token={old_link}")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("already been used"), "{body}");

        // A household without an account is invited, not switched.
        let without: i64 = sqlx::query_scalar(
            "SELECT id FROM clients c WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.client_id = c.id) ORDER BY id LIMIT 1",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let (status, body) = app.call_as(&desk, "owner/access", &format!("client_id={without}&active=false")).await;
        assert_eq!(status, 404, "{body}");
        assert!(body.contains("invite them first"), "{body}");
    });
}

#[test]
fn a_reset_link_works_once_and_ends_other_sessions() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let old_session = app.client_for(VET).await;
        let (status, _) = app.call("forgot", "email=PIETER%40maple.example").await;
        assert_eq!(status, 200);
        // Unknown addresses get the same answer and no email.
        let (status, _) = app.call("forgot", "email=nobody%40maple.example").await;
        assert_eq!(status, 200);
        let token = link_token(&app, VET).await;
        assert_eq!(emails_settled(&app, 1).await, 1);
        let (status, body) = app.call("link", &format!("token={token}")).await;
        assert_eq!(status, 200, "{body}");
        let fresh = new_client();
        let (status, body) = app.call_as(&fresh, "reset", &format!("token={token}&password=short&repeat=short")).await;
        assert_eq!(status, 422);
        assert!(body.contains("at least 10"), "{body}");
        let (status, body) =
            app.call_as(&fresh, "reset", &format!("token={token}&password=a+new+long+one&repeat=a+new+long+one")).await;
        assert!(status < 400, "{body}");
        assert_eq!(app.call_as(&fresh, "patients", "").await.0, 200, "signed in by the reset");
        assert_eq!(app.call_as(&old_session, "patients", "").await.0, 401, "the old session ended");
        let (status, body) = app
            .call_as(
                &new_client(),
                "reset",
                &format!("token={token}&password=another+long+one&repeat=another+long+one"),
            )
            .await;
        assert_eq!(status, 409);
        assert!(body.contains("already been used"), "{body}");
        let (status, _) = app.sign_in_with(&new_client(), VET, "a new long one").await;
        assert!(status < 400);
        let page = app.client.get(app.url(&format!("/reset/{token}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("already been used"), "{page}");
    });
}

#[test]
fn a_reset_request_is_answered_before_its_email_is_written() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        // While another write holds the database, a known address is
        // answered as soon as an unknown one: how long the answer takes
        // cannot tell who has an account.
        let busy = app.store.begin_write().await.unwrap();
        let known = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            app.call("forgot", &format!("email={}", VET.replace('@', "%40"))),
        )
        .await
        .expect("the answer does not wait for the write");
        assert_eq!(known.0, 200);
        drop(busy);
        link_token(&app, VET).await;
        assert_eq!(emails_settled(&app, 1).await, 1);
    });
}

#[test]
fn an_expired_reset_link_says_so() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        app.call("forgot", &format!("email={}", RECEPTIONIST.replace('@', "%40"))).await;
        let token = link_token(&app, RECEPTIONIST).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE account_links SET expires_at = '2000-01-01T00:00:00Z'").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let (status, body) =
            app.call("reset", &format!("token={token}&password=a+new+long+one&repeat=a+new+long+one")).await;
        assert_eq!(status, 409);
        assert!(body.contains("expired"), "{body}");
        let (status, body) = app.call("reset", "token=0000&password=a+new+long+one&repeat=a+new+long+one").await;
        assert_eq!(status, 404);
        assert!(body.contains("not valid"), "{body}");
    });
}

#[test]
fn a_manager_invites_a_colleague_who_chooses_a_password() {
    support::run(async {
        let app = TestApp::start().await;
        let (status, body) =
            app.call("staff/invite", "email=jo%40maple.example&name=Jo+de+Wit&role=receptionist").await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.sign_in_with(&new_client(), "jo@maple.example", "").await;
        assert_eq!(status, 422, "no password yet: {body}");
        let token = link_token(&app, "jo@maple.example").await;
        let (_, info) = app.call("link", &format!("token={token}")).await;
        assert!(info.contains("\"invitation\":true") && info.contains("Jo de Wit"), "{info}");
        let jo = new_client();
        let (status, _) = app
            .call_as(&jo, "reset", &format!("token={token}&password=jo+picks+one+now&repeat=jo+picks+one+now"))
            .await;
        assert!(status < 400);
        assert_eq!(app.call_as(&jo, "patients", "").await.0, 200);
        assert_eq!(app.call_as(&jo, "settings", "").await.0, 403, "a receptionist does not manage");
        // Inviting the same address again is a clear conflict.
        let (status, body) = app.call("staff/invite", "email=JO%40maple.example&name=Jo&role=vet").await;
        assert_eq!(status, 409);
        assert!(body.contains("already has an account"), "{body}");
        // The mailer delivers the outbox as .eml files when no relay is set.
        let outbox = app.dir.path().join("outbox");
        for _ in 0..50 {
            if std::fs::read_dir(&outbox).map(|d| d.count() > 0).unwrap_or(false) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let files: Vec<_> = std::fs::read_dir(&outbox).expect("outbox folder").collect();
        assert!(!files.is_empty(), "the invitation was written to {}", outbox.display());
    });
}

#[test]
fn owners_are_invited_from_the_patient_page_and_land_on_the_portal() {
    support::run(async {
        let app = TestApp::start().await;
        let client = app.client_id_of_patient("Bella").await;
        let (status, body) = app.call("owner/invite", &format!("client_id={client}")).await;
        assert_eq!(status, 200, "{body}");
        let email = body.trim_matches('"').to_string();
        let token = link_token(&app, &email).await;
        let owner = new_client();
        let response = owner
            .post(app.url("/api/reset"))
            .header("accept", "text/html")
            .form(&[("token", token.as_str()), ("password", "bella's owner here"), ("repeat", "bella's owner here")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], "/portal");
        let (status, body) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200);
        assert!(body.contains("Bella"), "{body}");
    });
}

#[test]
fn a_busy_session_stays_and_an_idle_one_ends() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let desk = app.client_for(RECEPTIONIST).await;
        let expiry = || async { support::sessions(&app).await.0.expect("a session") };
        // Pretend the session was last written 20 seconds ago: a request
        // within the minute leaves it as it is, with no write.
        support::set_session_expiry(&app, 30 * 60 - 20).await;
        let written = expiry().await;
        assert_eq!(app.call_as(&desk, "patients", "").await.0, 200);
        assert_eq!(expiry().await, written, "a request within a minute of the last write writes nothing");
        // Pretend the session was last used 25 minutes ago.
        support::set_session_expiry(&app, 5 * 60).await;
        assert_eq!(app.call_as(&desk, "patients", "").await.0, 200);
        let now = chrono::Utc::now().timestamp();
        assert!(expiry().await > now + 29 * 60, "a request pushes the idle limit out again");
        support::set_session_expiry(&app, -60).await;
        assert_eq!(app.call_as(&desk, "patients", "").await.0, 401, "30 minutes idle ends it");
        app.store.delete_expired_sessions().await.unwrap();
        let left = support::sessions(&app).await.1;
        assert_eq!(left, 0, "ended sessions are cleared away");
    });
}

#[test]
fn the_reset_form_cannot_flood_an_inbox() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        for _ in 0..8 {
            let (status, _) = app.call("forgot", "email=marloes%40maple.example").await;
            assert_eq!(status, 200, "the answer never changes");
        }
        link_token(&app, RECEPTIONIST).await;
        assert_eq!(emails_settled(&app, 5).await, 5);
    });
}
