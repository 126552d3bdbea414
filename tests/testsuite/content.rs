//! The shipped portal (content/): the quality bar of its modules.
//!
//! Every skill requirement keeps at least one module, every module has a
//! self-check of at least five questions mixing question types with an
//! explanation each and a body of substance, and every id resolves.

use crate::common::{repo_root, TestSite};
use kenshu::content::QuestionKind;
use kenshu::{load_site, LoadOptions};
use std::collections::HashSet;
use std::path::Path;

const MIN_QUESTIONS: usize = 6;
const MIN_BODY_CHARS: usize = 1500;

/// Everything about a site's content that falls short of the bar.
fn content_problems(root: &Path) -> Vec<String> {
    let (site, diagnostics) = load_site(root, LoadOptions::default());
    let mut problems: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    let Some(site) = site else { return problems };
    for skill in &site.framework.skills {
        if site.skill_modules.get(&skill.id).is_none_or(Vec::is_empty) {
            problems.push(format!("skill {} has no module", skill.id));
        }
    }
    for module in &site.modules {
        let questions: Vec<_> = module.body.quizzes.iter().flatten().collect();
        if questions.len() < MIN_QUESTIONS {
            problems.push(format!(
                "module {} has {} questions",
                module.id,
                questions.len()
            ));
        }
        let kinds: HashSet<QuestionKind> = questions.iter().map(|q| q.kind).collect();
        if kinds.len() < 3 {
            problems.push(format!(
                "module {} mixes only {} question kinds",
                module.id,
                kinds.len()
            ));
        }
        if questions.iter().any(|q| q.explanation.trim().is_empty()) {
            problems.push(format!(
                "module {} has a question without explanation",
                module.id
            ));
        }
        let chars = module.body.plain_text.chars().count();
        if chars < MIN_BODY_CHARS {
            problems.push(format!(
                "module {} body has only {chars} characters",
                module.id
            ));
        }
        if module.resources.is_empty() {
            problems.push(format!("module {} links no outside resource", module.id));
        }
    }
    problems.extend(quiz_balance_problems(&site));
    problems.extend(curriculum_prerequisite_problems(&site));
    problems
}

/// A choice's text without markup, for comparing lengths.
fn plain(html: &str) -> usize {
    let mut inside = false;
    html.chars()
        .filter(|c| match c {
            '<' => {
                inside = true;
                false
            }
            '>' => {
                inside = false;
                false
            }
            _ => !inside,
        })
        .count()
}

/// Self-checks a guess cannot pass: the right option is not mostly the
/// longest, true/false keys are balanced, multiple-answer questions have
/// several wrong options and varying numbers of right ones.
fn quiz_balance_problems(site: &kenshu::Site) -> Vec<String> {
    let questions: Vec<_> = site
        .modules
        .iter()
        .flat_map(|m| m.body.quizzes.iter().flatten())
        .collect();
    let mut problems = Vec::new();
    let singles: Vec<_> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Single)
        .collect();
    let longest = singles
        .iter()
        .filter(|q| {
            let right = q
                .choices
                .iter()
                .find(|c| c.correct)
                .map_or(0, |c| plain(&c.text));
            q.choices
                .iter()
                .filter(|c| !c.correct)
                .all(|c| plain(&c.text) < right)
        })
        .count();
    if longest * 3 > singles.len() {
        problems.push(format!(
            "the right option is the longest in {longest} of {} single-answer questions (at most a third)",
            singles.len()
        ));
    }
    let true_false: Vec<_> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::TrueFalse)
        .collect();
    let keyed_true = true_false.iter().filter(|q| q.truth == Some(true)).count();
    if keyed_true * 10 < true_false.len() * 4 || keyed_true * 10 > true_false.len() * 6 {
        problems.push(format!(
            "{keyed_true} of {} true/false questions are keyed true (40-60 %)",
            true_false.len()
        ));
    }
    let multiples: Vec<_> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Multiple)
        .collect();
    let several_wrong = multiples
        .iter()
        .filter(|q| q.choices.iter().filter(|c| !c.correct).count() >= 2)
        .count();
    if several_wrong * 3 < multiples.len() * 2 {
        problems.push(format!(
            "only {several_wrong} of {} multiple-answer questions have two or more wrong options",
            multiples.len()
        ));
    }
    let right_counts: HashSet<usize> = multiples
        .iter()
        .map(|q| q.choices.iter().filter(|c| c.correct).count())
        .collect();
    if multiples.len() > 2 && right_counts.len() < 2 {
        problems.push("every multiple-answer question has the same number of right options".into());
    }
    problems
}

