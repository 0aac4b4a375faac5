//! The folder a clinic's exports are pulled from is that clinic's alone: no
//! two clinics on a server can name one folder (or one inside the other),
//! and a server that hosts several organisations keeps every folder inside
//! the one it names.

mod support;

use std::time::Duration;
use support::TestApp;

use carecount::server::store::leases::Holder;
use support::sync::{HEADER, import, pims, settle, used, visit_day};

fn form(folder: &std::path::Path) -> String {
    format!("folder={}", folder.display())
}

/// A folder named for the demo clinic's pull, with `recipients` told of
/// what the pull refuses.
async fn watched_folder(app: &TestApp, recipients: &str) -> std::path::PathBuf {
    let folder = app.dir.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();
    let (status, body) = app.call("sync/folder", &form(&folder)).await;
    assert_eq!(status, 200, "{body}");
    let mut tx = app.store.begin_write().await.unwrap();
    sqlx::query("UPDATE clinics SET over_usage_emails = $1 WHERE id = 1")
        .bind(recipients)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    folder
}

/// Emails queued to say the pull refused a file.
async fn refusal_mails(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) + $1 FROM outbox WHERE subject LIKE '%was refused%'", 0).await
}

#[test]
fn a_folder_another_clinic_pulls_from_or_one_inside_or_around_it_is_refused() {
    support::run(async {
        let app = TestApp::start().await;
        let exports = app.dir.path().join("maple-exports");
        std::fs::create_dir_all(exports.join("archive")).unwrap();
        std::fs::create_dir_all(app.dir.path().join("north-exports")).unwrap();
        let (status, body) = app.call("sync/folder", &form(&exports)).await;
        assert_eq!(status, 200, "{body}");

        let (status, body) = app
            .call("settings/clinic", "id=0&name=North+Branch&currency=EUR&time_zone=Europe%2FAmsterdam&member_tag_label=Member&import_code_prefix=WP&over_usage_emails=")
            .await;
        assert_eq!(status, 200, "{body}");
        let north = app.scalar("SELECT id FROM clinics WHERE name = 'North Branch' AND $1 > 0", 1).await;
        let (status, body) = app.call("clinic/switch", &format!("clinic_id={north}")).await;
        assert!(status == 200 || status == 303, "{body}");

        // The same folder, written another way, one inside it, one around it.
        let same = app.dir.path().join("north-exports").join("..").join("maple-exports");
        for folder in [same, exports.join("archive"), app.dir.path().to_path_buf()] {
            let (status, body) = app.call("sync/folder", &form(&folder)).await;
            assert_eq!(status, 422, "{}: {body}", folder.display());
            assert!(body.contains("a folder of its own"), "{body}");
        }
        let (status, body) = app.call("sync/folder", &form(&app.dir.path().join("north-exports"))).await;
        assert_eq!(status, 200, "a folder of its own is taken: {body}");
        let kept: String = sqlx::query_scalar("SELECT sync_folder FROM clinics WHERE id = 1")
            .fetch_one(app.store.reader())
            .await
            .unwrap();
        assert_eq!(std::path::Path::new(&kept), exports.canonicalize().unwrap(), "the first clinic keeps its folder");
    })
}

#[test]
fn a_server_that_names_a_root_takes_folders_only_inside_it() {
    support::run(async {
        let root = tempfile::tempdir().unwrap();
        let inside = root.path().join("maple");
        std::fs::create_dir_all(&inside).unwrap();
        let real_root = root.path().canonicalize().unwrap();
        let app = TestApp::start_with(|config| config.sync_root = Some(real_root.clone())).await;
        app.sign_in(&app.client, support::MANAGER).await;

        let outside = app.dir.path().to_path_buf();
        let escaping = inside.join("..").join("..");
        for folder in [outside, escaping] {
            let (status, body) = app.call("sync/folder", &form(&folder)).await;
            assert_eq!(status, 422, "{}: {body}", folder.display());
            assert!(body.contains(&format!("only from folders inside {}", real_root.display())), "{body}");
        }
        let (status, body) = app.call("sync/folder", &form(&inside)).await;
        assert_eq!(status, 200, "{body}");
    })
}

