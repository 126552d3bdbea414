//! Module bodies: mixed Japanese and English prose with the Markdown
//! constructs a real module has (list, table, code block, links, quiz).

use crate::{ModuleSpec, Rng};
use std::fmt::Write as _;

const JA: &[&str] = &[
    "自治体の業務では、住民の個人情報を扱う場面が多くあります。",
    "三層分離の考え方を理解しておくことは、日々の事務を安全に進めるうえで欠かせません。",
    "ガバメントクラウドへの移行にあたっては、標準化された基幹業務システムの仕様を確認します。",
    "行政手続のオンライン化は、窓口に来られない住民にとって大きな助けになります。",
    "業務の見直し（BPR）では、まず現状の手順を書き出して無駄を探します。",
    "データに基づく政策立案（EBPM）を進めるには、統計の読み方を身に付ける必要があります。",
    "生成AIを使うときは、入力してよい情報と入力してはいけない情報を区別しましょう。",
    "調達の仕様書には、必要な機能だけでなく運用や保守の条件も書き込みます。",
    "情報セキュリティポリシーは、基本方針と対策基準、実施手順から成り立っています。",
    "マイナンバーカードとマイナンバー（個人番号）は別のものであり、混同しないよう注意します。",
    "小さく始めて効果を確かめ、うまくいったら横に広げるのが変革の基本です。",
    "職場で困っていることを集めると、デジタル化の種がたくさん見つかります。",
    "クラウドサービスの利用では、責任の分担を契約の段階で確かめておきます。",
    "標的型攻撃メールに気付いたら、開かずに情報システム担当へ報告します。",
    "住民の目線で手続を体験してみると、説明の分かりにくさに気付くことがあります。",
    "研修で学んだことは、翌週の業務で一つでも試してみることが大切です。",
    "表計算ソフトの関数を使えば、手作業の集計を大きく減らせます。",
    "ダッシュボードで数字を見える化すると、課内の議論が具体的になります。",
    "会議の前に論点を共有しておくと、オンライン会議でも結論が早く出ます。",
    "システムの運用設計では、障害が起きたときの連絡先と手順を決めておきます。",
];

const EN: &[&str] = &[
    "Digital transformation is less about tools than about changing how the work is done.",
    "Start from the needs of residents, then choose the technology that serves them.",
    "A shared cloud platform lowers the cost of running standard systems for every municipality.",
    "Measure before and after each change, so that the benefit can be shown with numbers.",
    "Security is everyone's job, not only the job of the IT department.",
    "Write down the current process first; improvements become visible on paper.",
    "Generative AI can draft a text quickly, but a person must check every fact.",
    "Small pilots reduce risk and give the team something concrete to learn from.",
    "Open data helps other organisations build services the city could not build alone.",
    "Good documentation lets the next person continue the work without starting over.",
];

const TOPICS: &[&str] = &[
    "基本の考え方",
    "自治体での具体例",
    "よくある誤解",
    "手順と進め方",
    "関係する制度",
    "リスクと対策",
    "事例から学ぶ",
    "用語の整理",
    "Key concepts",
    "Practical tips",
];

const CODE: &[&str] = &[
    "```text\n住民記録システム ─ LGWAN接続系 ─ 財務会計\n        │\n  マイナンバー利用事務系\n```",
    "```python\nimport csv\n\ntotal = 0\nwith open(\"applications.csv\", encoding=\"utf-8\") as f:\n    for row in csv.DictReader(f):\n        total += int(row[\"件数\"])\nprint(\"申請件数の合計:\", total)\n```",
    "```excel\n=SUMIFS(C:C, A:A, \"窓口\", B:B, \">=2025/04/01\")\n=COUNTIF(D:D, \"オンライン\") / COUNTA(D:D)\n```",
    "```yaml\nservice: 転入届\nchannel: [窓口, オンライン]\nsla_days: 3\n```",
];

/// A module title in the style of the shipped modules.
pub fn title(skill: &str, index: usize, rng: &mut Rng) -> String {
    let kinds = ["入門", "実践", "基礎", "応用", "ケーススタディ", "Workshop"];
    format!("{skill}の{} 第{}回", rng.pick(&kinds), index + 1)
}

