//! Nothing an author owns is deleted or published by accident: the output
//! guard, leftovers of killed builds, `new module` paths, static files that
//! would overwrite generated ones, what `check` covers, closed pipes.

use crate::common::{kenshu_bin, TestSite};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `build --out <out>` is refused with a located Japanese error, and the
/// site's sources are all still there.
#[track_caller]
fn assert_out_refused(site: &TestSite, out: &str, expected: &str) {
    let run = site.run(&["build", "--out", out]);
    run.assert_failure();
    assert!(run.stderr.contains(expected), "{out}: {}", run.stderr);
    // A problem with the whole folder: its path, and no line or column.
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("エラー: ") && !l.contains(":1:1:")),
        "named without a line: {}",
        run.stderr
    );
    assert!(
        site.path("content/site.yaml").is_file(),
        "--out {out} removed the sources"
    );
    assert!(site.path("content/modules/security/basics.md").is_file());
}

#[test]
fn out_in_or_around_the_sources_is_refused() {
    let site = TestSite::fixture("basic");
    fs::create_dir_all(site.path("themes/mine")).unwrap();
    for out in [
        "content",
        "content/modules",
        "content/new",
        "themes/mine",
        ".",
        "..",
    ] {
        assert_out_refused(&site, out, "ソース");
    }
    assert!(site.path("themes/mine").is_dir());
}

#[test]
fn a_folder_of_someone_elses_files_keeps_every_file() {
    let site = TestSite::fixture("basic");
    site.write("shared/予算資料.xlsx", "budget");
    site.write("shared/sub/memo.txt", "memo");
    assert_out_refused(&site, "shared", "予算資料.xlsx");
    assert_eq!(names_in(&site.path("shared")), ["sub", "予算資料.xlsx"]);
    assert_eq!(site.read("shared/sub/memo.txt"), "memo");
    assert!(
        !names_in(site.root()).iter().any(|n| n.contains("kenshu")),
        "no staging folder left: {:?}",
        names_in(site.root())
    );
}

#[test]
fn a_previous_output_is_stamped_and_replaced() {
    let site = TestSite::fixture("basic");
    let extra = "content/modules/tools/extra.md";
    site.write(extra, "---\ntitle: 追加\nskills: [privacy]\n---\n本文\n");
    site.run(&["build", "--out", "site-out"]).assert_success();
    assert!(site.path("site-out/.kenshu-output").is_file());
    // A page kenshu wrote and no longer writes goes with the old output.
    assert!(site.path("site-out/modules/extra/index.html").is_file());
    fs::remove_file(site.path(extra)).unwrap();
    site.run(&["build", "--out", "site-out"]).assert_success();
    assert!(!site.path("site-out/modules/extra").exists());
    assert!(site.path("site-out/index.html").is_file());
    // An empty folder is fine too.
    fs::create_dir_all(site.path("empty")).unwrap();
    site.run(&["build", "--out", "empty"]).assert_success();
}

