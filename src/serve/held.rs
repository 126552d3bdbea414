//! Pages that are written after open pages were told to reload.
//!
//! An edit of a module's title or level touches every page that lists the
//! module; at 10,000 modules the six role pages alone are megabytes long.
//! What the author looks at is the module's own page, so a rebuild writes
//! the pages of the changed files first, sends the reload, and only then
//! renders the pages that list them ([`super::rebuild::Preview::write_later`]).
//! Meanwhile those pages are *held*: a request for one waits until it has
//! been written, so no page from before the change is served once the
//! reload has gone out.

use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The longest a request waits for a held page; past it, the page on disk
/// (the one before the change) is sent.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The output files being rewritten after the reload.
#[derive(Debug, Default)]
pub(super) struct HeldPages {
    /// Paths relative to the output folder, with `/`.
    paths: Mutex<BTreeSet<String>>,
    released: Condvar,
}

impl HeldPages {
    fn lock(&self) -> MutexGuard<'_, BTreeSet<String>> {
        self.paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Holds the files at `paths` (relative to the output folder, with `/`)
    /// until [`Self::release`].
    pub(super) fn hold(&self, paths: impl IntoIterator<Item = String>) {
        self.lock().extend(paths);
    }

    /// Lets every request waiting for a held file go on.
    pub(super) fn release(&self) {
        self.lock().clear();
        self.released.notify_all();
    }

    /// Waits while `file` is held, at most [`MAX_WAIT`]; `None` waits while
    /// any file is (for a request of a page that is not there yet).
    pub(super) fn wait_for(&self, file: Option<&str>) {
        let held = self.lock();
        let _ = self
            .released
            .wait_timeout_while(held, MAX_WAIT, |held| match file {
                Some(file) => held.contains(file),
                None => !held.is_empty(),
            });
    }

    /// Whether any file is held.
    pub(super) fn any(&self) -> bool {
        !self.lock().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn a_request_for_a_held_page_waits_until_it_is_released() {
        let held = Arc::new(HeldPages::default());
        held.hold(["roles/a/index.html".to_string()]);
        // A page that is not held is not waited for.
        let started = Instant::now();
        held.wait_for(Some("modules/m/index.html"));
        assert!(started.elapsed() < Duration::from_secs(1));

        let waiting = Arc::clone(&held);
        let (done, finished) = std::sync::mpsc::channel();
        let request = std::thread::spawn(move || {
            waiting.wait_for(Some("roles/a/index.html"));
            done.send(()).unwrap();
        });
        assert!(
            finished.recv_timeout(Duration::from_millis(200)).is_err(),
            "the request went on while its page was held"
        );
        held.release();
        finished.recv_timeout(Duration::from_secs(5)).unwrap();
        request.join().unwrap();
        assert!(!held.any());
    }

    #[test]
    fn a_request_for_a_missing_page_waits_while_anything_is_held() {
        let held = Arc::new(HeldPages::default());
        held.hold(["skills/new/index.html".to_string()]);
        let waiting = Arc::clone(&held);
        let request = std::thread::spawn(move || waiting.wait_for(None));
        std::thread::sleep(Duration::from_millis(50));
        assert!(!request.is_finished());
        held.release();
        request.join().unwrap();
    }
}