#[test]
fn a_file_the_folder_pull_refuses_is_emailed_to_the_clinic() {
    support::run(async {
        let app = TestApp::start().await;
        let folder = watched_folder(&app, "lead@maple.example, office@maple.example").await;
        let mails = || refusal_mails(&app);
        // A refused upload is seen by the manager who made it: no email.
        let rex = pims(&app, "Rex").await;
        let broken = format!("{HEADER}INV-7801,1,yesterday,{rex},WP-VAC-RAB,1,,\n");
        assert!(import(&app, &broken).await.unwrap_err().contains("invoice_date"));
        assert_eq!(mails().await, 0);

        std::fs::write(folder.join("tuesday.csv"), &broken).unwrap();
        settle(&folder.join("tuesday.csv"));
        let (status, body) = app.call("sync/now", "").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(mails().await, 2, "one to each address in the clinic's settings");
        let (to, subject, text): (String, String, String) = sqlx::query_as(
            "SELECT to_address, subject, body FROM outbox WHERE subject LIKE '%was refused%' ORDER BY id",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(to, "lead@maple.example");
        assert!(subject.contains("tuesday.csv"), "{subject}");
        assert!(text.contains("line 2, invoice_date") && text.contains("refused/"), "{text}");
        let runs = app.store.sync_runs(1, 1).await.unwrap();
        assert_eq!(runs[0].digest, text, "the history keeps what was sent");
    })
}

#[test]
fn sync_now_waits_for_a_pull_already_reading_the_folder() {
    support::run(async {
        let app = TestApp::start().await;
        let folder = app.dir.path().join("exports");
        std::fs::create_dir_all(&folder).unwrap();
        assert_eq!(app.call("sync/folder", &form(&folder)).await.0, 200);
        let rex = pims(&app, "Rex").await;
        std::fs::write(folder.join("monday.csv"), format!("{HEADER}INV-7810,1,{},{rex},WP-EXAM,1,,\n", visit_day()))
            .unwrap();
        settle(&folder.join("monday.csv"));
        // Another server's timed pull is reading this clinic's folder.
        let other = Holder::new();
        let now = chrono::Utc::now();
        assert!(app.store.hold_lease("folder-1", &other, now, Duration::from_secs(600)).await.unwrap());
        let (status, body) = app.call("sync/now", "").await;
        assert!(status == 409 && body.contains("being read right now"), "{status} {body}");
        assert!(folder.join("monday.csv").exists(), "left for the pull that holds the folder");
        // Done: the folder is free at once, and each pull lets go of it.
        app.store.release_lease("folder-1", &other).await.unwrap();
        for _ in 0..2 {
            let (status, body) = app.call("sync/now", "").await;
            assert_eq!(status, 200, "{body}");
        }
        assert!(!folder.join("monday.csv").exists(), "read and moved aside");
    })
}

#[test]
fn the_folder_pull_imports_each_file_once_and_moves_it_aside() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let folder = app.dir.path().join("pims-exports");
        let (status, body) = app.call("sync/now", "").await;
        assert_eq!(status, 422, "no folder named yet: {body}");
        let (status, body) = app.call("sync/folder", "folder=relative/path").await;
        assert!(status == 422 && body.contains("not a full path"), "{status} {body}");
        let (status, body) = app.call("sync/folder", &format!("folder={}", folder.display())).await;
        assert!(status == 422 && body.contains("There is no folder"), "{status} {body}");
        std::fs::create_dir_all(&folder).unwrap();
        let (status, body) = app.call("sync/folder", &format!("folder={}", folder.display())).await;
        assert_eq!(status, 200, "{body}");

        let rex = pims(&app, "Rex").await;
        let before = used(&app, "Rex", "VAC-RAB").await;
        std::fs::write(folder.join("a-monday.csv"), format!("{HEADER}INV-7700,1,{day},{rex},WP-VAC-RAB,1,,\n"))
            .unwrap();
        std::fs::write(folder.join("b-broken.csv"), format!("{HEADER}INV-7701,1,yesterday,{rex},WP-VAC-RAB,1,,\n"))
            .unwrap();
        std::fs::write(folder.join("notes.txt"), "not an export").unwrap();
        // Still being written: a line cut after its quantity.
        std::fs::write(folder.join("c-writing.csv"), format!("{HEADER}INV-7702,1,{day},{rex},WP-VAC-RAB,1")).unwrap();
        // A later export waits behind it, read in name order.
        std::fs::write(folder.join("d-later.csv"), format!("{HEADER}INV-7703,1,{day},{rex},WP-VAC-RAB,1,,\n")).unwrap();
        for file in ["a-monday.csv", "b-broken.csv", "d-later.csv"] {
            settle(&folder.join(file));
        }
        let (status, body) = app.call("sync/now", "").await;
        assert_eq!(status, 200, "{body}");
        let runs: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        assert_eq!(runs.len(), 2, "{body}");
        assert_eq!(runs[0]["applied"], 1);
        assert!(runs[1]["problem"].as_str().unwrap().contains("line 2, invoice_date"), "{body}");
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before + 1);
        assert!(folder.join("imported").read_dir().unwrap().count() == 1);
        assert!(folder.join("refused").read_dir().unwrap().count() == 1);
        assert!(folder.join("notes.txt").exists(), "only CSV files are read");
        assert!(folder.join("c-writing.csv").exists(), "a file changed in the last 30 seconds waits");
        assert!(folder.join("d-later.csv").exists(), "and so does the next export, behind it");
        std::fs::write(folder.join("c-writing.csv"), format!("{HEADER}INV-7702,1,{day},{rex},WP-VAC-RAB,1,void,\n"))
            .unwrap();
        settle(&folder.join("c-writing.csv"));
        let (_, body) = app.call("sync/now", "").await;
        let runs: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        assert_eq!(runs.len(), 2, "read once it has settled, then the next: {body}");
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before + 2, "a void line, whole, counts no use");

        // A file dropped again (a crash before it was moved) counts nothing twice.
        std::fs::write(folder.join("a-monday.csv"), format!("{HEADER}INV-7700,1,{day},{rex},WP-VAC-RAB,1,,\n"))
            .unwrap();
        settle(&folder.join("a-monday.csv"));
        let (_, body) = app.call("sync/now", "").await;
        let runs: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        assert_eq!((runs[0]["applied"].as_i64(), runs[0]["unchanged"].as_i64()), (Some(0), Some(1)), "{body}");
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before + 2);
    })
}

#[test]
fn a_refused_file_that_cannot_be_moved_is_not_emailed_until_it_is() {
    support::run(async {
        let app = TestApp::start().await;
        let folder = watched_folder(&app, "lead@maple.example").await;
        let mails = || refusal_mails(&app);
        let rex = pims(&app, "Rex").await;
        std::fs::write(folder.join("friday.csv"), format!("{HEADER}INV-7820,1,someday,{rex},WP-EXAM,1,,\n")).unwrap();
        settle(&folder.join("friday.csv"));
        // Something in the way of refused/: the file stays where it is.
        std::fs::write(folder.join("refused"), "in the way").unwrap();
        for _ in 0..2 {
            let (status, body) = app.call("sync/now", "").await;
            assert!(status == 422 && body.contains("could not be moved"), "{status} {body}");
        }
        assert_eq!(mails().await, 0, "the email would say it was moved, and come at every pull");
        std::fs::remove_file(folder.join("refused")).unwrap();
        assert_eq!(app.call("sync/now", "").await.0, 200);
        assert_eq!(mails().await, 1, "told once, when it is in refused/");
    })
}
