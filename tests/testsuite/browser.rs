//! The portal in a real browser, behind a real web server.
//!
//! This test builds the shipped site, serves it with nginx under the sub-path
//! `/training/` with the header `Content-Security-Policy: default-src 'self'`
//! (the strictest policy a portal on a council intranet may be given), and
//! runs the Node tests in `tests/browser/` (`node --test`), which drive
//! headless Chromium with playwright-core: quizzes, progress export and
//! import, Japanese search, axe-core accessibility checks, no request leaving
//! the site, and the site opened from `file://`. The Node tests also get
//! the kenshu binary and a fixture site, to drive the live preview
//! (`kenshu serve`) in the browser.
//!
//! It needs Debian's `chromium` and `nginx`, Node.js, and the npm packages of
//! `tests/browser` (`npm ci --prefix tests/browser`); `.ci/run` installs them
//! all. Without them the test fails and says what to install: a browser test
//! that skips itself would let CI pass without testing the browser code.

use crate::common::{kenshu_bin, repo_root, TestSite};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Debian's Chromium; `KENSHU_CHROMIUM` overrides it (the Node side reads it too).
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// The sub-path the site is served under, so relative URLs are tested.
const SUB_PATH: &str = "/training/";

/// How to get everything the test needs.
const INSTALL_HINT: &str = "install them with `bash .ci/run` (as root), or by hand: \
     `apt-get install -y --no-install-recommends chromium chromium-driver nginx-light nodejs npm default-jre-headless` \
     and `npm ci --prefix tests/browser`";

#[test]
fn portal_works_in_headless_chromium_behind_nginx() {
    let tools = Tools::find().unwrap_or_else(|missing| panic!("{missing}"));
    let site = TestSite::shipped();
    site.build().assert_success();
    let public = site.path("public");
    write_sample_report(&site);
    let server = Nginx::start(&tools.nginx, &public, &site.path("nginx"));
    let base_url = format!("http://127.0.0.1:{}{SUB_PATH}", server.port);
    println!("serving {} at {base_url} with nginx", public.display());

    // The SCORM packages, unzipped, served by a second nginx: the SCORM
    // runtime test (scorm.test.mjs) puts its LMS host page beside them.
    let scorm = unzip_scorm_packages(&site);
    let scorm_server = Nginx::start(&tools.nginx, &scorm, &site.path("nginx-scorm"));
    let scorm_url = format!("http://127.0.0.1:{}{SUB_PATH}", scorm_server.port);
    let extra = [
        ("KENSHU_SCORM_URL", scorm_url),
        ("KENSHU_SCORM_DIR", scorm.to_string_lossy().into_owned()),
    ];
    let code = run_node_tests(&tools.node, &base_url, &public, &extra);
    drop(server);
    drop(scorm_server);
    assert_eq!(
        code, 0,
        "the browser tests failed (node exited with {code}); their output is above \
         (run `cargo test --test testsuite browser -- --nocapture` to watch it live)"
    );
}

/// Runs `kenshu package scorm` on the site and unzips each package into
/// `<site>/scorm/<role-id>/`, and the package of [`stress_site`] into
/// `<site>/scorm/stress-general-staff/`; returns that folder.
fn unzip_scorm_packages(site: &TestSite) -> PathBuf {
    let folder = site.path("scorm");
    site.run(&["package", "scorm", "--out", "scorm-zips"])
        .assert_success();
    let stress = stress_site();
    stress
        .run(&[
            "package",
            "scorm",
            "--out",
            "zips",
            "--role",
            "general-staff",
        ])
        .assert_success();
    let mut zips: Vec<(PathBuf, String)> = fs::read_dir(site.path("scorm-zips"))
        .expect("the packages")
        .map(|entry| {
            let path = entry.expect("a package").path();
            let role = path
                .file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (path, role)
        })
        .collect();
    zips.push((
        stress.path("zips/general-staff.zip"),
        "stress-general-staff".into(),
    ));
    for (zip_path, name) in zips {
        let file = fs::File::open(&zip_path).expect("open a package");
        let mut archive = zip::ZipArchive::new(file).expect("a zip file");
        archive
            .extract(folder.join(name))
            .unwrap_or_else(|e| panic!("unzip {}: {e}", zip_path.display()));
    }
    folder
}

