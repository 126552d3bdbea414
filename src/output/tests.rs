//! The output stage: swaps, the spare tree, and what a failed write leaves.

use super::*;

/// Writes a site, keeping the spare tree beside `out` (as a preview's
/// private folder does).
fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    super::write_site(out, files, Some(spare_beside(out)))
}

fn file(path: &str, text: &str) -> OutputFile {
    OutputFile::bytes(path, text)
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replaces_previous_output_entirely() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("a/index.html", "1"), file("old.html", "x")]).unwrap();
    assert_eq!(names(dir.path()), ["public"], "nothing to keep yet");
    write_site(&out, &[file("a/index.html", "2")]).unwrap();
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
    assert!(!out.join("old.html").exists());
    assert_eq!(
        names(dir.path()),
        [".public.kenshu-spare", "public"],
        "staging folders are gone, the old output is the spare tree"
    );
    assert!(out.join(STAMP).is_file(), "the output is stamped");
}

#[test]
fn staging_writes_nested_files_and_commits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(
        &out,
        &[file("a/b/c/old.html", "x"), file("index.html", "1")],
    )
    .unwrap();
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    staging.write(&file("modules/m/index.html", "m")).unwrap();
    staging.write(&file("index.html", "2")).unwrap();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
    staging.commit().unwrap().finish().unwrap();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    assert_eq!(
        fs::read_to_string(out.join("modules/m/index.html")).unwrap(),
        "m"
    );
    assert!(
        !out.join("a").exists(),
        "the old files are not carried over"
    );
    let spare = dir.path().join(".public.kenshu-spare");
    assert_eq!(
        fs::read_to_string(spare.join("a/b/c/old.html")).unwrap(),
        "x"
    );
}

#[test]
fn dropped_staging_leaves_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("index.html", "good")]).unwrap();
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    staging.write(&file("index.html", "new")).unwrap();
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "staging removed"
    );
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).unwrap().ino()
}

/// An output built twice, so that the first build is the spare tree.
fn built_twice(dir: &Path, files: &[OutputFile]) -> (PathBuf, PathBuf) {
    let out = dir.join("public");
    write_site(&out, files).unwrap();
    write_site(&out, files).unwrap();
    (out, dir.join(".public.kenshu-spare"))
}

#[cfg(unix)]
#[test]
fn the_spare_tree_is_recycled_changing_only_what_differs() {
    let dir = tempfile::tempdir().unwrap();
    let first = [
        file("same.html", "s"),
        file("changed.html", "1"),
        file("gone/deep/index.html", "g"),
        file("kept/index.html", "k"),
        file("kept/gone.html", "x"),
    ];
    let (out, spare) = built_twice(dir.path(), &first);
    // Held open, so that their inode numbers are not given to new files.
    let held = |name: &str| fs::File::open(spare.join(name)).unwrap();
    let (same, changed) = (held("same.html"), held("changed.html"));
    let ino = |file: &fs::File| std::os::unix::fs::MetadataExt::ino(&file.metadata().unwrap());
    let live = inode(&out.join("same.html"));
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    assert!(!spare.exists(), "the spare tree is claimed");
    for f in [
        file("same.html", "s"),
        file("changed.html", "2"),
        file("kept/index.html", "k"),
        file("new/index.html", "n"),
    ] {
        staging.write(&f).unwrap();
    }
    assert_eq!(
        inode(&staging.dir.join("same.html")),
        ino(&same),
        "left as it is"
    );
    assert_ne!(inode(&staging.dir.join("changed.html")), ino(&changed));
    let mut old = String::new();
    io::Read::read_to_string(&mut { changed }, &mut old).unwrap();
    assert_eq!(old, "1", "replaced, not written through");
    staging.commit().unwrap().finish().unwrap();
    assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "2");
    assert_eq!(fs::read_to_string(out.join("new/index.html")).unwrap(), "n");
    assert!(
        !out.join("gone").exists(),
        "stale files and their folders go"
    );
    assert!(!out.join("kept/gone.html").exists());
    assert!(out.join("kept/index.html").is_file() && out.join(STAMP).is_file());
    assert_eq!(
        inode(&spare.join("same.html")),
        live,
        "the old output is spare"
    );
}

#[cfg(unix)]
#[test]
fn files_with_other_names_are_written_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let (out, spare) = built_twice(dir.path(), &[file("kept.html", "k")]);
    // The user linked a file elsewhere: an edit there must not reach
    // the next output.
    fs::hard_link(spare.join("kept.html"), dir.path().join("mine.html")).unwrap();
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    staging.write(&file("kept.html", "k")).unwrap();
    let written = staging.dir.join("kept.html");
    assert_ne!(inode(&written), inode(&dir.path().join("mine.html")));
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("kept.html")).unwrap(), "k");
    assert_eq!(
        fs::read_to_string(dir.path().join("mine.html")).unwrap(),
        "k"
    );
}

