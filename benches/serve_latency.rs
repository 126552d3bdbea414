//! Save-to-reload latency of `kenshu serve` on a 1,000-module site.
//!
//! Run with `cargo bench --bench serve_latency` (optimised build). It writes
//! a deterministic site of 1,000 modules into a temporary folder, starts the
//! real `kenshu serve` on a free port, and then, many times over, edits one
//! module and measures the time from the write until the changed page has
//! been served again: the reload event on an open event stream, then the
//! request for the page, whose body must hold the new text. That is what an
//! author waits for between saving and seeing the page (less the browser's
//! own rendering). It prints the median and spread, for body edits (one page
//! re-rendered) and for title edits (every page listing the module). For a
//! title edit it also times the module list (`/modules/`, one of the pages
//! listing the module, which the server writes after the reload): save →
//! that page served with the new title.
//!
//! Options: `-- --modules N --runs N`. `KENSHU_BIN=path` runs another
//! kenshu binary (say, one built from an earlier commit) for a comparison.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(120);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let modules = option("--modules", 1000);
    let runs = option("--runs", 30);
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("site");
    let generated = Instant::now();
    let paths = generate_site(&root, modules);
    println!(
        "generated {modules} modules in {} ms",
        generated.elapsed().as_millis()
    );
    let mut server = Server::start(&root, &dir.path().join("out"));
    for line in &server.preamble {
        println!("kenshu serve: {line}");
    }

    let body = measure(&mut server, &paths, runs, None, |text, run| {
        text.replace(
            "## 学習目標",
            &format!("## 学習目標\n\n計測用の段落 {run}。"),
        )
    });
    report("body edit (1 page re-rendered)", &body);
    let title = measure(
        &mut server,
        &paths,
        runs.div_ceil(3),
        Some("/modules/"),
        |text, run| text.replacen("title: ", &format!("title: 改訂{run} "), 1),
    );
    report("title edit (the pages listing the module)", &title);
    server.stop();
}

/// Times of one kind of edit: what the bench saw, and what the server said.
struct Times {
    /// From writing the file to having the changed page.
    served: Vec<Duration>,
    /// From writing the file to having a page that lists it, changed.
    listed: Vec<Duration>,
    /// The server's own rebuild time (load, render, write).
    rebuild: Vec<Duration>,
}

/// Edits one module per run and measures each.
fn measure(
    server: &mut Server,
    paths: &[PathBuf],
    runs: usize,
    listing: Option<&str>,
    edit: impl Fn(&str, usize) -> String,
) -> Times {
    let mut times = Times {
        served: Vec::with_capacity(runs),
        listed: Vec::with_capacity(runs),
        rebuild: Vec::with_capacity(runs),
    };
    let mut events = server.events();
    for run in 0..runs {
        let path = &paths[(run * 37 + 11) % paths.len()];
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = fs::read_to_string(path).expect("read module");
        let edited = edit(&text, run);
        let marker = first_difference(&text, &edited);
        let started = Instant::now();
        fs::write(path, &edited).expect("write module");
        events.wait_for("event: reload");
        let page = server.get(&format!("/modules/{id}/"));
        let elapsed = started.elapsed();
        assert!(page.contains(&marker), "the page of {id} has no {marker:?}");
        times.served.push(elapsed);
        if let Some(listing) = listing {
            let page = server.get(listing);
            times.listed.push(started.elapsed());
            assert!(page.contains(&marker), "{listing} has no {marker:?}");
        }
        let line = server.wait_for("rendered");
        times.rebuild.extend(reported_ms(&line));
        // Let the search index of this edit be written before the next one.
        server.wait_for("search index");
    }
    times
}

/// The `in N ms` of a line the server printed after a rebuild.
fn reported_ms(line: &str) -> Option<Duration> {
    let (_, rest) = line.split_once(" in ")?;
    let (ms, _) = rest.split_once(" ms")?;
    ms.parse().ok().map(Duration::from_millis)
}

/// A line of `edited` that `text` does not have.
fn first_difference(text: &str, edited: &str) -> String {
    edited
        .lines()
        .find(|line| !text.contains(line))
        .map(|line| line.trim_start_matches("title: ").to_string())
        .unwrap_or_default()
}

fn report(what: &str, times: &Times) {
    let sorted = |times: &[Duration]| {
        let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        ms
    };
    let at = |ms: &[f64], q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    let served = sorted(&times.served);
    println!(
        "{what}: save → page served: median {:.1} ms, min {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        at(&served, 0.5),
        at(&served, 0.0),
        at(&served, 0.9),
        at(&served, 1.0),
        served.len()
    );
    let listed = sorted(&times.listed);
    if !listed.is_empty() {
        println!(
            "  save → a page listing the module served (/modules/): median {:.1} ms, max {:.1} ms",
            at(&listed, 0.5),
            at(&listed, 1.0)
        );
    }
    let rebuild = sorted(&times.rebuild);
    if !rebuild.is_empty() {
        println!(
            "  of which the server's rebuild (load, render, write): median {:.0} ms",
            at(&rebuild, 0.5)
        );
    }
}

/// A running `kenshu serve` whose stdout is read line by line.
struct Server {
    child: Child,
    addr: SocketAddr,
    lines: Receiver<String>,
    /// What it printed before the URL (the first build).
    preamble: Vec<String>,
}

