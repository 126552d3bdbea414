//! LMS interop: `kenshu package scorm` and `kenshu export moodle-*`.
//!
//! The SCORM manifests are validated with xmllint (Debian's libxml2-utils)
//! against the SCORM 1.2 schemas shipped in each package; the packages are
//! read back to prove that they hold every file their pages reference.
//! The Moodle files are read back by parsers that follow the formats' rules
//! (Moodle's tool_lpimportcsv importer, the Moodle XML question format).

use crate::common::TestSite;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

#[test]
fn scorm_manifests_validate_against_the_scorm_1_2_schemas() {
    let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or_else(|| {
            panic!("xmllint is missing: apt-get install libxml2-utils (bash .ci/run does)")
        });
    let site = TestSite::shipped();
    let zips = package(&site, &[]);
    assert!(zips.len() >= 3, "only {zips:?}");
    for (role, zip) in &zips {
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
        let manifest = String::from_utf8_lossy(&entries["imsmanifest.xml"]).into_owned();
        assert!(manifest.contains("<schemaversion>1.2</schemaversion>"));
        let pages = entries
            .keys()
            .filter(|k| k.ends_with("/index.html"))
            .count();
        assert_eq!(manifest.matches("adlcp:scormtype=\"sco\"").count(), pages);
        assert_eq!(manifest.matches("<adlcp:masteryscore>").count(), pages);
    }
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
        .assert_diagnostic("error: content/modules/security/basics.md:");
    assert!(!site.path("zips").exists());
}

#[test]
fn an_unknown_role_is_reported_with_a_suggestion() {
    let site = TestSite::fixture("basic");
    site.run(&["package", "scorm", "--role", "general-staf"])
        .assert_failure()
        .assert_diagnostic("error: content/skills.yaml:1:1: unknown role \"general-staf\" (did you mean \"general-staff\"?)");
}

