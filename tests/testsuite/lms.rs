//! `kenshu package scorm`: SCORM 1.2 packages for an LMS.
//!
//! The manifests are validated with xmllint (Debian's libxml2-utils)
//! against the SCORM 1.2 schemas shipped in each package; the packages are
//! read back to prove that they hold every file their pages reference.

use crate::common::TestSite;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every entry of a zip file, by path.
fn read_zip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("a zip file");
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("zip entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        entries.insert(entry.name().to_string(), bytes);
    }
    entries
}

/// Writes the entries into `dir`.
fn extract(entries: &BTreeMap<String, Vec<u8>>, dir: &Path) {
    for (name, bytes) in entries {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// Packages the site into `<site>/zips` and returns the zips by role id.
fn package(site: &TestSite, extra: &[&str]) -> BTreeMap<String, PathBuf> {
    let mut args = vec!["package", "scorm", "--out", "zips"];
    args.extend_from_slice(extra);
    site.run(&args).assert_success();
    fs::read_dir(site.path("zips"))
        .expect("the zips folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect()
}

/// Unzips every package of `zips` and validates its manifest with xmllint
/// against the SCORM 1.2 schemas at the zip root; the entries by role.
fn validate_manifests(
    site: &TestSite,
    zips: &BTreeMap<String, PathBuf>,
) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or_else(|| {
            panic!("xmllint is missing: apt-get install libxml2-utils (bash .ci/run does)")
        });
    let mut all = BTreeMap::new();
    for (role, zip) in zips {
        let entries = read_zip(zip);
        for schema in [
            "imsmanifest.xml",
            "imscp_rootv1p1p2.xsd",
            "adlcp_rootv1p2.xsd",
            "imsmd_rootv1p2p1.xsd",
            "ims_xml.xsd",
        ] {
            assert!(
                entries.contains_key(schema),
                "{role}: no {schema} at the zip root"
            );
        }
        let dir = site.path(&format!("unzipped/{role}"));
        extract(&entries, &dir);
        // adlcp_rootv1p2.xsd imports the content-packaging schema, so both
        // the manifest and its ADL extensions are checked.
        let output = Command::new(xmllint)
            .args([
                "--noout",
                "--schema",
                "adlcp_rootv1p2.xsd",
                "imsmanifest.xml",
            ])
            .current_dir(&dir)
            .output()
            .expect("run xmllint");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.contains("imsmanifest.xml validates"),
            "{role}: the manifest does not validate:\n{stderr}"
        );
        all.insert(role.clone(), entries);
    }
    all
}

#[test]
fn scorm_manifests_validate_against_the_scorm_1_2_schemas() {
    let site = TestSite::shipped();
    let zips = package(&site, &[]);
    assert!(zips.len() >= 3, "only {zips:?}");
    for (role, entries) in validate_manifests(&site, &zips) {
        let manifest = String::from_utf8_lossy(&entries["imsmanifest.xml"]).into_owned();
        assert!(
            manifest.contains("<schemaversion>1.2</schemaversion>"),
            "{role}"
        );
        let pages = entries
            .keys()
            .filter(|k| k.ends_with("/index.html"))
            .count();
        assert_eq!(manifest.matches("adlcp:scormtype=\"sco\"").count(), pages);
        assert_eq!(manifest.matches("<adlcp:masteryscore>").count(), pages);
    }
}

#[test]
fn ids_with_punctuation_give_valid_manifests_and_links_that_stay_links() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/modules/security/データ(基礎)&活用!.md",
        "---\ntitle: データ活用\nskills: [privacy]\n---\n[読み物へ](読み物'1.md)\n\n```quiz\n- question: 正しい？\n  answer: true\n```\n",
    );
    site.write(
        "content/modules/security/読み物'1.md",
        "---\ntitle: 読み物\nskills: [privacy]\n---\n問題のないページ\n",
    );
    let zips = package(&site, &["--role", "general-staff"]);
    let all = validate_manifests(&site, &zips);
    let entries = &all["general-staff"];
    let manifest = String::from_utf8_lossy(&entries["imsmanifest.xml"]).into_owned();
    assert!(
        manifest.contains("identifier=\"item-データ_u0028_基礎_u0029__u0026_活用_u0021_\""),
        "{manifest}"
    );
    // The page without questions is completed by viewing: no mastery score.
    let reading = manifest
        .split("<item ")
        .find(|item| item.contains("<title>読み物</title>"))
        .expect("the reading's item");
    assert!(!reading.contains("masteryscore"), "{reading}");
    let page = entries
        .iter()
        .find(|(name, _)| name.contains("%E6%B4%BB%E7%94%A8") || name.contains("活用"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("the module page in the package");
    assert!(
        page.contains(">読み物へ</a>"),
        "the link inside the package stays a link"
    );
}

#[test]
fn a_broken_manifest_fails_the_schema_check() {
    // The validation above must be able to fail: a wrong scormtype does.
    let Some(xmllint) = ["/usr/bin/xmllint"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
    else {
        panic!("xmllint is missing: apt-get install libxml2-utils (bash .ci/run does)");
    };
    let site = TestSite::fixture("basic");
    let zips = package(&site, &["--role", "general-staff"]);
    let entries = read_zip(&zips["general-staff"]);
    let dir = site.path("unzipped");
    extract(&entries, &dir);
    let manifest = fs::read_to_string(dir.join("imsmanifest.xml")).unwrap();
    fs::write(
        dir.join("imsmanifest.xml"),
        manifest.replace("adlcp:scormtype=\"sco\"", "adlcp:scormtype=\"lesson\""),
    )
    .unwrap();
    let output = Command::new(xmllint)
        .args([
            "--noout",
            "--schema",
            "adlcp_rootv1p2.xsd",
            "imsmanifest.xml",
        ])
        .current_dir(&dir)
        .output()
        .expect("run xmllint");
    assert!(!output.status.success());
}

/// The `href` and `src` values of an HTML page (kenshu writes them quoted).
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').expect("closing quote");
            found.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}

/// `url` seen from the page at `page`, as a decoded package path; None for
/// fragments and absolute URLs.
fn resolve(page: &str, url: &str) -> Option<String> {
    if url.starts_with('#') || url.contains("://") || url.starts_with("mailto:") {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop().expect("stays inside the package");
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    Some(
        percent_encoding::percent_decode_str(&joined)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

#[test]
fn a_scorm_package_contains_every_file_its_pages_reference() {
    let site = TestSite::shipped();
    let zips = package(&site, &[]);
    for (role, zip) in &zips {
        let entries = read_zip(zip);
        let manifest = String::from_utf8_lossy(&entries["imsmanifest.xml"]).into_owned();
        let listed: BTreeSet<String> = references(&manifest)
            .iter()
            .map(|h| resolve("imsmanifest.xml", h).unwrap())
            .collect();
        let mut referenced = BTreeSet::new();
        for (name, bytes) in entries.iter().filter(|(n, _)| n.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            for url in references(&html) {
                if let Some(path) = resolve(name, &url) {
                    assert!(
                        entries.contains_key(&path),
                        "{role}: {name} references {url}, which is not in the package"
                    );
                    referenced.insert(path);
                }
            }
            assert!(
                html.contains("assets/js/scorm.js"),
                "{name} does not load scorm.js"
            );
            assert!(
                !html.contains("site-search"),
                "{name} has the portal's search"
            );
        }
        assert!(referenced.contains("assets/js/quiz.js"));
        // Every file is listed in the manifest, and nothing listed is missing.
        let files: BTreeSet<String> = entries
            .keys()
            .filter(|k| !k.ends_with(".xsd") && *k != "imsmanifest.xml")
            .cloned()
            .collect();
        assert_eq!(
            files, listed,
            "{role}: the manifest lists other files than the zip has"
        );
    }
}

#[test]
fn links_outside_the_curriculum_go_to_base_url_or_become_text() {
    let site = TestSite::fixture("basic");
    let privacy = site.read("content/modules/security/privacy.md");
    site.write(
        "content/modules/security/privacy.md",
        &format!("{privacy}\n次は[表計算の基本](../tools/spreadsheet.md)です。\n"),
    );
    let page = |site: &TestSite| {
        let zips = package(site, &["--role", "general-staff"]);
        let entries = read_zip(&zips["general-staff"]);
        assert!(!entries.contains_key("modules/spreadsheet/index.html"));
        String::from_utf8_lossy(&entries["modules/privacy/index.html"]).into_owned()
    };
    let html = page(&site);
    assert!(
        html.contains("<span>表計算の基本</span>"),
        "not plain text:\n{html}"
    );
    assert!(
        html.contains("href=\"../../modules/basics/index.html\""),
        "the link inside the package changed"
    );

    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{config}base_url: https://portal.example.lg.jp/kenshu\n"),
    );
    let html = page(&site);
    assert!(
        html.contains("<a href=\"https://portal.example.lg.jp/kenshu/modules/spreadsheet/index.html\" target=\"_blank\" rel=\"noopener\">表計算の基本</a>"),
        "no portal link:\n{html}"
    );
}

#[test]
fn a_site_with_errors_packages_nothing() {
    let site = TestSite::fixture("basic");
    let basics = site.read("content/modules/security/basics.md");
    site.write(
        "content/modules/security/basics.md",
        &basics.replace("skills: [security-literacy]", "skills: [securty-literacy]"),
    );
    site.run(&["package", "scorm", "--out", "zips"])
        .assert_failure()
        .assert_diagnostic("エラー: content/modules/security/basics.md:");
    assert!(!site.path("zips").exists());
}

#[test]
fn an_unknown_role_is_reported_with_a_suggestion() {
    let site = TestSite::fixture("basic");
    site.run(&["package", "scorm", "--role", "general-staf"])
        .assert_failure()
        .assert_diagnostic("エラー: content/skills.yaml: 人材像「general-staf」は skills.yaml にありません（「general-staff」の書き間違いではありませんか？）");
}

#[test]
fn a_role_without_modules_gets_no_package_and_a_warning() {
    let site = TestSite::fixture("basic");
    let skills = site.read("content/skills.yaml");
    let skills = skills.replacen(
        "roles:\n",
        "  - id: gis\n    name: GIS活用\n    category: efficiency\nroles:\n  - id: gis-staff\n    name: GIS担当\n    skills: [gis]\n",
        1,
    );
    site.write("content/skills.yaml", &skills);
    let zips = package(&site, &[]);
    assert_eq!(
        zips.keys().collect::<Vec<_>>(),
        ["dx-promoter", "general-staff"]
    );
    site.run(&["package", "scorm", "--out", "zips"])
        .assert_diagnostic("警告: content/skills.yaml: 人材像「GIS担当」（gis-staff）のカリキュラムにモジュールがないため");
    // Only that role: nothing to package is a failure, and nothing is written.
    fs::remove_dir_all(site.path("zips")).unwrap();
    site.run(&["package", "scorm", "--out", "zips", "--role", "gis-staff"])
        .assert_failure()
        .assert_diagnostic("エラー: content/skills.yaml: 作れるパッケージがありません");
    assert!(!site.path("zips").exists());
}

#[test]
fn a_role_named_twice_is_packaged_once() {
    let site = TestSite::fixture("basic");
    let output = site.run(&[
        "package",
        "scorm",
        "--out",
        "zips",
        "--role",
        "general-staff",
        "--role",
        "general-staff",
    ]);
    output.assert_success();
    let zips: Vec<_> = fs::read_dir(site.path("zips")).unwrap().collect();
    assert_eq!(zips.len(), 1);
    let said = format!("{}{}", output.stdout, output.stderr);
    assert_eq!(said.matches("general-staff.zip").count(), 1, "{said}");
}

#[test]
fn a_site_theme_that_does_not_load_scorm_js_packages_nothing() {
    let site = TestSite::fixture("basic");
    let base = std::fs::read_to_string(
        crate::common::repo_root().join("themes/default/templates/base.html"),
    )
    .unwrap();
    let old: String = base
        .lines()
        .filter(|line| !line.contains("scorm.js"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(old, base);
    site.write("themes/mine/templates/base.html", &old);
    let config = site.read("content/site.yaml");
    site.write("content/site.yaml", &format!("{config}theme: mine\n"));
    let run = site.run(&["package", "scorm", "--out", "zips"]);
    run.assert_failure().assert_diagnostic(
        "エラー: themes/mine/templates/base.html: SCORM パッケージのページが assets/js/scorm.js を読み込まない",
    );
    assert_eq!(run.stderr.matches("scorm.js を読み込まない").count(), 1);
    assert!(!site.path("zips").exists());
}

#[test]
fn a_package_never_replaces_a_file_kenshu_did_not_write_and_writes_all_or_nothing() {
    let site = TestSite::fixture("basic");
    package(&site, &[]);
    // Its own packages it replaces.
    package(&site, &[]);
    let zips: Vec<_> = fs::read_dir(site.path("zips"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mine = zips
        .iter()
        .find(|p| p.extension().is_some_and(|x| x == "zip"))
        .unwrap()
        .clone();
    fs::remove_dir_all(site.path("zips")).unwrap();
    fs::create_dir_all(site.path("zips")).unwrap();
    fs::write(&mine, "my own zip").unwrap();
    let run = site.run(&["package", "scorm", "--out", "zips"]);
    run.assert_failure();
    assert!(
        run.stderr
            .contains("kenshu が書き出したファイルではありません"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(&mine).unwrap(), "my own zip");
    assert_eq!(
        fs::read_dir(site.path("zips")).unwrap().count(),
        1,
        "no other package was written"
    );
}
