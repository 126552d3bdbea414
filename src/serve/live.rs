//! Telling open pages about rebuilds.
//!
//! Each page the server sends loads `/__kenshu/livereload.js`, which opens a
//! Server-Sent Events stream at `/__kenshu/events`. [`Live`] holds what the
//! streams report: the build *generation* (it goes up with every rebuild that
//! changed the output, and a page reloads when it sees a newer one) and the
//! errors of the last rebuild, which the script fetches from
//! `/__kenshu/status` and draws as an overlay. Streams are few and long, so
//! each has its own thread, and page requests are served by other threads
//! that never wait for them. A stream notices that its page has gone only
//! when it next writes, so at most [`MAX_STREAMS`] are kept: opening one more
//! ends the oldest (its page, if still open, reconnects a second later).

use crate::diagnostics::{Diagnostics, Severity};
use crate::messages::Lang;
use crate::msg;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// Event streams kept open at most.
pub(super) const MAX_STREAMS: usize = 32;
/// A comment is sent this often so that closed connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(5);

/// One error of the last rebuild, as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(super) struct Problem {
    pub file: String,
    /// None when the problem is the whole file or folder.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    /// The language of the overlay's words.
    lang: Lang,
    /// Whether any build has succeeded since the server started.
    had_good_build: bool,
    generation: u64,
    /// Goes up with every change of generation or problems.
    version: u64,
    problems: Vec<Problem>,
    closed: bool,
    /// The generation pages were told to reload to, and when its change was saved.
    reloading: Option<(u64, SystemTime)>,
    /// Ids of the open streams, oldest first.
    streams: BTreeSet<u64>,
    next_stream: u64,
}

/// The state the event streams and the status endpoint report.
#[derive(Debug, Default)]
pub(super) struct Live {
    state: Mutex<State>,
    wake: Condvar,
}

/// One open event stream; it leaves the list when dropped.
pub(super) struct Stream {
    live: Arc<Live>,
    id: u64,
}

impl Stream {
    /// Streams events to the page until it goes away, the stream is ended
    /// to make room, or the server stops. `page_generation` is the
    /// generation the page was built at.
    pub(super) fn run(&self, out: &mut dyn Write, page_generation: Option<u64>) -> io::Result<()> {
        self.live.stream(self.id, out, page_generation)
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.live.lock().streams.remove(&self.id);
    }
}

impl Live {
    /// Sets the language of the overlay's words.
    pub(super) fn set_lang(&self, lang: Lang) {
        self.lock().lang = lang;
    }

    /// The language of the overlay's words.
    pub(super) fn lang(&self) -> Lang {
        self.lock().lang
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether any build of this preview has succeeded.
    pub(super) fn has_built(&self) -> bool {
        self.lock().had_good_build
    }

    pub(super) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// A rebuild succeeded. If it changed the output, open pages reload; the
    /// error overlay goes away either way. `saved` is when the change was saved.
    pub(super) fn succeeded(&self, changed_output: bool, saved: Option<SystemTime>) {
        let mut state = self.lock();
        state.had_good_build = true;
        if changed_output {
            state.generation += 1;
            state.reloading = saved.map(|at| (state.generation, at));
        }
        state.problems.clear();
        state.version += 1;
        self.wake.notify_all();
    }

    /// A rebuild failed: open pages show its errors.
    pub(super) fn failed(&self, diagnostics: &Diagnostics) {
        let mut state = self.lock();
        state.problems = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| Problem {
                file: d.shown_path(),
                line: (!d.location.is_whole()).then_some(d.location.line),
                column: (!d.location.is_whole()).then_some(d.location.col),
                message: d.text(state.lang),
                hint: d.hint(state.lang),
            })
            .collect();
        state.version += 1;
        self.wake.notify_all();
    }