#[test]
fn files_added_to_a_previous_output_are_kept_and_the_build_refused() {
    let site = TestSite::fixture("basic");
    site.build().assert_success();
    fs::write(site.path("public/予算資料.xlsx"), "mine").unwrap();
    fs::create_dir_all(site.path("public/modules/extra")).unwrap();
    fs::write(site.path("public/modules/extra/notes.txt"), "mine").unwrap();
    for _ in 0..2 {
        let run = site.build();
        run.assert_failure();
        assert!(
            run.stderr
                .contains("kenshu が書き出していないファイルがあります")
                && run.stderr.contains("2 件"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("content/static/"),
            "the hint says where they belong"
        );
    }
    assert_eq!(
        fs::read_to_string(site.path("public/予算資料.xlsx")).unwrap(),
        "mine"
    );
    assert!(site.path("public/modules/extra/notes.txt").is_file());
    assert!(
        site.path("public/index.html").is_file(),
        "the old output is intact"
    );
    fs::remove_file(site.path("public/予算資料.xlsx")).unwrap();
    fs::remove_file(site.path("public/modules/extra/notes.txt")).unwrap();
    site.build().assert_success();
}

#[cfg(unix)]
#[test]
fn a_linked_output_folder_is_refused_and_its_target_kept() {
    let site = TestSite::fixture("basic");
    let www = TestSite::empty();
    fs::write(www.path("important.html"), "keep").unwrap();
    std::os::unix::fs::symlink(www.root(), site.path("public")).unwrap();
    let run = site.build();
    run.assert_failure();
    assert!(run.stderr.contains("シンボリックリンク"), "{}", run.stderr);
    assert_eq!(www.read("important.html"), "keep");
    assert!(fs::symlink_metadata(site.path("public"))
        .unwrap()
        .file_type()
        .is_symlink());
    // However the folder is spelled.
    for out in ["public/", "public//", "./public/."] {
        let run = site.run(&["build", "--out", out]);
        run.assert_failure();
        assert!(
            run.stderr.contains("シンボリックリンク"),
            "{out}: {}",
            run.stderr
        );
    }
    assert_eq!(names_in(www.root()), ["important.html"]);
    // Even a previous kenshu output behind the link is left alone.
    fs::write(www.path(".kenshu-output"), "").unwrap();
    site.build().assert_failure();
    assert_eq!(www.read("important.html"), "keep");
}

#[test]
fn out_naming_a_file_is_refused_before_anything_is_written() {
    let site = TestSite::fixture("basic");
    site.write("notes.txt", "my notes");
    let run = site.run(&["build", "--out", "notes.txt"]);
    run.assert_failure();
    assert!(
        run.stderr.contains("フォルダーではありません"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("notes.txt"), "my notes");
    let names = names_in(site.root());
    assert!(!names.iter().any(|n| n.contains("kenshu")), "{names:?}");
}

#[test]
fn serve_uses_the_same_guard() {
    let site = TestSite::fixture("basic");
    site.write("shared/予算資料.xlsx", "budget");
    let mut child = Command::new(kenshu_bin())
        .args(["serve", "--port", "0", "--out", "shared"])
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kenshu serve");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "serve ran on: {stderr}"
    );
    assert!(stderr.contains("予算資料.xlsx"), "{stderr}");
    assert_eq!(site.read("shared/予算資料.xlsx"), "budget");
    assert_eq!(names_in(&site.path("shared")), ["予算資料.xlsx"]);
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_nothing_else() {
    let site = TestSite::fixture("basic");
    for leftover in [
        ".public.kenshu-staging-4194000/modules/a/index.html",
        ".public.kenshu-old-4194001/index.html",
    ] {
        site.write(leftover, "x");
    }
    site.write(".public.kenshu-staging-mine/keep.txt", "mine");
    site.write(".other.kenshu-old-4194002/keep.txt", "another output's");
    site.build().assert_success();
    assert_eq!(
        names_in(site.root()),
        [
            ".other.kenshu-old-4194002",
            ".public.kenshu-staging-mine",
            "content",
            "public"
        ]
    );
}

#[test]
fn builds_killed_half_way_leave_nothing_behind_the_next_build() {
    let site = TestSite::shipped();
    site.build().assert_success();
    for _ in 0..3 {
        let mut child = Command::new(kenshu_bin())
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed while it writes its staging folder.
        let started = std::time::Instant::now();
        while !names_in(site.root())
            .iter()
            .any(|n| n.contains("kenshu-staging"))
        {
            assert!(
                started.elapsed().as_secs() < 30,
                "no staging folder appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            site.path("public/index.html").is_file(),
            "the old output stays"
        );
    }
    site.build().assert_success();
    assert_eq!(
        names_in(site.root()),
        [".kenshu", "content", "public", "themes"]
    );
}

/// Every file below `dir` whose contents include `text`.
fn files_holding(dir: &Path, text: &str) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| String::from_utf8_lossy(&fs::read(e.path()).unwrap()).contains(text))
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn a_withdrawn_page_is_kept_nowhere_a_web_server_serves() {
    let site = TestSite::fixture("basic");
    let withdrawn = "content/modules/tools/spreadsheet.md";
    let text = "撤回する段落です。";
    let page = site.read(withdrawn);
    site.write(
        withdrawn,
        &page.replacen("\n\n", &format!("\n\n{text}\n\n"), 1),
    );
    site.run(&["build", "--out", "www/kenshu"]).assert_success();
    assert!(
        !files_holding(&site.path("www"), text).is_empty(),
        "published"
    );
    fs::remove_file(site.path(withdrawn)).unwrap();
    site.run(&["build", "--out", "www/kenshu"]).assert_success();
    site.run(&["build", "--out", "www/kenshu"]).assert_success();
    assert_eq!(
        names_in(&site.path("www")),
        ["kenshu"],
        "nothing beside the output"
    );
    assert_eq!(files_holding(&site.path("www"), text), Vec::<String>::new());
    assert!(
        site.path(".kenshu/spare").is_dir(),
        "the spare tree is kept in the site folder"
    );
}

#[test]
fn a_spare_tree_an_earlier_version_left_beside_the_output_is_removed() {
    let site = TestSite::fixture("basic");
    site.build().assert_success();
    crate::common::copy_dir(&site.path("public"), &site.path(".public.kenshu-spare"));
    let mine = site.path(".public.kenshu-keep");
    fs::create_dir_all(&mine).unwrap();
    site.build().assert_success();
    assert!(!site.path(".public.kenshu-spare").exists());
    assert!(mine.is_dir(), "a folder kenshu did not write stays");
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_on_another_file_system_keeps_no_spare_tree() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::fixture("basic");
    let other = tempfile::tempdir_in("/dev/shm").expect("/dev/shm is a tmpfs on Linux");
    let dev = |p: &Path| fs::metadata(p).unwrap().dev();
    assert_ne!(
        dev(other.path()),
        dev(site.root()),
        "the test needs two file systems"
    );
    let out = other.path().join("kenshu");
    let out = out.to_str().unwrap();
    site.run(&["build", "--out", out]).assert_success();
    site.run(&["build", "--out", out]).assert_success();
    assert_eq!(names_in(other.path()), ["kenshu"]);
    assert!(
        !site.path(".kenshu").exists(),
        "nothing to keep in the site folder"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_output_is_never_missing_while_it_is_replaced() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let site = TestSite::fixture("basic");
    site.build().assert_success();
    let done = AtomicBool::new(false);
    let index = site.path("public/index.html");
    let missing = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut missing = 0;
            while !done.load(Ordering::SeqCst) {
                missing += usize::from(!index.is_file());
            }
            missing
        });
        for _ in 0..15 {
            site.build().assert_success();
        }
        done.store(true, Ordering::SeqCst);
        watcher.join().unwrap()
    });
    assert_eq!(missing, 0, "public/index.html was missing {missing} times");
}

