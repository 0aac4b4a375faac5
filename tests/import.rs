//! Usage sync from a practice system: a CSV export applied to the plans,
//! exactly, however often and in whatever state its lines arrive.

mod support;

use carecount::server::store::sync::Batch;
use carecount::wire::sync::SyncSource;
use support::TestApp;
use support::smtp::{Mode, SmtpServer};
use support::sync::{HEADER, actor, count, import, import_bytes, pims, used, visit_day};

/// Every table an import writes to, counted: nothing of a refused file may
/// show up in any of them.
async fn footprint(app: &TestApp) -> [i64; 4] {
    [
        count(app, "SELECT count(*) FROM usage_ledger").await,
        count(app, "SELECT count(*) FROM pims_invoices").await,
        count(app, "SELECT count(*) FROM over_usage").await,
        count(app, "SELECT count(*) FROM sync_exceptions").await,
    ]
}

#[test]
fn the_same_file_imported_twice_changes_nothing_the_second_time() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let file = format!(
            "{HEADER}INV-7001,1,{day},{rex},WP-EXAM,1,,Exam\nINV-7001,2,{day},{rex},WP-VAC-RAB,1,,\"Rabies, 3y\"\nINV-7001,3,{day},{rex},FOOD-12,2,,Not a plan code\n"
        );
        let (exam, rabies) = (used(&app, "Rex", "EXAM").await, used(&app, "Rex", "VAC-RAB").await);
        let first = import(&app, &file).await.unwrap();
        assert_eq!((first.lines_read, first.applied, first.skipped), (3, 2, 1), "{first:?}");
        assert_eq!(used(&app, "Rex", "EXAM").await, exam + 1);
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, rabies + 1);
        let after_first = footprint(&app).await;

        let second = import(&app, &file).await.unwrap();
        assert_eq!((second.applied, second.unchanged, second.reversed), (0, 2, 0), "{second:?}");
        assert_eq!(footprint(&app).await, after_first, "the second run wrote nothing");
        assert_eq!(used(&app, "Rex", "EXAM").await, exam + 1);
    })
}

#[test]
fn a_void_the_next_day_and_an_invoice_for_the_other_pet_end_with_the_right_counts() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        // Rex and Bella live in one household in the demo.
        let (rex, bella) = (pims(&app, "Rex").await, pims(&app, "Bella").await);
        let (rex_before, bella_before) = (used(&app, "Rex", "EXAM").await, used(&app, "Bella", "EXAM").await);
        import(&app, &format!("{HEADER}INV-7100,1,{day},{rex},WP-EXAM,1,,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "EXAM").await, rex_before + 1);

        let next_day =
            format!("{HEADER}INV-7100,1,{day},{rex},WP-EXAM,1,void,Wrong pet\nINV-7101,1,{day},{bella},WP-EXAM,1,,\n");
        let run = import(&app, &next_day).await.unwrap();
        assert_eq!((run.applied, run.reversed), (1, 1), "{run:?}");
        assert_eq!(used(&app, "Rex", "EXAM").await, rex_before, "the void gave Rex's exam back");
        assert_eq!(used(&app, "Bella", "EXAM").await, bella_before + 1, "Bella's exam counts once");
    })
}

#[test]
fn the_owner_reads_a_practice_system_use_and_its_void_by_the_invoice() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start_signed_out().await;
        let rex = pims(&app, "Rex").await;
        import(&app, &format!("{HEADER}INV-7150,1,{day},{rex},WP-EXAM,1,,\n")).await.unwrap();
        import(&app, &format!("{HEADER}INV-7150,1,{day},{rex},WP-EXAM,1,void,Wrong pet\n")).await.unwrap();
        let owner = app.client_for(support::OWNER).await;
        let (status, body) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{body}");
        let card: serde_json::Value = serde_json::from_str(&body).unwrap();
        let history: Vec<(String, String)> = card["plans"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|plan| plan["history"].as_array().unwrap().iter())
            .map(|u| (u["text"].as_str().unwrap().to_string(), u["source"].as_str().unwrap().to_string()))
            .filter(|(_, source)| source.contains("INV-7150"))
            .collect();
        assert_eq!(history.len(), 2, "{history:?}");
        // Newest first: the void gives the exam back, then the use itself.
        assert_eq!(history[0].0, "1 Wellness exam given back to the plan");
        assert_eq!(history[0].1, "invoice INV-7150 was changed or cancelled");
        assert_eq!(history[1].0, "Rex used 1 Wellness exam");
        assert_eq!(history[1].1, "invoice INV-7150");

        // Staff read the same invoice in the plan's usage history.
        let plan: i64 = count(
            &app,
            "SELECT b.subscription_id FROM usage_ledger l JOIN subscription_benefits b ON b.id = l.subscription_benefit_id
             WHERE l.source_key LIKE 'pims:1:INV-7150:%' LIMIT 1",
        )
        .await;
        let detail =
            app.store.plan_detail(1, plan, chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap()).await.unwrap();
        let staff: Vec<(i64, &str)> = detail
            .history
            .iter()
            .filter(|row| row.source.contains("INV-7150"))
            .map(|row| (row.quantity, row.source.as_str()))
            .collect();
        assert_eq!(staff, [(-1, "Practice system invoice INV-7150"), (1, "Practice system invoice INV-7150")]);
    })
}

