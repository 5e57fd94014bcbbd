//! A tiny std-only HTTP forward proxy for the tests: it accepts `GET http://HOST:PORT/PATH`
//! requests for servers on this machine (127.0.0.1 or localhost, nothing else), records them,
//! forwards each to its server on a new connection and relays the answer, one request per
//! connection. The proxy stops when dropped.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One request the proxy received: its target (the absolute URL) and header lines.
#[derive(Debug, Clone)]
pub struct ProxiedRequest {
    pub target: String,
    pub headers: Vec<(String, String)>,
}

struct Shared {
    log: Mutex<Vec<ProxiedRequest>>,
    stop: AtomicBool,
}

/// A running proxy on `127.0.0.1` at a free port.
pub struct TestProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl TestProxy {
    pub fn start() -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind test proxy");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let accept = {
            let shared = shared.clone();
            thread::spawn(move || {
                let mut workers = Vec::new();
                for stream in listener.incoming() {
                    if shared.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = shared.clone();
                    workers.push(thread::spawn(move || {
                        let _ = proxy_one(stream, &shared);
                    }));
                }
                for w in workers {
                    let _ = w.join();
                }
            })
        };
        TestProxy {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn bad_gateway(mut client: TcpStream) -> io::Result<()> {
    client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

fn proxy_one(client: TcpStream, shared: &Shared) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(5)))?;
    client.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        lines.push(line);
        if lines.len() > 100 {
            return bad_gateway(client);
        }
    }
    let mut parts = lines[0].split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|h| h.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    shared
        .log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(ProxiedRequest {
            target: target.to_string(),
            headers: headers.clone(),
        });
    // Only servers on this machine.
    let Some(rest) = target.strip_prefix("http://") else {
        return bad_gateway(client);
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let Some((host, port)) = authority.rsplit_once(':') else {
        return bad_gateway(client);
    };
    let Ok(port) = port.parse::<u16>() else {
        return bad_gateway(client);
    };
    if method != "GET" || !(host == "127.0.0.1" || host == "localhost") {
        return bad_gateway(client);
    }
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        return bad_gateway(client);
    };
    upstream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut head = format!("GET {path} HTTP/1.1\r\n");
    for (name, value) in &headers {
        let lower = name.to_ascii_lowercase();
        if lower != "connection" && lower != "proxy-connection" {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    upstream.write_all(head.as_bytes())?;
    let mut client_w = client;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match upstream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(_) => break,
        };
        client_w.write_all(&buf[..n])?;
    }
    let _ = client_w.shutdown(Shutdown::Both);
    Ok(())
}