pub fn summary(skill: &str, rng: &mut Rng) -> String {
    format!("{}について、{}", skill, rng.pick(JA))
}

/// A body of 3–6 kB plus one quiz block of five questions.
pub fn body(spec: &ModuleSpec, specs: &[ModuleSpec], rng: &mut Rng) -> String {
    let target = rng.between(3000, 6000);
    let mut out = String::with_capacity(target + 3000);
    out.push_str("## 学習目標\n\n");
    for _ in 0..rng.between(3, 5) {
        let _ = writeln!(out, "- {}", rng.pick(JA));
    }
    let _ = write!(out, "\n## {}\n\n", rng.pick(TOPICS));
    paragraph(&mut out, spec, specs, rng);
    table(&mut out, rng);
    let _ = write!(out, "\n## {}\n\n", rng.pick(TOPICS));
    paragraph(&mut out, spec, specs, rng);
    let code = *rng.pick(CODE);
    out.push_str(code);
    out.push_str("\n\n");
    while out.len() < target.saturating_sub(600) {
        if rng.below(3) == 0 {
            let _ = write!(out, "### {}\n\n", rng.pick(TOPICS));
        }
        paragraph(&mut out, spec, specs, rng);
    }
    out.push_str("## 職場での実践\n\n");
    for _ in 0..3 {
        let _ = writeln!(out, "1. {}", rng.pick(JA));
    }
    out.push_str("\n## 関連する外部研修\n\nこのモジュールの内容は、ページ下部の外部研修でさらに深められます。\n\n");
    quiz(&mut out, rng);
    out
}

fn paragraph(out: &mut String, spec: &ModuleSpec, specs: &[ModuleSpec], rng: &mut Rng) {
    for _ in 0..rng.between(3, 6) {
        if rng.below(4) == 0 {
            let sentence = *rng.pick(EN);
            out.push_str(sentence);
            out.push(' ');
        } else {
            let sentence = *rng.pick(JA);
            out.push_str(sentence);
        }
    }
    if specs.len() > 1 {
        let other = &specs[rng.below(specs.len())];
        if other.id != spec.id {
            let _ = write!(
                out,
                "詳しくは[{}](../{})も参照してください。",
                other.title,
                other.relative_path()
            );
        }
    }
    out.push_str("\n\n");
}

fn table(out: &mut String, rng: &mut Rng) {
    out.push_str("| 項目 | 内容 | Notes |\n|---|---|---|\n");
    for n in 0..rng.between(3, 5) {
        let _ = writeln!(
            out,
            "| 観点{} | {} | {} |",
            n + 1,
            rng.pick(JA),
            rng.pick(EN)
        );
    }
    out.push('\n');
}

/// Five questions: the four kinds, then one more of a random kind.
fn quiz(out: &mut String, rng: &mut Rng) {
    out.push_str("## 理解度チェック\n\n```quiz\n");
    // A question asked twice, or a choice offered twice, is an error.
    let prompts = rng.pick_distinct(JA, 5);
    for (n, prompt) in prompts.into_iter().enumerate() {
        let kind = if n < 4 { n } else { rng.below(4) };
        let prompt = prompt.trim_end_matches('。');
        let _ = writeln!(out, "- question: \"次の説明は正しいか。{prompt}\"");
        match kind {
            0 => {
                out.push_str("  choices:\n");
                let right = rng.below(3);
                for (c, text) in rng.pick_distinct(JA, 3).into_iter().enumerate() {
                    let _ = writeln!(out, "    - text: \"{text}\"");
                    if c == right {
                        out.push_str("      correct: true\n      feedback: \"正解です。\"\n");
                    }
                }
            }
            1 => {
                out.push_str("  choices:\n");
                for (c, text) in rng.pick_distinct(EN, 4).into_iter().enumerate() {
                    let _ = writeln!(out, "    - text: \"{text}\"");
                    if c % 2 == 0 {
                        out.push_str("      correct: true\n");
                    }
                }
            }
            2 => {
                let _ = writeln!(out, "  answer: {}", rng.below(2) == 0);
            }
            _ => out.push_str("  answer: [ガバメントクラウド, GovCloud]\n"),
        }
        let _ = writeln!(out, "  explanation: \"{}\"", rng.pick(JA));
    }
    out.push_str("```\n");
}