impl Server {
    fn start(root: &Path, out: &Path) -> Server {
        let bin = std::env::var_os("KENSHU_BIN").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_kenshu")),
            PathBuf::from,
        );
        let mut child = Command::new(bin)
            .args(["serve", "--lang", "en", "--port", "0", "--root"])
            .arg(root)
            .arg("--out")
            .arg(out)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start kenshu serve");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
            preamble: Vec::new(),
        };
        let line = loop {
            let line = server.wait_for("");
            if line.contains("http://") {
                break line;
            }
            server.preamble.push(line);
        };
        let url = line
            .split_once("http://")
            .map_or("", |(_, rest)| rest)
            .trim_end_matches('/');
        server.addr = url.parse().expect("server address");
        server
    }

    /// The next line of output containing `needle`.
    fn wait_for(&mut self, needle: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(DEADLINE)
                .unwrap_or_else(|_| panic!("kenshu serve printed no {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
        stream
    }

    fn get(&self, path: &str) -> String {
        let mut stream = self.connect();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send request");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read reply");
        reply
    }

    fn events(&self) -> Events {
        let mut stream = self.connect();
        write!(
            stream,
            "GET /__kenshu/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .expect("open event stream");
        let mut events = Events(BufReader::new(stream));
        events.wait_for("event: hello");
        events
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

struct Events(BufReader<TcpStream>);

impl Events {
    fn wait_for(&mut self, wanted: &str) {
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.0.read_line(&mut line).expect("read event stream");
            assert!(read > 0, "the event stream ended");
            if line.trim_end() == wanted {
                return;
            }
        }
    }
}

/// Writes a site of `count` modules over the shipped framework; returns the module files.
fn generate_site(root: &Path, count: usize) -> Vec<PathBuf> {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let content = root.join("content");
    fs::create_dir_all(content.join("modules")).expect("create site");
    for file in ["site.yaml", "skills.yaml", "resources.yaml"] {
        fs::copy(shipped.join(file), content.join(file)).expect("copy framework");
    }
    let (site, _) = kenshu::load_site(Path::new(env!("CARGO_MANIFEST_DIR")), Default::default());
    let site = site.expect("the shipped site loads");
    let skills: Vec<(String, String)> = site
        .framework
        .skills
        .iter()
        .map(|s| (s.id.clone(), s.category.clone()))
        .collect();
    let mut rng = Lcg(0x6b65_6e73_6875);
    (0..count)
        .map(|n| {
            let (skill, category) = &skills[n % skills.len()];
            let dir = content.join("modules").join(category);
            fs::create_dir_all(&dir).expect("create module folder");
            let path = dir.join(format!("m{n:04}.md"));
            let previous = (n >= skills.len()).then(|| format!("m{:04}", n - skills.len()));
            fs::write(&path, module_text(n, skill, previous, &mut rng)).expect("write module");
            path
        })
        .collect()
}

const SENTENCES: &[&str] = &[
    "自治体の業務では、住民の視点に立ってサービスの流れを見直すことが求められます。",
    "まず現状の手順を書き出し、どこで待ち時間や手戻りが生じているかを確かめます。",
    "個人情報を含むデータは、利用目的と保管場所を明確にしたうえで取り扱います。",
    "クラウドサービスを利用するときは、契約内容と責任分界点を事前に確認します。",
    "表計算ソフトの集計機能を使うと、窓口の受付件数の推移を簡単に把握できます。",
    "生成AIの出力は必ず職員が確認し、誤りや不適切な表現がないかを点検します。",
    "関係部署と早い段階で情報を共有すると、後からの調整にかかる手間が減ります。",
    "研修で学んだ内容は、所属に戻ってから小さな業務改善として試してみましょう。",
];

fn module_text(n: usize, skill: &str, previous: Option<String>, rng: &mut Lcg) -> String {
    let mut text = String::with_capacity(6000);
    let _ = writeln!(text, "---\nid: m{n:04}\ntitle: 研修モジュール {n}");
    let _ = writeln!(text, "skills: [{skill}]\nlevel: {}", 1 + n % 3);
    let _ = writeln!(text, "duration: {}", 15 + (n % 4) * 15);
    let _ = writeln!(
        text,
        "summary: 第{n}回の研修モジュールです。{}",
        rng.pick(SENTENCES)
    );
    let _ = writeln!(text, "updated: 2026-0{}-{:02}", 1 + n % 9, 1 + n % 28);
    if let Some(previous) = previous {
        let _ = writeln!(text, "prerequisites: [{previous}]");
    }
    text.push_str("---\n\n## 学習目標\n\n");
    for _ in 0..3 {
        let _ = writeln!(text, "- {}", rng.pick(SENTENCES));
    }
    for section in 1..=4 {
        let _ = writeln!(text, "\n## 第{section}節\n");
        for _ in 0..3 {
            for _ in 0..4 {
                text.push_str(rng.pick(SENTENCES));
            }
            text.push_str("\n\n");
        }
    }
    text.push_str("| 項目 | 内容 |\n| --- | --- |\n| 対象 | 全職員 |\n| 形式 | 自習 |\n\n");
    text.push_str("```quiz\n");
    for q in 0..5 {
        let _ = writeln!(
            text,
            "- question: 第{q}問 {}\n  answer: {}\n  explanation: {}",
            rng.pick(SENTENCES),
            q % 2 == 0,
            rng.pick(SENTENCES)
        );
    }
    text.push_str("```\n");
    text
}

/// A small deterministic generator, so every run writes the same site.
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        items[(self.0 >> 33) as usize % items.len()]
    }
}