#[test]
fn new_module_writes_only_under_content_modules() {
    let site = TestSite::fixture("basic");
    for bad in [
        "../escape.md",
        "security/../../../escape.md",
        "/tmp/kenshu-escape.md",
    ] {
        let run = site.run(&["new", "module", bad, "--skill", "privacy"]);
        run.assert_failure();
        assert!(
            run.stderr.contains("content/modules/ の中にだけ"),
            "{bad}: {}",
            run.stderr
        );
    }
    assert!(!site.path("content/escape.md").exists());
    assert!(!site.path("escape.md").exists());
    assert!(!Path::new("/tmp/kenshu-escape.md").exists());
    site.run(&["new", "module", "security/fine.md", "--skill", "privacy"])
        .assert_success();
    assert!(site.path("content/modules/security/fine.md").is_file());
}

#[cfg(unix)]
#[test]
fn new_module_does_not_write_through_a_link() {
    let site = TestSite::fixture("basic");
    let elsewhere = TestSite::empty();
    std::os::unix::fs::symlink(elsewhere.root(), site.path("content/modules/out")).unwrap();
    let run = site.run(&["new", "module", "out/x.md", "--skill", "privacy"]);
    run.assert_failure();
    assert!(run.stderr.contains("シンボリックリンク"), "{}", run.stderr);
    assert!(names_in(elsewhere.root()).is_empty());
}

/// Both `check` and `build` refuse the site, with an error at `file`
/// that mentions every one of `words`.
#[track_caller]
fn assert_refused_by_check_and_build(site: &TestSite, file: &str, words: &[&str]) {
    for command in ["check", "build"] {
        let run = site.run(&[command]);
        run.assert_failure();
        let line = run
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("エラー: {file}:")))
            .unwrap_or_else(|| panic!("{command}: no error at {file}:\n{}", run.stderr));
        for word in words {
            assert!(line.contains(word), "{command}: {word:?} not in {line}");
        }
    }
    assert!(!site.path("public").exists(), "nothing written");
}

#[test]
fn a_static_file_over_a_generated_page_is_an_error_naming_both() {
    let site = TestSite::fixture("basic");
    site.write("content/static/index.html", "<p>mine</p>");
    assert_refused_by_check_and_build(
        &site,
        "content/static/index.html",
        &["index.html", "生成するページ"],
    );
    let site = TestSite::fixture("basic");
    site.write("content/static/modules/basics/index.html", "x");
    assert_refused_by_check_and_build(
        &site,
        "content/static/modules/basics/index.html",
        &["content/modules/security/basics.md"],
    );
}

