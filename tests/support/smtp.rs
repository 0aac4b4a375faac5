//! A small SMTP server for tests, on 127.0.0.1: plain, with STARTTLS, or
//! TLS from the first byte, with a certificate from a CA made for the test
//! (by the `openssl` command). It keeps every message it accepts.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// How the server protects its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Plain SMTP, no STARTTLS offered.
    Plain,
    /// Plain SMTP offering STARTTLS.
    StartTls,
    /// TLS from the first byte (smtps).
    Implicit,
}

/// One accepted message: who logged in, and the raw message.
#[derive(Clone, Debug)]
pub struct Received {
    pub auth: Option<String>,
    pub tls: bool,
    pub data: String,
}

/// A running test server.
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A CA and a server certificate for 127.0.0.1, as PEM files in `dir`.
pub struct TestCa {
    pub ca_pem: std::path::PathBuf,
    cert_pem: std::path::PathBuf,
    key_pem: std::path::PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl TestCa {
    /// Makes a CA and a certificate it signs for IP 127.0.0.1.
    pub fn new(dir: &Path) -> TestCa {
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=Test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        );
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "san.ext",
                "-out",
                "server.pem",
            ],
        );
        TestCa { ca_pem: dir.join("ca.pem"), cert_pem: dir.join("server.pem"), key_pem: dir.join("server.key") }
    }

    fn acceptor(&self) -> TlsAcceptor {
        let certs = CertificateDer::pem_file_iter(&self.cert_pem).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
        let key = PrivateKeyDer::from_pem_file(&self.key_pem).unwrap();
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        TlsAcceptor::from(Arc::new(config))
    }
}

impl SmtpServer {
    /// Starts a server in `mode`; TLS modes need `ca`.
    pub async fn start(mode: Mode, ca: Option<&TestCa>) -> SmtpServer {
        let acceptor = ca.map(TestCa::acceptor);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, kept) = (acceptor.clone(), kept.clone());
                tokio::spawn(async move {
                    match (mode, acceptor) {
                        (Mode::Implicit, Some(acceptor)) => {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                let _ = session(tls, false, true, true, &kept).await;
                            }
                        }
                        (mode, acceptor) => {
                            if let Ok(Some(plain)) = session(stream, mode == Mode::StartTls, false, true, &kept).await
                                && let Some(acceptor) = acceptor
                                && let Ok(tls) = acceptor.accept(plain).await
                            {
                                let _ = session(tls, false, true, false, &kept).await;
                            }
                        }
                    }
                });
            }
        });
        SmtpServer { port, received, task }
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Speaks SMTP until QUIT; returns the stream when the client asked to
/// start TLS (and it was offered).
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    offer_starttls: bool,
    tls: bool,
    greet: bool,
    kept: &Mutex<Vec<Received>>,
) -> std::io::Result<Option<S>> {
    let mut stream = BufReader::new(stream);
    // After STARTTLS the client speaks first (EHLO again); otherwise we greet.
    if greet {
        stream.write_all(b"220 test.smtp ESMTP\r\n").await?;
        stream.flush().await?;
    }
    let mut auth = None;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            let starttls = if offer_starttls { "250-STARTTLS\r\n" } else { "" };
            stream.write_all(format!("250-test.smtp\r\n{starttls}250 AUTH PLAIN LOGIN\r\n").as_bytes()).await?;
        } else if upper == "STARTTLS" && offer_starttls {
            stream.write_all(b"220 go ahead\r\n").await?;
            stream.flush().await?;
            return Ok(Some(stream.into_inner()));
        } else if upper.starts_with("AUTH PLAIN") {
            auth = Some(command["AUTH PLAIN".len()..].trim().to_string());
            stream.write_all(b"235 ok\r\n").await?;
        } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") || upper.starts_with("RSET") {
            stream.write_all(b"250 ok\r\n").await?;
        } else if upper == "DATA" {
            stream.write_all(b"354 go on\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if stream.read_line(&mut line).await? == 0 {
                    return Ok(None);
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            kept.lock().unwrap().push(Received { auth: auth.clone(), tls, data });
            stream.write_all(b"250 queued\r\n").await?;
        } else if upper == "QUIT" {
            stream.write_all(b"221 bye\r\n").await?;
            return Ok(None);
        } else if upper == "NOOP" {
            stream.write_all(b"250 ok\r\n").await?;
        } else {
            stream.write_all(b"502 not here\r\n").await?;
        }
        stream.flush().await?;
    }
}
