//! Watching the sources: raw file-system events → one batch of changes.
//!
//! Saving a file is rarely one event. An editor may write a swap file, move
//! the original to a backup, write the new text and set its permissions, all
//! within a millisecond or two; `git checkout` touches many files at once.
//! Events therefore pass three stages, the way Zola's `fs_utils.rs` does it:
//!
//! 1. [`is_change`] keeps only event kinds that can change a file's contents
//!    (reads are reported too, and kenshu reads every file on each rebuild, so
//!    letting them through would rebuild forever);
//! 2. notify-debouncer-mini folds a burst of events into one batch;
//! 3. [`classify`] drops editor temp files and sorts the remaining paths into
//!    [`ChangeKind`]s, which decide how much has to be rebuilt.

use crate::config::SITE_FILE;
use crate::content::is_ignored;
use crate::framework::SKILLS_FILE;
use crate::messages::Message;
use crate::msg;
use crate::resources::RESOURCES_FILE;
use notify::{Event, EventHandler, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_mini::{new_debouncer_opt, Config, DebounceEventResult, Debouncer};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long the sources must be quiet before a burst of events is rebuilt.
pub(super) const QUIET: Duration = Duration::from_millis(30);

/// What kind of source changed; it decides how much is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A module, page or media file: only the pages that show it.
    Content,
    /// A template, asset or string file of the theme.
    Theme,
    /// site.yaml, skills.yaml or resources.yaml: everything.
    Config,
}

/// One debounced batch of changes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    pub kinds: BTreeSet<ChangeKind>,
    /// Changed paths relative to the site root, with `/` separators.
    pub paths: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn has(&self, kind: ChangeKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Keeps the paths `keep` accepts; the kinds follow the paths kept.
    pub fn retain(&mut self, keep: impl Fn(&Path) -> bool) {
        self.paths.retain(|p| keep(p));
        self.kinds = self.paths.iter().filter_map(|p| classify(p)).collect();
    }

    /// When the change was saved: the newest modification time among the
    /// changed files that still exist.
    pub fn saved_at(&self, root: &Path) -> Option<SystemTime> {
        self.paths
            .iter()
            .filter_map(|p| root.join(p).metadata().ok()?.modified().ok())
            .filter(|t| *t <= SystemTime::now())
            .max()
    }

    /// Sorts a batch of changed absolute paths; paths kenshu does not read
    /// are dropped. A path below content/ whose name is not Unicode stands
    /// for content/ as a whole (the preview reads it all again).
    pub fn of<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            let Some(relative) = path.strip_prefix(root).ok() else {
                continue;
            };
            let relative = match relative.to_str() {
                Some(_) => relative,
                None if relative.starts_with("content") && !has_ignored_name(relative) => {
                    Path::new("content")
                }
                None => continue,
            };
            if let Some(kind) = classify(relative) {
                changes.kinds.insert(kind);
                changes.paths.insert(relative.to_path_buf());
            }
        }
        changes
    }
}

/// Whether a name in `path` is one that is never read (an editor's temp file).
fn has_ignored_name(path: &Path) -> bool {
    path.components()
        .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
}

/// Whether an event kind can change what a file holds (reads and opens cannot).
pub(super) fn is_change(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

/// The kind of change at `relative` (a path below the site root), or `None`
/// for files kenshu does not read: editor temp files, hidden files, and
/// anything outside content/ and themes/.
pub fn classify(relative: &Path) -> Option<ChangeKind> {
    let mut names = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => names.push(name.to_str()?),
            _ => return None,
        }
    }
    if names.iter().any(|name| is_ignored(name)) {
        return None;
    }
    let joined = names.join("/");
    if [SITE_FILE, SKILLS_FILE, RESOURCES_FILE].contains(&joined.as_str()) {
        return Some(ChangeKind::Config);
    }
    match names.first().copied() {
        Some("content") => Some(ChangeKind::Content),
        Some("themes") => Some(ChangeKind::Theme),
        _ => None,
    }
}

