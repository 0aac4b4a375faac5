//! Every server function the app registers, called by every kind of
//! caller with inputs a careless or hostile client might send. Each answer
//! must be a 4xx with words or a correct 200: never a 5xx, never a panic,
//! never a change to another organisation's records.
//!
//! The list of functions comes from the app's own registry, and each
//! function's fields are learned from its own "missing field" answers, so
//! a new server function is covered without editing this file.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use support::*;

/// Cases per function and caller; `CARECOUNT_ROBUSTNESS_CASES` raises it.
fn cases() -> usize {
    std::env::var("CARECOUNT_ROBUSTNESS_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(50)
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
}

/// How a function reads its arguments.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Encoding {
    Form,
    Json,
}

/// A function as the test learned it.
#[derive(Debug)]
struct Function {
    path: String,
    encoding: Encoding,
    fields: Vec<String>,
}

/// The field named in a "missing field `x`" answer.
fn missing_field(body: &str) -> Option<String> {
    let start = body.find("missing field `")? + "missing field `".len();
    let end = body[start..].find('`')?;
    Some(body[start..start + end].to_string())
}

/// Learns a function's encoding and top-level fields from its answers.
async fn learn(app: &TestApp, client: &reqwest::Client, path: &str) -> Function {
    let (_, body) = post(app, client, path, Encoding::Form, &json!({})).await;
    let encoding = if body.contains("EOF while parsing") || body.contains("expected value") {
        Encoding::Json
    } else {
        Encoding::Form
    };
    let mut known = serde_json::Map::new();
    for _ in 0..20 {
        let (_, body) = post(app, client, path, encoding, &Value::Object(known.clone())).await;
        match missing_field(&body) {
            Some(field) if !known.contains_key(&field) => {
                known.insert(field, json!(1));
            }
            _ => break,
        }
    }
    Function { path: path.to_string(), encoding, fields: known.keys().cloned().collect() }
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, encoding: Encoding, args: &Value) -> (u16, String) {
    let request = client.post(app.url(path));
    let request = match encoding {
        Encoding::Json => request.header("content-type", "application/json").body(args.to_string()),
        Encoding::Form => request.header("content-type", "application/x-www-form-urlencoded").body(form_body(args)),
    };
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
        Err(e) => panic!("{path}: the server dropped the request ({e}) for {args}"),
    }
}

/// Form encoding of a JSON object: scalars as text, anything else as JSON.
fn form_body(args: &Value) -> String {
    let Value::Object(map) = args else { return String::new() };
    let mut out = url_encoded::Serializer::new(String::new());
    for (k, v) in map {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        out.append_pair(k, &text);
    }
    out.finish()
}

/// Minimal `application/x-www-form-urlencoded` writer.
mod url_encoded {
    pub struct Serializer(String);

    impl Serializer {
        pub fn new(s: String) -> Serializer {
            Serializer(s)
        }

        pub fn append_pair(&mut self, k: &str, v: &str) {
            if !self.0.is_empty() {
                self.0.push('&');
            }
            self.0.push_str(&encode(k));
            self.0.push('=');
            self.0.push_str(&encode(v));
        }

        pub fn finish(self) -> String {
            self.0
        }
    }

    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => (b as char).to_string(),
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
}

/// Inputs a careless or hostile client sends.
struct Inputs {
    rng: StdRng,
    ids: Vec<i64>,
    names: Vec<String>,
}

impl Inputs {
    fn text(&mut self) -> String {
        let choices: [&dyn Fn(&mut StdRng) -> String; 14] = [
            &|_| String::new(),
            &|_| "a".repeat(10 * 1024),
            &|r| (0..10 * 1024).map(|_| char::from_u32(r.gen_range(0x20..0x3000)).unwrap_or('x')).collect(),
            &|_| "\u{0}\u{1}\u{7}\n\r\t\u{1b}[2J".into(),
            &|_| "\u{202E}gnp.exe\u{202C} \u{05D0}\u{05D1} e\u{0301}\u{0301}\u{0301} \u{200D}\u{FEFF}".into(),
            &|_| "\0".into(),
            &|_| "-1".into(),
            &|_| "-9223372036854775808".into(),
            &|_| "9223372036854775807".into(),
            &|_| "123456789012345678901234567890".into(),
            &|_| "NaN".into(),
            &|_| "1e308".into(),
            // Signed years chrono reads, at the ends of its calendar.
            &|r| {
                ["2026-02-30", "2026-11-23", "0000-00-00", "9999-12-31", "yesterday", "+262142-12-31", "-262143-01-01"]
                    [r.gen_range(0..7)]
                .into()
            },
            &|r| {
                [
                    "Waive",
                    "PayDifference",
                    "mistake",
                    "vet",
                    "manager",
                    "Unit",
                    "true",
                    "<script>alert(1)</script>",
                    "' OR 1=1 --",
                    "../../etc/passwd",
                ][r.gen_range(0..10)]
                .into()
            },
        ];
        let pick = self.rng.gen_range(0..choices.len());
        choices[pick](&mut self.rng)
    }

