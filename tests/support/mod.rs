//! Starts the real app on port 0 against a fresh temporary database.
#![allow(dead_code)] // each test file uses its own share of these helpers

use std::future::Future;
use std::net::SocketAddr;
use std::sync::LazyLock;

pub mod catalog;
pub mod postgres;
pub mod server_process;
pub mod smtp;
pub mod sync;
pub mod visits;

use carecount::server::config::Config;
use carecount::server::startup::serve;
use carecount::server::store::Store;
use tempfile::TempDir;

/// One runtime for every test of a binary, as in production: the app's
/// background work never lands on a runtime that another test shut down.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("runtime")
});

/// Runs a test body on the shared runtime.
pub fn run(test: impl Future<Output = ()>) {
    // A test that meets a 500 shows the server's reason beside its failure.
    let _ = tracing_subscriber::fmt().with_env_filter("error").with_test_writer().try_init();
    RUNTIME.block_on(test)
}

/// The demo's accounts, by role.
pub const MANAGER: &str = "sarah@maple.example";
pub const VET: &str = "pieter@maple.example";
pub const RECEPTIONIST: &str = "marloes@maple.example";
pub const OWNER: &str = "emma.devries@example.com";
pub use carecount::server::store::demo::DEMO_PASSWORD;

/// A running app; dropping it stops the server and removes the database.
/// `client` is signed in as the demo manager.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    pub dir: std::sync::Arc<TempDir>,
    /// The PostgreSQL database, when the suite runs there.
    pub database_url: Option<String>,
    server: tokio::task::JoinHandle<()>,
}

/// A line of an invoice as the desk sends it, in the item's whole units.
pub fn desk_line(patient: i64, item: i64, quantity: &str) -> serde_json::Value {
    serde_json::json!({
        "patient_id": patient, "item_id": item, "quantity_text": quantity, "unit": "Unit", "discount_text": ""
    })
}

/// A browser-like client: keeps cookies, never follows redirects (tests
/// look at them), and gives up rather than hang.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Serves `store` on a port of its own until the returned task is aborted.
async fn serve_in_background(config: Config, store: Store) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind(config.addr).await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let server = tokio::spawn(async move {
        // No signal handler here: the test process stays killable.
        serve(listener, store, &config, std::future::pending()).await.expect("serve");
    });
    (addr, server)
}

impl TestApp {
    /// A fresh database with the demo clinic, served on a free port.
    pub async fn start() -> TestApp {
        let app = TestApp::start_signed_out().await;
        app.sign_in(&app.client, MANAGER).await;
        app
    }

    /// The app with a client that has not signed in.
    pub async fn start_signed_out() -> TestApp {
        TestApp::start_with(|_| {}).await
    }