/// The text [`ChangeWatcher`] hands notify for lost events, so that the
/// debouncer's error can be told apart from the watcher's own.
const LOST_EVENTS: &str = "kenshu: events lost";

/// What went wrong with watching, to be said in the author's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WatchProblem {
    /// The kernel's event queue overflowed: changes went unreported.
    EventsLost,
    /// The watcher failed; the operating system's words.
    Failed(String),
    /// A folder could not be watched at all.
    CannotWatch { folder: PathBuf, detail: String },
}

impl WatchProblem {
    fn of(err: notify::Error) -> WatchProblem {
        match &err.kind {
            notify::ErrorKind::Generic(text) if text == LOST_EVENTS => WatchProblem::EventsLost,
            _ => WatchProblem::Failed(err.to_string()),
        }
    }

    pub(super) fn message(&self) -> Message {
        match self {
            WatchProblem::EventsLost => msg!("serve.events-lost"),
            WatchProblem::Failed(detail) => msg!("serve.watch-failed", detail = detail),
            WatchProblem::CannotWatch { folder, detail } => msg!(
                "serve.cannot-watch",
                path = folder.display(),
                detail = detail
            ),
        }
    }
}

/// What [`ChangeWatcher`] passes on of a raw event: nothing for an event
/// that cannot change a file, an error for lost events.
fn passed_on(event: notify::Result<Event>) -> Option<notify::Result<Event>> {
    match event {
        // The kernel's queue overflowed: changes went unreported.
        Ok(event) if event.need_rescan() => Some(Err(notify::Error::generic(LOST_EVENTS))),
        Ok(event) if !is_change(&event.kind) => None,
        event => Some(event),
    }
}

/// A notify watcher that passes on only events which can change a file,
/// and reports lost events as an error.
pub(super) struct ChangeWatcher(RecommendedWatcher);

impl Watcher for ChangeWatcher {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let filter = move |event: notify::Result<Event>| {
            if let Some(event) = passed_on(event) {
                handler.handle_event(event);
            }
        };
        RecommendedWatcher::new(filter, config).map(ChangeWatcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// Watches content/ and themes/ below `root` (canonical) and sends one
/// [`Changes`] per quiet burst; batches with nothing kenshu reads are dropped.
pub(super) fn watch<F>(
    root: &Path,
    mut on_batch: F,
) -> Result<Debouncer<ChangeWatcher>, WatchProblem>
where
    F: FnMut(Result<Changes, WatchProblem>) + Send + 'static,
{
    let base = root.to_path_buf();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let changes = Changes::of(&base, events.iter().map(|e| e.path.as_path()));
            if !changes.is_empty() {
                on_batch(Ok(changes));
            }
        }
        Err(err) => on_batch(Err(WatchProblem::of(err))),
    };
    let config = Config::default().with_timeout(QUIET);
    let cannot_watch = |folder: &Path, err: notify::Error| WatchProblem::CannotWatch {
        folder: folder.to_path_buf(),
        detail: err.to_string(),
    };
    let mut debouncer = new_debouncer_opt::<_, ChangeWatcher>(config, handler)
        .map_err(|e| cannot_watch(root, e))?;
    for dir in watched_dirs(root) {
        debouncer
            .watcher()
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|e| cannot_watch(&dir, e))?;
    }
    Ok(debouncer)
}

