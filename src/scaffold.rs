//! `kenshu init` and `kenshu new module`: starting points that build as they are.

use crate::diagnostics::{unknown_id_message, Diagnostic, Diagnostics, Location};
use crate::framework::{is_valid_id, Framework, SKILLS_FILE};
use crate::source;
use std::fs;
use std::path::{Path, PathBuf};

const INIT_SITE: &str =
    "title: デジタル人材育成ポータル\norganization: ○○市\nlanguage: ja\npass_score: 80\n";

const INIT_SKILLS: &str = "categories:
  - id: common
    name: 共通
skills:
  - id: security-literacy
    name: セキュリティリテラシー
    category: common
    description: 情報セキュリティの基本を理解し、日々の業務で実践できる。
roles:
  - id: general-staff
    name: 一般行政職員
    description: 職場に導入されたツールを活用し、業務の運用と改善を担う職員。
    skills: [security-literacy]
    steps:
      - name: Step1
        description: 基礎研修を修了している。
        level: 1
";

const INIT_RESOURCES: &str = "- id: manabi-dx
  title: マナビDX
  provider: 情報処理推進機構（IPA）
  url: https://manabi-dx.ipa.go.jp/
  kind: ポータル
  skills: [security-literacy]
  description: デジタルスキルを学べる講座を探せるポータルサイト。
";

/// Creates a new site in `dir` that builds without errors or warnings.
pub fn init_site(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.join("content").exists() {
        return Err(Diagnostic::error(
            dir.join("content"),
            Location::START,
            "a site already exists here",
        )
        .with_hint("choose an empty folder for a new site"));
    }
    let module = module_template("はじめての研修モジュール", "security-literacy", 1);
    let files = [
        ("content/site.yaml", INIT_SITE.to_string()),
        (SKILLS_FILE, INIT_SKILLS.to_string()),
        ("content/resources.yaml", INIT_RESOURCES.to_string()),
        ("content/modules/security-literacy.md", module),
        ("content/static/.keep", String::new()),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        let target = dir.join(path);
        write_new(&target, &text)?;
        written.push(target);
    }
    Ok(written)
}

/// Creates a module file for `skill` under content/modules.
pub fn new_module(
    root: &Path,
    path: &Path,
    skill: &str,
    title: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let text = source::load_text(root, Path::new(SKILLS_FILE)).map_err(one)?;
    let framework = Framework::parse(&text, &mut diagnostics).ok_or_else(|| diagnostics.clone())?;
    if framework.skill(skill).is_none() {
        let message = unknown_id_message("skill", skill, framework.skill_ids());
        return Err(one(Diagnostic::error(
            SKILLS_FILE,
            Location::START,
            message,
        )
        .with_hint("pass --skill with an id from content/skills.yaml")));
    }
    let target = module_path(root, path).map_err(one)?;
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if !is_valid_id(&stem) {
        return Err(one(Diagnostic::error(&target, Location::START, format!("\"{stem}\" cannot be a module id"))
            .with_hint("name the file with lowercase ASCII letters, digits and hyphens, e.g. password-basics.md")));
    }
    let title = title.unwrap_or("新しい研修モジュール");
    write_new(&target, &module_template(title, skill, 1)).map_err(one)?;
    Ok(target)
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::new();
    all.push(d);
    all
}

/// Messages about the path given to `kenshu new module`, in one place.
mod message {
    pub(super) const OUTSIDE: &str =
        "モジュールは content/modules/ の中にだけ作れます。「..」や絶対パスは使えません";
    pub(super) const OUTSIDE_HINT: &str =
        "content/modules/ からの相対パスで指定してください（例: security/passwords.md）";
    pub(super) fn link(at: &str) -> String {
        format!("{at} はシンボリックリンクです。リンク先に書き込まないよう、作成しません")
    }
    pub(super) const LINK_HINT: &str =
        "リンクではない content/modules/ の中のフォルダーを指定してください";
}

/// `security/basics` → `<root>/content/modules/security/basics.md`; refuses
/// a path that leaves content/modules (`..`, absolute) or passes through a
/// symbolic link, which could point anywhere.
fn module_path(root: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    use std::path::Component;
    let relative = path.strip_prefix("content/modules").unwrap_or(path);
    let inside = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        && relative.components().next().is_some();
    if !inside {
        return Err(Diagnostic::error(path, Location::START, message::OUTSIDE)
            .with_hint(message::OUTSIDE_HINT));
    }
    let mut target = root.join("content/modules").join(relative);
    if target.extension().is_none_or(|e| e != "md") {
        let name = format!(
            "{}.md",
            target
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
        target.set_file_name(name);
    }
    let mut walked = root.to_path_buf();
    let below_root = target.strip_prefix(root).unwrap_or(&target);
    for component in below_root.components() {
        walked.push(component);
        if fs::symlink_metadata(&walked).is_ok_and(|m| m.file_type().is_symlink()) {
            let shown = walked
                .strip_prefix(root)
                .unwrap_or(&walked)
                .display()
                .to_string();
            return Err(
                Diagnostic::error(&walked, Location::START, message::link(&shown))
                    .with_hint(message::LINK_HINT),
            );
        }
    }
    Ok(target)
}

fn write_new(target: &Path, text: &str) -> Result<(), Diagnostic> {
    if target.exists() {
        return Err(
            Diagnostic::error(target, Location::START, "file already exists")
                .with_hint("choose another name; kenshu never overwrites a file"),
        );
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(
                parent,
                Location::START,
                format!("cannot create folder: {e}"),
            )
        })?;
    }
    fs::write(target, text)
        .map_err(|e| Diagnostic::error(target, Location::START, format!("cannot write: {e}")))
}

fn module_template(title: &str, skill: &str, level: u8) -> String {
    let title = title.replace('"', "\\\"");
    format!(
        r#"---
title: "{title}"
skills: [{skill}]
level: {level}
duration: 20
summary: このモジュールで学ぶことを一文で書きます。
---

## 学習目標

- この研修で身につけることを書きます。

## 本文

ここに本文を書きます。見出しは `##` から始めます。

## 理解度チェック

```quiz
- question: この欄に問題文を書きます。正しいものを選んでください。
  choices:
    - text: 正しい選択肢
      correct: true
      feedback: 選んだときに表示される説明です。
    - text: 誤った選択肢
  explanation: 回答後に表示される解説です。
- question: 正誤問題は answer に true か false を書きます。
  answer: true
  explanation: 解説を書きます。
```
"#
    )
}