#[test]
fn a_static_file_over_a_theme_asset_or_the_search_index_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write("content/static/assets/site-config.js", "window.X = 1;");
    assert_refused_by_check_and_build(
        &site,
        "content/static/assets/site-config.js",
        &["assets/site-config.js", "テーマ"],
    );
    let site = TestSite::fixture("basic");
    site.write("content/static/assets/search/meta.js", "x");
    assert_refused_by_check_and_build(
        &site,
        "content/static/assets/search/meta.js",
        &["検索インデックス"],
    );
}

#[test]
fn a_static_file_differing_from_a_generated_one_only_in_case_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write("content/static/Index.HTML", "<p>mine</p>");
    assert_refused_by_check_and_build(
        &site,
        "content/static/Index.HTML",
        &["大文字", "index.html"],
    );
    let site = TestSite::fixture("basic");
    site.write("content/static/Modules/x.txt", "x");
    assert_refused_by_check_and_build(&site, "content/static/Modules/x.txt", &["大文字"]);
}

#[test]
fn a_static_file_named_like_an_output_folder_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write("content/static/modules", "a file, not a folder");
    assert_refused_by_check_and_build(
        &site,
        "content/static/modules",
        &["フォルダー", "content/modules/"],
    );
}

#[test]
fn a_name_too_long_for_the_file_system_fails_check_at_its_line() {
    let site = TestSite::fixture("basic");
    let id = "a".repeat(300);
    site.write(
        "content/modules/long.md",
        &format!("---\nid: {id}\ntitle: 長いid\nskills: [privacy]\nlevel: 1\nsummary: 長い。\n---\n\n本文。\n"),
    );
    for command in ["check", "build"] {
        let run = site.run(&[command]);
        run.assert_failure();
        run.assert_diagnostic("エラー: content/modules/long.md:2:5: ");
        assert!(run.stderr.contains("IDが長すぎます"), "{}", run.stderr);
        assert!(!run.stderr.contains("File name too long"), "{}", run.stderr);
    }
}

#[test]
fn a_path_too_long_for_the_output_fails_check() {
    let site = TestSite::fixture("basic");
    let deep = vec!["d".repeat(200); 6].join("/");
    site.write(&format!("content/static/{deep}/f.txt"), "x");
    let run = site.check();
    run.assert_failure();
    assert!(run.stderr.contains("1024"), "{}", run.stderr);
}

/// Runs `kenshu <args>` in `site` with the reading end of stdout (or
/// stderr) closed before kenshu prints; returns (exit code, stderr).
fn run_with_closed(site: &TestSite, args: &[&str], close_stdout: bool) -> (i32, String) {
    let mut command = Command::new(kenshu_bin());
    command.args(args).current_dir(site.root());
    if close_stdout {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
    }
    let mut child = command.spawn().expect("run kenshu");
    let mut stderr = String::new();
    if close_stdout {
        drop(child.stdout.take());
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
    } else {
        drop(child.stderr.take());
    }
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let site = TestSite::fixture("basic");
    let (code, stderr) = run_with_closed(&site, &["check"], true);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    site.write("content/modules/broken.md", "no front matter");
    let (code, _) = run_with_closed(&site, &["check"], false);
    assert_eq!(code, 1, "errors still fail, quietly");
    let (code, stderr) = run_with_closed(&site, &["build"], true);
    assert_eq!(code, 1, "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_shift_jis_file_name_is_an_error_naming_what_it_reads() {
    use std::os::unix::ffi::OsStrExt;
    let site = TestSite::fixture("basic");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("研修資料.txt");
    let name = std::ffi::OsStr::from_bytes(&sjis);
    fs::write(site.path("content/static").join(name), "x").unwrap();
    let folder = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    fs::create_dir_all(site.path("content/modules").join(folder)).unwrap();
    fs::write(site.path("content/modules").join(folder).join("a.md"), "x").unwrap();
    let result = site.check();
    result
        .assert_failure()
        .assert_diagnostic("エラー: content/static/");
    assert!(
        result
            .stderr
            .contains("Shift_JIS です（「研修資料.txt」と読めます）"),
        "{}",
        result.stderr
    );
    assert!(
        result
            .stderr
            .contains("名前の文字コードが UTF-8 ではありません"),
        "the folder too: {}",
        result.stderr
    );
    site.build().assert_failure();
    assert!(!site.path("public").exists(), "nothing published");
}
