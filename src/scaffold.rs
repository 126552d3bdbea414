//! `kenshu init` and `kenshu new module`: starting points that build as they are.

use crate::diagnostics::{unknown_id, Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::msg;
use crate::source;
use crate::{content, ids};
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
            Location::WHOLE,
            msg!("init.exists"),
        ));
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

/// What `kenshu new module` is asked to create.
#[derive(Debug, Clone, Copy)]
pub struct NewModule<'a> {
    /// Relative to content/modules (e.g. `基礎/個人情報の基本.md`).
    pub path: &'a Path,
    pub skill: &'a str,
    pub title: Option<&'a str>,
    /// An `id:` for the front matter, when the file stem is not the id wanted.
    pub id: Option<&'a str>,
}

/// Creates a module file for a skill under content/modules.
pub fn new_module(root: &Path, new: &NewModule) -> Result<PathBuf, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let text = source::load_text(root, Path::new(SKILLS_FILE)).map_err(one)?;
    let framework = Framework::parse(&text, &mut diagnostics).ok_or_else(|| diagnostics.clone())?;
    if framework.skill(new.skill).is_none() {
        let message = unknown_id("new.unknown-skill", new.skill, framework.skill_ids());
        return Err(one(Diagnostic::error(
            SKILLS_FILE,
            Location::WHOLE,
            message,
        )));
    }
    let target = module_path(root, new.path).map_err(one)?;
    let stem = content::file_stem(&target);
    let id = new.id.unwrap_or(&stem);
    let shown = target.strip_prefix(root).unwrap_or(&target);
    if let Err(problem) = ids::check(&ids::normalize(id)) {
        let message = problem.explain(msg!("new.bad-file-name", id = id));
        return Err(one(Diagnostic::error(shown, Location::WHOLE, message)));
    }
    if let Some((other, path)) = module_with_id_like(root, id) {
        let path = path.display();
        let message = match other == ids::normalize(id) {
            true => msg!("new.id-taken", id = id, path = path),
            false => msg!("new.id-folded", id = id, other = other, path = path),
        };
        return Err(one(Diagnostic::error(shown, Location::WHOLE, message)));
    }
    let title = new.title.unwrap_or("新しい研修モジュール");
    let mut text = module_template(title, new.skill, 1);
    if let Some(id) = new.id {
        let id = yaml_string(id);
        text = text.replacen("---\n", &format!("---\nid: {id}\n"), 1);
    }
    write_new(&target, &text).map_err(one)?;
    Ok(target)
}

/// A module of the site whose id is `id` up to letter case and Unicode
/// normalisation (Windows, macOS and IIS would give both one page), and
/// its file. Files with errors count under the id they would have.
fn module_with_id_like(root: &Path, id: &str) -> Option<(String, PathBuf)> {
    let mut ignored = Diagnostics::new();
    let files = content::discover(root, &mut ignored);
    let (headers, failed) = content::parse_module_headers(&files.modules, &mut ignored);
    let key = ids::fold(id);
    let failed = failed.into_iter().map(|f| match f.partial {
        Some(header) => (header.id, f.path),
        None => (content::file_stem(&f.path), f.path),
    });
    headers
        .into_iter()
        .map(|h| (h.id, h.path))
        .chain(failed)
        .find(|(other, _)| ids::fold(other) == key)
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::new();
    all.push(d);
    all
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
        return Err(Diagnostic::error(
            path,
            Location::WHOLE,
            msg!("new.outside"),
        ));
    }
    // The name as NFC: a terminal on macOS may pass NFD, which would be a
    // second file beside an NFC one of the same name.
    let relative = match relative.to_str() {
        Some(text) => PathBuf::from(ids::normalize(text)),
        None => relative.to_path_buf(),
    };
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
            return Err(Diagnostic::error(
                &walked,
                Location::WHOLE,
                msg!("new.through-link", path = shown),
            ));
        }
    }
    Ok(target)
}

fn write_new(target: &Path, text: &str) -> Result<(), Diagnostic> {
    if target.exists() {
        return Err(Diagnostic::error(
            target,
            Location::WHOLE,
            msg!("new.exists"),
        ));
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::error(
                parent,
                Location::WHOLE,
                msg!(
                    "file.cannot-create",
                    detail = crate::messages::io_detail(&e)
                ),
            )
        })?;
    }
    fs::write(target, text).map_err(|e| {
        Diagnostic::error(
            target,
            Location::WHOLE,
            msg!("file.cannot-write", detail = crate::messages::io_detail(&e)),
        )
    })
}

/// `text` as a YAML string on one line: line breaks and other control
/// characters become spaces, and the rest is quoted as JSON quotes it (a
/// JSON string is a YAML double-quoted string).
fn yaml_string(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::Value::String(one_line.trim().to_string()).to_string()
}

fn module_template(title: &str, skill: &str, level: u8) -> String {
    let title = yaml_string(title);
    let today = today();
    format!(
        r#"---
title: {title}
skills: [{skill}]
level: {level}
duration: 20
summary: このモジュールで学ぶことを一文で書きます。
updated: {today}
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

/// Today's date in Japan as YYYY-MM-DD, for `updated:` of a new module.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    crate::calendar::japan_date(seconds as i64)
}