    fn number(&mut self) -> Value {
        match self.rng.gen_range(0..8) {
            0 => json!(i64::MAX),
            1 => json!(i64::MIN),
            2 => json!(-1),
            3 => json!(0),
            4 => json!(1.5e300),
            5 => json!(-0.5),
            _ => json!(self.ids[self.rng.gen_range(0..self.ids.len())]),
        }
    }

    fn value(&mut self, depth: u32) -> Value {
        match self.rng.gen_range(0..if depth > 1 { 4 } else { 7 }) {
            0 => Value::String(self.text()),
            1 => self.number(),
            2 => json!(self.rng.gen_bool(0.5)),
            3 => Value::Null,
            4 => Value::Array((0..self.rng.gen_range(0..4)).map(|_| self.object(depth + 1)).collect()),
            5 => Value::Array((0..self.rng.gen_range(0..300)).map(|_| self.number()).collect()),
            _ => self.object(depth + 1),
        }
    }

    /// An object with a few of the field names any function uses.
    fn object(&mut self, depth: u32) -> Value {
        let mut map = serde_json::Map::new();
        for _ in 0..self.rng.gen_range(0..6) {
            let name = self.names[self.rng.gen_range(0..self.names.len())].clone();
            map.insert(name, self.value(depth));
        }
        Value::Object(map)
    }

    /// Arguments for `function`: each field present (mostly) with a
    /// generated value, sometimes an unknown field too.
    fn arguments(&mut self, function: &Function) -> Value {
        let mut map = serde_json::Map::new();
        for field in &function.fields {
            if self.rng.gen_bool(0.9) {
                map.insert(field.clone(), self.value(0));
            }
        }
        if self.rng.gen_bool(0.2) {
            map.insert("unexpected".into(), self.value(1));
        }
        Value::Object(map)
    }
}

/// Another organisation's records, row by row: nothing here may change.
async fn theirs(app: &TestApp) -> Vec<String> {
    let mut rows = Vec::new();
    for (table, filter) in [
        ("organisations", "id = 2"),
        ("clinics", "organisation_id = 2"),
        ("users", "organisation_id = 2"),
        ("clients", "organisation_id = 2"),
        ("patients", "client_id IN (SELECT id FROM clients WHERE organisation_id = 2)"),
        ("soap_notes", "organisation_id = 2"),
        ("soap_lines", "soap_id IN (SELECT id FROM soap_notes WHERE organisation_id = 2)"),
        ("invoices", "organisation_id = 2"),
        ("invoice_lines", "invoice_id IN (SELECT id FROM invoices WHERE organisation_id = 2)"),
        ("subscriptions", "organisation_id = 2"),
        ("settings", "organisation_id = 2"),
        ("audit_log", "organisation_id = 2"),
    ] {
        let on_postgres = app.database_url.is_some();
        let columns: Vec<String> = sqlx::query_scalar(if on_postgres {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        } else {
            "SELECT name FROM pragma_table_info($1)"
        })
        .bind(table)
        .fetch_all(app.store.reader())
        .await
        .unwrap();
        let quoted: Vec<String> = columns
            .iter()
            .map(|c| if on_postgres { format!("quote_nullable(CAST({c} AS TEXT))") } else { format!("quote({c})") })
            .collect();
        let sql = format!("SELECT {} FROM {table} WHERE {filter}", quoted.join(" || ',' || "));
        let mut found: Vec<String> = sqlx::query_scalar(&sql).fetch_all(app.store.reader()).await.unwrap();
        found.sort();
        rows.extend(found.into_iter().map(|r| format!("{table}: {r}")));
    }
    rows
}

/// Accounts as they are, to put back after a function that changes them.
async fn accounts(app: &TestApp) -> Vec<(i64, String, i64)> {
    sqlx::query_as("SELECT id, role, active FROM users ORDER BY id").fetch_all(app.store.reader()).await.unwrap()
}

