//! The preview's HTTP/1.1 connections: accept, read one request head, hand
//! it on, close.
//!
//! Each connection is read on a thread of its own, within limits that keep
//! a client that is slow, silent or hostile from holding the server:
//! - at most [`MAX_CONNECTIONS`] connections are read or answered at once;
//!   one more is answered `503` and closed at once;
//! - the request head (request line and headers) must arrive within
//!   [`HEAD_DEADLINE`], with no pause longer than [`READ_TIMEOUT`], and be at
//!   most [`MAX_HEAD_BYTES`] long with at most [`MAX_HEADERS`] headers
//!   (else `408` or `431`, and the connection is closed);
//! - a reply that the client does not read is given up after
//!   [`WRITE_TIMEOUT`];
//! - a request body is never waited for (the preview answers GET and HEAD
//!   only), and every reply says `Connection: close` and closes.
//!
//! Request heads are parsed by `httparse`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Connections read or answered at once.
pub(super) const MAX_CONNECTIONS: usize = 64;
/// Longest pause while a request head arrives.
pub(super) const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest time to send a whole request head.
pub(super) const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Longest a reply may wait for the client to read it.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head (request line and headers), in bytes.
pub(super) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most headers in one request.
pub(super) const MAX_HEADERS: usize = 64;

/// One request: its method and target, and the connection to answer on.
pub(super) struct Request {
    method: String,
    url: String,
    stream: TcpStream,
}

impl Request {
    pub(super) fn method(&self) -> &str {
        &self.method
    }

    pub(super) fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// The request target as sent (`/path?query`).
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// The connection, to write the reply to; it closes when dropped.
    pub(super) fn into_writer(self) -> TcpStream {
        self.stream
    }
}

/// A listening socket.
pub(super) struct Server {
    listener: TcpListener,
}

impl Server {
    pub(super) fn bind(addr: SocketAddr) -> io::Result<Server> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
        })
    }

    pub(super) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until `stop` is set, answering each with
    /// `handle` on a thread of its own. [`wake`] unblocks the accepting
    /// thread after `stop` is set.
    pub(super) fn start(
        self,
        stop: Arc<AtomicBool>,
        handle: impl Fn(Request) + Send + Sync + 'static,
    ) -> io::Result<JoinHandle<()>> {
        let handle = Arc::new(handle);
        let open = Arc::new(AtomicUsize::new(0));
        std::thread::Builder::new()
            .name("kenshu-accept".into())
            .spawn(move || {
                for stream in self.listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    if let Ok(stream) = stream {
                        serve_connection(stream, &open, &handle);
                    }
                }
            })
    }
}

/// Makes the accepting thread of the server at `addr` notice that it should stop.
pub(super) fn wake(mut addr: SocketAddr) {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
}

/// Counts an open connection for as long as it lives.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve_connection<H: Fn(Request) + Send + Sync + 'static>(
    mut stream: TcpStream,
    open: &Arc<AtomicUsize>,
    handle: &Arc<H>,
) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        open.fetch_sub(1, Ordering::SeqCst);
        // No thread to linger with: a client that sends its request after
        // this may see the connection reset, after the reply.
        let _ = stream.write_all(&plain_reply(503, "too many connections\n"));
        let _ = stream.shutdown(Shutdown::Write);
        return;
    }
    let slot = Slot(Arc::clone(open));
    let handle = Arc::clone(handle);
    let spawned = std::thread::Builder::new()
        .name("kenshu-http".into())
        .spawn(move || {
            let _slot = slot;
            match read_request(stream) {
                Ok(request) => handle(request),
                Err((mut stream, status, message)) => {
                    let _ = stream.write_all(&plain_reply(status, message));
                    linger_close(stream);
                }
            }
        });
    // Without a thread, the slot and the connection go with the closure.
    drop(spawned);
}

type Refused = (TcpStream, u16, &'static str);

/// Reads one request head within the limits; on failure, the status and
/// message to answer with.
fn read_request(mut stream: TcpStream) -> Result<Request, Refused> {
    let started = Instant::now();
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = HEAD_DEADLINE.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err((stream, 408, "request head too slow\n"));
        }
        let _ = stream.set_read_timeout(Some(left.min(READ_TIMEOUT)));
        let read = match stream.read(&mut chunk) {
            Ok(0) => return Err((stream, 400, "incomplete request\n")),
            Ok(n) => n,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err((stream, 408, "request head too slow\n"))
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err((stream, 400, "cannot read the request\n")),
        };
        head.extend_from_slice(&chunk[..read]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&head) {
            Ok(httparse::Status::Complete(length)) if length <= MAX_HEAD_BYTES => {
                let method = parsed.method.unwrap_or_default().to_string();
                let url = parsed.path.unwrap_or_default().to_string();
                return Ok(Request {
                    method,
                    url,
                    stream,
                });
            }
            Ok(httparse::Status::Partial) if head.len() <= MAX_HEAD_BYTES => {}
            Ok(_) | Err(httparse::Error::TooManyHeaders) => {
                return Err((stream, 431, "request head too large\n"))
            }
            Err(_) => return Err((stream, 400, "malformed request\n")),
        }
    }
}

/// Closes a connection whose client may still be sending: reads and drops
/// what comes for a moment first, so that closing with unread data does not
/// reset the connection before the client has read the reply.
fn linger_close(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let mut sink = [0u8; 8192];
    let mut drained = 0;
    while drained < 256 * 1024 && started.elapsed() < Duration::from_secs(1) {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// A short plain-text reply that closes the connection.
fn plain_reply(status: u16, message: &str) -> Vec<u8> {
    let reason = match status {
        400 => "Bad Request",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{message}",
        message.len()
    )
    .into_bytes()
}
