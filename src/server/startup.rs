//! Start-up: configuration, database, demo data, listener, serve.
//! Every failure here ends in one plain line on stderr and exit code 1.

use std::process::ExitCode;

use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;

use super::app::router;
use super::config::Config;
use super::store::Store;

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run() -> ExitCode {
    init_logging();
    match start().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("carecount: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> Result<(), String> {
    let config = Config::from_env()?;
    let store = config.open_store().await?;
    if config.demo_data && store.is_empty().await.map_err(|e| format!("cannot read the database: {e}"))? {
        store
            .seed_demo(crate::server::store::demo::demo_today(chrono::Utc::now()))
            .await
            .map_err(|e| format!("cannot write the demo data: {e}"))?;
        println!("Created {} with the demo clinic.", config.database_shown());
    }
    let listener = TcpListener::bind(config.addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            format!("{} is already in use; stop the other server or set CARECOUNT_ADDR to a free port", config.addr)
        }
        _ => format!("cannot listen on {}: {e}", config.addr),
    })?;
    announce(&config, &listener);
    serve(listener, store, &config, shutdown_signal()).await.map_err(|e| format!("server stopped: {e}"))
}

/// Leptos' settings for serving the compiled site.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("carecount")
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(hash_file_present())
        .build()
}

/// Whether cargo-leptos gave the bundle content-hashed names: it then
/// writes `hash.txt` beside the server binary it built. Test binaries have
/// none and serve the plain names.
fn hash_file_present() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file())).unwrap_or(false)
}

/// Serves the app on a bound listener until `shutdown` completes, with the
/// background work (mail, plan renewals and past-due checks) beside it.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    // The background work stops with the server, also when this future is
    // dropped before it completes (a task that serves is aborted): left
    // running, it would keep the store's connections open.
    let _background = AbortOnDrop(tokio::spawn(super::jobs::run_forever(
        store.clone(),
        super::mail::Mailer::new(config)?,
        config.plan_jobs,
    )));
    let app =
        router(store, leptos_options(config), public_url, config.trusted_proxies.clone(), config.sync_root.clone());
    // The peer's address feeds the per-address sign-in limit.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// A task that is aborted when this is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn announce(config: &Config, listener: &TcpListener) {
    let addr = listener.local_addr().unwrap_or(config.addr);
    println!("CareCount is running at http://{addr}/");
    println!("  database: {}", config.database_shown());
    println!("  stop with Ctrl-C");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