/// The basic fixture with a module of 60 questions, a third of them text
/// questions: long wrong answers to them push suspend_data past SCORM 1.2's
/// 4,096 characters unless scorm.js cuts them.
fn stress_site() -> TestSite {
    let site = TestSite::fixture("basic");
    let mut text = String::from(
        "---\ntitle: 確認問題集\nskills: [security-literacy]\nlevel: 1\n---\n\n## 確認\n\n```quiz\n",
    );
    for n in 0..60 {
        let _ = match n % 3 {
            0 => write!(text, "- question: 用語{n}を答えよ。\n  answer: [正答{n}]\n"),
            1 => {
                let _ = write!(
                    text,
                    "- question: 正しいものをすべて選べ（{n}）。\n  choices:\n"
                );
                (0..8).try_for_each(|c| {
                    write!(
                        text,
                        "    - text: 選択肢{c}\n      correct: {}\n",
                        c % 3 == 0
                    )
                })
            }
            _ => write!(
                text,
                "- question: 記述{n}は正しい。\n  answer: {}\n",
                n % 2 == 0
            ),
        };
    }
    text.push_str("```\n");
    site.write("content/modules/security/stress.md", &text);
    // A pool (`draw:`) of questions with many choices: a resumed session
    // must ask the same draw, and choice 15 or 29 ("f", "t" in base 36)
    // must come back as a choice, not as false or true.
    let mut pool = String::from(
        "---\ntitle: 抽選問題\nskills: [security-literacy]\nlevel: 1\ndraw: 3\n---\n\n## 確認\n\n```quiz\n",
    );
    for n in 0..6 {
        let _ = write!(pool, "- question: 番号{n}を選べ。\n  choices:\n");
        for c in 0..32 {
            let _ = write!(
                pool,
                "    - text: 番号{c}\n      correct: {}\n",
                c == 15 + n % 2 * 14
            );
        }
    }
    pool.push_str("```\n");
    site.write("content/modules/security/pool.md", &pool);
    site
}

/// A `kenshu report` of generated records in public/report-sample/, so the
/// browser tests check the report page too (tests/browser/report.test.mjs).
fn write_sample_report(site: &TestSite) {
    let corpus = std::process::Command::new(env!("CARGO_BIN_EXE_kenshu-corpus"))
        .args(["--records", "300", "--site", ".", "--out", "records"])
        .current_dir(site.root())
        .output()
        .expect("run kenshu-corpus");
    assert!(
        corpus.status.success(),
        "{}",
        String::from_utf8_lossy(&corpus.stderr)
    );
    // A broken file, so that the page lists a file left out.
    site.write("records/records/zz-broken.json", "{ \"format\": ");
    site.run(&[
        "report",
        "--roster",
        "records/roster.csv",
        "--out",
        "public/report-sample",
        "records/records",
    ])
    .assert_success();
}

/// The programs the test runs, found before anything is built.
struct Tools {
    node: PathBuf,
    nginx: PathBuf,
}

impl Tools {
    /// Finds every tool, or explains all that is missing at once.
    fn find() -> Result<Tools, String> {
        let mut missing = Vec::new();
        let node = find_program("node");
        if node.is_none() {
            missing.push("Node.js (`node` on PATH; Debian package nodejs)".to_string());
        }
        let nginx = find_program("nginx");
        if nginx.is_none() {
            missing.push("nginx (Debian package nginx-light or nginx)".to_string());
        }
        if find_program("java").is_none() {
            missing.push(
                "Java 11 or later for the Nu HTML checker (Debian package default-jre-headless)"
                    .to_string(),
            );
        }
        let chromium =
            std::env::var("KENSHU_CHROMIUM").unwrap_or_else(|_| DEFAULT_CHROMIUM.to_string());
        if !Path::new(&chromium).is_file() {
            missing.push(format!(
                "Chromium at {chromium} (Debian packages chromium chromium-driver)"
            ));
        }
        let modules = repo_root().join("tests/browser/node_modules");
        for (package, file) in [
            ("playwright-core", "package.json"),
            ("axe-core", "axe.min.js"),
            ("scorm-again", "dist/scorm12.min.js"),
            ("vnu-jar", "build/dist/vnu.jar"),
        ] {
            if !modules.join(package).join(file).is_file() {
                missing.push(format!(
                    "the npm package {package} in {}",
                    modules.display()
                ));
            }
        }
        match (node, nginx) {
            (Some(node), Some(nginx)) if missing.is_empty() => Ok(Tools { node, nginx }),
            _ => Err(format!(
                "the browser tests need what is missing here:\n  - {}\n{INSTALL_HINT}",
                missing.join("\n  - ")
            )),
        }
    }
}

/// A program on PATH, or in the sbin folders where Debian puts nginx.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// nginx serving one folder, stopped when dropped.
struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    /// Starts nginx on a free loopback port with a configuration in `dir`.
    ///
    /// The port is found by binding port 0 and letting it go, so another
    /// process may take it first: then nginx exits and another port is tried.
    fn start(program: &Path, public: &Path, dir: &Path) -> Nginx {
        fs::create_dir_all(dir).expect("create the nginx folder");
        let modules = missing_modules(program);
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let config = nginx_config(public, dir, port, &modules);
            let config_path = dir.join("nginx.conf");
            fs::write(&config_path, config).expect("write nginx.conf");
            let child = Command::new(program)
                .arg("-c")
                .arg(&config_path)
                .arg("-p")
                .arg(dir)
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
            match wait_until_listening(Nginx { child, port }) {
                Ok(server) => return server,
                Err(error) => last_error = error,
            }
        }
        let log = fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        panic!("nginx did not start: {last_error}\nerror.log:\n{log}");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // `master_process off`: one process, so killing it stops the server.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until nginx accepts connections, or returns why it stopped.