#[test]
fn the_demo_owners_earlier_uses_name_the_practice_invoice_they_came_from() {
    support::run(async {
        let app = TestApp::start_signed_out().await;
        let owner = app.client_for(support::OWNER).await;
        let (status, body) = app.call_as(&owner, "healthcard", "").await;
        assert_eq!(status, 200, "{body}");
        let card: serde_json::Value = serde_json::from_str(&body).unwrap();
        let sources: Vec<String> = card["plans"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|plan| plan["history"].as_array().unwrap().iter())
            .map(|u| u["source"].as_str().unwrap().to_string())
            .collect();
        assert!(!sources.is_empty(), "the demo owner has a history");
        // The demo's earlier uses stand for the practice system's invoices,
        // and read as such, not as an entry nobody can trace.
        assert!(sources.iter().any(|s| s.starts_with("invoice PV-")), "{sources:?}");
        assert!(!sources.iter().any(|s| s == "recorded by the clinic"), "{sources:?}");
    })
}

#[test]
fn a_provider_correction_of_minus_one_and_plus_one_nets_to_one_use() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let before = used(&app, "Rex", "EXAM").await;
        import(&app, &format!("{HEADER}INV-7200,1,{day},{rex},WP-EXAM,1,,Dr. Jansen\n")).await.unwrap();
        let corrected = format!(
            "{HEADER}INV-7200,1,{day},{rex},WP-EXAM,1,,Dr. Jansen\nINV-7200,2,{day},{rex},WP-EXAM,-1,,Dr. Jansen\nINV-7200,3,{day},{rex},WP-EXAM,1,,Dr. Bakker\n"
        );
        let run = import(&app, &corrected).await.unwrap();
        assert_eq!((run.applied, run.unchanged), (2, 1), "{run:?}");
        assert_eq!(used(&app, "Rex", "EXAM").await, before + 1, "one exam, not three");
        let changed = format!("{HEADER}INV-7200,3,{day},{rex},WP-EXAM,2,,Dr. Bakker\n");
        import(&app, &changed).await.unwrap();
        let posted_or_over = used(&app, "Rex", "EXAM").await - before
            + count(
                &app,
                "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage WHERE invoice_ref = 'INV-7200'",
            )
            .await;
        assert_eq!(posted_or_over, 2, "a changed line posts the difference");
    })
}

