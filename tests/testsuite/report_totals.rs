//! `kenshu report`: what its totals count, and that the office can see it.
//! A roster alone (no record yet) still makes a report; a date in the
//! future leaves its file out with what to do; a module's figures count the
//! staff it targets apart from the others; a role id the site does not have
//! is a located warning and a row of its own; and every file left out or
//! doubted is listed on the page and in the workbook.

use crate::report::{cell, csv_rows, ids_in, passed, record, shipped, Shipped};
use serde_json::{json, Value};
use std::io::Read;

const ROSTER: &str = "職員番号,氏名,所属,人材像\n\
    T1,青木 一郎,総務課,一般行政職員\n\
    T2,井上 二郎,総務課,DX推進員\n\
    T3,上田 三子,税務課,\n";

/// The sheet of report.xlsx named `name`, as its XML text.
fn sheet_xml(s: &Shipped, workbook: &str, name: &str) -> Option<String> {
    let file = std::fs::File::open(s.site.path(workbook)).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |path: &str| {
        let mut text = String::new();
        zip.by_name(path).ok()?.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let book = read("xl/workbook.xml")?;
    let at = book
        .split("<sheet ")
        .skip(1)
        .position(|sheet| sheet.contains(&format!("name=\"{name}\"")))?;
    read(&format!("xl/worksheets/sheet{}.xml", at + 1))
}

/// An ISO 8601 UTC date-time `seconds` from now, as the portal writes it.
fn from_now(seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let t = now + seconds;
    let (days, rest) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Days to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, sec) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}.000Z")
}

fn write_json(s: &Shipped, path: &str, value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap();
    s.site.write(path, &text);
    text
}

#[test]
fn a_roster_alone_makes_a_report_where_nobody_has_handed_in_yet() {
    let s = shipped();
    s.site.write("roster.csv", ROSTER);
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "report"]);
    run.assert_success();
    assert!(run.stdout.contains("0 ファイルを読み"), "{}", run.stdout);
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(people.len() - 1, 3, "{people:?}");
    for number in ["T1", "T2", "T3"] {
        assert_eq!(cell(&people, number, "備考"), "未提出");
        assert_eq!(cell(&people, number, "合格数"), "0");
    }
    let departments = csv_rows(&s.site.read("report/departments.csv"));
    assert_eq!(&departments[1][..5], ["税務課", "1", "0", "0", "0"]);
    assert_eq!(&departments[2][..5], ["総務課", "2", "0", "0", "0"]);
    let page = s.site.read("report/index.html");
    assert!(page.contains("<dt>リテラシー研修の受講率</dt><dd>0.0%</dd>"));
    assert!(page.contains("記録を提出していない職員（3 人）"), "{page}");
    assert!(page.contains("集計に入れなかったファイルも、確認が必要なファイルもありません"));
    // An empty folder of submissions is the same report.
    std::fs::create_dir_all(s.site.path("submissions")).unwrap();
    let args = ["report", "--roster", "roster.csv", "--out", "again"];
    s.site
        .run(&[&args[..], &["submissions"]].concat())
        .assert_success();
    assert_eq!(
        s.site.read("again/people.csv"),
        s.site.read("report/people.csv")
    );
    // Neither records nor a roster: nothing to report on, said in Japanese.
    let run = s.site.run(&["report", "--out", "none"]);
    run.assert_failure();
    assert!(
        run.stderr
            .contains("記録ファイルも名簿も指定されていません")
            && run.stderr.contains("--roster 名簿.csv だけでも作れます"),
        "{}",
        run.stderr
    );
    assert!(!s.site.path("none").exists(), "nothing written");
}

