//! From a request path to a file of the output folder, and nothing else.
//!
//! The preview server must never hand out a file outside the output folder,
//! whatever the request path says. Rather than normalising a suspicious path
//! into something harmless, [`resolve`] refuses it: `..` and `.` segments,
//! encoded slashes and backslashes, NUL bytes, empty segments (`//etc`),
//! drive letters and invalid UTF-8 are a 400. A path that passes is joined
//! under the output folder, and the file it names is canonicalised (following
//! symlinks) and must still lie inside the canonical output folder, or it is
//! a 403. Hidden names (`.x`) are a 404: the server's own temp files are
//! hidden.

use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing there: the site's 404 page.
    Missing,
    /// Refused, with the status to answer (400 or 403).
    Refused(u16),
}

/// Resolves the path part of a request (without `?query`) under `out`,
/// which must be canonical.
pub(super) fn resolve(out: &Path, raw_path: &str) -> Target {
    let segments = match segments(raw_path) {
        Ok(segments) => segments,
        Err(status) => return Target::Refused(status),
    };
    if segments.iter().any(|s| s.starts_with('.')) {
        return Target::Missing;
    }
    let mut path = out.to_path_buf();
    path.extend(&segments);
    let Ok(real) = path.canonicalize() else {
        return Target::Missing;
    };
    if !real.starts_with(out) {
        return Target::Refused(403);
    }
    if real.is_file() {
        return Target::File(real);
    }
    if !raw_path.ends_with('/') {
        return Target::Redirect(format!("{raw_path}/"));
    }
    match real.join("index.html").canonicalize() {
        Ok(index) if !index.starts_with(out) => Target::Refused(403),
        Ok(index) if index.is_file() => Target::File(index),
        _ => Target::Missing,
    }
}

/// The decoded segments of a request path; a trailing slash adds none.
fn segments(raw_path: &str) -> Result<Vec<String>, u16> {
    let Some(rest) = raw_path.strip_prefix('/') else {
        return Err(400);
    };
    if raw_path.contains('\\') {
        return Err(400);
    }
    let mut segments = Vec::new();
    let parts: Vec<&str> = rest.split('/').collect();
    let last = parts.len() - 1;
    for (i, part) in parts.into_iter().enumerate() {
        if part.is_empty() {
            if i == last {
                break;
            }
            return Err(400);
        }
        let decoded = percent_decode_str(part).decode_utf8().map_err(|_| 400u16)?;
        let forbidden = |c: char| matches!(c, '/' | '\\' | '\0' | ':') || c.is_control();
        if decoded == ".." || decoded == "." || decoded.contains(forbidden) {
            return Err(400);
        }
        segments.push(decoded.into_owned());
    }
    Ok(segments)
}

/// The Content-Type of a file, by extension; text types say they are UTF-8.
pub(super) fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Output {
        _dir: tempfile::TempDir,
        out: PathBuf,
        outside: PathBuf,
    }

    fn output() -> Output {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let out = base.join("public");
        fs::create_dir_all(out.join("modules/a")).unwrap();
        fs::write(out.join("index.html"), "home").unwrap();
        fs::write(out.join("modules/a/index.html"), "a").unwrap();
        fs::write(out.join(".hidden"), "x").unwrap();
        fs::create_dir_all(out.join("empty")).unwrap();
        let outside = base.join("secret.txt");
        fs::write(&outside, "secret").unwrap();
        Output {
            _dir: dir,
            out,
            outside,
        }
    }

    #[test]
    fn files_and_folder_indexes_resolve() {
        let o = output();
        assert_eq!(resolve(&o.out, "/"), Target::File(o.out.join("index.html")));
        assert_eq!(
            resolve(&o.out, "/modules/a/"),
            Target::File(o.out.join("modules/a/index.html"))
        );
        assert_eq!(
            resolve(&o.out, "/modules/%61/index.html"),
            Target::File(o.out.join("modules/a/index.html"))
        );
        assert_eq!(
            resolve(&o.out, "/modules/a"),
            Target::Redirect("/modules/a/".into())
        );
        assert_eq!(resolve(&o.out, "/nope.html"), Target::Missing);
        assert_eq!(resolve(&o.out, "/empty/"), Target::Missing);
        assert_eq!(resolve(&o.out, "/.hidden"), Target::Missing);
    }

    #[test]
    fn traversal_attempts_are_refused() {
        let o = output();
        for attempt in [
            "/../secret.txt",
            "/modules/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/modules%2f..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "/..%5csecret.txt",
            "/index.html%00.png",
            "//etc/passwd",
            "/modules//a/",
            "/./index.html",
            "/C:/Windows/win.ini",
            "/%c0%ae%c0%ae/secret.txt",
            "etc/passwd",
            "http://example.com/",
        ] {
            match resolve(&o.out, attempt) {
                Target::Refused(_) | Target::Missing => {}
                other => panic!("{attempt} resolved to {other:?}"),
            }
        }
        assert_eq!(resolve(&o.out, "/../secret.txt"), Target::Refused(400));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_outside_are_refused() {
        let o = output();
        std::os::unix::fs::symlink(&o.outside, o.out.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(o.outside.parent().unwrap(), o.out.join("up")).unwrap();
        assert_eq!(resolve(&o.out, "/link.txt"), Target::Refused(403));
        assert_eq!(resolve(&o.out, "/up/secret.txt"), Target::Refused(403));
        assert_eq!(resolve(&o.out, "/up/"), Target::Refused(403));
    }

    #[test]
    fn content_types_name_utf8_for_text() {
        let types = [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json; charset=utf-8"),
            ("a.svg", "image/svg+xml; charset=utf-8"),
            ("a.png", "image/png"),
            ("a.JPG", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.pdf", "application/pdf"),
            ("a.woff2", "font/woff2"),
            ("a", "application/octet-stream"),
        ];
        for (name, expected) in types {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }
}