#[test]
fn a_malformed_file_is_refused_by_line_and_field_and_applies_nothing() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let good = format!("INV-7300,1,{day},{rex},WP-EXAM,1,,\n");
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "missing column",
                format!("invoice_id,line_id,invoice_date,patient_id,code\nINV-7300,1,{day},{rex},WP-EXAM\n")
                    .into_bytes(),
                "line 1, quantity",
            ),
            (
                "bad number",
                format!("{HEADER}{good}INV-7300,2,{day},{rex},WP-EXAM,1x,,\n").into_bytes(),
                "line 3, quantity",
            ),
            (
                "bad date",
                format!("{HEADER}{good}INV-7300,2,2026-13-40,{rex},WP-EXAM,1,,\n").into_bytes(),
                "line 3, invoice_date",
            ),
            (
                "not UTF-8",
                [format!("{HEADER}{good}INV-7300,2,{day},").into_bytes(), b"P\xe9,WP-EXAM,1,,\n".to_vec()].concat(),
                "line 3, patient_id",
            ),
        ];
        let before = footprint(&app).await;
        for (name, bytes, expected) in cases {
            let refused = import_bytes(&app, &bytes).await.expect_err(name);
            assert!(refused.contains(expected), "{name}: {refused}");
            assert!(refused.starts_with("Nothing of this file was applied."), "{name}: {refused}");
            assert_eq!(footprint(&app).await, before, "{name}: nothing applied");
        }
        let runs = app.store.sync_runs(1, 10).await.unwrap();
        assert_eq!(runs.len(), 4, "each refused file is in the history");
        assert!(runs.iter().all(|r| r.errors > 0 && r.applied == 0 && !r.problem.is_empty()), "{runs:?}");

        // A BOM, Windows line ends and quoted commas are a valid file.
        let header = HEADER.replace('\n', "\r\n");
        let windows = format!("\u{feff}{header}INV-7300,1,{day},{rex},WP-EXAM,1,,\"Exam, annual\"\r\n");
        let run = import(&app, &windows).await.unwrap();
        assert_eq!(run.applied, 1, "{run:?}");
    })
}

#[test]
fn unknown_codes_and_patients_wait_for_a_mapping_then_apply_once() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let before = used(&app, "Rex", "EXAM").await;
        let file = format!("{HEADER}INV-7400,1,{day},{rex},WP-CHECKUP,1,,\nINV-7401,1,{day},PMS-99999,WP-EXAM,1,,\n");
        let run = import(&app, &file).await.unwrap();
        assert_eq!(run.exceptions, 2, "{run:?}");
        assert!(run.digest.contains("WP-CHECKUP") && run.digest.contains("PMS-99999"), "{}", run.digest);
        assert_eq!(used(&app, "Rex", "EXAM").await, before);

        app.store.map_code(1, "wp-checkup", app.item_id("EXAM").await).await.unwrap();
        app.store.map_patient(1, "PMS-99999", app.patient_id("Rex").await).await.unwrap();
        let who = actor();
        let batch = Batch { organisation_id: 1, clinic_id: 1, source: SyncSource::Retry, file_name: "", actor: &who };
        let retry = app.store.retry_exceptions(&batch).await.unwrap();
        assert_eq!((retry.run.exceptions, retry.cleared, retry.still_open), (0, 2, 0), "{retry:?}");
        assert_eq!(count(&app, "SELECT count(*) FROM sync_exceptions WHERE resolved_run_id IS NULL").await, 0);
        let posted_or_over = used(&app, "Rex", "EXAM").await - before
            + count(&app, "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage").await;
        assert_eq!(posted_or_over, 2, "both lines count once they are mapped");
        let again = app.store.retry_exceptions(&batch).await.unwrap();
        assert_eq!(again.run.applied + again.run.exceptions + again.cleared, 0);
        assert_eq!(
            used(&app, "Rex", "EXAM").await - before
                + count(&app, "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage").await,
            2
        );
    })
}

#[test]
fn the_digest_of_a_run_arrives_at_a_real_smtp_server() {
    support::run(async {
        let day = visit_day();
        let smtp = SmtpServer::start(Mode::Plain, None).await;
        let url = format!("smtp://127.0.0.1:{}", smtp.port);
        let app = TestApp::start_with(|config| config.smtp_url = Some(url)).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE clinics SET over_usage_emails = 'manager@maple.example'").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let rex = pims(&app, "Rex").await;
        // More exams than any plan holds: over-usage, and one unknown code.
        let file = format!("{HEADER}INV-7500,1,{day},{rex},WP-EXAM,9,,\nINV-7500,2,{day},{rex},WP-UNKNOWN,1,,\n");
        let run = import(&app, &file).await.unwrap();
        assert_eq!((run.over_usage, run.exceptions), (1, 1), "{run:?}");
        let mut waited = 0;
        while smtp.messages().is_empty() && waited < 100 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1, "one digest per run");
        assert!(messages[0].data.contains("INV-7500"), "{}", messages[0].data);
        assert!(messages[0].data.contains("WP-UNKNOWN"), "{}", messages[0].data);
    })
}

