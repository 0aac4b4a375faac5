//! The CareCount server binary; `carecount import FILE.csv` applies a
//! practice system's export and exits; `carecount demo [--scale group]`
//! fills a new database with the demo; `carecount deltas DIR` writes the
//! bundles' differences from each other at build time.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("import") => carecount::server::import::command::run(&args[1..]).await,
        Some("deltas") => carecount::server::bundle_deltas::run(&args[1..]),
        Some("demo") => carecount::server::demo_command::run(&args[1..]).await,
        _ => carecount::server::startup::run().await,
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser half is the library's `hydrate` entry point.
}