    /// Ends every stream (the server is stopping).
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
    }

    /// The body of `/__kenshu/status`.
    pub(super) fn status_json(&self) -> String {
        let state = self.lock();
        let count = state.problems.len();
        let title = match (count, state.had_good_build) {
            (0, _) => String::new(),
            (n, true) => msg!("serve.overlay-title", count = n).text(state.lang),
            (n, false) => msg!("serve.overlay-title-no-build", count = n).text(state.lang),
        };
        serde_json::json!({
            "generation": state.generation,
            "ok": count == 0,
            "title": title,
            "dismiss": crate::messages::word(state.lang, "serve.overlay-dismiss"),
            "problems": state.problems,
        })
        .to_string()
    }

    /// Opens one more stream; with [`MAX_STREAMS`] open, the oldest ends.
    pub(super) fn open_stream(self: &Arc<Self>) -> Stream {
        let mut state = self.lock();
        let id = state.next_stream;
        state.next_stream += 1;
        state.streams.insert(id);
        if state.streams.len() > MAX_STREAMS {
            state.streams.pop_first();
            self.wake.notify_all();
        }
        Stream {
            live: Arc::clone(self),
            id,
        }
    }

    fn stream(&self, id: u64, out: &mut dyn Write, page_generation: Option<u64>) -> io::Result<()> {
        let (mut seen, generation) = {
            let mut state = self.lock();
            if let (Some(page), Some((expected, saved))) = (page_generation, state.reloading) {
                if page == expected {
                    report_reload(saved);
                    state.reloading = None;
                }
            }
            (state.version, state.generation)
        };
        write!(
            out,
            "retry: 1000\nevent: hello\ndata: {{\"generation\":{generation}}}\n\n"
        )?;
        out.flush()?;
        let mut last_generation = generation;
        loop {
            let state = self.lock();
            let (state, wait) = self
                .wake
                .wait_timeout_while(state, KEEPALIVE, |s| {
                    s.version == seen && !s.closed && s.streams.contains(&id)
                })
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if state.closed || !state.streams.contains(&id) {
                return Ok(());
            }
            let event = if wait.timed_out() {
                ": keepalive\n\n".to_string()
            } else if state.generation != last_generation {
                format!("event: reload\ndata: {}\n\n", state.generation)
            } else {
                format!("event: status\ndata: {}\n\n", state.version)
            };
            seen = state.version;
            last_generation = state.generation;
            drop(state);
            out.write_all(event.as_bytes())?;
            out.flush()?;
        }
    }
}

/// The reloaded page has loaded again and connected: the full round trip.
fn report_reload(saved: SystemTime) {
    if let Ok(elapsed) = SystemTime::now().duration_since(saved) {
        say!("  page reloaded {} ms after save", elapsed.as_millis());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Location};

    #[test]
    fn status_names_file_line_and_message_until_fixed() {
        let live = Live::default();
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::error(
            "content/modules/a.md",
            Location::new(3, 8),
            msg!("module.bad-level", level = 9),
        ));
        diagnostics.push(Diagnostic::warning(
            "content/skills.yaml",
            Location::START,
            msg!("module.no-skill"),
        ));
        live.failed(&diagnostics);
        let status: serde_json::Value = serde_json::from_str(&live.status_json()).unwrap();
        assert_eq!(status["ok"], false);
        assert_eq!(status["problems"].as_array().unwrap().len(), 1);
        assert_eq!(status["problems"][0]["file"], "content/modules/a.md");
        assert_eq!(status["problems"][0]["line"], 3);
        assert_eq!(status["problems"][0]["column"], 8);
        live.succeeded(false, None);
        let status: serde_json::Value = serde_json::from_str(&live.status_json()).unwrap();
        assert_eq!(status["ok"], true);
        assert_eq!(
            live.generation(),
            0,
            "no reload when the output did not change"
        );
    }

    /// A writer that tells the test each time something was written.
    struct Signalling(Vec<u8>, std::sync::mpsc::Sender<()>);

    impl Write for Signalling {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            let _ = self.1.send(());
            Ok(())
        }
    }

    #[test]
    fn streams_say_hello_then_reload() {
        let live = Arc::new(Live::default());
        let streaming = Arc::clone(&live);
        let (flushed, wait) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut out = Signalling(Vec::new(), flushed);
            streaming.open_stream().run(&mut out, Some(0)).unwrap();
            String::from_utf8(out.0).unwrap()
        });
        wait.recv().unwrap();
        live.succeeded(true, None);
        wait.recv().unwrap();
        live.close();
        let text = reader.join().unwrap();
        assert_eq!(
            text,
            "retry: 1000\nevent: hello\ndata: {\"generation\":0}\n\nevent: reload\ndata: 1\n\n"
        );
    }

    #[test]
    fn opening_one_stream_too_many_ends_the_oldest() {
        let live = Arc::new(Live::default());
        let oldest = live.open_stream();
        let (flushed, wait) = std::sync::mpsc::channel();
        let streaming = Arc::clone(&live);
        let reader = std::thread::spawn(move || {
            let mut out = Signalling(Vec::new(), flushed);
            oldest.run(&mut out, None).unwrap();
        });
        wait.recv().unwrap();
        let newer: Vec<Stream> = (0..MAX_STREAMS).map(|_| streaming.open_stream()).collect();
        reader.join().unwrap();
        assert_eq!(live.lock().streams.len(), MAX_STREAMS);
        drop(newer);
        assert!(live.lock().streams.is_empty());
    }
}
