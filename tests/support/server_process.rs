//! A CareCount server as a real process (the `carecount` binary), so that
//! a test or the load benchmark can kill it with SIGKILL and start it again
//! on the same address, as a supervisor does after a crash.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The database a server process opens.
#[derive(Clone)]
pub enum ProcessDatabase {
    SqliteFile(PathBuf),
    PostgresUrl(String),
}

/// A running server process on a fixed address of 127.0.0.1.
pub struct ServerProcess {
    child: Option<Child>,
    database: ProcessDatabase,
    outbox: PathBuf,
    pub address: SocketAddr,
}

impl ServerProcess {
    /// Starts a server on a free port; returns once it listens.
    pub fn start(database: ProcessDatabase, outbox: &Path) -> ServerProcess {
        let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let address = free.local_addr().expect("address");
        drop(free);
        let mut process = ServerProcess { child: None, database, outbox: outbox.to_path_buf(), address };
        process.child = Some(process.spawn());
        process
    }

    /// The server's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    /// The same server again, on the same address.
    pub fn restart(&mut self) {
        self.kill();
        self.child = Some(self.spawn());
    }

    fn spawn(&self) -> Child {
        let mut command = Command::new(env!("CARGO_BIN_EXE_carecount"));
        match &self.database {
            ProcessDatabase::SqliteFile(file) => command.env("CARECOUNT_DATABASE", file),
            ProcessDatabase::PostgresUrl(url) => command.env("CARECOUNT_DATABASE_URL", url),
        };
        let mut child = command
            .env("CARECOUNT_ADDR", self.address.to_string())
            .env("CARECOUNT_PLAN_JOBS", "0")
            .env("CARECOUNT_OUTBOX_DIR", &self.outbox)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server process");
        // Its output is read to the end on a thread of its own: a server
        // writing to a pipe nobody reads would fail at its next line.
        let out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let (tell, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for said in out.lines().map_while(Result::ok) {
                if said.starts_with("CareCount is running at ") {
                    let _ = tell.send(());
                }
            }
        });
        listening.recv().expect("the server process stopped before it listened");
        child
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