async fn restore_accounts(app: &TestApp, saved: &[(i64, String, i64)]) {
    let mut tx = app.store.begin_write().await.unwrap();
    for (id, role, active) in saved {
        sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3")
            .bind(role)
            .bind(active)
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// A caller's client, signed in again if a call ended its session.
async fn signed_in(app: &TestApp, who: Option<&str>, client: &mut reqwest::Client) {
    let Some(email) = who else { return };
    let (_, me) = app.call_as(client, "me", "").await;
    if me == "null" || !me.contains("name") {
        *client = app.client_for(email).await;
    }
}

#[test]
fn every_server_function_answers_every_caller_in_words_and_touches_nothing_of_others() {
    count_panics();
    support::run(async {
        // Every fuzzed request claims its own address through a trusted
        // proxy, so the per-address sign-in pause does not hide later cases.
        let app = TestApp::start_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
        app.add_second_organisation().await;
        let boss = app.client_for("boss@elsewhere.example").await;
        let (_, soap) = app.call_as(&boss, "soap/start", "patient_id=900").await;
        let (_, invoice) = {
            let response = boss
                .post(app.url("/api/invoice/start"))
                .json(&json!({ "client_id": 900, "soap_ids": [] }))
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        };
        let mut ids = vec![1, 2, 3, 7, 12, 900];
        ids.extend(soap.parse::<i64>().ok());
        ids.extend(invoice.parse::<i64>().ok());
        let before = theirs(&app).await;
        let saved_accounts = accounts(&app).await;

        let mut registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (path.to_string(), method.to_string()))
            .collect();
        registered.sort();
        registered.dedup();
        assert!(registered.len() >= 40, "the registry lists {} functions", registered.len());

        let manager = app.client_for(MANAGER).await;
        let mut functions = Vec::new();
        for (path, method) in &registered {
            assert_eq!(method, "POST", "{path} is not a POST: the same-origin guard would not cover it");
            functions.push(learn(&app, &manager, path).await);
        }
        let mut names: BTreeSet<String> = functions.iter().flat_map(|f| f.fields.iter().cloned()).collect();
        names.extend(["patient_id", "item_id", "quantity_text", "unit", "discount_text", "label"].map(String::from));
        let mut inputs = Inputs { rng: StdRng::seed_from_u64(20261123), ids, names: names.into_iter().collect() };

        let callers: [(&str, Option<&str>); 5] = [
            ("manager", Some(MANAGER)),
            ("vet", Some(VET)),
            ("receptionist", Some(RECEPTIONIST)),
            ("owner", Some(OWNER)),
            ("nobody", None),
        ];
        let mut clients: Vec<reqwest::Client> = Vec::new();
        for (_, who) in callers {
            clients.push(match who {
                Some(email) => app.client_for(email).await,
                None => new_client(),
            });
        }
        let mut answered = 0;
        for function in &functions {
            for (n, (role, who)) in callers.iter().enumerate() {
                for case in 0..cases() {
                    let args = inputs.arguments(function);
                    let address = format!("198.51.{}.{}", case % 250, (answered / 250) % 250);
                    let request = clients[n].post(app.url(&function.path)).header("x-forwarded-for", address);
                    let request = match function.encoding {
                        Encoding::Json => request.header("content-type", "application/json").body(args.to_string()),
                        Encoding::Form => {
                            request.header("content-type", "application/x-www-form-urlencoded").body(form_body(&args))
                        }
                    };
                    let response = request
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{} as {role}: connection dropped ({e}) for {args}", function.path));
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    answered += 1;
                    let shown: String = args.to_string().chars().take(600).collect();
                    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "{} as {role} panicked for {shown}", function.path);
                    assert!(status < 500, "{} as {role}: {status} {body}\n  for {shown}", function.path);
                    if status >= 400 {
                        let words = serde_json::from_str::<carecount::wire::error::AppError>(&body)
                            .map(|e| e.to_string())
                            .unwrap_or(body.clone());
                        assert!(
                            words.trim().len() >= 10,
                            "{} as {role}: {status} without words: {body:?}",
                            function.path
                        );
                    }
                }
                signed_in(&app, *who, &mut clients[n]).await;
            }
            restore_accounts(&app, &saved_accounts).await;
            for (n, (_, who)) in callers.iter().enumerate() {
                signed_in(&app, *who, &mut clients[n]).await;
            }
        }
        assert!(answered >= functions.len() * callers.len() * 50.min(cases()));
        assert_eq!(theirs(&app).await, before, "another organisation's records changed");
        let json = functions.iter().filter(|f| f.encoding == Encoding::Json).count();
        let fields: usize = functions.iter().map(|f| f.fields.len()).sum();
        println!(
            "{} functions ({json} JSON, {fields} fields learned), {answered} calls, no 5xx, no panic",
            functions.len()
        );
    });
}