#[test]
fn a_date_more_than_a_day_ahead_leaves_the_file_out_and_says_what_to_do() {
    let s = shipped();
    let module = &s.literacy[0];
    let learner = |n: &str| json!({ "name": n, "staffNumber": n, "department": "総務課" });
    let ahead = from_now(2 * 86_400);
    let soon = from_now(12 * 3600);
    let far = record(
        &s.key,
        learner("F1"),
        json!({ module: passed(&ahead) }),
        &soon,
    );
    write_json(&s, "in/ahead.json", &far);
    let near = record(
        &s.key,
        learner("F2"),
        json!({ module: passed(&soon) }),
        &soon,
    );
    write_json(&s, "in/soon.json", &near);
    let run = s.site.run(&["report", "--out", "report", "in"]);
    run.assert_success();
    let field = format!("modules.{module}.passedAt が未来の日付");
    assert!(
        run.stderr.contains(&format!("in/ahead.json: {field}"))
            && run.stderr.contains("24時間より先の日時は使えません")
            && run
                .stderr
                .contains("ヒント: 受講者の PC の日付と時刻の設定を直して"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("soon.json"), "{}", run.stderr);
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(people.len() - 1, 1, "only F2: {people:?}");
    assert_eq!(
        cell(&people, "F2", "合格数"),
        "1",
        "12 hours ahead is forgiven"
    );
    let page = s.site.read("report/index.html");
    let listed = &page[page.find("id=\"files-heading\"").expect("the list")..];
    assert!(
        listed.contains("<code>in/ahead.json</code>") && listed.contains(&field),
        "{listed}"
    );
}

#[test]
fn a_modules_counts_are_of_the_staff_it_targets_and_the_others_apart() {
    let s = shipped();
    let promoter = s.site.read("built/roles/dx-promoter/index.html");
    let promoter_only: Vec<String> = ids_in(&promoter, "data-modules")
        .into_iter()
        .filter(|m| !s.curriculum.contains(m))
        .collect();
    let module = &promoter_only[0];
    let done = json!({ module: passed("2026-10-01T00:00:00.000Z"), &s.literacy[0]: passed("2026-10-01T00:00:00.000Z") });
    for (number, role) in [
        ("M1", "general-staff"),
        ("M2", "general-staff"),
        ("M3", "dx-promoter"),
    ] {
        let learner =
            json!({ "name": number, "staffNumber": number, "department": "企画課", "role": role });
        let text = record(&s.key, learner, done.clone(), "2026-11-01T00:00:00.000Z");
        write_json(&s, &format!("in/{number}.json"), &text);
    }
    s.site
        .run(&["report", "--out", "report", "in"])
        .assert_success();
    let modules = csv_rows(&s.site.read("report/modules.csv"));
    let column = |id: &str, name: &str| cell(&modules, id, name).to_string();
    assert_eq!(column(module, "対象者数"), "1", "only the DX推進員");
    assert_eq!(column(module, "受講者数"), "1");
    assert_eq!(column(module, "合格者数"), "1");
    assert_eq!(column(module, "修了率(%)"), "100");
    assert_eq!(
        column(module, "対象外の受講者数"),
        "2",
        "the two 一般行政職員"
    );
    assert_eq!(column(module, "対象外の合格者数"), "2");
    assert_eq!(
        column(&s.literacy[0], "対象者数"),
        "3",
        "everyone's curriculum has it"
    );
    assert_eq!(column(&s.literacy[0], "修了率(%)"), "100");
    assert_eq!(column(&s.literacy[0], "対象外の受講者数"), "0");
    for row in &modules[1..] {
        let number = |name: &str| column(&row[0], name).parse::<f64>().unwrap_or(0.0);
        assert!(number("受講者数") <= number("対象者数"), "{row:?}");
        assert!(number("合格者数") <= number("受講者数"), "{row:?}");
        assert!(
            number("合格率(%)") <= 100.0 && number("修了率(%)") <= 100.0,
            "{row:?}"
        );
    }
    let page = s.site.read("report/index.html");
    assert!(
        page.contains("修了率は合格者 ÷ 対象者"),
        "the page says what is counted"
    );
    assert!(page.contains("<td>2（うち合格 2）</td>"), "{page}");
}

#[test]
fn a_role_the_site_does_not_have_is_located_and_counted_as_unknown() {
    let s = shipped();
    let module = &s.literacy[0];
    let done = json!({ module: passed("2026-10-01T00:00:00.000Z") });
    let learner = |number: &str| json!({ "name": number, "staffNumber": number, "department": "企画課", "role": "dx-leader" });
    let text = write_json(
        &s,
        "in/u1.json",
        &record(
            &s.key,
            learner("U1"),
            done.clone(),
            "2026-11-01T00:00:00.000Z",
        ),
    );
    write_json(
        &s,
        "in/u2.json",
        &record(&s.key, learner("U2"), done, "2026-11-01T00:00:00.000Z"),
    );
    let line = text.lines().position(|l| l.contains("\"role\"")).unwrap() + 1;
    let column = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("\"dx-leader\"")
        .unwrap()
        + 1;
    s.site.write(
        "roster.csv",
        "職員番号,氏名,所属,人材像\nU1,U1,企画課,\nU2,U2,企画課,DX推進員\nU3,U3,企画課,\n",
    );
    let run = s
        .site
        .run(&["report", "--roster", "roster.csv", "--out", "report", "in"]);
    run.assert_success();
    let said = run
        .stderr
        .lines()
        .find(|l| l.contains("u1.json"))
        .expect(&run.stderr);
    assert!(
        said.contains(&format!("in/u1.json:{line}:{column}: learner.role の人材像「dx-leader」はこのサイトにありません"))
            && said.contains("「（人材像不明）」の行に入れ、一般行政職員のカリキュラムで数えます"),
        "{said}"
    );
    assert!(
        run.stderr
            .contains("このサイトの人材像 ID: general-staff、dx-promoter、"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("in/u2.json:")
            && run
                .stderr
                .contains("名簿か別の記録の人材像「DX推進員」で数えます"),
        "the roster knows U2's role: {}",
        run.stderr
    );
    let people = csv_rows(&s.site.read("report/people.csv"));
    assert_eq!(cell(&people, "U1", "人材像"), "（人材像不明）");
    assert_eq!(
        cell(&people, "U1", "備考"),
        "記録の人材像「dx-leader」はサイトにない"
    );
    assert_eq!(cell(&people, "U2", "人材像"), "DX推進員");
    assert_eq!(cell(&people, "U3", "人材像"), "", "no role: 人材像未設定");
    let page = s.site.read("report/index.html");
    let roles = &page[page.find("id=\"roles-heading\"").unwrap()..];
    let row = |name: &str| {
        let at = roles
            .find(&format!("<tr><th scope=\"row\">{name}</th><td>"))
            .unwrap_or_else(|| panic!("{name}: {roles}"));
        roles[at..]
            .split("</td>")
            .next()
            .unwrap()
            .rsplit('>')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(row("一般行政職員"), "0", "nobody folded into general staff");
    assert_eq!(row("DX推進員"), "1");
    assert_eq!(row("（人材像不明）"), "1");
    assert_eq!(row("（人材像未設定）"), "1");
    assert!(
        page.contains("記録の人材像がこのサイトにない職員です"),
        "the rows are explained"
    );
}

#[test]
fn files_left_out_or_doubted_are_listed_on_the_page_and_in_the_workbook() {
    let s = shipped();
    let module = &s.literacy[0];
    let done = json!({ module: passed("2026-10-01T00:00:00.000Z") });
    let good = record(
        &s.key,
        json!({ "name": "L1", "staffNumber": "L1", "department": "課" }),
        done.clone(),
        "2026-11-01T00:00:00.000Z",
    );
    write_json(&s, "in/good.json", &good);
    let renamed = record(
        &s.key,
        json!({ "name": "別名", "staffNumber": "L1", "department": "課" }),
        done.clone(),
        "2026-11-01T00:00:00.000Z",
    );
    write_json(&s, "in/renamed.json", &renamed);
    let stranger = record(
        &s.key,
        json!({ "name": "L9", "staffNumber": "L9", "department": "課" }),
        done.clone(),
        "2026-11-01T00:00:00.000Z",
    );
    write_json(&s, "in/stranger.json", &stranger);
    write_json(
        &s,
        "in/other.json",
        &record(
            "kenshu:00000000",
            json!({}),
            json!({}),
            "2026-11-01T00:00:00.000Z",
        ),
    );
    s.site.write("in/broken.json", "{ \"format\": ");
    s.site.write(
        "roster.csv",
        "職員番号,氏名,所属,人材像\nL1,L1,課,一般行政職員\n",
    );
    let args = ["report", "--roster", "roster.csv", "--out"];
    let run = s.site.run(&[&args[..], &["report", "in"]].concat());
    run.assert_success();
    assert!(
        run.stdout.contains("3 ファイルを読み、2 ファイルを除外し"),
        "{}",
        run.stdout
    );
    let page = s.site.read("report/index.html");
    let listed = &page[page.find("id=\"files-heading\"").expect("the list")..];
    assert!(listed.contains("（4 件）"), "{listed}");
    assert!(listed.contains("除外したファイル 2 件、名簿にない職員の記録（集計外） 1 件、集計に含めたが確かめてほしいファイル 1 件"));
    let expected = [
        ("in/broken.json", "除外", "学習記録の JSON として読めません"),
        (
            "in/other.json",
            "除外",
            "別のポータルの記録です（site.key が kenshu:00000000",
        ),
        (
            "in/renamed.json",
            "集計に含む（要確認）",
            "別の氏名「別名」があります",
        ),
        (
            "in/stranger.json",
            "集計外（名簿にない）",
            "名簿にない職員の記録です（職員番号「L9」",
        ),
    ];
    let mut last = 0;
    for (file, treatment, reason) in expected {
        let at = listed
            .find(&format!("<code>{file}</code>"))
            .unwrap_or_else(|| panic!("{file}: {listed}"));
        assert!(at > last, "in file order: {file}");
        last = at;
        let row = &listed[at..listed[at..].find("</tr>").unwrap() + at];
        assert!(
            row.contains(&format!("<td>{treatment}</td>")) && row.contains(reason),
            "{row}"
        );
    }
    assert!(!listed.contains("good.json"));
    let sheet = sheet_xml(&s, "report/report.xlsx", "除外・要確認のファイル").expect("the sheet");
    for (file, treatment, _) in expected {
        assert!(
            sheet.contains(file) && sheet.contains(treatment),
            "{file}: {sheet}"
        );
    }
    assert!(sheet.contains("別の氏名「別名」"), "reasons in Japanese");
    // Anonymised, the file names (which may hold staff numbers) are not listed.
    let run = s.site.run(&[
        "report",
        "--anonymise",
        "--roster",
        "roster.csv",
        "--out",
        "anon",
        "in",
    ]);
    run.assert_success();
    let page = s.site.read("anon/index.html");
    assert!(page.contains("（4 件）") && !page.contains("stranger.json") && !page.contains("L9"));
    assert!(sheet_xml(&s, "anon/report.xlsx", "除外・要確認のファイル").is_none());
}