    /// The app, signed out, with settings changed by `configure` first.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_database(dir.path().join("carecount.db"), "127.0.0.1:0".parse().expect("addr"));
        // Tests run the plan jobs themselves, at the date they choose.
        config.plan_jobs = false;
        configure(&mut config);
        if postgres::suite_on_postgres() {
            let server = postgres::server_url().expect("TEST_BACKEND=postgres needs TEST_POSTGRES_URL");
            // Each app has a database of its own; `make test` drops them
            // all before the PostgreSQL run.
            config.database_url = Some(postgres::FreshDatabase::create(&server).await.url());
        }
        let store = config.open_store().await.expect("open store");
        store.seed_demo(carecount::server::store::demo::demo_today(chrono::Utc::now())).await.expect("seed demo");
        let database_url = config.database_url.clone();
        let (addr, server) = serve_in_background(config, store.clone()).await;
        TestApp { addr, store, client: new_client(), dir: std::sync::Arc::new(dir), database_url, server }
    }

    /// A second server on this app's database, as a group of clinics runs
    /// several behind a load balancer. Its client is this app's, with the
    /// same cookies: a session begun on one server is sent to the other.
    pub async fn second_server(&self) -> TestApp {
        let mut config =
            Config::for_database(self.dir.path().join("carecount.db"), "127.0.0.1:0".parse().expect("addr"));
        config.plan_jobs = false;
        config.outbox_dir = self.dir.path().join("outbox-second-server");
        config.database_url = self.database_url.clone();
        let store = config.open_store().await.expect("open store");
        let (addr, server) = serve_in_background(config, store.clone()).await;
        TestApp {
            addr,
            store,
            client: self.client.clone(),
            dir: self.dir.clone(),
            database_url: self.database_url.clone(),
            server,
        }
    }

    /// Signs `client` in as the demo account with this email.
    pub async fn sign_in(&self, client: &reqwest::Client, email: &str) {
        let (status, body) = self.sign_in_with(client, email, DEMO_PASSWORD).await;
        assert!(status == 302 || status == 303 || status == 200, "sign-in as {email}: {status} {body}");
    }

    /// Tries to sign in; returns the status and body.
    pub async fn sign_in_with(&self, client: &reqwest::Client, email: &str, password: &str) -> (u16, String) {
        let response = client
            .post(self.url("/api/sign-in"))
            .form(&[("email", email), ("password", password), ("next", "")])
            .send()
            .await
            .expect("POST sign-in");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A new client signed in as `email`.
    pub async fn client_for(&self, email: &str) -> reqwest::Client {
        let client = new_client();
        self.sign_in(&client, email).await;
        client
    }

    /// POST a server function as `client`, form-encoded.
    pub async fn call_as(&self, client: &reqwest::Client, endpoint: &str, form: &str) -> (u16, String) {
        let response = client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// GET a page; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// POST a server function with form-encoded arguments, as the browser does.
    pub async fn call(&self, endpoint: &str, form: &str) -> (u16, String) {
        self.call_as(&self.client, endpoint, form).await
    }

    /// POST a server function that takes JSON, as `client`.
    pub async fn call_as_json(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        body: serde_json::Value,
    ) -> (u16, String) {
        let response = client.post(self.url(&format!("/api/{endpoint}"))).json(&body).send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// POST a server function that takes JSON.
    pub async fn call_json(&self, endpoint: &str, body: serde_json::Value) -> (u16, String) {
        let response = self.client.post(self.url(&format!("/api/{endpoint}"))).json(&body).send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A dog whose household has no package or session pack yet, and its
    /// client: a household the packs tests may change freely.
    pub async fn dog_without_pack(&self) -> (i64, i64) {
        sqlx::query_as(
            "SELECT p.id, p.client_id FROM patients p WHERE p.species = 'dog' AND NOT EXISTS
               (SELECT 1 FROM subscriptions s WHERE s.client_id = p.client_id AND s.kind <> 'wellness')
             ORDER BY p.id LIMIT 1",
        )
        .fetch_one(self.store.reader())
        .await
        .expect("a demo dog without a pack")
    }

    /// A number from a SQL query.
    pub async fn scalar(&self, sql: &str, bind: i64) -> i64 {
        sqlx::query_scalar(sql).bind(bind).fetch_one(self.store.reader()).await.expect("query")
    }

    /// A catalog item's id by code.
    pub async fn item_id(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM catalog_items WHERE code = $1")
            .bind(code)
            .fetch_one(self.store.reader())
            .await
            .expect("item exists")
    }

    /// A patient's active benefit by label: (benefit id, limit, used so far).
    pub async fn benefit(&self, patient_id: i64, label: &str) -> (i64, i64, i64) {
        sqlx::query_as(
            "SELECT b.id, b.limit_quantity, COALESCE((SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_ledger l
                                                      WHERE l.subscription_benefit_id = b.id), 0)
             FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
             WHERE s.patient_id = $1 AND s.status = 'active' AND b.label = $2",
        )
        .bind(patient_id)
        .bind(label)
        .fetch_one(self.store.reader())
        .await
        .expect("benefit exists")
    }

    /// What finalized invoices have counted against a benefit, net of
    /// their corrections and voids' own entries.
    pub async fn covered_on_invoices(&self, benefit: i64) -> i64 {
        self.scalar(
            "SELECT COALESCE(CAST(SUM(quantity) AS BIGINT), 0) FROM usage_ledger
             WHERE subscription_benefit_id = $1 AND source_kind = 'invoice_line'",
            benefit,
        )
        .await
    }

    /// The client of a patient.
    pub async fn client_of(&self, patient_id: i64) -> i64 {
        self.scalar("SELECT client_id FROM patients WHERE id = $1", patient_id).await
    }

    /// A new SOAP plan for a patient, dated today; returns its id.
    pub async fn new_soap(&self, patient_id: i64) -> i64 {
        let (status, body) = self.call("soap/start", &format!("patient_id={patient_id}")).await;
        assert_eq!(status, 200, "{body}");
        body.parse().expect("SOAP plan id")
    }

    /// A new draft invoice for a client; returns its id.
    pub async fn new_invoice(&self, client_id: i64) -> i64 {
        let (status, body) =
            self.call_json("invoice/start", serde_json::json!({ "client_id": client_id, "soap_ids": [] })).await;
        assert_eq!(status, 200, "{body}");
        body.parse().expect("invoice id")
    }

    /// Finalizes an invoice with these lines; returns status and body.
    pub async fn finalize(&self, invoice: i64, lines: serde_json::Value, key: &str) -> (u16, String) {
        self.call_json(
            "invoice/finalize",
            serde_json::json!({ "id": invoice, "lines": lines, "preview": [], "key": key }),
        )
        .await
    }

    /// The client of a patient, by the patient's name.
    pub async fn client_id_of_patient(&self, name: &str) -> i64 {
        let id = self.patient_id(name).await;
        self.client_of(id).await
    }

    /// A second organisation with its own clinic, one client and pet, and a
    /// manager boss@elsewhere.example (demo password).
    pub async fn add_second_organisation(&self) {
        let mut tx = self.store.begin_write().await.expect("write");
        for sql in [
            "INSERT INTO organisations (id, name) VALUES (2, 'Elsewhere Animal Hospital')",
            "INSERT INTO clinics (id, organisation_id, name) VALUES (2, 2, 'Elsewhere Animal Hospital')",
            "INSERT INTO clients (id, organisation_id, clinic_id, first_name, last_name) VALUES (900, 2, 2, 'Olga', 'Other')",
            "INSERT INTO patients (id, client_id, name, species) VALUES (900, 900, 'Otto', 'dog')",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.expect(sql);
        }
        tx.commit().await.expect("commit");
        let hash = carecount::server::auth::password::hash(DEMO_PASSWORD);
        self.store
            .create_user(2, "boss@elsewhere.example", "Boss Elsewhere", carecount::domain::Role::Manager, None, &hash)
            .await
            .expect("user");
    }

    /// What the ledger holds for a plan's benefit by label.
    pub async fn scalar_text_sum(&self, subscription_id: i64, label: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(l.quantity) AS BIGINT), 0) FROM usage_ledger l JOIN subscription_benefits b
             ON b.id = l.subscription_benefit_id WHERE b.subscription_id = $1 AND b.label = $2",
        )
        .bind(subscription_id)
        .bind(label)
        .fetch_one(self.store.reader())
        .await
        .expect("sum")
    }

    /// A patient's id by name, from the database.
    pub async fn patient_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM patients WHERE name = $1")
            .bind(name)
            .fetch_one(self.store.reader())
            .await
            .expect("patient exists")
    }
}

