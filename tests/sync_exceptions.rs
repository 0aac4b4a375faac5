//! A line that needs a person but no mapping (an item the pet's plans do
//! not cover) is closed by a manager with a note, and stays closed when
//! the practice system sends the same line again.

mod support;

use support::sync::{HEADER, import, pims, visit_day};
use support::{RECEPTIONIST, TestApp};

#[test]
fn a_line_no_mapping_clears_is_dismissed_with_a_note_and_stays_closed() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let file = |quantity: u32| format!("{HEADER}INV-7900,1,{day},{rex},WP-XRAY,{quantity},,Radiograph\n");
        let run = import(&app, &file(1)).await.unwrap();
        assert_eq!(run.exceptions, 1, "a radiograph is in none of Rex's plans: {run:?}");
        let open = || {
            app.scalar("SELECT count(*) FROM sync_exceptions WHERE organisation_id = $1 AND resolved_run_id IS NULL", 1)
        };
        let id = app
            .scalar("SELECT max(id) FROM sync_exceptions WHERE kind = 'not_in_plan' AND organisation_id = $1", 1)
            .await;
        let (status, body) = app.call("sync/retry", "").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(open().await, 1, "applying again changes nothing: no mapping clears it");

        let receptionist = app.client_for(RECEPTIONIST).await;
        let asked = format!("id={id}&note=Paid+separately");
        assert_eq!(app.call_as(&receptionist, "sync/exception/dismiss", &asked).await.0, 403);
        let (status, body) = app.call("sync/exception/dismiss", &format!("id={id}&note=+")).await;
        assert!(status == 422 && body.contains("why this line needs no mapping"), "{status} {body}");
        let (status, body) = app.call("sync/exception/dismiss", &asked).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(open().await, 0);
        let (status, body) = app.call("sync/exception/dismiss", &asked).await;
        assert_eq!(status, 409, "closed once: {body}");
        let who = support::text(&app, "SELECT dismissed_by_name FROM sync_exceptions WHERE id = $1", id).await;
        assert!(who.is_some(), "who closed it is kept");

        // The same line again stays closed; a changed quantity asks again.
        let again = import(&app, &file(1)).await.unwrap();
        assert_eq!((again.exceptions, open().await), (0, 0), "{again:?}");
        let changed = import(&app, &file(2)).await.unwrap();
        assert_eq!((changed.exceptions, open().await), (1, 1), "{changed:?}");
        let shown = || {
            app.scalar(
                "SELECT max(quantity) FROM sync_exceptions WHERE resolved_run_id IS NULL AND organisation_id = $1",
                1,
            )
        };
        assert_eq!(shown().await, 2);

        // Sent at 3 while it is open: the list shows 3, not the 2 first sent.
        import(&app, &file(3)).await.unwrap();
        assert_eq!((open().await, shown().await), (1, 3));
        // Back to what the manager dismissed: closed again, nothing left open.
        let back = import(&app, &file(1)).await.unwrap();
        assert_eq!((back.exceptions, open().await), (0, 0), "{back:?}");
    })
}

#[test]
fn a_line_whose_problem_only_changed_is_not_counted_as_cleared() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let run = import(&app, &format!("{HEADER}INV-7950,1,{day},{rex},WP-RADIO,1,,\n")).await.unwrap();
        assert_eq!(run.exceptions, 1, "an unknown code: {run:?}");
        // Mapped to the radiograph, which none of Rex's plans covers.
        let (status, body) =
            app.call("sync/map-code", &format!("code=WP-RADIO&item_id={}", app.item_id("XRAY").await)).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("sync/retry", "").await;
        assert_eq!(status, 200, "{body}");
        let done: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!((done["cleared"].as_i64(), done["still_open"].as_i64()), (Some(0), Some(1)), "{body}");
    })
}
