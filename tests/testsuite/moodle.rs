//! `kenshu export moodle-competencies` and `kenshu export moodle-questions`.
//!
//! The files are read back by parsers that follow the formats' rules: the
//! competency CSV as Moodle's tool_lpimportcsv importer reads it (columns by
//! header, one framework row, a tree by parent ID number), the question files
//! by the rules of each question type in the Moodle XML format.

use crate::common::TestSite;
use std::collections::{BTreeSet, HashMap};
use std::fs;

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

#[test]
fn a_site_with_errors_exports_nothing() {
    let site = TestSite::fixture("basic");
    let basics = site.read("content/modules/security/basics.md");
    site.write(
        "content/modules/security/basics.md",
        &basics.replace("level: 1", "level: 9"),
    );
    for (command, out) in [
        ("moodle-competencies", "out/c.csv"),
        ("moodle-questions", "out/q"),
    ] {
        site.run(&["export", command, "--out", out])
            .assert_failure()
            .assert_diagnostic("エラー: content/modules/security/basics.md:");
        assert!(!site.path("out").exists(), "{command} wrote something");
    }
}

#[test]
fn a_module_becomes_one_category_with_its_questions_feedback_and_explanations() {
    let site = TestSite::fixture("basic");
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_success();
    let text = site.read("q/basics.xml");
    let doc = roxmltree::Document::parse(&text).expect("XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        texts[0],
        "$course$/top/テスト研修ポータル/情報セキュリティの基本"
    );
    assert!(
        texts.contains(&"そのとおりです。"),
        "no choice feedback: {texts:?}"
    );
    assert!(texts.contains(&"三層分離ではLGWAN接続系を分離します。"));
    let truefalse = doc
        .descendants()
        .find(|n| n.attribute("type") == Some("truefalse"))
        .expect("a true/false question");
    let right: Vec<&str> = truefalse
        .children()
        .filter(|a| a.has_tag_name("answer") && a.attribute("fraction") == Some("100"))
        .filter_map(|a| a.first_element_child().and_then(|t| t.text()))
        .collect();
    assert_eq!(right, ["false"]);
}

#[test]
fn ids_with_ampersands_wildcards_and_shuffling_are_written_as_moodle_reads_them() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/modules/security/a&b.md",
        "---\ntitle: AとB\nskills: [privacy]\n---\n```quiz\n- question: 記号は？\n  answer: [\"a*b\"]\n- question: 選ぶ\n  choices:\n    - text: 一\n      correct: true\n    - text: 二\n- question: 順序どおり\n  shuffle: false\n  choices:\n    - text: 一\n      correct: true\n    - text: 二\n```\n",
    );
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_success();
    let text = site.read("q/a&b.xml");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("idnumber") || n.has_tag_name("shuffleanswers"))
        .filter_map(|n| n.text())
        .collect();
    // Each question: its idnumber, then (choices) whether Moodle shuffles them.
    assert_eq!(texts, ["a&b-q1", "a&b-q2", "1", "a&b-q3", "0"]);
    assert!(
        text.contains("<text>a\\*b</text>"),
        "a literal * in a short answer"
    );
}

#[test]
fn exports_replace_only_the_files_they_wrote() {
    let site = TestSite::fixture("basic");
    site.run(&["export", "moodle-competencies", "--out", "c.csv"])
        .assert_success();
    site.run(&["export", "moodle-competencies", "--out", "c.csv"])
        .assert_success();
    site.write("budget.csv", "予算,金額\n");
    let run = site.run(&["export", "moodle-competencies", "--out", "budget.csv"]);
    run.assert_failure();
    assert!(
        run.stderr
            .contains("kenshu が書き出したファイルではありません"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("budget.csv"), "予算,金額\n");
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_success();
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_success();
    site.write("q/basics.xml", "<mine/>");
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_failure();
    assert_eq!(site.read("q/basics.xml"), "<mine/>");
}

#[test]
fn exports_and_packages_are_not_written_into_the_sources() {
    let site = TestSite::fixture("basic");
    for args in [
        &["export", "moodle-questions", "--out", "content/modules/q"][..],
        &[
            "export",
            "moodle-competencies",
            "--out",
            "content/static/c.csv",
        ][..],
        &["package", "scorm", "--out", "themes/zips"][..],
    ] {
        let run = site.run(args);
        run.assert_failure();
        assert!(
            run.stderr.contains("次のビルドでそのまま公開されてしまう"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!site.path("content/modules/q").exists());
    assert!(!site.path("content/static/c.csv").exists());
    assert!(!site.path("themes/zips").exists());
    // The defaults lie beside the sources, not in them.
    site.run(&["export", "moodle-questions"]).assert_success();
    site.run(&["package", "scorm"]).assert_success();
}

/// The fixture with `quiz` as the spreadsheet module's only quiz block.
fn site_with_quiz(quiz: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    let module = "content/modules/tools/spreadsheet.md";
    let text = site.read(module);
    let front = &text[..text.find("\n---\n").unwrap() + 5];
    site.write(module, &format!("{front}\n## 問題\n\n```quiz\n{quiz}```\n"));
    site
}

#[test]
fn ignored_characters_are_left_out_of_a_second_moodle_answer_with_a_warning() {
    let site = site_with_quiz("- question: 番号は？\n  answer: [03-1234]\n  ignore: \"-\"\n");
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_success()
        .assert_diagnostic("警告: content/modules/tools/spreadsheet.md:12:1: Moodle の記述問題には ignore: に当たる設定がありません");
    let text = fs::read_to_string(site.path("q/spreadsheet.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("XML");
    let answers: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("answer"))
        .filter_map(|a| a.children().find(|c| c.has_tag_name("text"))?.text())
        .collect();
    assert_eq!(answers, ["03-1234", "031234"]);
}

#[test]
fn a_question_with_more_right_choices_than_moodle_grades_is_refused() {
    let choices: String = (1..=11)
        .map(|n| format!("    - text: 正答{n}\n      correct: true\n"))
        .collect();
    let quiz =
        format!("- question: 正しいものをすべて選べ。\n  choices:\n{choices}    - text: 誤答\n");
    let site = site_with_quiz(&quiz);
    site.check().assert_success();
    site.run(&["export", "moodle-questions", "--out", "q"])
        .assert_failure()
        .assert_diagnostic("エラー: content/modules/tools/spreadsheet.md:12:1: この問題は正答の選択肢が 11 個あります");
    assert!(!site.path("q").exists(), "nothing written");
}
