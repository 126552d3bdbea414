//! The preview server's limits under bounded local load (loopback only, a
//! few dozen connections, each wait bounded): clients that never send a
//! body, never finish their head, send a huge head or open too many
//! connections do not keep pages from being served; `Connection: close` is
//! honoured; the temporary output folder is private.

use crate::common::TestSite;
use crate::serve::{site_with_out, Reply, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Bounds every wait in these tests (the server's own limits are 5 s for a
/// pause and 10 s for a whole request head).
const BOUND: Duration = Duration::from_secs(20);

fn connect(server: &Server) -> TcpStream {
    let stream = server.connect();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream.set_write_timeout(Some(BOUND)).unwrap();
    stream
}

/// Reads until the server closes; fails if it does not within `within`.
#[track_caller]
fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let started = Instant::now();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("the server closes the connection");
    assert!(
        started.elapsed() < within,
        "closed only after {:?}",
        started.elapsed()
    );
    raw
}

#[test]
fn clients_that_never_send_their_body_do_not_hold_the_server() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let mut stalled: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = connect(&server);
            stream
                .write_all(b"GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    assert_eq!(server.get("/modules/privacy/").status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    for stream in &mut stalled {
        let reply = Reply::parse(&read_until_closed(stream, Duration::from_secs(3)));
        assert_eq!(reply.status, 200);
    }
}

#[test]
fn connection_close_is_honoured_on_every_reply() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    // No `Connection: close` from the client: the server still closes, as it says.
    let mut stream = connect(&server);
    stream
        .write_all(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let raw = read_until_closed(&mut stream, Duration::from_secs(3));
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("Connection: close\r\n"), "{text:.300}");
    assert_eq!(Reply::parse(&raw).status, 200);
}

#[test]
fn a_huge_request_head_is_refused_and_closed() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let mut stream = connect(&server);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
        .unwrap();
    // At most 1 MiB, stopping as soon as the server has closed.
    let filler = vec![b'a'; 64 * 1024];
    for _ in 0..16 {
        if stream.write_all(&filler).is_err() {
            break;
        }
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 431 "), "{text:.200}");
    assert_eq!(server.get("/").status, 200, "the server goes on");
}

#[test]
fn a_silent_client_is_closed_after_the_read_time_out() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let mut silent = connect(&server);
    let mut slow = connect(&server);
    slow.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let raw = read_until_closed(&mut silent, Duration::from_secs(8));
    assert!(String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 408 "));
    read_until_closed(&mut slow, Duration::from_secs(8));
}

#[test]
fn connections_beyond_the_limit_are_turned_away_at_once() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let idle: Vec<TcpStream> = (0..64).map(|_| connect(&server)).collect();
    // Let the server take them all before the one over the limit.
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = connect(&server);
    let _ = extra.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    // The server may reset the connection after its reply (it does not wait
    // for the request of a connection it turns away): read what came.
    let mut raw = Vec::new();
    let _ = extra.read_to_end(&mut raw);
    assert_eq!(Reply::parse(&raw).status, 503);
    drop(idle);
    let started = Instant::now();
    loop {
        let mut stream = connect(&server);
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        if Reply::parse(&read_until_closed(&mut stream, BOUND)).status == 200 {
            break;
        }
        assert!(started.elapsed() < BOUND, "the freed slots are not reused");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn the_temporary_output_is_private_and_freshly_named() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::fixture("basic");
    let mut server = Server::start(&site, &[]);
    let line = server.wait_for_line("出力先: ");
    let out = std::path::PathBuf::from(line.trim().trim_start_matches("出力先: "));
    let base = out.parent().unwrap();
    let mode = std::fs::metadata(base).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o077,
        0,
        "{} is open to others: {mode:o}",
        base.display()
    );
    let name = base.file_name().unwrap().to_string_lossy();
    let pid_name = format!("kenshu-serve-{}", server.pid());
    assert_ne!(name, pid_name, "a predictable name");
}
