//! `content/site.yaml`: the portal's settings.
//!
//! Unknown keys are errors (`deny_unknown_fields`), like everywhere else in
//! the authoring format, so a typo never passes silently.

use crate::diagnostics::{Diagnostic, Location};
use crate::source::{parse_yaml, SourceText};
use serde::Deserialize;
use std::path::Path;

pub const SITE_FILE: &str = "content/site.yaml";

/// The settings of one site.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// 団体名, shown in the header and on the home page.
    #[serde(default)]
    pub organization: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Percentage of questions to answer rightly to pass a module.
    #[serde(default = "default_pass_score")]
    pub pass_score: u8,
    /// Short text for the home page under the title.
    #[serde(default)]
    pub description: String,
    /// Key under which the browser keeps progress; defaults to one derived
    /// from the organisation and title, so two portals on one host do not mix.
    #[serde(default)]
    pub progress_key: Option<String>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// URL path the portal is served under (e.g. `/training/`). Only the 404
    /// page needs it: a server shows that page at any depth, where relative
    /// URLs cannot work. Every other page uses relative URLs.
    #[serde(default)]
    pub base_path: Option<String>,
    #[serde(default)]
    pub search: SearchConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Groups of words that find each other (`[[エクセル, Excel], …]`);
    /// without the key the built-in groups of `search::synonyms` apply.
    #[serde(default)]
    pub synonyms: Option<Vec<Vec<String>>>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown is escaped unless the site opts in.
    #[serde(default)]
    pub allow_html: bool,
}

fn default_language() -> String {
    "ja".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_pass_score() -> u8 {
    80
}

impl SiteConfig {
    /// Parses site.yaml text and checks value ranges.
    pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = Path::new(SITE_FILE);
        let source = SourceText::new(path, text);
        let config: SiteConfig = parse_yaml(&source).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        if config.title.trim().is_empty() {
            problems.push(
                Diagnostic::error(path, source.find("title"), "`title` must not be empty")
                    .with_hint("give the portal a name, e.g. title: デジタル人材育成ポータル"),
            );
        }
        if !(1..=100).contains(&config.pass_score) {
            problems.push(
                Diagnostic::error(
                    path,
                    source.find("pass_score"),
                    format!(
                        "`pass_score` must be between 1 and 100, not {}",
                        config.pass_score
                    ),
                )
                .with_hint("pass_score is a percentage, e.g. pass_score: 80"),
            );
        }
        if !is_language_tag(&config.language) {
            problems.push(Diagnostic::error(
                path,
                source.find("language"),
                format!(
                    "`language` \"{}\" is not a language tag such as ja or en",
                    config.language
                ),
            ));
        }
        if let Some(base) = config
            .base_path
            .as_deref()
            .filter(|b| !b.starts_with('/') || b.contains("://"))
        {
            problems.push(
                Diagnostic::error(
                    path,
                    source.find("base_path"),
                    format!("`base_path` \"{base}\" must be a URL path starting with /"),
                )
                .with_hint("write the path the portal is served under, e.g. base_path: /training/"),
            );
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// The 404 page's prefix for URLs: base_path with a trailing slash.
    pub fn not_found_root(&self) -> Option<String> {
        self.base_path.as_ref().map(|b| {
            if b.ends_with('/') {
                b.clone()
            } else {
                format!("{b}/")
            }
        })
    }

    /// The localStorage key of this portal's progress records.
    pub fn progress_key(&self) -> String {
        match &self.progress_key {
            Some(key) => key.clone(),
            None => {
                let hash = fnv1a(format!("{}\u{0}{}", self.organization, self.title).as_bytes());
                format!("kenshu:{hash:08x}")
            }
        }
    }
}

fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty() && tag.len() <= 35 && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// 32-bit FNV-1a: a stable, dependency-free hash for short keys.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

/// A location-free error for a missing file.
pub fn missing_file(path: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(path, Location::START, "file not found").with_hint(hint.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let config = SiteConfig::parse("title: T\n").unwrap();
        assert_eq!(config.language, "ja");
        assert_eq!(config.pass_score, 80);
        assert!(!config.markdown.allow_html);
        assert_eq!(config.search.synonyms, None);
    }

    #[test]
    fn search_synonyms_are_groups_of_words() {
        let config =
            SiteConfig::parse("title: T\nsearch:\n  synonyms:\n    - [エクセル, Excel]\n").unwrap();
        let groups = config.search.synonyms.unwrap();
        assert_eq!(groups, [["エクセル", "Excel"]]);
    }

    #[test]
    fn out_of_range_pass_score_is_located() {
        let errors = SiteConfig::parse("title: T\npass_score: 120\n").unwrap_err();
        assert_eq!(errors[0].location, Location::new(2, 1));
    }

    #[test]
    fn progress_keys_differ_between_portals() {
        let a = SiteConfig::parse("title: A\n").unwrap();
        let b = SiteConfig::parse("title: B\n").unwrap();
        assert_ne!(a.progress_key(), b.progress_key());
    }
}
