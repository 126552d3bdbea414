//! The report page (index.html): static, Japanese, in the portal's look
//! (kenshu.css beside it, plus report.css), with no script and no inline
//! style, printable on A4. Every chart has a table with the same numbers.

use super::catalog::Catalog;
use super::csv_out::cell_text;
use super::figures::{percent, Figures};
use super::people::People;
use super::svg::{bars, Bar};
use super::tables::{mean, share, Cell, Names};
use crate::render::write_escaped;
use std::fmt::Write as _;

/// What the page shows besides the figures.
pub(crate) struct PageInput<'a> {
    pub catalog: &'a Catalog,
    pub figures: &'a Figures,
    pub people: &'a People,
    pub order: &'a [usize],
    pub names: &'a dyn Names,
    pub files_read: usize,
    pub files_skipped: usize,
    /// The latest export date among the records (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    pub anonymised: bool,
}

/// At most this many names are listed on the page; the CSV has them all.
const LIST_LIMIT: usize = 1000;
/// At most this many 所属 get a bar; the table below the chart has them all.
const CHART_LIMIT: usize = 60;

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = write_escaped(&mut out, text);
    out
}

fn pct(value: Option<f64>) -> String {
    value.map_or("—".into(), |v| format!("{v:.1}%"))
}

pub(crate) fn page(input: &PageInput) -> String {
    let c = input.catalog;
    let mut out = String::with_capacity(64 * 1024);
    let site = if c.organization.is_empty() {
        c.title.clone()
    } else {
        format!("{} {}", c.organization, c.title)
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"kenshu report\">\n<title>学習状況レポート | {}</title>\n<link rel=\"stylesheet\" href=\"kenshu.css\">\n<link rel=\"stylesheet\" href=\"report.css\">\n<link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">\n</head>\n<body class=\"page-report\">\n<a class=\"skip-link\" href=\"#main\">本文へ移動</a>\n<header class=\"site-header\"><div class=\"site-header__inner\"><p class=\"site-brand\"><span class=\"site-brand__title\">{}</span></p></div></header>\n<main id=\"main\" class=\"site-main\" tabindex=\"-1\">\n",
        esc(&c.title),
        esc(&site)
    );
    summary(&mut out, input);
    goals(&mut out, input);
    roles(&mut out, input);
    departments(&mut out, input);
    heat_map(&mut out, input);
    modules(&mut out, input);
    not_submitted(&mut out, input);
    out.push_str("</main>\n<footer class=\"site-footer\"><p class=\"site-footer__generator\">kenshu report で作成</p></footer>\n</body>\n</html>\n");
    out
}

fn summary(out: &mut String, input: &PageInput) {
    let f = input.figures;
    let basis = if input.people.roster {
        "名簿の全員"
    } else {
        "記録を提出した職員"
    };
    let _ = write!(
        out,
        "<h1>学習状況レポート</h1>\n<section class=\"report-privacy\" aria-labelledby=\"privacy-heading\">\n<h2 id=\"privacy-heading\">取り扱いの注意</h2>\n<p>{}</p>\n<p>このページとCSV・Excelファイルは、手元のファイルから作られたもので、どこにも送信されていません。共有するときは <code>--anonymise</code> で氏名と職員番号を仮名にしたレポートを使ってください。</p>\n<p>記録は職員の自己申告です。確認テストの答えはページの中にあり、記録ファイルは書き換えることもできます。数値は研修の進み具合の目安として読み、人事評価には使わないでください。</p>\n</section>\n",
        if input.anonymised {
            "このレポートでは氏名と職員番号を仮名に置き換えています。所属ごとの数値は、人数の少ない所属では個人が分かることがあります。"
        } else {
            "このレポートには個人情報（氏名・職員番号・所属・学習記録）が含まれます。職員課など、取り扱いを認められた人だけで扱ってください。"
        }
    );
    let _ = write!(
        out,
        "<section aria-labelledby=\"summary-heading\">\n<h2 id=\"summary-heading\">概要</h2>\n<dl class=\"report-summary\">\n<dt>集計の対象</dt><dd>{basis} {} 人</dd>\n<dt>記録を提出した人</dt><dd>{} 人</dd>\n<dt>リテラシー研修の受講率</dt><dd>{}</dd>\n<dt>読み込んだファイル</dt><dd>{} 件（読み込めなかったファイル {} 件）</dd>\n<dt>記録の日付（最新）</dt><dd>{}</dd>\n</dl>\n<p class=\"report-note\">受講は、その人の人材像のカリキュラムにあるレベル1のモジュールにすべて合格したことを指します。人材像の分からない人は{}のカリキュラムで数えます。</p>\n</section>\n",
        f.people,
        f.submitted,
        pct(percent(f.attended, f.people)),
        input.files_read,
        input.files_skipped,
        input.as_of.as_deref().map_or("—".into(), esc),
        input.catalog.base_role.map_or("基本の人材像".into(), |r| esc(&input.catalog.roles[r].name)),
    );
}

