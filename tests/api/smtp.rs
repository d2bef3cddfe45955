//! A real SMTP server on loopback for the tests (mailin-embedded), whose answers the test can
//! switch: accept, answer 451 to everything, or refuse some addresses with 550.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{response, Handler, Response, Server, SslConfig};

#[derive(Debug, Clone, Default)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct Behaviour {
    pub messages: Vec<Received>,
    /// Answer 451 (try again later) to every message.
    pub transient_failure: bool,
    /// Addresses answered with 550.
    pub refused: Vec<String>,
}

#[derive(Clone)]
struct Recorder {
    shared: Arc<Mutex<Behaviour>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: std::net::IpAddr, _domain: &str, _from: &str) -> Response {
        if self.shared.lock().unwrap().transient_failure {
            response::INTERNAL_ERROR
        } else {
            response::OK
        }
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.shared.lock().unwrap().refused.iter().any(|r| r == to) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Received {
            to: self.to.clone(),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        };
        self.shared.lock().unwrap().messages.push(message);
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    pub shared: Arc<Mutex<Behaviour>>,
}

impl SmtpServer {
    /// Starts a server on `port` (0: any free port) in a thread of its own.
    pub fn start(port: u16) -> SmtpServer {
        let listener =
            TcpListener::bind(("127.0.0.1", port)).expect("binding the test SMTP server");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new(Behaviour::default()));
        let handler = Recorder {
            shared: shared.clone(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("smtp.rightsdesk.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        server.with_ssl(SslConfig::None).expect("no TLS");
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, shared }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.shared.lock().unwrap().messages.clone()
    }

    pub fn set(&self, f: impl FnOnce(&mut Behaviour)) {
        f(&mut self.shared.lock().unwrap());
    }
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