#[cfg(unix)]
#[test]
fn links_in_the_spare_tree_are_removed_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let (out, spare) = built_twice(dir.path(), &[file("a/index.html", "1")]);
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::remove_dir_all(spare.join("a")).unwrap();
    std::os::unix::fs::symlink(&outside, spare.join("a")).unwrap();
    std::os::unix::fs::symlink(outside.join("x"), spare.join("b.html")).unwrap();
    write_site(&out, &[file("a/index.html", "2"), file("b.html", "b")]).unwrap();
    assert_eq!(
        names(&outside),
        Vec::<String>::new(),
        "nothing written outside"
    );
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
    assert!(fs::symlink_metadata(out.join("a")).unwrap().is_dir());
}

#[test]
fn a_file_and_a_folder_may_trade_places() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = built_twice(dir.path(), &[file("x", "file"), file("y/index.html", "1")]);
    write_site(
        &out,
        &[
            file("x/index.html", "now a folder"),
            file("y", "now a file"),
        ],
    )
    .unwrap();
    assert_eq!(fs::read_to_string(out.join("y")).unwrap(), "now a file");
    assert_eq!(
        fs::read_to_string(out.join("x/index.html")).unwrap(),
        "now a folder"
    );
}

#[test]
fn a_spare_name_kenshu_did_not_write_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let spare = dir.path().join(".public.kenshu-spare");
    fs::create_dir_all(&spare).unwrap();
    fs::write(spare.join("mine.txt"), "mine").unwrap();
    write_site(&out, &[file("index.html", "1")]).unwrap();
    write_site(&out, &[file("index.html", "2")]).unwrap();
    assert_eq!(names(&spare), ["mine.txt"]);
    assert_eq!(names(dir.path()), [".public.kenshu-spare", "public"]);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
}

#[test]
fn a_folder_that_turned_foreign_is_refused_at_the_swap_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("index.html", "1")]).unwrap();
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    staging.write(&file("index.html", "2")).unwrap();
    // Someone replaced the output while the build ran.
    fs::remove_file(out.join(STAMP)).unwrap();
    let err = staging.commit().unwrap_err();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
    let text = err.message().text(crate::messages::Lang::Ja);
    assert!(
        text.contains("kenshu が書き出したものではないファイル（index.html"),
        "{text}"
    );
}

#[test]
fn copied_files_are_compared_with_their_source() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("image.png");
    fs::write(&source, vec![7u8; 200_000]).unwrap();
    let copy = |path: &Path| OutputFile {
        path: "image.png".into(),
        contents: Contents::Copy(path.to_path_buf()),
    };
    let (out, spare) = built_twice(dir.path(), &[copy(&source)]);
    assert!(reuse::unchanged(
        &spare.join("image.png"),
        &copy(&source).contents
    ));
    let mut changed = vec![7u8; 200_000];
    changed[150_000] = 8;
    fs::write(&source, &changed).unwrap();
    assert!(!reuse::unchanged(
        &spare.join("image.png"),
        &copy(&source).contents
    ));
    write_site(&out, &[copy(&source)]).unwrap();
    assert_eq!(fs::read(out.join("image.png")).unwrap(), changed);
}

#[test]
fn dropped_recycled_staging_leaves_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = built_twice(dir.path(), &[file("index.html", "good")]);
    let staging = Staging::create(&out, Some(dir.path().join(".public.kenshu-spare"))).unwrap();
    staging.write(&file("index.html", "new")).unwrap();
    drop(staging);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn failed_write_keeps_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("index.html", "good")]).unwrap();
    let missing = OutputFile {
        path: "x.png".into(),
        contents: Contents::Copy(dir.path().join("nope.png")),
    };
    let err = write_site(&out, &[file("index.html", "new"), missing]).unwrap_err();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
    let text = err.message().text_with_hint(crate::messages::Lang::Ja);
    assert!(text.contains("nope.png: 書き込めません"), "{text}");
    assert!(text.contains("権限"), "the hint is shown: {text}");
}

#[test]
fn a_site_keeps_one_spare_tree_per_output_in_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let public = spare_in_site(root, &root.join("public")).unwrap();
    let www = spare_in_site(root, &root.join("www/public")).unwrap();
    assert!(public.starts_with(root.join(SPARE_DIR)), "{public:?}");
    assert_ne!(public, www, "two outputs, two spare trees");
    assert_eq!(spare_in_site(root, &root.join("public")), Some(public));
    let inside = root.join(SPARE_DIR).join("x/public");
    assert_eq!(spare_in_site(root, &inside), None);
    assert_eq!(spare_in_site(root, &root.join(".kenshu")), None);
}
