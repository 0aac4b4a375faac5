//! The CareCount server binary.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    carecount::server::startup::run().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser half is the library's `hydrate` entry point.
}
