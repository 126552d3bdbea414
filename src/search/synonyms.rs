//! Synonyms: groups of words that find each other (エクセル = Excel).
//!
//! A site sets its own groups with `search.synonyms` in site.yaml; without
//! the key, [`DEFAULT_GROUPS`] apply (an empty list turns synonyms off).
//! The groups go to the browser folded like queries, and a query word that
//! equals a word of a group also finds the group's other words.

use super::tokens::normalize;

/// The shipped groups: product names staff type for what the modules call
/// by a general name, and common short forms. docs/authoring.md lists them
/// for authors: change both together.
pub const DEFAULT_GROUPS: &[&[&str]] = &[
    &["エクセル", "Excel"],
    &["ワード", "Word"],
    &["パワーポイント", "パワポ", "PowerPoint"],
    &["生成AI", "ChatGPT", "Copilot", "対話型AI"],
    &["マイナンバー", "個人番号"],
    &["DX", "デジタルトランスフォーメーション", "デジタル変革"],
    &["ガバメントクラウド", "ガバクラ"],
    &["LGWAN", "総合行政ネットワーク"],
    &["テレワーク", "リモートワーク", "在宅勤務"],
    &["電子申請", "オンライン申請"],
    &["BPR", "業務改革"],
    &["クラウド", "cloud"],
];

/// The groups in folded form (see [`normalize`]), without empty words,
/// repeats, or groups left with fewer than two words.
pub(crate) fn folded(groups: Option<&[Vec<String>]>) -> Vec<Vec<String>> {
    let defaults: Vec<Vec<String>>;
    let groups = match groups {
        Some(groups) => groups,
        None => {
            defaults = DEFAULT_GROUPS
                .iter()
                .map(|g| g.iter().map(|w| w.to_string()).collect())
                .collect();
            &defaults
        }
    };
    groups
        .iter()
        .filter_map(|group| {
            let mut words: Vec<String> = Vec::with_capacity(group.len());
            for word in group.iter().map(|w| normalize(w.trim())) {
                if !word.is_empty() && !words.contains(&word) {
                    words.push(word);
                }
            }
            (words.len() >= 2).then_some(words)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_folded_and_cleaned() {
        let groups = vec![
            vec!["エクセル".to_string(), "ＥＸＣＥＬ".into(), "excel".into()],
            vec!["ひとつ".to_string(), " ".into()],
        ];
        assert_eq!(folded(Some(&groups)), [["えくせる", "excel"]]);
    }

    #[test]
    fn defaults_apply_without_the_key_and_not_with_an_empty_list() {
        let defaults = folded(None);
        assert!(defaults.contains(&vec!["えくせる".to_string(), "excel".into()]));
        assert!(folded(Some(&[])).is_empty());
    }
}