/// Patients whose plans cover an exam on `day`, with their practice-system ids.
async fn exam_patients(app: &TestApp, day: &str) -> Vec<String> {
    let exam = app.item_id("EXAM").await;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT s.patient_id FROM subscriptions s JOIN subscription_benefits b ON b.subscription_id = s.id
         WHERE b.item_id = $1 AND s.status = 'active' AND s.patient_id IS NOT NULL
           AND s.starts_on <= $2 AND (s.ends_on IS NULL OR s.ends_on >= $3) ORDER BY s.patient_id",
    )
    .bind(exam)
    .bind(day)
    .bind(day)
    .fetch_all(app.store.reader())
    .await
    .unwrap();
    ids.into_iter().map(|id| format!("PMS-{}", 1000 + id)).collect()
}

#[test]
fn an_import_killed_in_the_middle_leaves_nothing_and_a_rerun_counts_each_line_once() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let patients = exam_patients(&app, &day).await;
        // Large enough that applying takes seconds, even optimised.
        const LINES: usize = 60_000;
        let mut file = String::from(HEADER);
        for n in 0..LINES {
            file.push_str(&format!("INV-8{n:05},1,{day},{},WP-EXAM,1,,\n", patients[n % patients.len()]));
        }
        let path = app.dir.path().join("big.csv");
        std::fs::write(&path, file).unwrap();
        let command = || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_carecount"));
            command.arg("import").arg(&path).env("CARECOUNT_DATABASE", app.dir.path().join("carecount.db"));
            if let Some(url) = &app.database_url {
                command.env("CARECOUNT_DATABASE_URL", url);
            }
            command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
            command
        };
        let before = footprint(&app).await;
        // The demo's history holds practice-system uses of its own.
        const IMPORTED: &str = "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger
            WHERE source_kind = 'import_line' AND (source_key LIKE 'pims:%' OR source_key LIKE 'pims-back:%')";
        let imported_before = count(&app, IMPORTED).await;
        let mut child = command().spawn().unwrap();
        // Killed a moment after it starts applying: inside its transaction.
        let mut log = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        std::io::BufRead::read_line(&mut log, &mut first).unwrap();
        assert!(first.contains("applying"), "{first}");
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed; make the file larger"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert_eq!(footprint(&app).await, before, "nothing of the killed import is in the database");
        assert!(app.store.sync_runs(1, 1).await.unwrap().is_empty(), "not even its run");

        let output = command().output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let counted = count(
            &app,
            if app.database_url.is_some() {
                "SELECT count(*) FROM pims_invoices i, json_array_elements(CAST(i.applied AS JSON)) a
                 WHERE a.value ->> 2 = '1'"
            } else {
                "SELECT count(*) FROM pims_invoices i, json_each(i.applied) a WHERE a.value ->> 2 = 1"
            },
        )
        .await;
        assert_eq!(counted, LINES as i64, "every line counted exactly once");
        let posted = count(&app, IMPORTED).await - imported_before;
        let over = count(&app, "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage").await;
        assert_eq!(posted + over, LINES as i64, "each exam is either covered or over-usage, once");
        let runs = app.store.sync_runs(1, 5).await.unwrap();
        assert_eq!((runs.len(), runs[0].applied), (1, LINES as i64));
    })
}

async fn upload(app: &TestApp, client: &reqwest::Client, file: &str) -> (u16, String) {
    let part = reqwest::multipart::Part::text(file.to_string()).file_name("export.csv").mime_str("text/csv").unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = client.post(app.url("/sync/upload")).multipart(form).send().await.unwrap();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (response.status().as_u16(), location)
}

