//! `kenshu serve`: the real binary on a free port, spoken to over raw TCP.
//!
//! Requests are written by hand (no HTTP client library) so that request
//! paths reach the server exactly as written, `..` and `%2f` included. Each
//! test starts its own server (`--port 0`, the URL is read from what it
//! prints) and stops it with SIGINT when dropped. Nothing here measures time:
//! waits poll with a generous deadline.

use crate::common::{kenshu_bin, TestSite};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any wait may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// A running `kenshu serve`, stopped with SIGINT when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: SocketAddr,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(site: &TestSite, extra: &[&str]) -> Server {
        let root = site.root().to_string_lossy().into_owned();
        let mut args = vec!["serve", "--root", &root, "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = Command::new(kenshu_bin())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kenshu serve");
        let stdout = collect_lines(child.stdout.take().expect("stdout"));
        let stderr = collect_lines(child.stderr.take().expect("stderr"));
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stdout,
            stderr,
        };
        // 「プレビューを配信しています: http://…/」 (or "Serving http://…/").
        let line = server.wait_for_line("http://");
        let url = line
            .split_once("http://")
            .map_or("", |(_, rest)| rest)
            .trim_end_matches('/');
        server.addr = url
            .parse()
            .unwrap_or_else(|_| panic!("no address in {line:?}"));
        server
    }

    /// Waits until stdout has a line containing `needle`, and returns it.
    #[track_caller]
    pub(crate) fn wait_for_line(&mut self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self
                .stdout
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "kenshu serve exited ({status}) before printing {needle:?}\n{}",
                    self.output()
                );
            }
            assert!(
                started.elapsed() < DEADLINE,
                "no line {needle:?} in:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr.lock().unwrap().join("\n")
        )
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    fn request(&self, method: &str, path: &str) -> Reply {
        let mut stream = self.connect();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read reply");
        Reply::parse(&raw)
    }

    pub(crate) fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream
    }

    /// Polls the status endpoint until `done` accepts it.
    #[track_caller]
    fn wait_for_status(&self, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let status = self.status();
            if done(&status) {
                return status;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "status stayed {status}\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's `/__kenshu/status` report.
    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__kenshu/status").body_text()).expect("status JSON")
    }

    fn generation(&self) -> u64 {
        self.status()["generation"].as_u64().expect("generation")
    }

    /// Stops the server as Ctrl-C does and returns its exit status.
    fn interrupt(&mut self) -> std::process::ExitStatus {
        self.signal("-INT")
    }

    /// Sends a signal (`-INT`, `-TERM`) and waits for the server to exit.
    fn signal(&mut self, signal: &str) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < DEADLINE {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.child.wait().expect("wait for kenshu serve")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.interrupt();
        }
    }
}

fn collect_lines(source: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(source).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// An HTTP response.
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub(crate) fn parse(raw: &[u8]) -> Reply {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap_or("")
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok());
        let headers = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        Reply {
            status: status.unwrap_or_else(|| panic!("no status in {head:?}")),
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A Server-Sent Events stream, read line by line.
struct Events {
    lines: BufReader<TcpStream>,
}

impl Events {
    fn open(server: &Server, generation: u64) -> Events {
        let mut stream = server.connect();
        write!(
            stream,
            "GET /__kenshu/events?g={generation} HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            lines: BufReader::new(stream),
        };
        events.wait_for("event: hello");
        events
    }

    /// Reads until a line equal to `line`; returns the data line after it.
    #[track_caller]
    fn wait_for(&mut self, line: &str) -> String {
        let mut seen = Vec::new();
        loop {
            let mut next = String::new();
            let read = self.lines.read_line(&mut next).unwrap_or(0);
            assert!(read > 0, "stream ended before {line:?}; got {seen:?}");
            if next.trim_end() == line {
                let mut data = String::new();
                let _ = self.lines.read_line(&mut data);
                return data.trim_end().trim_start_matches("data: ").to_string();
            }
            seen.push(next);
        }
    }
}

pub(crate) fn site_with_out() -> (TestSite, String) {
    let site = TestSite::fixture("basic");
    let out = site.path("preview-out").to_string_lossy().into_owned();
    (site, out)
}

#[test]
fn serves_pages_with_the_reload_script_that_built_sites_lack() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let html = home.body_text();
    assert!(
        html.contains("<script src=\"/__kenshu/livereload.js?g="),
        "{html}"
    );
    assert!(
        html.trim_end().ends_with("</body>\n</html>"),
        "the script goes inside body"
    );
    let on_disk = std::fs::read_to_string(Path::new(&out).join("index.html")).unwrap();
    assert!(
        !on_disk.contains("__kenshu"),
        "the output folder has no preview script"
    );

    let module = server.get("/modules/basics/");
    assert_eq!(module.status, 200);
    assert!(module.body_text().contains("情報セキュリティの基本"));
    let folder = server.get("/modules/basics");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/modules/basics/"));

    let head = server.request("HEAD", "/modules/basics/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(
        head.header("content-length").map(str::to_string),
        Some(module.body.len().to_string())
    );

    for (path, expected) in [
        ("/assets/css/kenshu.css", "text/css; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml; charset=utf-8"),
        ("/media/modules/security/diagram.png", "image/png"),
        ("/__kenshu/livereload.js", "text/javascript; charset=utf-8"),
        ("/__kenshu/overlay.css", "text/css; charset=utf-8"),
        ("/__kenshu/status", "application/json; charset=utf-8"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(expected), "{path}");
    }

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body_text().contains("ページが見つかりません"),
        "the site's 404 page"
    );
    assert!(missing.body_text().contains("/__kenshu/livereload.js"));
    assert_eq!(server.request("POST", "/").status, 405);

    site.build().assert_success();
    for entry in walkdir::WalkDir::new(site.path("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("__kenshu"),
                "{} mentions the preview",
                entry.path().display()
            );
        }
    }
}

