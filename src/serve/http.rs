//! The preview's HTTP side: files of the output folder, and `/__kenshu/`.
//!
//! Connections are read and answered by `server` (a thread per connection,
//! within the limits documented there). A reload stream is handed to a
//! thread of its own at once (see [`Live`]), so open pages never hold a
//! connection slot.
//!
//! Every HTML page is sent with `<script src="/__kenshu/livereload.js">`
//! added before `</body>`; the files on disk never contain it. Responses say
//! `Cache-Control: no-store` so a reload always shows the new build, and HTML
//! comes with the portal's `Content-Security-Policy: default-src 'self'`, so
//! the preview breaks where production would.

use super::held::HeldPages;
use super::live::Live;
use super::paths::{self, Target};
use super::server::{Request, Server};
use crate::messages::Lang;
use crate::msg;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::thread::JoinHandle;
/// The reserved path prefix of the preview's own endpoints.
pub(super) const RESERVED: &str = "/__kenshu/";

const LIVERELOAD_JS: &str = include_str!("livereload.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");
/// What request handlers share.
pub(super) struct Context {
    /// The output folder, canonical.
    pub out: PathBuf,
    pub live: Arc<Live>,
    /// Pages being written after the reload; requests for them wait.
    pub held: Arc<HeldPages>,
}

/// Starts answering requests; the accepting thread stops once `stop` is
/// set and it is woken (`server::wake`).
pub(super) fn start(
    server: Server,
    context: Arc<Context>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    server.start(stop, move |request| handle(&context, request))
}

/// Answers one request.
pub(super) fn handle(context: &Arc<Context>, request: Request) {
    if !matches!(request.method(), "GET" | "HEAD") {
        let reply =
            Reply::text(405, "only GET and HEAD are supported\n").with("Allow", "GET, HEAD");
        return reply.send(request);
    }
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if let Some(name) = path.strip_prefix(RESERVED) {
        return reserved(context, request, name, query);
    }
    match resolve_written(context, path) {
        Target::File(file) => send_file(context, request, &file, 200),
        Target::Redirect(mut location) => {
            if !query.is_empty() && !query.contains(|c: char| c.is_control()) {
                location = format!("{location}?{query}");
            }
            Reply::text(301, "moved\n")
                .with("Location", location)
                .send(request);
        }
        Target::Missing => not_found(context, request),
        Target::Refused(status) => Reply::text(status, "refused\n").send(request),
    }
}

/// Resolves a request path once the file it names is written: a held page
/// is waited for, and so, while pages are held, is a page not there yet.
fn resolve_written(context: &Context, path: &str) -> Target {
    let target = paths::resolve(&context.out, path);
    if !context.held.any() {
        return target;
    }
    match &target {
        Target::File(file) => {
            let relative = file.strip_prefix(&context.out).unwrap_or(file);
            let relative = relative.to_string_lossy().replace('\\', "/");
            context.held.wait_for(Some(&relative));
            target
        }
        Target::Missing => {
            context.held.wait_for(None);
            paths::resolve(&context.out, path)
        }
        Target::Redirect(_) | Target::Refused(_) => target,
    }
}

fn reserved(context: &Arc<Context>, request: Request, name: &str, query: &str) {
    let reply = match name {
        "livereload.js" => Reply::new(200, LIVERELOAD_JS.into(), "text/javascript; charset=utf-8"),
        "overlay.css" => Reply::new(200, OVERLAY_CSS.into(), "text/css; charset=utf-8"),
        "status" => Reply::new(
            200,
            context.live.status_json().into_bytes(),
            "application/json; charset=utf-8",
        ),
        "events" => return events(context, request, query),
        _ => Reply::text(404, "not found\n"),
    };
    reply.send(request);
}

/// Hands an event stream to a thread of its own, if there is room.
fn events(context: &Arc<Context>, request: Request, query: &str) {
    let page_generation = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("g="))
        .and_then(|g| g.parse::<u64>().ok());
    let stream = context.live.open_stream();
    let spawned = std::thread::Builder::new()
        .name("kenshu-events".into())
        .spawn(move || {
            let mut out = request.into_writer();
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                        Cache-Control: no-store\r\nConnection: close\r\n\r\n";
            if out.write_all(head.as_bytes()).is_ok() {
                let _ = stream.run(&mut out, page_generation);
            }
        });
    if let Err(err) = spawned {
        complain!("warning: preview server: cannot start an event stream: {err}");
    }
}

