//! What each load client does, and what the clients saw.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carecount::server::store::Store;
use serde_json::{Value, json};

/// The healthcard's server function takes no arguments.
const NO_FIELDS: [(&str, &str); 0] = [];

/// How long a request cut off by a killed server is retried.
const RETRY_FOR: Duration = Duration::from_secs(30);

/// What the clients saw: latencies per kind, errors, requests answered
/// only on a retry, and every finalize answered.
#[derive(Default)]
pub struct Seen {
    pub latencies: BTreeMap<&'static str, Vec<Duration>>,
    pub errors: BTreeMap<&'static str, (usize, String)>,
    /// Requests cut off by the killed server and answered on a retry:
    /// how many per kind, and the longest wait.
    pub retried: BTreeMap<&'static str, (usize, Duration)>,
    pub finalized: Vec<Finalized>,
}

/// A finalize a desk was answered, to send again with the same key.
pub struct Finalized {
    pub invoice: i64,
    pub body: Value,
    pub answer: String,
}

/// How the clients send: as fast as answers come back, or each waiting
/// as a person at a desk does before the next request.
#[derive(Clone, Copy)]
pub enum Pace {
    Flat,
    /// Waits between `from` and `from + span` before each request.
    Desk {
        from: Duration,
        span: Duration,
    },
}

/// One phase's clients: their pace, whether a cut-off request is retried
/// (a server of the setup is killed), and what they saw.
pub struct Phase {
    pub pace: Pace,
    pub retry: bool,
    pub seen: Mutex<Seen>,
}

impl Phase {
    pub fn new(pace: Pace, retry: bool) -> Phase {
        Phase { pace, retry, seen: Mutex::new(Seen::default()) }
    }

    /// Waits as the pace asks; `n` spreads the waits.
    async fn think(&self, n: usize) {
        if let Pace::Desk { from, span } = self.pace {
            let spread = (n.wrapping_mul(2_654_435_761) % 1_000) as u32;
            tokio::time::sleep(from + span * spread / 1_000).await;
        }
    }

    /// Sends a request, timed as `kind`; the answer's text when it is a 200.
    async fn timed(&self, kind: &'static str, request: reqwest::RequestBuilder) -> Option<String> {
        let started = Instant::now();
        let mut cut_off = false;
        let answer = loop {
            let again = request.try_clone().expect("a request with a body in memory");
            match again.send().await {
                Ok(answer) => {
                    let status = answer.status();
                    let text = answer.text().await.unwrap_or_default();
                    break if status.is_success() { Ok(text) } else { Err(format!("{status}: {text}")) };
                }
                // The server was killed: what got no answer is sent again
                // once it is back, as a desk's retry does.
                Err(e) if self.retry && !e.is_timeout() && started.elapsed() < RETRY_FOR => {
                    cut_off = true;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => break Err(format!("{} (after {:.1} s)", with_causes(&e), started.elapsed().as_secs_f64())),
            }
        };
        let took = started.elapsed();
        let mut seen = self.seen.lock().expect("seen");
        if cut_off {
            let retried = seen.retried.entry(kind).or_default();
            retried.0 += 1;
            retried.1 = retried.1.max(took);
        } else {
            seen.latencies.entry(kind).or_default().push(took);
        }
        match answer {
            Ok(text) => Some(text),
            Err(what) => {
                let error = seen.errors.entry(kind).or_insert((0, what));
                error.0 += 1;
                None
            }
        }
    }
}

/// An error with what caused it, as far down as it goes: a transport
/// error's own words ("error sending request") do not say what failed.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut words = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        words.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    words
}

pub fn load_invoice(staff: &reqwest::Client, base: &str, invoice: i64) -> reqwest::RequestBuilder {
    staff.post(format!("{base}/api/invoice/load")).form(&[("id", invoice.to_string())])
}

/// The demo's households and the items the desks sell them.
#[derive(Clone)]
pub struct Work {
    /// (client, one of their pets), each with a wellness plan.
    pets: Arc<Vec<(i64, i64)>>,
    items: Arc<Vec<i64>>,
    /// Rex, his owner and NexGard: the last unit everyone races for.
    race: (i64, i64, i64),
}

impl Work {
    pub async fn read(store: &Store) -> Work {
        let pets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT DISTINCT s.client_id, s.patient_id FROM subscriptions s
             WHERE s.kind = 'wellness' AND s.status = 'active' ORDER BY 1, 2",
        )
        .fetch_all(store.reader())
        .await
        .expect("pets");
        let items: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM catalog_items WHERE code IN ('EXAM', 'VAC-RAB', 'LAB-FEC', 'NAIL', 'VAC-FVRCP') ORDER BY id",
        )
        .fetch_all(store.reader())
        .await
        .expect("items");
        let race: (i64, i64, i64) = sqlx::query_as(
            "SELECT p.client_id, p.id, i.id FROM patients p, catalog_items i WHERE p.name = 'Rex' AND i.code = 'PAR-NXG'",
        )
        .fetch_one(store.reader())
        .await
        .expect("Rex and NexGard");
        assert!(!pets.is_empty() && !items.is_empty(), "the demo has plans and items");
        Work { pets: Arc::new(pets), items: Arc::new(items), race }
    }

    /// One client's round: a draft saved and finalized, what it posted
    /// read back, a patient page and the owner's healthcard. `tag` makes
    /// the finalize keys of a phase its own.
    #[allow(clippy::too_many_arguments)]
    pub async fn round(
        &self,
        phase: &Phase,
        (staff, owner): (&reqwest::Client, &reqwest::Client),
        address: SocketAddr,
        tag: &str,
        client_no: usize,
        round: usize,
    ) {
        let n = client_no * 7919 + round;
        let (client, patient, item) = if n.is_multiple_of(4) {
            self.race
        } else {
            let (client, patient) = self.pets[n % self.pets.len()];
            (client, patient, self.items[n % self.items.len()])
        };
        let base = format!("http://{address}");
        let lines = json!([{ "patient_id": patient, "item_id": item, "quantity_text": "1", "unit": "Unit", "discount_text": "" }]);
        phase.think(n).await;
        let start =
            staff.post(format!("{base}/api/invoice/start")).json(&json!({ "client_id": client, "soap_ids": [] }));
        let Some(invoice) = phase.timed("start draft", start).await else {
            return;
        };
        let invoice: i64 = invoice.parse().expect("an invoice id");
        phase.think(n + 1).await;
        let save = staff.post(format!("{base}/api/invoice/save")).json(&json!({ "id": invoice, "lines": lines }));
        phase.timed("save draft", save).await;
        phase.think(n + 2).await;
        let body =
            json!({ "id": invoice, "lines": lines, "preview": [], "key": format!("load-{tag}-{client_no}-{round}") });
        let finalize = staff.post(format!("{base}/api/invoice/finalize")).json(&body);
        if let Some(answer) = phase.timed("finalize", finalize).await {
            phase.seen.lock().expect("seen").finalized.push(Finalized { invoice, body, answer });
            // What the desk is shown once the invoice is final.
            phase.timed("finalized invoice", load_invoice(staff, &base, invoice)).await;
        }
        phase.think(n + 3).await;
        phase.timed("patient page", staff.get(format!("{base}/patients/{patient}"))).await;
        phase.think(n + 4).await;
        phase.timed("healthcard", owner.post(format!("{base}/api/healthcard")).form(&NO_FIELDS)).await;
    }
}