#[test]
fn traversal_attempts_are_refused() {
    let (site, out) = site_with_out();
    site.write("secret.txt", "TOP-SECRET-ROOT");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "TOP-SECRET-OUTSIDE").unwrap();
    let server = Server::start(&site, &["--out", &out]);
    #[cfg(unix)]
    {
        let link = PathBuf::from(&out).join("escape");
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("passwd"),
            PathBuf::from(&out).join("p.txt"),
        )
        .unwrap();
    }
    let absolute = outside.path().join("passwd").to_string_lossy().into_owned();
    let attempts = [
        "/../secret.txt".to_string(),
        "/../../secret.txt".to_string(),
        "/modules/../../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E/%2E%2E/secret.txt".to_string(),
        "/..%2fsecret.txt".to_string(),
        "/..%2Fsecret.txt".to_string(),
        "/modules%2f..%2f..%2fsecret.txt".to_string(),
        "/..\\secret.txt".to_string(),
        "/..%5csecret.txt".to_string(),
        "/%5c..%5csecret.txt".to_string(),
        "/index.html%00".to_string(),
        "/secret.txt%00.html".to_string(),
        "//secret.txt".to_string(),
        format!("/{absolute}"),
        format!("/{}", absolute.trim_start_matches('/')),
        "/%c0%ae%c0%ae/secret.txt".to_string(),
        "/C:/Windows/win.ini".to_string(),
        "/escape/passwd".to_string(),
        "/escape/".to_string(),
        "/p.txt".to_string(),
        "secret.txt".to_string(),
    ];
    for attempt in &attempts {
        let reply = server.get(attempt);
        assert!(
            [400, 403, 404].contains(&reply.status),
            "{attempt} answered {}",
            reply.status
        );
        let body = reply.body_text();
        assert!(
            !body.contains("TOP-SECRET"),
            "{attempt} leaked a file outside the output"
        );
    }
    assert_eq!(server.get("/../secret.txt").status, 400);
    #[cfg(unix)]
    assert_eq!(server.get("/p.txt").status, 403);
}

#[test]
fn a_module_edit_reloads_open_pages_with_the_new_content() {
    let (site, out) = site_with_out();
    let mut server = Server::start(&site, &["--out", &out]);
    let before = server.generation();
    let mut events = Events::open(&server, before);

    site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "改正個人情報保護法を学びます。",
    );
    let generation: u64 = events
        .wait_for("event: reload")
        .parse()
        .expect("generation");
    assert!(generation > before);
    let page = server.get("/modules/privacy/");
    assert!(page.body_text().contains("改正個人情報保護法を学びます。"));
    assert!(page
        .body_text()
        .contains(&format!("livereload.js?g={generation}")));
    let line = server.wait_for_line("content/modules/security/privacy.md を変更");
    assert!(
        line.contains("1 ページを作成し"),
        "a body edit renders one page: {line}"
    );

    // Editor temp files alone do not rebuild anything.
    site.write("content/modules/security/.privacy.md.swp", "x");
    site.write("content/modules/security/privacy.md~", "x");
    let unrelated = site.read("content/modules/security/basics.md");
    site.write(
        "content/modules/security/basics.md",
        &unrelated.replace("三層分離を説明できる。", "三層分離を説明できるようになる。"),
    );
    events.wait_for("event: reload");
    let lines = server.stdout.lock().unwrap().join("\n");
    assert!(
        !lines.contains(".swp") && !lines.contains("privacy.md~"),
        "{lines}"
    );
}

#[test]
fn after_a_title_edit_every_page_served_lists_the_new_title() {
    let (site, out) = site_with_out();
    let mut server = Server::start(&site, &["--out", &out]);
    let mut events = Events::open(&server, server.generation());
    site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: 情報セキュリティ入門",
    );
    events.wait_for("event: reload");
    // The module's page is written before the reload, the pages listing it
    // after: a request for one of those waits until it is written.
    for path in ["/modules/basics/", "/roles/general-staff/", "/modules/"] {
        let page = server.get(path);
        assert!(
            page.body_text().contains("情報セキュリティ入門"),
            "{path} is from before the edit"
        );
    }
    let line = server.wait_for_line("content/modules/security/basics.md を変更");
    let pages: usize = line
        .split(" ページを作成し")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page count in {line:?}"));
    assert!(pages > 1, "both steps are counted: {line}");
}

