//! Starts the real app on port 0 against a fresh temporary database.
#![allow(dead_code)] // each test file uses its own share of these helpers

use std::future::Future;
use std::net::SocketAddr;
use std::sync::LazyLock;

use carecount::server::config::Config;
use carecount::server::startup::{leptos_options, serve};
use carecount::server::store::Store;
use tempfile::TempDir;

/// One runtime for every test of a binary, as in production: the app's
/// background work never lands on a runtime that another test shut down.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("runtime")
});

/// Runs a test body on the shared runtime.
pub fn run(test: impl Future<Output = ()>) {
    RUNTIME.block_on(test)
}

/// A running app; dropping it stops the server and removes the database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    _dir: TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// A fresh database with the demo clinic, served on a free port.
    pub async fn start() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            database_path: dir.path().join("carecount.db"),
            addr: "127.0.0.1:0".parse().expect("addr"),
            demo_data: true,
            site_root: "target/site".into(),
        };
        let store = Store::open(&config.database_path).await.expect("open store");
        store.seed_demo(chrono::Utc::now().date_naive()).await.expect("seed demo");
        let listener = tokio::net::TcpListener::bind(config.addr).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let options = leptos_options(&config);
        let served = store.clone();
        let server = tokio::spawn(async move {
            // No signal handler here: the test process stays killable.
            serve(listener, served, options, std::future::pending()).await.expect("serve");
        });
        // A hang must fail the test, never stall the run.
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().expect("client");
        TestApp { addr, store, client, _dir: dir, server }
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
        let response = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// POST a server function that takes JSON.
    pub async fn call_json(&self, endpoint: &str, body: serde_json::Value) -> (u16, String) {
        let response = self.client.post(self.url(&format!("/api/{endpoint}"))).json(&body).send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// A number from a SQL query.
    pub async fn scalar(&self, sql: &str, bind: i64) -> i64 {
        sqlx::query_scalar(sql).bind(bind).fetch_one(self.store.reader()).await.expect("query")
    }

    /// A catalog item's id by code.
    pub async fn item_id(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM catalog_items WHERE code = ?")
            .bind(code)
            .fetch_one(self.store.reader())
            .await
            .expect("item exists")
    }

    /// A patient's active benefit by label: (benefit id, limit, used so far).
    pub async fn benefit(&self, patient_id: i64, label: &str) -> (i64, i64, i64) {
        sqlx::query_as(
            "SELECT b.id, b.limit_quantity, COALESCE((SELECT SUM(quantity) FROM usage_ledger l
                                                      WHERE l.subscription_benefit_id = b.id), 0)
             FROM subscription_benefits b JOIN subscriptions s ON s.id = b.subscription_id
             WHERE s.patient_id = ? AND s.status = 'active' AND b.label = ?",
        )
        .bind(patient_id)
        .bind(label)
        .fetch_one(self.store.reader())
        .await
        .expect("benefit exists")
    }

    /// The client of a patient.
    pub async fn client_of(&self, patient_id: i64) -> i64 {
        self.scalar("SELECT client_id FROM patients WHERE id = ?", patient_id).await
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

    /// A patient's id by name, from the database.
    pub async fn patient_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM patients WHERE name = ?")
            .bind(name)
            .fetch_one(self.store.reader())
            .await
            .expect("patient exists")
    }
}