/// The folders a preview watches: content/, and themes/ when the site has one.
pub(super) fn watched_dirs(root: &Path) -> Vec<PathBuf> {
    ["content", "themes"]
        .iter()
        .map(|name| root.join(name))
        .filter(|dir| dir.is_dir())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RemoveKind};

    fn kind_of(path: &str) -> Option<ChangeKind> {
        classify(Path::new(path))
    }

    #[test]
    fn sources_are_sorted_by_what_they_rebuild() {
        assert_eq!(kind_of("content/modules/a.md"), Some(ChangeKind::Content));
        assert_eq!(kind_of("content/pages/guide.md"), Some(ChangeKind::Content));
        assert_eq!(
            kind_of("content/static/logo.png"),
            Some(ChangeKind::Content)
        );
        assert_eq!(kind_of("content/site.yaml"), Some(ChangeKind::Config));
        assert_eq!(kind_of("content/skills.yaml"), Some(ChangeKind::Config));
        assert_eq!(kind_of("content/resources.yaml"), Some(ChangeKind::Config));
        assert_eq!(
            kind_of("themes/default/templates/base.html"),
            Some(ChangeKind::Theme)
        );
        assert_eq!(
            kind_of("themes/default/i18n/ja.yaml"),
            Some(ChangeKind::Theme)
        );
        // A yaml file elsewhere under content/ is content, not configuration.
        assert_eq!(
            kind_of("content/modules/site.yaml"),
            Some(ChangeKind::Content)
        );
    }

    #[test]
    fn editor_temp_files_are_dropped() {
        for path in [
            "content/modules/.a.md.swp",
            "content/modules/a.md.swx",
            "content/modules/a.md~",
            "content/modules/#a.md#",
            "content/modules/.#a.md",
            "content/modules/4913",
            "content/modules/a.md.tmp",
            "content/modules/.a.md.kate-swp",
            "content/modules/a.md___jb_tmp___",
            "content/modules/a.md.bak",
            "content/.git/index",
            "themes/default/templates/.base.html.swp",
        ] {
            assert_eq!(kind_of(path), None, "{path}");
        }
    }

    #[test]
    fn paths_outside_content_and_themes_are_dropped() {
        for path in [
            "public/index.html",
            "README.md",
            "site.yaml",
            "../content/a.md",
        ] {
            assert_eq!(kind_of(path), None, "{path}");
        }
    }

    #[test]
    fn a_batch_keeps_relative_paths_of_sources_only() {
        let root = Path::new("/site");
        let changes = Changes::of(
            root,
            [
                Path::new("/site/content/modules/a.md"),
                Path::new("/site/content/modules/.a.md.swp"),
                Path::new("/site/content/skills.yaml"),
                Path::new("/elsewhere/content/modules/b.md"),
            ],
        );
        assert_eq!(
            changes.kinds,
            BTreeSet::from([ChangeKind::Content, ChangeKind::Config])
        );
        assert_eq!(
            changes.paths,
            BTreeSet::from([
                PathBuf::from("content/modules/a.md"),
                PathBuf::from("content/skills.yaml")
            ])
        );
        let temp_only = Changes::of(root, [Path::new("/site/content/modules/4913")]);
        assert!(temp_only.is_empty());
    }

    /// discover reads files whatever their names: a name that is not
    /// Unicode makes the preview read content/ again.
    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_unicode_stands_for_content() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/site");
        let odd = root
            .join("content/modules")
            .join(std::ffi::OsStr::from_bytes(b"\xff.md"));
        let changes = Changes::of(root, [odd.as_path()]);
        assert_eq!(changes.paths, BTreeSet::from([PathBuf::from("content")]));
        assert!(changes.has(ChangeKind::Content));
        let swap = root
            .join("content/modules")
            .join(std::ffi::OsStr::from_bytes(b".\xff.swp"));
        assert!(Changes::of(root, [swap.as_path()]).is_empty());
        let theme = root
            .join("themes")
            .join(std::ffi::OsStr::from_bytes(b"\xff.html"));
        assert!(Changes::of(root, [theme.as_path()]).is_empty());
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(is_change(&EventKind::Remove(RemoveKind::File)));
    }

    #[test]
    fn lost_events_are_told_apart_from_other_failures() {
        let rescan = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let Some(Err(lost)) = passed_on(Ok(rescan)) else {
            panic!("a rescan event must be passed on as an error");
        };
        let lost = WatchProblem::of(lost);
        assert_eq!(lost, WatchProblem::EventsLost);
        assert_eq!(lost.message().code, "serve.events-lost");
        let other = WatchProblem::of(notify::Error::generic("inotify: queue full"));
        assert_eq!(other, WatchProblem::Failed("inotify: queue full".into()));
        assert_eq!(other.message().code, "serve.watch-failed");
        assert!(passed_on(Ok(Event::new(EventKind::Access(AccessKind::Any)))).is_none());
    }
}