#[test]
fn errors_show_in_the_overlay_data_until_fixed() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let module = "content/modules/security/basics.md";
    let good = site.read(module);
    site.write(module, &good.replace("level: 1", "level: 7"));

    let status = server.wait_for_status(|s| s["ok"] == false);
    let problem = &status["problems"][0];
    assert_eq!(problem["file"], module);
    assert_eq!(problem["line"], 4, "level: is on line 4: {status}");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("level は 1、2、3 のどれかです"),
        "{status}"
    );
    assert!(status["title"].as_str().unwrap().contains("エラーが 1 件"));
    let page = server.get("/modules/basics/");
    assert_eq!(page.status, 200, "the last good build is still served");
    assert!(page.body_text().contains("情報セキュリティの基本"));

    site.write(
        module,
        &good.replace("三層分離を説明できる。", "三層分離を説明できる（修正後）。"),
    );
    let status = server.wait_for_status(|s| s["ok"] == true);
    assert_eq!(status["problems"].as_array().map(Vec::len), Some(0));
    assert!(server
        .get("/modules/basics/")
        .body_text()
        .contains("（修正後）"));
}

#[test]
fn a_first_build_that_fails_says_so_in_japanese() {
    let (site, out) = site_with_out();
    let module = "content/modules/security/basics.md";
    site.write(module, &site.read(module).replace("level: 1", "level: 7"));
    let server = Server::start(&site, &["--out", &out]);
    let started = Instant::now();
    while !server.output().contains("ビルドに失敗しました") {
        assert!(started.elapsed() < DEADLINE, "{}", server.output());
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = server.output();
    assert!(output.contains("成功したビルドがまだない"), "{output}");
    assert!(!output.contains("最後に成功したビルド"), "{output}");
    let page = server.get("/");
    assert_eq!(page.status, 404);
    let text = page.body_text();
    assert!(text.contains("<html lang=\"ja\">"), "{text}");
    assert!(text.contains("まだ表示できるページがありません"), "{text}");
}

#[test]
fn open_reload_streams_and_slow_clients_do_not_block_pages() {
    let (site, out) = site_with_out();
    let server = Server::start(&site, &["--out", &out]);
    let generation = server.generation();
    // Many open pages, and a client that never finishes its request.
    let streams: Vec<Events> = (0..12).map(|_| Events::open(&server, generation)).collect();
    let mut slow = server.connect();
    slow.write_all(b"GET /index.html HTTP/1.1\r\nHost: loc")
        .unwrap();
    for _ in 0..3 {
        let reply = server.get("/modules/privacy/");
        assert_eq!(reply.status, 200);
    }
    drop(streams);
    drop(slow);
}

#[test]
fn ctrl_c_stops_cleanly_and_removes_the_temporary_output() {
    let site = TestSite::fixture("basic");
    let mut server = Server::start(&site, &[]);
    let line = server.wait_for_line("出力先: ");
    let out = PathBuf::from(line.trim().trim_start_matches("出力先: "));
    assert!(
        out.join("index.html").is_file(),
        "the preview is built in {}",
        out.display()
    );
    assert!(
        !site.path("public").exists(),
        "a preview never writes public/"
    );
    let status = server.interrupt();
    assert!(
        status.success(),
        "exit status {status}\n{}",
        server.output()
    );
    assert!(!out.exists(), "{} was left behind", out.display());
}

#[test]
fn sigterm_also_stops_cleanly() {
    let site = TestSite::fixture("basic");
    let mut server = Server::start(&site, &[]);
    let line = server.wait_for_line("出力先: ");
    let out = PathBuf::from(line.trim().trim_start_matches("出力先: "));
    let status = server.signal("-TERM");
    assert!(
        status.success(),
        "exit status {status}\n{}",
        server.output()
    );
    assert!(!out.exists(), "{} was left behind", out.display());
}

#[test]
fn the_404_page_links_from_the_preview_root_whatever_base_path_says() {
    let (site, out) = site_with_out();
    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{config}\nbase_path: /training/\n"),
    );
    let server = Server::start(&site, &["--out", &out]);
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let html = missing.body_text();
    assert!(
        html.contains("href=\"/assets/css/kenshu.css\""),
        "links from /: {html}"
    );
    assert!(!html.contains("/training/"), "no intranet path: {html}");
    // The built site keeps base_path for the intranet server.
    site.build().assert_success();
    assert!(site
        .read("public/404.html")
        .contains("href=\"/training/assets/css/kenshu.css\""));
}

#[test]
fn a_preview_into_out_keeps_its_old_tree_in_the_site_folder_not_beside_it() {
    let site = TestSite::fixture("basic");
    let out = site.path("www/kenshu");
    let out_text = out.to_string_lossy().into_owned();
    site.run(&["build", "--out", &out_text]).assert_success();
    let server = Server::start(&site, &["--out", &out_text]);
    assert_eq!(server.get("/").status, 200);
    drop(server);
    let beside: Vec<String> = std::fs::read_dir(site.path("www"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        beside,
        ["kenshu"],
        "nothing a web server could serve beside the output"
    );
}