#[test]
fn a_manager_uploads_an_export_and_decides_about_its_over_usage_with_a_note() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let before = used(&app, "Rex", "EXAM").await;
        let file = format!("{HEADER}INV-7600,1,{day},{rex},WP-EXAM,9,,\nINV-7601,1,{day},{rex},WP-EXAM,9,,\n");
        let (status, location) = upload(&app, &app.client, &file).await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/sync?run="), "{location}");

        let vet = support::new_client();
        app.sign_in(&vet, support::VET).await;
        let (_, location) = upload(&app, &vet, &file).await;
        assert!(location.contains("problem="), "a vet may not import: {location}");

        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, invoice_ref FROM over_usage WHERE quantity > 0 ORDER BY invoice_ref")
                .fetch_all(app.store.reader())
                .await
                .unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let (status, body) = app.call("sync/over-usage", &format!("id={}&decision=approve&note=", rows[0].0)).await;
        assert_eq!(status, 422, "a decision needs a note: {body}");
        assert!(body.contains("Write a short note"), "{body}");
        let (status, body) =
            app.call("sync/over-usage", &format!("id={}&decision=approve&note=Paid+at+the+desk", rows[0].0)).await;
        assert_eq!(status, 200, "{body}");
        let posted_by_second: i64 = sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger WHERE source_key LIKE 'pims:1:INV-7601:%'",
        )
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        let with_both = used(&app, "Rex", "EXAM").await;
        let (status, body) = app
            .call("sync/over-usage", &format!("id={}&decision=remove&note=Booked+twice+by+mistake", rows[1].0))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(used(&app, "Rex", "EXAM").await, with_both - posted_by_second, "removing gives the uses back");
        assert!(with_both >= before);
        let (status, _) =
            app.call("sync/over-usage", &format!("id={}&decision=remove&note=Again+by+mistake", rows[1].0)).await;
        assert_eq!(status, 409, "decided once");
    })
}

#[test]
fn invoice_ids_with_colons_keep_their_uses_apart() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let id = app.patient_id("Rex").await;
        let exam = app.item_id("EXAM").await;
        // Without escaping, "A" for patient `id` and "A:<id>" would share a key prefix.
        let file = format!("{HEADER}A,1,{day},{rex},WP-EXAM,1,,\nA:{id},1,{day},{rex},WP-EXAM,1,,\n");
        import(&app, &file).await.unwrap();
        let before = used(&app, "Rex", "EXAM").await;
        import(&app, &format!("{HEADER}A,1,{day},{rex},WP-EXAM,1,void,\n")).await.unwrap();
        let given_back = before - used(&app, "Rex", "EXAM").await;
        let over_a: i64 = sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM over_usage WHERE invoice_ref = 'A' AND item_id = $1",
        )
        .bind(exam)
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(given_back + over_a, 1, "voiding A gives back A's exam only, not A:{id}'s");
        let still: i64 = sqlx::query_scalar(if app.database_url.is_some() {
            "SELECT CAST(a.value ->> 2 AS BIGINT) FROM pims_invoices i, json_array_elements(CAST(i.applied AS JSON)) a
             WHERE i.invoice_ref = $1"
        } else {
            "SELECT a.value ->> 2 FROM pims_invoices i, json_each(i.applied) a WHERE i.invoice_ref = $1"
        })
        .bind(format!("A:{id}"))
        .fetch_one(app.store.reader())
        .await
        .unwrap();
        assert_eq!(still, 1);
    })
}

#[test]
fn a_manager_finds_changes_and_removes_mappings() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let (status, body) = app.call("sync/mappings", "search=nexgard").await;
        assert_eq!(status, 200, "{body}");
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        let codes = found["codes"].as_array().unwrap();
        assert_eq!(codes.len(), 1, "{body}");
        assert_eq!(codes[0]["code"], "WP-PAR-NXG");
        let (_, body) = app.call("sync/mappings", "search=PMS-1001").await;
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(found["patients"][0]["patient_id"], app.patient_id("Rex").await);

        // Remapped, the code's lines count as the other item from the next sync.
        let rex = pims(&app, "Rex").await;
        let groom = app.item_id("NAIL").await;
        let (status, body) = app.call("sync/map-code", &format!("code=WP-EXAM&item_id={groom}")).await;
        assert_eq!(status, 200, "{body}");
        let exams = used(&app, "Rex", "EXAM").await;
        import(&app, &format!("{HEADER}INV-7800,1,{day},{rex},WP-EXAM,1,,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "EXAM").await, exams, "WP-EXAM is a nail trim now");

        let (status, body) = app.call("sync/unmap", "kind=code&key=wp-exam").await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.call("sync/unmap", "kind=code&key=WP-EXAM").await;
        assert_eq!(status, 404, "{body}");
        let run = import(&app, &format!("{HEADER}INV-7801,1,{day},{rex},WP-EXAM,1,,\n")).await.unwrap();
        assert_eq!(run.exceptions, 1, "an unmapped code waits for a person: {run:?}");
        let (status, body) = app.call("sync/unmap", "kind=pet&key=x").await;
        assert_eq!(status, 422, "{body}");
    })
}