/// Makes a plan open-ended from `started`, with one benefit counted per
/// plan year.
pub async fn count_yearly(app: &TestApp, plan: i64, benefit: i64, started: chrono::NaiveDate) {
    let mut tx = app.store.begin_write().await.expect("write");
    sqlx::query("UPDATE subscriptions SET starts_on = $1, ends_on = NULL WHERE id = $2")
        .bind(carecount::wire::stored::Day(started))
        .bind(plan)
        .execute(&mut *tx)
        .await
        .expect("plan");
    sqlx::query("UPDATE subscription_benefits SET resets = 'year' WHERE id = $1")
        .bind(benefit)
        .execute(&mut *tx)
        .await
        .expect("benefit");
    tx.commit().await.expect("commit");
}

/// A plan template's id by name.
pub async fn template_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM plan_templates WHERE name = $1")
        .bind(name)
        .fetch_one(app.store.reader())
        .await
        .unwrap()
}

/// The template editor's data.
pub async fn editor(app: &TestApp, id: i64) -> serde_json::Value {
    let (status, body) = app.call("templates/editor", &format!("id={id}")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Saves a template draft; returns status and body.
pub async fn save_template(app: &TestApp, draft: &serde_json::Value, apply: bool) -> (u16, String) {
    app.call_json("templates/save", serde_json::json!({ "draft": draft, "apply_price_to_renewals": apply })).await
}

/// One optional text value from SQL with one bound id.
pub async fn text(app: &TestApp, sql: &str, id: i64) -> Option<String> {
    sqlx::query_scalar(sql).bind(id).fetch_one(app.store.reader()).await.unwrap()
}

/// Moves every session's idle limit to `seconds` from now (negative: past),
/// as the server itself would write it: through the session store, which
/// keeps the limit both in the record and in the table's column.
pub async fn set_session_expiry(app: &TestApp, seconds: i64) {
    use tower_sessions::SessionStore;
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    let table = if app.database_url.is_some() { "tower_sessions.session" } else { "tower_sessions" };
    let ids: Vec<String> =
        sqlx::query_scalar(&format!("SELECT id FROM {table}")).fetch_all(app.store.reader()).await.expect("sessions");
    let sessions = app.store.session_store();
    for id in ids {
        let id = id.parse().expect("a session id");
        let mut record = sessions.load(&id).await.expect("load").expect("a session that has not ended");
        record.expiry_date = OffsetDateTime::now_utc() + Duration::seconds(seconds);
        sessions.save(&record).await.expect("save");
    }
}

/// The latest session expiry, in seconds since 1970, and how many sessions
/// there are.
pub async fn sessions(app: &TestApp) -> (Option<i64>, i64) {
    let (latest, count): (Option<String>, i64) = if app.database_url.is_some() {
        sqlx::query_as(
            "SELECT CAST(to_char(max(expiry_date) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS TEXT), count(*)
             FROM tower_sessions.session",
        )
    } else {
        sqlx::query_as("SELECT max(expiry_date), count(*) FROM tower_sessions")
    }
    .fetch_one(app.store.reader())
    .await
    .expect("sessions");
    (latest.map(|at| chrono::DateTime::parse_from_rfc3339(&at).expect("a time").timestamp()), count)
}
