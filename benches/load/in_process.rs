//! A CareCount server inside the load benchmark's process, on a runtime of
//! its own.
//!
//! The clients measure what a desk would see from another machine. Sharing
//! one runtime with the server, a client whose answer had arrived waited
//! to be run behind the server's own work (a patient page rendering, a
//! finalize's statements), and that wait was counted as the server's
//! latency. On their own threads the two still share the machine's cores,
//! but take turns as processes do, as the second server's process does.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use carecount::server::config::Config;
use carecount::server::startup::serve;
use carecount::server::store::Store;

/// A server serving until this is dropped.
pub struct InProcessServer {
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl InProcessServer {
    /// Starts a server on 127.0.0.1 over the SQLite file `path`, or the
    /// PostgreSQL database `url` when one is given, with `outbox_dir`.
    pub fn start(path: PathBuf, url: Option<String>, outbox_dir: PathBuf) -> InProcessServer {
        let (address_tx, address_rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            // As many workers as `#[tokio::main]` gives the server's own
            // binary: one per core.
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("server runtime");
            runtime.block_on(async move {
                let mut config = Config::for_database(path.clone(), "127.0.0.1:0".parse().expect("addr"));
                config.plan_jobs = false;
                config.outbox_dir = outbox_dir;
                config.database_url = url.clone();
                let store = match &url {
                    Some(url) => Store::connect_postgres(url).await.expect("connect"),
                    None => Store::open(&path).await.expect("open store"),
                };
                let listener = tokio::net::TcpListener::bind(config.addr).await.expect("bind");
                address_tx.send(listener.local_addr().expect("address")).expect("the benchmark waits");
                let shutdown = async move {
                    let _ = stopped.await;
                };
                serve(listener, store, &config, shutdown).await.expect("serve");
            });
        });
        let address = address_rx.recv().expect("the server started");
        InProcessServer { address, stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
