//! `kenshu report` on records made here for the shipped site: merged
//! duplicates, a schema-1 file, another portal's file, broken files and a
//! CP932 roster giving roles by name and by id. The tests read the figures
//! back from the CSV files and the page, not just that files exist.

use crate::common::TestSite;
use serde_json::{json, Value};
use std::fs;

/// Ids listed in an attribute of a built page, e.g. a step's modules.
pub(crate) fn ids_in(html: &str, attribute: &str) -> Vec<String> {
    let start = html.find(&format!("{attribute}=\"")).expect(attribute) + attribute.len() + 2;
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .split_whitespace()
        .map(String::from)
        .collect()
}

pub(crate) struct Shipped {
    pub site: TestSite,
    /// The level-1 modules of 一般行政職員 (受講 = all passed).
    pub literacy: Vec<String>,
    pub curriculum: Vec<String>,
    pub key: String,
    pub question: String,
}

pub(crate) fn shipped() -> Shipped {
    let site = TestSite::shipped();
    site.run(&["build", "--out", "built"]).assert_success();
    let role = site.read("built/roles/general-staff/index.html");
    let config = site.read("built/assets/site-config.js");
    let key_at = config.find("kenshu:").expect("progress key");
    let key = config[key_at..].split('"').next().unwrap().to_string();
    let literacy = ids_in(&role, "data-step-level=\"1\" data-step-modules");
    let module = site.read(&format!("built/modules/{}/index.html", literacy[0]));
    Shipped {
        literacy,
        curriculum: ids_in(&role, "data-modules"),
        question: ids_in(&module, "data-question-id")[0].clone(),
        key,
        site,
    }
}

pub(crate) fn passed(at: &str) -> Value {
    json!({ "passed": true, "bestScore": 100, "lastScore": 100, "attempts": 1, "passedAt": at, "updatedAt": at })
}

pub(crate) fn record(key: &str, learner: Value, modules: Value, exported: &str) -> Value {
    json!({ "format": "kenshu-progress", "schema": 2, "site": { "title": "t", "organization": "o", "key": key },
            "exportedAt": exported, "learner": learner, "selfAssessment": {}, "modules": modules })
}