#[test]
fn a_line_recoded_away_from_the_plan_prefix_and_a_void_on_any_line_give_the_use_back() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        let before = used(&app, "Rex", "VAC-RAB").await;
        import(&app, &format!("{HEADER}INV-7900,1,{day},{rex},WP-VAC-RAB,1,,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before + 1);
        // The practice system recoded the line to a product outside the plans.
        let run = import(&app, &format!("{HEADER}INV-7900,1,{day},{rex},RAB-SHOT,1,,\n")).await.unwrap();
        assert_eq!((run.reversed, run.skipped), (1, 0), "{run:?}");
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before, "the recoded line counts no more");
        let run = import(&app, &format!("{HEADER}INV-7900,1,{day},{rex},RAB-SHOT,1,,\n")).await.unwrap();
        assert_eq!(run.skipped, 1, "{run:?}");

        import(&app, &format!("{HEADER}INV-7901,1,{day},{rex},WP-VAC-RAB,1,,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before + 1);
        // The void arrives on the invoice's food line only.
        import(&app, &format!("{HEADER}INV-7901,2,{day},{rex},FOOD-12,1,void,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before, "a void on any line voids the invoice");
        // The voided line sent again as final, then another line: still void.
        import(&app, &format!("{HEADER}INV-7901,2,{day},{rex},WP-VAC-RAB,1,,\n")).await.unwrap();
        import(&app, &format!("{HEADER}INV-7901,3,{day},{rex},FOOD-12,1,,\n")).await.unwrap();
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before, "a voided invoice stays void");

        // Sent and recoded within one file: the later sending wins there too.
        let file = format!("{HEADER}INV-7902,1,{day},{rex},WP-VAC-RAB,1,,\nINV-7902,1,{day},{rex},RAB-SHOT,1,,\n");
        import(&app, &file).await.unwrap();
        assert_eq!(used(&app, "Rex", "VAC-RAB").await, before, "a line recoded in the same file counts nothing");
    })
}

#[test]
fn the_over_usage_and_the_exceptions_page_through_every_row_once() {
    support::run(async {
        let day = visit_day();
        let app = TestApp::start().await;
        let rex = pims(&app, "Rex").await;
        // Rex's exams go past his plan's limit on every invoice, and a code
        // nobody mapped waits for a person on each.
        let lines: String = (0..70)
            .map(|n| format!("INV-9{n:03},1,{day},{rex},WP-EXAM,3,,\nINV-9{n:03},2,{day},{rex},WP-NEW-{n},1,,\n"))
            .collect();
        let run = import(&app, &format!("{HEADER}{lines}")).await.unwrap();
        assert!(run.over_usage >= 60 && run.exceptions == 70, "{run:?}");
        let over = count(&app, "SELECT count(*) FROM over_usage WHERE status = 'open' AND quantity > 0").await;

        let filter = |page| carecount::wire::sync::OverUsageFilter { page, ..Default::default() };
        let mut seen = Vec::new();
        for page in 1..=2 {
            let (rows, paging) = app.store.over_usage(1, 1, &filter(page), 50).await.unwrap();
            assert_eq!((paging.page, paging.matching), (page, over as u64));
            seen.extend(rows.into_iter().map(|r| r.id));
        }
        assert_eq!(seen.len() as i64, over, "each over-usage once over both pages");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len() as i64, over);
        let (_, past_the_end) = app.store.over_usage(1, 1, &filter(9), 50).await.unwrap();
        assert_eq!(past_the_end.page, 2, "a page past the end shows the last");

        let (first, paging) = app.store.sync_exceptions(1, 1, 1, 50).await.unwrap();
        let (second, _) = app.store.sync_exceptions(1, 1, 2, 50).await.unwrap();
        assert_eq!((first.len(), second.len(), paging.matching), (50, 20, 70));
        assert!(first.last().unwrap().id < second[0].id, "oldest first, page after page");

        let (status, html) = app.get("/sync?exceptions_page=2").await;
        assert_eq!(status, 200);
        assert!(html.contains("51–70 of 70"), "the exceptions' pager says where the page is");
        assert!(html.contains(&format!("1–50 of {over}")), "the over-usage stays on its first page");
    })
}