fn wait_until_listening(mut server: Nginx) -> Result<Nginx, String> {
    // A guard against a hang, not a measurement: nginx starts in milliseconds.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let mut stderr = String::new();
            if let Some(mut pipe) = server.child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return Err(format!("nginx exited with {status}: {}", stderr.trim()));
        }
        if TcpStream::connect((Ipv4Addr::LOCALHOST, server.port)).is_ok() {
            return Ok(server);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "nothing listens on port {} after 30 s",
                server.port
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// The `--without-http_*_module` names of this nginx build (their temp path
/// directives would be unknown to it).
fn missing_modules(program: &Path) -> Vec<String> {
    let output = Command::new(program)
        .arg("-V")
        .output()
        .unwrap_or_else(|e| panic!("run {} -V: {e}", program.display()));
    String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .filter_map(|flag| flag.strip_prefix("--without-http_"))
        .filter_map(|flag| flag.strip_suffix("_module"))
        .map(str::to_string)
        .collect()
}

/// A configuration that keeps all of nginx's files in `dir`, runs in the
/// foreground as one process, and serves `public` at [`SUB_PATH`] with the
/// portal's strictest Content-Security-Policy.
fn nginx_config(public: &Path, dir: &Path, port: u16, missing_modules: &[String]) -> String {
    let mut temp_paths = format!("    client_body_temp_path {};\n", quoted(&dir.join("body")));
    for module in ["proxy", "fastcgi", "uwsgi", "scgi"] {
        if !missing_modules.iter().any(|m| m == module) {
            let path = quoted(&dir.join(module));
            let _ = writeln!(temp_paths, "    {module}_temp_path {path};");
        }
    }
    let root = quoted(&public.join(""));
    format!(
        r#"# Written by tests/testsuite/browser.rs for one test run.
daemon off;
master_process off;
worker_processes 1;
pid {pid};
error_log {error_log} warn;
events {{
    worker_connections 64;
}}
http {{
    types {{
        text/html html;
        text/css css;
        application/javascript js mjs;
        application/json json;
        image/svg+xml svg;
        image/png png;
        image/jpeg jpg jpeg;
        image/gif gif;
        image/webp webp;
        text/plain txt;
        application/pdf pdf;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css application/javascript application/json text/plain image/svg+xml;
    access_log {access_log};
{temp_paths}    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        add_header Content-Security-Policy "default-src 'self'" always;
        add_header X-Content-Type-Options nosniff always;
        location {SUB_PATH} {{
            alias {root};
            index index.html;
        }}
        location / {{
            return 404;
        }}
    }}
}}
"#,
        pid = quoted(&dir.join("nginx.pid")),
        error_log = quoted(&dir.join("error.log")),
        access_log = quoted(&dir.join("access.log")),
    )
}

/// A path as a quoted nginx string.
fn quoted(path: &Path) -> String {
    let text = path.to_string_lossy();
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Runs `node --test` on every `*.test.mjs` file of `tests/browser`,
/// printing its output line by line as it comes. Returns its exit code.
fn run_node_tests(node: &Path, base_url: &str, public: &Path, extra: &[(&str, String)]) -> i32 {
    let folder = repo_root().join("tests/browser");
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .expect("read tests/browser")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no *.test.mjs file in {}",
        folder.display()
    );
    println!("running node --test on {} files", files.len());

    let mut child = Command::new(node)
        .arg("--test")
        .arg("--test-reporter=spec")
        .args(&files)
        .current_dir(repo_root())
        .env("KENSHU_BASE_URL", base_url)
        .env("KENSHU_PUBLIC_DIR", public)
        .env("KENSHU_BIN", kenshu_bin())
        .env("KENSHU_FIXTURE", repo_root().join("tests/fixtures/basic"))
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", node.display()));
    let stderr = child
        .stderr
        .take()
        .map(|pipe| thread::spawn(move || echo_lines(pipe)));
    if let Some(stdout) = child.stdout.take() {
        echo_lines(stdout);
    }
    if let Some(thread) = stderr {
        let _ = thread.join();
    }
    let status = child.wait().expect("wait for node");
    status.code().unwrap_or(-1)
}

/// Prints each line of a pipe (captured by the test harness, shown on failure).
fn echo_lines(pipe: impl Read) {
    for line in BufReader::new(pipe).lines().map_while(Result::ok) {
        println!("{line}");
    }
}