/// Writes the records and the CP932 roster; returns nothing the tests need.
fn write_inputs(s: &Shipped) {
    let (half, rest) = s.literacy.split_at(s.literacy.len() / 2);
    let first = &s.literacy[0];
    let yamada = json!({ "name": "山田 太郎", "staffNumber": "S001", "department": "デジタル推進課", "role": "general-staff" });
    let mut early = serde_json::Map::new();
    for id in half {
        early.insert(id.clone(), passed("2026-10-01T00:00:00.000Z"));
    }
    early.insert(first.clone(), json!({ "passed": true, "bestScore": 100, "attempts": 2, "passedAt": "2026-10-01T00:00:00.000Z",
        "updatedAt": "2026-10-02T00:00:00.000Z", "firstScore": 40, "firstMissed": [s.question] }));
    let mut a1 = record(
        &s.key,
        yamada.clone(),
        Value::Object(early),
        "2026-10-05T00:00:00.000Z",
    );
    a1["selfAssessment"] =
        json!({ "dx-necessity": { "level": 3, "assessedAt": "2026-10-05T00:00:00.000Z" } });
    let mut late = serde_json::Map::new();
    for id in rest {
        late.insert(id.clone(), passed("2026-11-01T00:00:00.000Z"));
    }
    late.insert(first.clone(), json!({ "passed": false, "bestScore": 90, "attempts": 1, "firstScore": 90, "firstMissed": [] }));
    let mut a2 = record(
        &s.key,
        yamada,
        Value::Object(late),
        "2026-11-30T16:00:00.000Z",
    );
    a2["selfAssessment"] =
        json!({ "dx-necessity": { "level": 2, "assessedAt": "2026-09-01T00:00:00.000Z" } });
    let mut sato = record(
        &s.key,
        json!({ "name": "佐藤 次郎", "staffNumber": "S002", "department": "デジタル推進課" }),
        json!({ first.clone(): passed("2026-10-01T00:00:00.000Z") }),
        "2026-11-01T00:00:00.000Z",
    );
    sato["schema"] = json!(1);
    sato.as_object_mut().unwrap().remove("selfAssessment");
    let suzuki = record(
        &s.key,
        json!({ "name": "鈴木　花子", "staffNumber": "", "department": "税務課" }),
        json!({}),
        "2026-11-02T00:00:00.000Z",
    );
    let other = record(
        "kenshu:00000000",
        json!({ "staffNumber": "S004" }),
        json!({}),
        "2026-11-02T00:00:00.000Z",
    );
    let mut bad_score = record(
        &s.key,
        json!({ "staffNumber": "S004" }),
        json!({ first.clone(): passed("2026-10-01T00:00:00.000Z") }),
        "2026-11-02T00:00:00.000Z",
    );
    bad_score["modules"][first]["bestScore"] = json!(150);
    let mut future = suzuki.clone();
    future["schema"] = json!(3);
    let mut proto = suzuki.clone();
    proto["modules"] = json!({ "__proto__": passed("2026-10-01T00:00:00.000Z") });
    let mut level = suzuki.clone();
    level["selfAssessment"] = json!({ "dx-necessity": { "level": 9 } });
    let files = [
        ("in/a/yamada-1.json", &a1),
        ("in/b/yamada-2.json", &a2),
        ("in/a/sato.json", &sato),
        ("in/suzuki.json", &suzuki),
        ("in/other.json", &other),
        ("in/score.json", &bad_score),
        ("in/future.json", &future),
    ];
    for (path, value) in files {
        s.site
            .write(path, &serde_json::to_string_pretty(value).unwrap());
    }
    s.site
        .write("in/broken.json", "{ \"format\": \"kenshu-progress\", ");
    s.site
        .write("in/big.json", &" ".repeat(2 * 1024 * 1024 + 10));
    s.site.write("in/notes.txt", "not a record");
    let roster = "職員番号,氏名,所属,人材像\r\nS001,山田 太郎,デジタル推進課,一般行政職員\r\nS002,佐藤 次郎,デジタル推進課,DX推進員\r\nS003,鈴木 花子,税務課,manager\r\nS004,田中 三郎,税務課,general-staff\r\n";
    fs::write(
        s.site.path("roster.csv"),
        encoding_rs::SHIFT_JIS.encode(roster).0,
    )
    .unwrap();
}

/// The rows of a CSV file (after its BOM), split on commas (no quoted commas here).
pub(crate) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("UTF-8 BOM");
    text.lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

pub(crate) fn cell<'a>(rows: &'a [Vec<String>], key: &str, column: &str) -> &'a str {
    let at = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("column {column}"));
    let row = rows
        .iter()
        .find(|r| r[0] == key)
        .unwrap_or_else(|| panic!("row {key}"));
    &row[at]
}