fn goals(out: &mut String, input: &PageInput) {
    let rows: Vec<_> = input
        .figures
        .roles
        .iter()
        .flat_map(|r| r.goals.iter().map(move |g| (r, g)))
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push_str("<section aria-labelledby=\"goals-heading\">\n<h2 id=\"goals-heading\">中期目標の達成状況</h2>\n");
    let chart: Vec<Bar> = rows
        .iter()
        .filter(|(_, g)| g.actual.is_some())
        .map(|(r, g)| Bar {
            label: format!("{}:{}", r.name, g.label),
            value: g.actual,
            target: Some(g.target),
        })
        .collect();
    if !chart.is_empty() {
        out.push_str(&bars(
            "goals-chart",
            "中期目標の達成状況（棒が現状、縦線が目標値。数値は下の表）",
            &chart,
        ));
    }
    out.push_str("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-1-caption\"><table class=\"matrix report-table\">\n<caption id=\"table-1-caption\">中期目標（skills.yaml の goals）と現状</caption>\n<thead><tr><th scope=\"col\">人材像</th><th scope=\"col\">目標</th><th scope=\"col\">目標値</th><th scope=\"col\">期限</th><th scope=\"col\">現状</th></tr></thead>\n<tbody>\n");
    for (role, goal) in rows {
        let now = match goal.actual {
            Some(v) => format!(
                "{v:.1}%{}",
                if v >= f64::from(goal.target) {
                    "（達成）"
                } else {
                    ""
                }
            ),
            None => "記録では測れません（実務経験による目標）".into(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}%</td><td>{}</td><td>{}</td></tr>",
            esc(&role.name),
            esc(&goal.label),
            goal.target,
            esc(&goal.deadline),
            esc(&now)
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

fn roles(out: &mut String, input: &PageInput) {
    let f = input.figures;
    out.push_str("<section aria-labelledby=\"roles-heading\">\n<h2 id=\"roles-heading\">人材像別の受講率とStep到達</h2>\n");
    let chart: Vec<Bar> = f
        .roles
        .iter()
        .filter(|r| r.people > 0)
        .map(|r| Bar {
            label: r.name.clone(),
            value: percent(r.attended, r.people),
            target: None,
        })
        .collect();
    out.push_str(&bars(
        "roles-chart",
        "人材像別の受講率（数値は下の表）",
        &chart,
    ));
    out.push_str("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-2-caption\"><table class=\"matrix report-table\">\n<caption id=\"table-2-caption\">人材像別の人数・受講率・Step到達</caption>\n<thead><tr><th scope=\"col\">人材像</th><th scope=\"col\">人数</th><th scope=\"col\">提出者</th><th scope=\"col\">受講率</th><th scope=\"col\">Step到達（人数と割合）</th></tr></thead>\n<tbody>\n");
    for role in &f.roles {
        let steps: Vec<String> = role
            .steps
            .iter()
            .map(|(name, n)| match n {
                Some(n) => format!("{name}: {n}人（{}）", pct(percent(*n, role.people))),
                None => format!("{name}: 実務経験による目標"),
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&role.name),
            role.people,
            role.submitted,
            pct(percent(role.attended, role.people)),
            esc(&steps.join(" / "))
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

fn departments(out: &mut String, input: &PageInput) {
    let f = input.figures;
    let target = input
        .catalog
        .base_role
        .and_then(|r| {
            input.catalog.roles[r]
                .goals
                .iter()
                .find(|g| g.measure == Some(crate::framework::GoalMeasure::Attendance))
        })
        .map(|g| g.share);
    out.push_str("<section aria-labelledby=\"departments-heading\">\n<h2 id=\"departments-heading\">所属別の受講率</h2>\n");
    let chart: Vec<Bar> = f
        .departments
        .iter()
        .take(CHART_LIMIT)
        .map(|d| Bar {
            label: d.name.clone(),
            value: percent(d.attended, d.people),
            target,
        })
        .collect();
    let title = match f.departments.len() {
        n if n > CHART_LIMIT => format!("所属別の受講率（所属名の順に最初の {CHART_LIMIT} 所属。縦線は受講率の目標。全 {n} 所属の数値は下の表）"),
        _ => "所属別の受講率（縦線は受講率の目標。数値は下の表）".to_string(),
    };
    out.push_str(&bars("departments-chart", &title, &chart));
    out.push_str("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-3-caption\"><table class=\"matrix report-table\">\n<caption id=\"table-3-caption\">所属別の人数・提出者・受講率</caption>\n<thead><tr><th scope=\"col\">所属</th><th scope=\"col\">人数</th><th scope=\"col\">提出者</th><th scope=\"col\">受講済</th><th scope=\"col\">受講率</th></tr></thead>\n<tbody>\n");
    for d in &f.departments {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.name),
            d.people,
            d.submitted,
            d.attended,
            pct(percent(d.attended, d.people))
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

fn heat_map(out: &mut String, input: &PageInput) {
    let c = input.catalog;
    out.push_str("<section aria-labelledby=\"heat-heading\">\n<h2 id=\"heat-heading\">所属 × スキルの状況</h2>\n<p class=\"report-note\">各欄は「合格率 / 自己評価の平均」です。合格率は、その所属の職員のカリキュラムにあるそのスキルのモジュールのうち合格したものの割合、自己評価は 1（");
    out.push_str(&esc(c.scale.first().map_or("", String::as_str)));
    let _ = write!(out, "）〜{}（", c.scale.len());
    out.push_str(&esc(c.scale.last().map_or("", String::as_str)));
    out.push_str("）の平均です。色が濃いほど合格率が高いことを示します。</p>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-4-caption\"><table class=\"matrix report-table report-heat\">\n<caption id=\"table-4-caption\">所属 × スキル（合格率 / 自己評価の平均）</caption>\n<thead><tr><th scope=\"col\">所属</th>");
    for (_, name) in &c.skills {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for d in &input.figures.departments {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(&d.name));
        for cell in &d.skills {
            let rate = percent(cell.0, cell.1);
            let bucket = rate.map_or(0, |r| 1 + (r / 25.0).floor().min(3.0) as usize);
            let level = match mean(cell.2, cell.3) {
                Cell::Empty => "—".to_string(),
                other => cell_text(&other),
            };
            let rate_text = match share(cell.0, cell.1) {
                Cell::Empty => "—".to_string(),
                other => format!("{}%", cell_text(&other)),
            };
            let _ = write!(out, "<td class=\"report-heat__cell report-heat__cell--{bucket}\">{rate_text} / {level}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

fn modules(out: &mut String, input: &PageInput) {
    let c = input.catalog;
    out.push_str("<section aria-labelledby=\"modules-heading\">\n<h2 id=\"modules-heading\">モジュール別の結果</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-5-caption\"><table class=\"matrix report-table\">\n<caption id=\"table-5-caption\">モジュール別の合格者・合格率・初回平均点と、初回に多く間違えられた問題</caption>\n<thead><tr><th scope=\"col\">モジュール</th><th scope=\"col\">受講者</th><th scope=\"col\">合格者</th><th scope=\"col\">合格率</th><th scope=\"col\">初回平均点</th><th scope=\"col\">初回に多く間違えた問題</th></tr></thead>\n<tbody>\n");
    for (m, f) in c.modules.iter().zip(&input.figures.modules) {
        let first = if f.first_count == 0 {
            "—".into()
        } else {
            format!("{:.1}", f.first_sum as f64 / f.first_count as f64)
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{first}</td><td>",
            esc(&m.title),
            f.attempted,
            f.passed,
            pct(percent(f.passed, f.attempted))
        );
        if !f.missed.is_empty() {
            out.push_str("<ol class=\"report-missed\">");
            for &(q, n) in f.missed.iter().take(3) {
                let _ = write!(out, "<li>{}（{n}人）</li>", esc(&m.questions[q].1));
            }
            out.push_str("</ol>");
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}

fn not_submitted(out: &mut String, input: &PageInput) {
    if !input.people.roster {
        return;
    }
    let missing: Vec<usize> = input
        .order
        .iter()
        .copied()
        .filter(|&i| input.people.persons[i].on_roster && input.people.persons[i].files == 0)
        .collect();
    let outside = input.people.persons.iter().filter(|p| !p.on_roster).count();
    let _ = write!(out, "<section aria-labelledby=\"missing-heading\">\n<h2 id=\"missing-heading\">記録を提出していない職員（{} 人）</h2>\n", missing.len());
    if outside > 0 {
        let _ = writeln!(out, "<p class=\"report-note\">名簿にない職員番号の記録が {outside} 人分ありました。集計には入れていません（people.csv の備考を見てください）。</p>");
    }
    if missing.is_empty() {
        out.push_str("<p>名簿の全員が記録を提出しています。</p>\n</section>\n");
        return;
    }
    if missing.len() > LIST_LIMIT {
        let _ = writeln!(out, "<p class=\"report-note\">最初の {LIST_LIMIT} 人を示します。全員は people.csv（備考「未提出」）にあります。</p>");
    }
    out.push_str("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"table-6-caption\"><table class=\"matrix report-table\">\n<caption id=\"table-6-caption\">未提出の職員（所属順）</caption>\n<thead><tr><th scope=\"col\">職員番号</th><th scope=\"col\">氏名</th><th scope=\"col\">所属</th></tr></thead>\n<tbody>\n");
    for &i in missing.iter().take(LIST_LIMIT) {
        let p = &input.people.persons[i];
        let _ = writeln!(
            out,
            "<tr><td>{}</td><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(&input.names.number(p)),
            esc(&input.names.name(p)),
            esc(&p.learner.department)
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
}