fn send_file(context: &Context, request: Request, file: &Path, status: u16) {
    let Ok(bytes) = std::fs::read(file) else {
        return Reply::text(404, "not found\n").send(request);
    };
    let content_type = paths::content_type(file);
    let reply = if content_type.starts_with("text/html") {
        let html = inject(bytes, context.live.generation(), status == 404);
        Reply::new(status, html, content_type).with("Content-Security-Policy", "default-src 'self'")
    } else {
        Reply::new(status, bytes, content_type)
    };
    reply.send(request);
}

fn not_found(context: &Context, request: Request) {
    let page = context.out.join("404.html");
    if page.is_file() {
        return send_file(context, request, &page, 404);
    }
    let html = inject(
        fallback_page(context.live.lang()),
        context.live.generation(),
        false,
    );
    Reply::new(404, html, "text/html; charset=utf-8").send(request);
}

/// Shown for a missing page when the site has no 404.html (no good build
/// yet), in the language of the console messages.
fn fallback_page(lang: Lang) -> Vec<u8> {
    let tag = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let text = msg!("serve.no-page-yet").text(lang);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{tag}\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>kenshu serve</title>\n</head>\n<body>\n<h1>kenshu serve</h1>\n\
<p>{text}</p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// Adds the live-reload script before `</body>`; for the 404 page, which
/// is served at any depth, also a `<base>` so its relative links work.
pub(super) fn inject(mut html: Vec<u8>, generation: u64, add_base: bool) -> Vec<u8> {
    let script =
        format!("<script src=\"{RESERVED}livereload.js?g={generation}\" defer></script>\n");
    let at = rfind(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
    if add_base && rfind(&html, b"<base ").is_none() {
        if let Some(head) = rfind(&html, b"<head>") {
            let at = head + "<head>".len();
            html.splice(at..at, b"\n<base href=\"/\">".iter().copied());
        }
    }
    html
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A response, written to the socket in one piece (head and body apart
/// would wait on Nagle's algorithm against the browser's delayed ACK),
/// after which the connection is closed, as `Connection: close` says: a
/// connection per request costs next to nothing on the loopback interface,
/// and no idle kept-alive connection holds a slot.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, body: Vec<u8>, content_type: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", "no-store".into()),
                ("X-Content-Type-Options", "nosniff".into()),
                ("Connection", "close".into()),
            ],
            body,
        }
    }

    fn text(status: u16, message: &str) -> Reply {
        Reply::new(
            status,
            message.as_bytes().to_vec(),
            "text/plain; charset=utf-8",
        )
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// The bytes on the wire; a HEAD request gets the head only.
    fn encode(&self, head_only: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "",
        };
        let _ = write!(out, "HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        let _ = write!(out, "Content-Length: {}\r\n\r\n", self.body.len());
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }

    fn send(self, request: Request) {
        let bytes = self.encode(request.is_head());
        let mut out = request.into_writer();
        let _ = out.write_all(&bytes).and_then(|()| out.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_body() {
        let html = b"<html><head><title>t</title></head><body><p>x</p></body></html>".to_vec();
        let out = String::from_utf8(inject(html, 7, false)).unwrap();
        assert_eq!(
            out,
            "<html><head><title>t</title></head><body><p>x</p>\
             <script src=\"/__kenshu/livereload.js?g=7\" defer></script>\n</body></html>"
        );
    }

    #[test]
    fn the_404_page_gets_a_base_for_its_relative_links() {
        let html = b"<html><head><title>t</title></head><body></body></html>".to_vec();
        let out = String::from_utf8(inject(html, 0, true)).unwrap();
        assert!(
            out.starts_with("<html><head>\n<base href=\"/\"><title>"),
            "{out}"
        );
        assert!(!out.contains("style"), "no inline style");
    }

    #[test]
    fn replies_are_one_piece_with_their_length_and_head_has_no_body() {
        let reply = Reply::text(404, "gone\n");
        let wire = String::from_utf8(reply.encode(false)).unwrap();
        assert!(wire.starts_with("HTTP/1.1 404 Not Found\r\n"), "{wire}");
        assert!(wire.contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(wire.ends_with("Content-Length: 5\r\n\r\ngone\n"), "{wire}");
        let head = String::from_utf8(reply.encode(true)).unwrap();
        assert!(head.ends_with("Content-Length: 5\r\n\r\n"), "{head}");
    }

    #[test]
    fn a_page_without_body_end_gets_the_script_at_the_end() {
        let out = String::from_utf8(inject(b"<p>x</p>".to_vec(), 1, false)).unwrap();
        assert!(out.starts_with("<p>x</p><script src="), "{out}");
    }
}
