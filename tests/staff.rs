//! Managing staff accounts from the staff page: one change at a time, and
//! never one made on a page that no longer shows the account as it is.

mod support;

use support::*;

#[test]
fn an_old_staff_page_does_not_switch_back_on_an_account_switched_off_since() {
    support::run(async {
        let app = TestApp::start().await;
        let pieter = app.scalar("SELECT id FROM users WHERE email = 'pieter@maple.example' AND $1 = 1", 1).await;
        // Another manager switches Pieter off: he has left.
        let (status, body) = app.call("staff/update", &format!("user_id={pieter}&role=vet&active=false")).await;
        assert_eq!(status, 200, "{body}");
        // A page opened before that still shows him active, and makes him a receptionist.
        let (status, body) = app.call("staff/update", &format!("user_id={pieter}&role=receptionist&active=true")).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("Reload the staff page"), "{body}");
        let (role, active): (String, i64) = sqlx::query_as("SELECT role, active FROM users WHERE id = $1")
            .bind(pieter)
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!((role.as_str(), active), ("vet", 0), "nothing changed");
        // One change at a time, as the page makes them, goes through.
        let (status, body) = app.call("staff/update", &format!("user_id={pieter}&role=vet&active=true")).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("staff/update", &format!("user_id={pieter}&role=receptionist&active=true")).await;
        assert_eq!(status, 200, "{body}");
    });
}
