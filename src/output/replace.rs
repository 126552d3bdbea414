//! Whether a single file kenshu writes (a SCORM package, a Moodle export)
//! may replace what is at its path: nothing, or a file that kenshu wrote
//! before, as the caller recognises it. Anything else is the user's and
//! stays.

use crate::messages::{io_detail, Message};
use crate::msg;
use std::fs;
use std::io;
use std::path::Path;

/// `Ok` when `path` is free or holds a file that `ours` says kenshu wrote;
/// otherwise why it may not be replaced.
pub fn check_replaceable(path: &Path, ours: impl Fn(&Path) -> bool) -> Result<(), Message> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => {
            return Err(msg!(
                "output.cannot-write",
                path = path.display(),
                detail = io_detail(&err)
            ))
        }
    };
    if !meta.is_file() {
        return Err(msg!("output.not-a-file", path = path.display()));
    }
    if ours(path) {
        Ok(())
    } else {
        Err(msg!("output.file-not-ours", path = path.display()))
    }
}

/// Whether the file at `path` begins with `prefix`.
pub fn starts_with(path: &Path, prefix: &[u8]) -> bool {
    use std::io::Read;
    let mut head = vec![0; prefix.len()];
    fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok()
        && head == prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_free_paths_and_files_kenshu_wrote_may_be_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let ours = |p: &Path| starts_with(p, b"kenshu");
        assert!(check_replaceable(&dir.path().join("new.zip"), ours).is_ok());
        fs::write(dir.path().join("old.zip"), "kenshu wrote this").unwrap();
        assert!(check_replaceable(&dir.path().join("old.zip"), ours).is_ok());
        fs::write(dir.path().join("mine.zip"), "my own").unwrap();
        let refused = check_replaceable(&dir.path().join("mine.zip"), ours).unwrap_err();
        assert_eq!(refused.code, "output.file-not-ours");
        fs::create_dir(dir.path().join("a.zip")).unwrap();
        let refused = check_replaceable(&dir.path().join("a.zip"), ours).unwrap_err();
        assert_eq!(refused.code, "output.not-a-file");
    }
}
