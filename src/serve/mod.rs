//! `kenshu serve`: the authors' live preview.
//!
//! It builds the site into a temporary folder (never the site's `public/`,
//! so a preview cannot overwrite a real build), serves that folder over HTTP
//! on the loopback address, watches `content/` and `themes/`, and after each
//! change rebuilds what the change touches and makes every open page reload.
//! A change that breaks the site leaves the last good build in place; the
//! errors are printed here and shown on the open pages until fixed.
//!
//! The parts: `watch` turns file events into batches of changes,
//! `rebuild` rebuilds as little as a batch needs (`affected` tells which
//! pages an edit touches, `store` writes only changed files), `http` serves
//! files (resolved by `paths`, which refuses anything outside the output
//! folder), `live` tells open pages about rebuilds, and `held` makes
//! requests wait for the pages a rebuild writes after the reload.

/// Prints a line to stdout. The server runs on when nobody reads its
/// output any more (a closed pipe), where `println!` would panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `say!` for stderr.
macro_rules! complain {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod affected;
mod held;
mod http;
mod live;
mod paths;
mod rebuild;
mod server;
mod store;
mod watch;

pub use watch::{classify, ChangeKind, Changes};

use crate::build::BuildError;
use crate::diagnostics::Diagnostics;
use crate::messages::{Lang, Message};
use crate::msg;
use held::HeldPages;
use live::Live;
use rebuild::Preview;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port; the URL printed says which.
    pub port: u16,
    pub drafts: bool,
    /// Open the portal in the default browser.
    pub open: bool,
    /// Output folder; a temporary folder when `None`.
    pub out: Option<PathBuf>,
    /// Language of the console messages and the error overlay.
    pub lang: crate::messages::Lang,
}

/// What the main loop waits for.
enum Signal {
    Changed(Changes),
    WatchFailed(watch::WatchProblem),
    Stop,
}

/// Runs the preview until Ctrl-C.
pub fn run(options: ServeOptions) -> Result<(), Box<dyn std::error::Error>> {
    let root = options.root.canonicalize().map_err(|e| {
        msg!(
            "serve.no-site-folder",
            path = options.root.display(),
            detail = crate::messages::io_detail(&e)
        )
        .text(options.lang)
    })?;
    if !root.join("content").is_dir() {
        let message = crate::msg!("site.no-content", root = options.root.display());
        let hint = message.hint(options.lang).unwrap_or_default();
        return Err(format!("{}\n  {hint}", message.text(options.lang)).into());
    }
    let output = Output::choose(&root, options.out.as_deref(), options.lang)
        .map_err(|message| message.text_with_hint(options.lang))?;
    let server =
        server::Server::bind(SocketAddr::new(options.bind, options.port)).map_err(|e| {
            msg!(
                "serve.cannot-listen",
                bind = options.bind,
                port = options.port,
                detail = crate::messages::io_detail(&e)
            )
            .text_with_hint(options.lang)
        })?;
    let address = server.local_addr()?;
    let url = format!("http://{address}/");
    let (sender, signals) = mpsc::channel();
    let stop_sender = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop_sender.send(Signal::Stop);
    })?;
    let _watcher = watch::watch(&root, move |batch| {
        let _ = sender.send(match batch {
            Ok(changes) => Signal::Changed(changes),
            Err(problem) => Signal::WatchFailed(problem),
        });
    })
    .map_err(|problem| problem.message().text_with_hint(options.lang))?;
    // Changes saved during the first build are queued, not lost.
    let live = Arc::new(Live::default());
    live.set_lang(options.lang);
    let held = Arc::new(HeldPages::default());
    let told = Told {
        live: &live,
        held: &held,
    };
    let mut preview = Preview::new(&root, options.drafts, &output.dir, output.spare.clone());
    apply(&mut preview, told, &Changes::default(), None);
    let stop = Arc::new(AtomicBool::new(false));
    let context = Arc::new(http::Context {
        out: output.dir.canonicalize()?,
        live: Arc::clone(&live),
        held: Arc::clone(&held),
    });
    let accepting = http::start(server, context, Arc::clone(&stop))?;
    announce(&url, &root, &output, options.bind, options.lang);
    if options.open {
        open_browser(&url, options.lang);
    }
    watch_loop(&signals, &mut preview, told);
    say!("{}", crate::messages::word(options.lang, "serve.stopping"));
    stop.store(true, Ordering::SeqCst);
    live.close();
    server::wake(address);
    let _ = accepting.join();
    Ok(())
}