/// The rows of a CSV file as Moodle's importer reads them: by header name.
fn csv_rows(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let record = r.expect("a CSV record");
            assert_eq!(record.len(), header.len(), "a row has another column count");
            header
                .iter()
                .cloned()
                .zip(record.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn the_competency_framework_csv_imports_as_a_two_level_framework() {
    let site = TestSite::fixture("basic");
    site.run(&["export", "moodle-competencies", "--out", "out/c.csv"])
        .assert_success();
    let (header, rows) = csv_rows(&site.read("out/c.csv"));
    // tool_lpimportcsv's required headers, in its order.
    assert_eq!(
        header,
        [
            "Parent ID number",
            "ID number",
            "Short name",
            "Description",
            "Description format",
            "Scale values",
            "Scale configuration",
            "Rule type (optional)",
            "Rule outcome (optional)",
            "Rule config (optional)",
            "Cross-referenced competency ID numbers",
            "Exported ID (optional)",
            "Is framework",
            "Taxonomy",
        ]
    );
    // Like the importer: one framework row, the others a tree by parent ID number.
    let frameworks: Vec<_> = rows.iter().filter(|r| r["Is framework"] == "1").collect();
    assert_eq!(frameworks.len(), 1);
    let framework = frameworks[0];
    assert_eq!(framework["Short name"], "テスト研修ポータル");
    assert_eq!(framework["Taxonomy"], "domain,skill");
    assert_eq!(framework["Scale values"].split(',').count(), 2);
    let config: serde_json::Value =
        serde_json::from_str(&framework["Scale configuration"]).unwrap();
    let items = config.as_array().unwrap();
    assert!(items[0].get("scaleid").is_some());
    assert_eq!(
        items[1..].iter().filter(|i| i["scaledefault"] == 1).count(),
        1
    );
    assert!(items[1..].iter().any(|i| i["proficient"] == 1));
    let competencies: Vec<_> = rows
        .iter()
        .filter(|r| r["Is framework"].is_empty())
        .collect();
    let ids: BTreeSet<&str> = competencies
        .iter()
        .map(|r| r["ID number"].as_str())
        .collect();
    assert_eq!(ids.len(), competencies.len(), "ID numbers repeat");
    let parent_of = |id: &str| {
        competencies
            .iter()
            .find(|r| r["ID number"] == id)
            .map(|r| r["Parent ID number"].as_str())
    };
    assert_eq!(parent_of("common"), Some(""));
    assert_eq!(parent_of("efficiency"), Some(""));
    assert_eq!(parent_of("security-literacy"), Some("common"));
    assert_eq!(parent_of("tool-spreadsheet"), Some("efficiency"));
    assert_eq!(competencies.len(), 5);
    let skill = competencies
        .iter()
        .find(|r| r["ID number"] == "privacy")
        .unwrap();
    assert_eq!(skill["Description"], "個人情報の取扱いを理解する。");
}

/// Moodle's grade list (question_bank::fraction_options_full), in percent.
const MOODLE_GRADES: [f64; 21] = [
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
    20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
];

/// Checks one `<question>` by the rules of its type in the Moodle XML format.
fn check_question(question: roxmltree::Node, file: &str) {
    let kind = question.attribute("type").unwrap();
    let child = |name: &str| question.children().find(|c| c.has_tag_name(name));
    let text_of = |name: &str| {
        child(name)
            .and_then(|n| n.children().find(|c| c.has_tag_name("text")))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        !text_of("name").is_empty(),
        "{file}: a question without a name"
    );
    assert!(
        !text_of("questiontext").is_empty(),
        "{file}: a question without text"
    );
    let fractions: Vec<f64> = question
        .children()
        .filter(|c| c.has_tag_name("answer"))
        .map(|a| a.attribute("fraction").unwrap().parse().unwrap())
        .collect();
    for f in &fractions {
        assert!(
            MOODLE_GRADES.iter().any(|g| (g - f.abs()).abs() < 0.0001),
            "{file}: fraction {f} is not one of Moodle's grades"
        );
    }
    let positive: f64 = fractions.iter().filter(|f| **f > 0.0).sum();
    match kind {
        "multichoice" => {
            assert!(fractions.len() >= 2, "{file}: fewer than two choices");
            let single = child("single").and_then(|n| n.text()).unwrap_or_default();
            match single {
                "true" => assert_eq!(fractions.iter().filter(|f| **f == 100.0).count(), 1),
                "false" => assert!(
                    (positive - 100.0).abs() < 0.001,
                    "{file}: right answers add to {positive}"
                ),
                other => panic!("{file}: <single> is {other:?}"),
            }
        }
        "truefalse" => {
            let answers: Vec<&str> = question
                .children()
                .filter(|c| c.has_tag_name("answer"))
                .map(|a| {
                    a.children()
                        .find(|c| c.has_tag_name("text"))
                        .unwrap()
                        .text()
                        .unwrap()
                })
                .collect();
            assert_eq!(answers, ["true", "false"]);
            assert_eq!(positive, 100.0);
        }
        "shortanswer" => assert!(fractions.contains(&100.0), "{file}: no full-mark answer"),
        other => panic!("{file}: unexpected question type {other}"),
    }
}

#[test]
fn question_files_follow_the_moodle_xml_format() {
    let site = TestSite::shipped();
    site.run(&["export", "moodle-questions", "--out", "questions"])
        .assert_success();
    let mut kinds = BTreeSet::new();
    let mut files = 0;
    for entry in fs::read_dir(site.path("questions")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let file = path.display().to_string();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let root = doc.root_element();
        assert!(root.has_tag_name("quiz"));
        let questions: Vec<_> = root
            .children()
            .filter(|c| c.has_tag_name("question"))
            .collect();
        assert_eq!(
            questions[0].attribute("type"),
            Some("category"),
            "{file}: no category first"
        );
        let category = questions[0]
            .descendants()
            .find(|n| n.has_tag_name("text"))
            .unwrap();
        assert!(category.text().unwrap().starts_with("$course$/top/"));
        assert!(questions.len() >= 2, "{file}: no question");
        for question in &questions[1..] {
            kinds.insert(question.attribute("type").unwrap().to_string());
            check_question(*question, &file);
        }
        files += 1;
    }
    assert!(files >= 10);
    assert_eq!(
        kinds,
        ["multichoice", "shortanswer", "truefalse"]
            .map(String::from)
            .into()
    );
}
