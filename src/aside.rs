//! Freeing what a finished stage no longer needs without waiting for it.
//!
//! A build's last steps run on one thread while the other core has nothing
//! left to do; dropping a site of 10,000 modules, or the render caches that
//! hold a row of every module, costs several milliseconds of that one
//! thread (perf). [`drop_aside`] hands such a value to a thread of its own.

/// Drops `value` on a thread of its own: a command that exits next leaves
/// that work to the system.
pub(crate) fn drop_aside<T: Send + 'static>(value: T) {
    // Should the thread not start, the value is dropped here instead.
    let _ = std::thread::Builder::new()
        .name("kenshu-drop".into())
        .spawn(move || drop(value));
}