/// Rebuilds after each batch of changes until told to stop.
fn watch_loop(signals: &Receiver<Signal>, preview: &mut Preview, told: Told) {
    let lang = told.live.lang();
    while let Ok(signal) = signals.recv() {
        match signal {
            Signal::Changed(mut changes) => {
                // Batches that queued up during the last rebuild go together.
                let mut stop = false;
                while let Ok(more) = signals.try_recv() {
                    match more {
                        Signal::Changed(next) => {
                            changes.kinds.extend(next.kinds);
                            changes.paths.extend(next.paths);
                        }
                        Signal::WatchFailed(problem) => watch_failed(preview, &problem, lang),
                        Signal::Stop => stop = true,
                    }
                }
                changes.retain(|path| preview.matters(path));
                if !changes.is_empty() {
                    let saved = changes.saved_at(preview.root());
                    apply(preview, told, &changes, saved);
                }
                if stop {
                    return;
                }
            }
            Signal::WatchFailed(problem) => watch_failed(preview, &problem, lang),
            Signal::Stop => return,
        }
    }
}

/// Says that watching failed. Changes may have gone unreported, so the
/// next rebuild reads every source again.
fn watch_failed(preview: &mut Preview, problem: &watch::WatchProblem, lang: crate::messages::Lang) {
    preview.rescan();
    complain!("{}", problem.message().text(lang));
}

/// What the rebuilds tell the request handlers.
#[derive(Clone, Copy)]
struct Told<'a> {
    live: &'a Live,
    held: &'a HeldPages,
}

/// Rebuilds, prints what happened and tells open pages: they reload once
/// the pages of the changed files are written, and requests for the pages
/// that list them wait until those are written too.
fn apply(preview: &mut Preview, told: Told, changes: &Changes, saved: Option<SystemTime>) {
    let started = Instant::now();
    let live = told.live;
    let rebuilt = match preview.rebuild(changes) {
        Ok(rebuilt) => rebuilt,
        Err(err) => return failed(live, err),
    };
    print_diagnostics(&rebuilt.diagnostics, live.lang());
    told.held.hold(rebuilt.later);
    live.succeeded(rebuilt.written > 0, saved);
    let reload_sent = saved.and_then(|s| SystemTime::now().duration_since(s).ok());
    let later = preview.write_later();
    told.held.release();
    let later = match later {
        Ok(later) => later,
        Err(err) => return failed(live, err),
    };
    if rebuilt.written == 0 && later.written > 0 {
        live.succeeded(true, saved);
    }
    let lang = live.lang();
    let what = describe(changes, rebuilt.modules).text(lang);
    let rendered = msg!(
        "serve.rebuilt",
        what = what,
        pages = rebuilt.pages + later.pages,
        files = rebuilt.written + later.written,
        ms = started.elapsed().as_millis()
    );
    let mut line = rendered.text(lang);
    if let Some(since) = reload_sent {
        line.push_str(&msg!("serve.reload-sent", ms = since.as_millis()).text(lang));
    }
    say!("{line}");
    write_search_index(preview, lang);
}

fn write_search_index(preview: &mut Preview, lang: Lang) {
    let indexing = Instant::now();
    match preview.write_search_index() {
        Ok(0) => {}
        Ok(n) => say!(
            "{}",
            msg!(
                "serve.search-index",
                files = n,
                ms = indexing.elapsed().as_millis()
            )
            .text(lang)
        ),
        Err(err) => complain!("{}", err.message().text_with_hint(lang)),
    }
}

/// Says why a rebuild failed; open pages show its errors.
fn failed(live: &Live, err: BuildError) {
    match err {
        BuildError::Invalid(diagnostics) => {
            print_diagnostics(&diagnostics, live.lang());
            live.failed(&diagnostics);
            let errors = diagnostics.error_count();
            let message = if live.has_built() {
                msg!("serve.build-failed", errors = errors)
            } else {
                msg!("serve.build-failed-no-build", errors = errors)
            };
            complain!("{}", message.text(live.lang()));
        }
        BuildError::Write(err) => complain!("{}", err.message().text_with_hint(live.lang())),
    }
}

fn describe(changes: &Changes, modules: usize) -> crate::messages::Message {
    match changes.paths.len() {
        0 => msg!("serve.built", modules = modules),
        1 => {
            let path = changes.paths.iter().next();
            msg!(
                "serve.changed",
                path = path.map_or(String::new(), |p| p.display().to_string())
            )
        }
        n => msg!("serve.changed-many", count = n),
    }
}

fn print_diagnostics(diagnostics: &Diagnostics, lang: crate::messages::Lang) {
    for diagnostic in diagnostics.iter() {
        complain!("{}", diagnostic.render(lang));
    }
}

/// The warning for an address other machines can reach.
fn exposure_warning(bind: IpAddr, lang: crate::messages::Lang) -> Option<String> {
    (!bind.is_loopback()).then(|| msg!("serve.exposed", bind = bind).text(lang))
}