#[test]
fn report_counts_the_roster_merges_duplicates_and_warns_about_bad_files() {
    let s = shipped();
    write_inputs(&s);
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"]);
    run.assert_success();
    for file in [
        "other.json",
        "score.json",
        "future.json",
        "broken.json",
        "big.json",
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("警告:") && l.contains(file)),
            "{file}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("別のポータル")
            && run.stderr.contains("2 MB")
            && run.stderr.contains("bestScore"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("notes.txt"));
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(
        cell(&people, "S001", "合格数"),
        s.literacy.len().to_string()
    );
    assert_eq!(
        cell(&people, "S001", "カリキュラム数"),
        s.curriculum.len().to_string()
    );
    assert_eq!(cell(&people, "S001", "到達Step"), "Step1");
    assert_eq!(
        cell(&people, "S001", "最終提出日"),
        "2026-12-01",
        "the later file, as a date in Japan"
    );
    assert_eq!(
        cell(&people, "S001", "自己評価:DXの必要性理解"),
        "3",
        "the later assessment wins"
    );
    assert_eq!(
        cell(&people, "S002", "人材像"),
        "DX推進員",
        "role by name in the roster"
    );
    assert_eq!(
        cell(&people, "S003", "人材像"),
        "管理監督職",
        "role by id in the roster"
    );
    assert_eq!(
        cell(&people, "S003", "最終提出日"),
        "2026-11-02",
        "matched by 氏名+所属"
    );
    assert_eq!(cell(&people, "S004", "備考"), "未提出");
    assert_eq!(people.len(), 5, "four on the roster, nobody else");
    let departments = csv_rows(&s.site.read("report/departments.csv"));
    assert_eq!(
        &departments[1][..5],
        ["デジタル推進課", "2", "2", "1", "50"]
    );
    assert_eq!(&departments[2][..5], ["税務課", "2", "1", "0", "0"]);
    let modules = csv_rows(&s.site.read("report/modules.csv"));
    let first = &s.literacy[0];
    assert_eq!(cell(&modules, first, "合格者数"), "2");
    assert_eq!(
        cell(&modules, first, "初回平均点"),
        "40",
        "the first file's first attempt is kept"
    );
    assert!(cell(&modules, first, "初回に多く間違えた問題").ends_with("（1人）"));
    let page = s.site.read("report/index.html");
    assert!(
        page.contains("<dt>リテラシー研修の受講率</dt><dd>25.0%</dd>"),
        "1 of 4 on the roster"
    );
    assert!(
        page.contains("<td>リテラシー研修の受講率</td><td>100%</td><td>5年以内</td><td>50.0%</td>"),
        "一般行政職員: 1 of 2"
    );
    assert!(page.contains("記録を提出していない職員（1 人）") && page.contains("田中 三郎"));
    assert!(page.contains("個人情報"), "privacy notice");
    assert!(
        !page.contains("<script") && !page.contains("style="),
        "no script, no inline style"
    );
    assert!(
        s.site.read("report/kenshu.css").contains(".site-header"),
        "the portal's look"
    );
    assert!(fs::read(s.site.path("report/report.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
}

#[test]
fn without_a_roster_everyone_who_handed_in_is_counted() {
    let s = shipped();
    write_inputs(&s);
    s.site
        .run(&["report", "--out", "report", "in"])
        .assert_success();
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(
        people.len(),
        4,
        "S001 (two files), S002 and 鈴木 花子 without a number"
    );
    assert_eq!(cell(&people, "S002", "人材像"), "", "schema 1: no role");
    let page = s.site.read("report/index.html");
    assert!(page.contains("記録を提出した職員 3 人"), "{page}");
    assert!(
        !page.contains("missing-heading"),
        "no list of who handed in nothing"
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let s = shipped();
    write_inputs(&s);
    for out in ["one", "two"] {
        s.site
            .run(&["report", "--roster", "roster.csv", "--out", out, "in"])
            .assert_success();
    }
    for file in [
        "index.html",
        "people.csv",
        "modules.csv",
        "departments.csv",
        "report.xlsx",
        "kenshu.css",
        "report.css",
    ] {
        let (one, two) = (
            fs::read(s.site.path(&format!("one/{file}"))).unwrap(),
            fs::read(s.site.path(&format!("two/{file}"))).unwrap(),
        );
        assert!(one == two, "{file} differs between two runs");
    }
}

#[test]
fn anonymise_replaces_names_and_numbers_with_stable_pseudonyms() {
    let s = shipped();
    write_inputs(&s);
    for out in ["a", "b"] {
        s.site
            .run(&[
                "report",
                "--anonymise",
                "--roster",
                "roster.csv",
                "--out",
                out,
                "in",
            ])
            .assert_success();
    }
    let text = s.site.read("a/people.csv");
    let page = s.site.read("a/index.html");
    for secret in ["S001", "S004", "山田", "田中 三郎"] {
        assert!(
            !text.contains(secret) && !page.contains(secret),
            "{secret} leaked"
        );
    }
    assert_eq!(text, s.site.read("b/people.csv"), "stable");
    let rows = csv_rows(&text);
    let numbers: std::collections::BTreeSet<&str> =
        rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(numbers.len(), 4, "one pseudonym each");
    assert!(
        numbers.iter().all(|n| n.starts_with('P') && n.len() == 11),
        "{numbers:?}"
    );
    let departments = csv_rows(&s.site.read("a/departments.csv"));
    assert_eq!(
        &departments[1][..5],
        ["デジタル推進課", "2", "2", "1", "50"],
        "same figures"
    );
}

#[test]
fn a_bad_roster_stops_the_report_with_located_japanese_errors() {
    let s = shipped();
    write_inputs(&s);
    let roster = "氏名,職員番号,所属,人材像\nA,S1,課,一般行政職員\nB,S1,課,魔法使い\n";
    fs::write(
        s.site.path("bad.csv"),
        encoding_rs::SHIFT_JIS.encode(roster).0,
    )
    .unwrap();
    let run = s
        .site
        .run(&["report", "--roster", "bad.csv", "--out", "report", "in"]);
    run.assert_failure();
    assert!(
        run.stderr.contains("bad.csv:3:2") && run.stderr.contains("職員番号 S1 が重複しています"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bad.csv:3:4") && run.stderr.contains("人材像「魔法使い」"),
        "{}",
        run.stderr
    );
    // The hint names the site's roles, listed the Japanese way.
    assert!(
        run.stderr.contains("人材像の名前（一般行政職員、")
            && run.stderr.contains("か ID（general-staff、"),
        "{}",
        run.stderr
    );
    assert!(!s.site.path("report").exists(), "nothing written");
    let said = roster_refusal(&s, "bad.csv", "職員番号,氏名\nS1,A\n");
    assert!(
        said.contains("「所属」の列がありません") && said.contains("「人材像」の列がありません"),
        "{said}"
    );
}

/// Runs the report with `text` as its roster, which must stop it before
/// anything is written; returns what it said.
fn roster_refusal(s: &Shipped, name: &str, text: &str) -> String {
    fs::write(s.site.path(name), text).unwrap();
    let run = s
        .site
        .run(&["report", "--roster", name, "--out", "report", "in"]);
    run.assert_failure();
    assert!(!s.site.path("report").exists(), "nothing written");
    run.stderr
}

#[test]
fn a_roster_row_with_an_open_quote_or_a_value_too_many_is_located() {
    let s = shipped();
    write_inputs(&s);
    let roster = "\u{feff}職員番号,氏名,所属,人材像\r\nS1,\"山田 太郎,総務課,一般行政職員\r\nS2,B,課,一般行政職員\r\n";
    let said = roster_refusal(&s, "open.csv", roster);
    assert!(
        said.contains("open.csv:2:1") && said.contains("この行の値は 2 個しかありません"),
        "{said}"
    );
    let roster = "職員番号,氏名,所属,人材像\nS1,A,課,一般行政職員,,\nS2,B,課,一般行政職員,余分\n";
    let said = roster_refusal(&s, "extra.csv", roster);
    assert!(
        said.contains("extra.csv:3:1") && said.contains("見出しのない列"),
        "{said}"
    );
    assert!(!said.contains("extra.csv:2:"), "{said}");
}

#[test]
fn generated_records_are_all_read_and_match_the_roster() {
    let s = shipped();
    let corpus = std::process::Command::new(env!("CARGO_BIN_EXE_kenshu-corpus"))
        .args(["--records", "120", "--site", ".", "--out", "gen"])
        .current_dir(s.site.root())
        .output()
        .expect("run kenshu-corpus");
    assert!(
        corpus.status.success(),
        "{}",
        String::from_utf8_lossy(&corpus.stderr)
    );
    let run = s.site.run(&[
        "report",
        "--roster",
        "gen/roster.csv",
        "--out",
        "report",
        "gen/records",
    ]);
    run.assert_success();
    assert!(!run.stderr.contains("警告"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("120 ファイルを読み、0 ファイルを除外し、126 人分"),
        "{}",
        run.stdout
    );
    let people = csv_rows(&s.site.read("report/people.csv"));
    let missing = people
        .iter()
        .filter(|r| r.last().is_some_and(|c| c == "未提出"))
        .count();
    // 120 files: 2 are second files of someone, 118 people handed in, 8 of 126 did not.
    assert_eq!(missing, 126 - 118, "people without a file");
}

#[test]
fn with_lang_en_the_warnings_are_english() {
    let s = shipped();
    write_inputs(&s);
    s.site.write(
        "in/empty.json",
        "{ \"format\": \"kenshu-progress\", \"schema\": 2, \"learner\": {} }",
    );
    let run = s.site.run(&[
        "--lang",
        "en",
        "report",
        "--roster",
        "roster.csv",
        "--out",
        "report",
        "in",
    ]);
    run.assert_success();
    let warnings: Vec<&str> = run.stderr.lines().collect();
    let line = |file: &str| {
        *warnings
            .iter()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file}: {}", run.stderr))
    };
    assert!(line("other.json")
        .contains("a record from another portal (its site.key is kenshu:00000000"));
    assert!(line("big.json").ends_with("big.json: larger than 2 MB; left out of the figures"));
    assert!(
        line("score.json").contains(".bestScore must be a whole number from 0 to 100; left out")
    );
    assert!(line("future.json").contains("unsupported format version (schema: 3)"));
    assert!(line("broken.json").contains("not readable as the JSON of a learning record ("));
    assert!(line("empty.json").ends_with("empty.json: modules is missing; left out of the figures"));
    assert_eq!(warnings.len(), 6, "{}", run.stderr);
    for warning in &warnings {
        assert!(warning.starts_with("warning: "), "{warning}");
        assert!(
            !warning
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "kana in an English warning: {warning}"
        );
    }
    assert!(
        run.stdout.starts_with("report: 4 files read, 6 left out"),
        "{}",
        run.stdout
    );
    // Japanese stays the default, in the same words as before.
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"]);
    assert!(
        run.stderr.lines().any(|l| l.starts_with("警告: ")
            && l.ends_with("empty.json: modules がありません。集計に入れません")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("future.json: 対応していない形式の版です（schema: 3）。集計に入れません"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_input_that_does_not_exist_or_holds_no_record_writes_nothing() {
    let s = shipped();
    write_inputs(&s);
    s.site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"])
        .assert_success();
    let before = s.site.read("report/people.csv");
    // A mistyped folder name: an error, and last week's report stays.
    let run = s.site.run(&[
        "report",
        "--roster",
        "roster.csv",
        "--out",
        "report",
        "in",
        "nowhere",
    ]);
    run.assert_failure();
    assert!(
        run.stderr
            .contains("エラー: nowhere: ファイルもフォルダーもありません"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("何も書き出していません"),
        "{}",
        run.stderr
    );
    fs::create_dir_all(s.site.path("empty-folder")).unwrap();
    let run = s.site.run(&["report", "--out", "report", "empty-folder"]);
    run.assert_failure();
    assert!(
        run.stderr
            .contains("読み込めた記録ファイルがありません（見つかった .json ファイル 0 件）"),
        "{}",
        run.stderr
    );
    assert_eq!(s.site.read("report/people.csv"), before);
}

#[test]
fn a_report_never_replaces_a_portal_or_a_folder_of_other_files() {
    let s = shipped();
    write_inputs(&s);
    s.site.run(&["build", "--out", "portal"]).assert_success();
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "portal", "in"]);
    run.assert_failure();
    assert!(
        run.stderr.contains("ポータルのフォルダーです"),
        "{}",
        run.stderr
    );
    assert!(
        s.site.path("portal/modules").is_dir(),
        "the portal is intact"
    );
    fs::create_dir_all(s.site.path("shared")).unwrap();
    fs::write(s.site.path("shared/予算資料.xlsx"), "mine").unwrap();
    s.site
        .run(&["report", "--roster", "roster.csv", "--out", "shared", "in"])
        .assert_failure();
    assert_eq!(
        fs::read_to_string(s.site.path("shared/予算資料.xlsx")).unwrap(),
        "mine"
    );
    assert!(!s.site.path("shared/people.csv").exists());
    // A report folder is refused as a portal's output in turn.
    s.site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"])
        .assert_success();
    let run = s.site.run(&["build", "--out", "report"]);
    run.assert_failure();
    assert!(
        run.stderr.contains("報告書のフォルダーです"),
        "{}",
        run.stderr
    );
    assert!(s.site.path("report/people.csv").is_file());
}

/// Makes the site use the theme `mine` (themes/mine/), which falls back to
/// the built-in theme for everything it does not have.
fn use_own_theme(s: &Shipped) {
    let config = s.site.read("content/site.yaml");
    s.site
        .write("content/site.yaml", &format!("{config}\ntheme: mine\n"));
}

#[test]
fn the_page_words_come_from_the_theme_strings_of_the_site() {
    let s = shipped();
    write_inputs(&s);
    use_own_theme(&s);
    let strings = s.site.read("themes/default/i18n/ja.yaml");
    let changed = strings
        .replace("  title: 学習状況レポート\n", "  title: 研修の受講状況\n")
        .replace(
            "  privacy_heading: 取り扱いの注意\n",
            "  privacy_heading: 個人情報の扱い <注意>\n",
        )
        .replace(
            "  no_role: （人材像未設定）\n",
            "  no_role: 役割の記入なし\n",
        );
    assert_ne!(changed, strings);
    s.site.write("themes/mine/i18n/ja.yaml", &changed);
    s.site
        .run(&["report", "--out", "report", "in"])
        .assert_success();
    let page = s.site.read("report/index.html");
    assert!(page.contains("<title>研修の受講状況 | "), "{page}");
    assert!(page.contains("<h1>研修の受講状況</h1>"));
    assert!(
        page.contains("<h2 id=\"privacy-heading\">個人情報の扱い &lt;注意&gt;</h2>"),
        "escaped once, by the template"
    );
    assert!(
        page.contains("<th scope=\"row\">役割の記入なし</th>"),
        "the row of staff without a role (schema 1 has none)"
    );
    assert!(
        page.contains(">役割の記入なし</text>"),
        "the chart's bar of that row"
    );
    assert!(!page.contains("学習状況レポート") && !page.contains("人材像未設定"));
    // The tables' columns are an interface: the theme does not change them.
    assert!(s.site.read("report/people.csv").starts_with(
        "\u{feff}職員番号,氏名,所属,人材像,合格数,カリキュラム数,到達Step,最終提出日,"
    ));
}

#[test]
fn a_report_template_of_the_site_theme_replaces_the_built_in_one() {
    let s = shipped();
    write_inputs(&s);
    use_own_theme(&s);
    s.site.write(
        "themes/mine/templates/report.html",
        "<!DOCTYPE html>\n<html lang=\"{{ site.lang }}\"><head><title>{{ ui.report.title }}</title></head><body>\
         <p id=\"n\">{{ summary.people }}/{{ summary.submitted }}</p>\
         {% for d in departments %}<p>{{ d.name }}={{ d.attendance }}</p>{% endfor %}\
         {% for p in missing.people %}<p>{{ p.name }}</p>{% endfor %}</body></html>\n",
    );
    s.site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"])
        .assert_success();
    let page = s.site.read("report/index.html");
    assert!(
        page.starts_with(
            "<!DOCTYPE html>\n<html lang=\"ja\"><head><title>学習状況レポート</title>"
        ),
        "{page}"
    );
    assert!(page.contains("<p id=\"n\">4/3</p>"), "{page}");
    assert!(
        page.contains("<p>デジタル推進課=50.0%</p><p>税務課=0.0%</p>"),
        "{page}"
    );
    assert!(page.contains("<p>田中 三郎</p>") && !page.contains("report-chart"));
    // A mistake in it is reported at its line, and nothing is written.
    s.site.write(
        "themes/mine/templates/report.html",
        "<p>\n{{ summary.no_such_field }}</p>\n",
    );
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "again", "in"]);
    run.assert_failure();
    assert!(
        run.stderr.contains(
            "themes/mine/templates/report.html:2:4: テンプレートのエラー: undefined value"
        ),
        "{}",
        run.stderr
    );
    assert!(!s.site.path("again").exists(), "nothing written");
}

#[test]
fn impossible_or_future_dates_and_bad_values_are_named_in_japanese() {
    let s = shipped();
    let module = &s.literacy[0];
    let learner = json!({ "name": "=HYPERLINK(\"http://evil.example/\",\"x\")", "staffNumber": "S9", "department": "+SUM(1)", "role": "general-staff" });
    let good = record(
        &s.key,
        learner.clone(),
        json!({ module: passed("2026-10-01T00:00:00.000Z") }),
        "2026-11-01T00:00:00.000Z",
    );
    s.site.write("in/good.json", &good.to_string());
    let cases = [
        (
            "feb30",
            record(
                &s.key,
                learner.clone(),
                json!({}),
                "2024-02-30T10:00:00.000Z",
            ),
            "exportedAt が日時として読めません",
        ),
        (
            "future",
            record(
                &s.key,
                learner.clone(),
                json!({}),
                "2099-12-31T10:00:00.000Z",
            ),
            "exportedAt が未来の日付（2099-12-31）です",
        ),
        (
            "negative",
            record(
                &s.key,
                learner.clone(),
                json!({ module: { "passed": true, "bestScore": -1, "attempts": 1 } }),
                "2026-11-01T00:00:00.000Z",
            ),
            "bestScore は 0〜100 の整数です",
        ),
        (
            "no-passed",
            record(
                &s.key,
                learner.clone(),
                json!({ module: { "bestScore": 10, "attempts": 1 } }),
                "2026-11-01T00:00:00.000Z",
            ),
            "passed がありません",
        ),
    ];
    for (name, value, _) in &cases {
        s.site.write(&format!("in/{name}.json"), &value.to_string());
    }
    s.site.write("in/cut.json", &good.to_string()[..60]);
    let run = s.site.run(&["report", "--out", "report", "in"]);
    run.assert_success();
    for (name, _, said) in &cases {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(&format!("{name}.json")))
            .unwrap_or_else(|| panic!("{name}: {}", run.stderr));
        assert!(line.contains(said), "{line}");
    }
    let cut = run
        .stderr
        .lines()
        .find(|l| l.contains("cut.json"))
        .expect("cut.json");
    assert!(cut.contains("1 行 60 文字目で途切れている"), "{cut}");
    for english in ["expected", "invalid", "missing field", "EOF"] {
        assert!(
            !run.stderr.contains(english),
            "serde's English: {}",
            run.stderr
        );
    }
    let people = s.site.read("report/people.csv");
    assert!(
        people.contains("'=HYPERLINK("),
        "a formula is kept as text: {people}"
    );
    assert!(people.contains("'+SUM(1)"), "{people}");
}

#[test]
fn learner_fields_written_as_null_count_as_not_filled_in() {
    let s = shipped();
    let module = &s.literacy[0];
    let learner = json!({ "name": null, "staffNumber": "S77", "department": null, "role": null });
    let record = record(
        &s.key,
        learner,
        json!({ module: passed("2026-10-01T00:00:00.000Z") }),
        "2026-11-01T00:00:00.000Z",
    );
    s.site.write("nulls/a.json", &record.to_string());
    let run = s.site.run(&["report", "--out", "report", "nulls"]);
    run.assert_success();
    assert!(
        !run.stderr.contains("a.json"),
        "not refused: {}",
        run.stderr
    );
    let people = s.site.read("report/people.csv");
    assert!(people.contains("S77"), "{people}");
}

#[test]
fn without_a_roster_one_person_is_found_by_number_or_by_name_and_department() {
    let s = shipped();
    let module = &s.literacy[0];
    let done = || json!({ module: passed("2026-10-01T00:00:00.000Z") });
    let files = [
        // One person: exported before and after the staff number was typed.
        (
            "a",
            json!({ "name": "山田 太郎", "staffNumber": "", "department": "税務課" }),
        ),
        (
            "b",
            json!({ "name": "山田　太郎", "staffNumber": "S1", "department": "税務課" }),
        ),
        // A namesake in the same department with a number of their own.
        (
            "c",
            json!({ "name": "山田 太郎", "staffNumber": "S2", "department": "税務課" }),
        ),
        // S1 again under another name: kept as S1's, with a warning.
        (
            "d",
            json!({ "name": "田中 一郎", "staffNumber": "S1", "department": "税務課" }),
        ),
    ];
    for (name, learner) in files {
        let text = record(&s.key, learner, done(), "2026-11-01T00:00:00.000Z").to_string();
        s.site.write(&format!("people/{name}.json"), &text);
    }
    let run = s.site.run(&["report", "--out", "report", "people"]);
    run.assert_success();
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(people.len() - 1, 2, "S1 and S2: {people:?}");
    assert!(
        run.stderr.contains("職員番号 S1 の記録に、別の氏名「田中 一郎」があります。「山田 太郎」の記録としてまとめます"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("4"),
        "all four files read: {}",
        run.stdout
    );
}

#[test]
fn a_record_without_a_number_that_two_namesakes_could_own_is_left_out() {
    let s = shipped();
    let module = &s.literacy[0];
    s.site.write(
        "roster.csv",
        "職員番号,氏名,所属,人材像\nD1,合併 太郎,税務課,一般行政職員\nD2,合併 太郎,税務課,一般行政職員\n",
    );
    let done = json!({ module: passed("2026-10-01T00:00:00.000Z") });
    let learner = json!({ "name": "合併　太郎", "staffNumber": "", "department": "税務課" });
    let text = record(&s.key, learner, done, "2026-11-01T00:00:00.000Z").to_string();
    s.site.write("twins/nameless.json", &text);
    let learner = json!({ "name": "合併 太郎", "staffNumber": "D1", "department": "税務課" });
    let text = record(&s.key, learner, json!({}), "2026-11-01T00:00:00.000Z").to_string();
    s.site.write("twins/d1.json", &text);
    let run = s.site.run(&[
        "report",
        "--roster",
        "roster.csv",
        "--out",
        "report",
        "twins",
    ]);
    run.assert_success();
    assert!(
        run.stderr.contains("nameless.json")
            && run
                .stderr
                .contains("だれの記録か決められません。集計に入れません"),
        "{}",
        run.stderr
    );
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(cell(&people, "D1", "合格数"), "0", "{people:?}");
    assert_eq!(cell(&people, "D2", "合格数"), "0", "{people:?}");
}

#[test]
fn staff_without_a_role_reach_the_steps_of_the_role_they_are_measured_against() {
    let s = shipped();
    let mut modules = serde_json::Map::new();
    for id in &s.curriculum {
        modules.insert(id.clone(), passed("2026-10-01T00:00:00.000Z"));
    }
    let modules = Value::Object(modules);
    let with_role = json!({ "name": "甲", "staffNumber": "R1", "department": "税務課", "role": "general-staff" });
    let without = json!({ "name": "乙", "staffNumber": "R2", "department": "税務課" });
    for (name, learner) in [("r1", with_role), ("r2", without)] {
        let text = record(&s.key, learner, modules.clone(), "2026-11-01T00:00:00.000Z").to_string();
        s.site.write(&format!("steps/{name}.json"), &text);
    }
    s.site
        .run(&["report", "--out", "report", "steps"])
        .assert_success();
    let people = csv_rows(&s.site.read("report/people.csv"));
    let reached = cell(&people, "R1", "到達Step");
    assert!(!reached.is_empty(), "the whole curriculum reaches a step");
    assert_eq!(cell(&people, "R2", "到達Step"), reached);
    assert_eq!(cell(&people, "R2", "人材像"), "", "no role is shown as set");
}
