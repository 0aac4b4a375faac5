// The migrations are embedded at compile time (`sqlx::migrate!`); a new
// file in the folder must rebuild the crate, or a build would miss it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