fn announce(url: &str, root: &Path, output: &Output, bind: IpAddr, lang: crate::messages::Lang) {
    if let Some(warning) = exposure_warning(bind, lang) {
        complain!("{warning}");
    }
    let watched: Vec<String> = watch::watched_dirs(root)
        .iter()
        .map(|d| format!("{}/", d.strip_prefix(root).unwrap_or(d).display()))
        .collect();
    say!("{}", msg!("serve.serving", url = url).text(lang));
    say!(
        "{}",
        msg!("serve.output", path = output.dir.display()).text(lang)
    );
    say!(
        "{}",
        msg!("serve.watching")
            .list_arg("folders", &watched)
            .text(lang)
    );
}

fn open_browser(url: &str, lang: Lang) {
    let opener = if cfg!(target_os = "windows") {
        ("cmd", vec!["/C", "start", "", url])
    } else if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(err) = std::process::Command::new(opener.0).args(&opener.1).spawn() {
        let message = msg!(
            "serve.no-browser",
            program = opener.0,
            detail = crate::messages::io_detail(&err),
            url = url
        );
        complain!("{}", message.text(lang));
    }
}

/// The preview's output folder, and whether it is ours to delete.
struct Output {
    dir: PathBuf,
    /// Where a full rewrite keeps the old tree: beside a private folder,
    /// in the site folder for `--out` (as `build` keeps it, never beside a
    /// folder a web server may serve).
    spare: Option<PathBuf>,
    /// A fresh private folder made for this run, removed at the end.
    temporary: Option<tempfile::TempDir>,
    /// The language of the warning if it cannot be removed.
    lang: Lang,
}

impl Output {
    /// `--out` if given and safe to replace (the guard `build` uses too),
    /// else a new folder that only this user can open, under a random name.
    fn choose(root: &Path, out: Option<&Path>, lang: Lang) -> Result<Output, Message> {
        let Some(out) = out else {
            let mut builder = tempfile::Builder::new();
            builder.prefix("kenshu-serve-");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o700));
            }
            let cannot = |path: &Path, e: std::io::Error| {
                msg!(
                    "serve.cannot-create",
                    path = path.display(),
                    detail = crate::messages::io_detail(&e)
                )
            };
            let base = builder
                .tempdir()
                .map_err(|e| cannot(&std::env::temp_dir(), e))?;
            let dir = base.path().join("site");
            std::fs::create_dir(&dir).map_err(|e| cannot(&dir, e))?;
            return Ok(Output {
                spare: Some(crate::output::spare_beside(&dir)),
                dir,
                temporary: Some(base),
                lang,
            });
        };
        if let Err(problem) = crate::output::check_site_output(root, out) {
            complain!("{}", problem.render(lang));
            return Err(msg!("serve.out-refused", path = out.display()));
        }
        std::fs::create_dir_all(out).map_err(|e| {
            msg!(
                "serve.cannot-create",
                path = out.display(),
                detail = crate::messages::io_detail(&e)
            )
        })?;
        let dir = out.canonicalize().map_err(|e| {
            msg!(
                "serve.cannot-create",
                path = out.display(),
                detail = crate::messages::io_detail(&e)
            )
        })?;
        Ok(Output {
            spare: crate::output::spare_in_site(root, &dir),
            dir,
            temporary: None,
            lang,
        })
    }
}

impl Drop for Output {
    /// A temporary output folder goes when the server stops, however it stops.
    fn drop(&mut self) {
        if let Some(base) = self.temporary.take() {
            let path = base.path().to_path_buf();
            if let Err(err) = base.close() {
                let message = msg!(
                    "serve.cannot-remove",
                    path = path.display(),
                    detail = crate::messages::io_detail(&err)
                );
                complain!("{}", message.text(self.lang));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;

    #[test]
    fn only_addresses_beyond_this_machine_are_warned_about() {
        for quiet in ["127.0.0.1", "127.0.0.2", "::1"] {
            assert_eq!(
                exposure_warning(quiet.parse().unwrap(), Lang::En),
                None,
                "{quiet}"
            );
        }
        for exposed in ["0.0.0.0", "192.168.1.10", "::"] {
            let warning = exposure_warning(exposed.parse().unwrap(), Lang::En).unwrap();
            assert!(warning.contains("not a production server"), "{warning}");
        }
    }

    #[test]
    fn out_must_not_hold_or_sit_in_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.clone(),
            root.join("content/out"),
            dir.path().to_path_buf(),
        ] {
            assert!(
                Output::choose(&root, Some(&bad), Lang::Ja).is_err(),
                "{}",
                bad.display()
            );
        }
        let fine = Output::choose(&root, Some(&root.join("preview")), Lang::Ja).unwrap();
        assert!(fine.temporary.is_none());
    }
}