/// No curriculum asks for a module it does not contain.
fn curriculum_prerequisite_problems(site: &kenshu::Site) -> Vec<String> {
    let mut problems = Vec::new();
    for (role, order) in &site.curricula {
        let ids: HashSet<&str> = order.iter().map(|&i| site.modules[i].id.as_str()).collect();
        for &i in order {
            for prerequisite in &site.modules[i].prerequisites {
                if !ids.contains(prerequisite.as_str()) {
                    problems.push(format!(
                        "{role}: {} needs {prerequisite}, which is not in the curriculum",
                        site.modules[i].id
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn a_curriculum_asking_for_a_module_it_lacks_is_caught() {
    let site = TestSite::shipped();
    let path = "content/modules/advanced/data-ai-implementation.md";
    let text = site
        .read(path)
        .replace("prerequisites: []", "prerequisites: [data-literacy]");
    site.write(path, &text);
    let problems = content_problems(site.root());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("cio-advisor: data-ai-implementation needs data-literacy")),
        "{problems:?}"
    );
}

#[test]
fn a_quiz_keyed_all_true_is_caught() {
    let site = TestSite::shipped();
    for entry in walkdir::WalkDir::new(site.path("content/modules")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(entry.path(), text.replace("answer: false", "answer: true")).unwrap();
        }
    }
    let problems = content_problems(site.root());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("true/false questions are keyed true")),
        "{problems:?}"
    );
}

#[test]
fn shipped_content_meets_the_bar() {
    let problems = content_problems(&repo_root());
    assert!(
        problems.is_empty(),
        "shipped content problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn shipped_framework_has_the_policy_roles_and_levels() {
    let (site, _) = load_site(&repo_root(), LoadOptions::default());
    let site = site.expect("shipped site loads");
    let roles: Vec<&str> = site
        .framework
        .roles
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    for name in [
        "一般行政職員",
        "DX推進員",
        "全庁DX推進担当",
        "全庁情報システム担当",
        "管理監督職",
    ] {
        assert!(roles.contains(&name), "role {name} missing");
    }
    assert!(
        site.framework.roles.iter().any(|r| r.external),
        "the external CIO補佐官 role"
    );
    assert_eq!(site.framework.categories.len(), 4);
    let levels: HashSet<u8> = site.modules.iter().map(|m| m.level).collect();
    assert_eq!(levels, HashSet::from([1, 2, 3]), "levels 1-3 are all used");
    assert!(
        site.pages.iter().any(|p| p.slug == "policy"),
        "the policy mapping page"
    );
}

#[test]
fn losing_the_last_module_of_a_skill_is_caught() {
    let site = TestSite::shipped();
    std::fs::remove_file(site.path("content/modules/common/security-literacy.md")).unwrap();
    let problems = content_problems(site.root());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("skill security-literacy has no module")),
        "{problems:?}"
    );
}

#[test]
fn a_module_with_too_few_questions_is_caught() {
    let site = TestSite::shipped();
    let path = "content/modules/common/dx-necessity.md";
    let text = site.read(path);
    let start = text.find("```quiz\n").unwrap();
    let end = start + text[start..].find("\n```\n").unwrap();
    let shortened = format!(
        "{}```quiz\n- question: 一問だけ\n  answer: true\n  explanation: 説明{}",
        &text[..start],
        &text[end..]
    );
    site.write(path, &shortened);
    let problems = content_problems(site.root());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("module dx-necessity has 1 questions")),
        "{problems:?}"
    );
}

#[test]
fn a_dangling_resource_id_is_caught() {
    let site = TestSite::shipped();
    let path = "content/modules/common/dx-necessity.md";
    let text = site
        .read(path)
        .replacen("resources: [", "resources: [no-such-resource, ", 1);
    site.write(path, &text);
    let problems = content_problems(site.root());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("外部資源「no-such-resource」は resources.yaml にありません")),
        "{problems:?}"
    );
}
