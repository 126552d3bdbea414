//! `content/site.yaml`: the portal's settings.
//!
//! Unknown keys are errors (`deny_unknown_fields`), like everywhere else in
//! the authoring format, so a typo never passes silently.

use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use crate::source::SourceText;
use crate::yaml::{self, Spots};
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
    /// Where `theme:` is written, for a theme that does not exist.
    #[serde(skip)]
    pub theme_at: Location,
    /// Where `language:` is written, for a language the theme has no words for.
    #[serde(skip)]
    pub language_at: Location,
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
    /// 所属 offered as suggestions on the progress page (free text otherwise).
    #[serde(default)]
    pub departments: Vec<String>,
    /// The portal's full URL (e.g. `https://intranet.example.lg.jp/kenshu/`).
    /// SCORM packages link modules outside their curriculum to it; without
    /// it such links show as plain text.
    #[serde(default)]
    pub base_url: Option<String>,
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
        let node = yaml::parse(&source, false)?;
        let (config, mut problems) = yaml::read_all::<SiteConfig>(&source, &node);
        let Some(mut config) = config else {
            return Err(problems);
        };
        let spots = Spots::of(&source, &node);
        config.theme_at = spots.value("theme");
        config.language_at = spots.value("language");
        let mut error = |key: &str, message: Message| {
            problems.push(Diagnostic::error(path, spots.value(key), message))
        };
        if config.title.trim().is_empty() {
            error("title", msg!("site.empty-title"));
        }
        if !(1..=100).contains(&config.pass_score) {
            error(
                "pass_score",
                msg!("site.bad-pass-score", score = config.pass_score),
            );
        }
        if let Some(code) = country_for_language(&config.language) {
            error(
                "language",
                msg!(
                    "site.language-is-a-country",
                    language = &config.language,
                    code = code
                ),
            );
        } else if !is_language_tag(&config.language) {
            error(
                "language",
                msg!("site.bad-language", language = &config.language),
            );
        }
        if let Some(base) = config
            .base_path
            .as_deref()
            .filter(|b| !b.starts_with('/') || b.contains("://"))
        {
            error("base_path", msg!("site.bad-base-path", base = base));
        }
        if let Some(url) = config.base_url.as_deref().filter(|u| !is_http_url(u)) {
            error("base_url", msg!("site.bad-base-url", url = url));
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

    /// base_url with a trailing slash, ready to have a relative path appended.
    pub fn portal_url(&self) -> Option<String> {
        self.base_url.as_ref().map(|b| {
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
                let key = format!("{}\u{0}{}", self.organization, self.title);
                let hash = crate::ids::fnv1a(key.bytes().map(u32::from));
                format!("kenshu:{hash:08x}")
            }
        }
    }
}

fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

/// A BCP 47 language tag in shape: a primary language of two or three
/// letters, then subtags of one to eight letters or digits (`ja`, `en-US`,
/// `zh-Hant-TW`). The page's `lang` attribute must be one (WCAG 3.1.1), so
/// `english` or `日本語` is refused.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    primary_ok
        && tag.len() <= 35
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The language meant by a country code written in its place (`jp` for
/// Japanese), the slip the check names: JP, US, GB, CN and KR are no
/// languages (and `jp` is no language at all).
fn country_for_language(tag: &str) -> Option<&'static str> {
    const COUNTRIES: &[(&str, &str)] = &[
        ("jp", "ja"),
        ("us", "en"),
        ("gb", "en"),
        ("cn", "zh"),
        ("kr", "ko"),
    ];
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    COUNTRIES
        .iter()
        .find(|(country, _)| primary.eq_ignore_ascii_case(country))
        .map(|&(_, language)| language)
}

/// The language of a site's messages: `language:` in its site.yaml, or
/// Japanese when there is no readable one.
pub fn site_lang(root: &Path) -> crate::messages::Lang {
    let text = crate::source::load_text(root, Path::new(SITE_FILE)).unwrap_or_default();
    let source = SourceText::new(Path::new(SITE_FILE), &text);
    let language = yaml::parse(&source, false).ok().and_then(|node| {
        node.as_mapping()
            .and_then(|m| m.get_scalar("language"))
            .map(|s| s.as_str().to_string())
    });
    crate::messages::Lang::from_tag(language.as_deref().unwrap_or("ja"))
}

/// An error for a required file that does not exist.
pub fn missing_file(path: &str) -> Diagnostic {
    Diagnostic::error(path, Location::WHOLE, msg!("file.missing", path = path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_in_shape() {
        for tag in ["ja", "JA", "en-US", "zh-Hant-TW", "ja-JP-x-kenshu"] {
            assert!(is_language_tag(tag), "{tag}");
        }
        for tag in [
            "",
            "j",
            "english",
            "日本語",
            "ja-",
            "ja_JP",
            "ja-toolongsubtag",
        ] {
            assert!(!is_language_tag(tag), "{tag}");
        }
        assert_eq!(country_for_language("jp"), Some("ja"));
        assert_eq!(country_for_language("JP"), Some("ja"));
        assert_eq!(country_for_language("ja-JP"), None);
    }

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
        assert_eq!(errors[0].location, Location::new(2, 13));
        assert_eq!(errors[0].code(), "site.bad-pass-score");
    }

    #[test]
    fn base_url_must_be_an_http_url_and_gets_a_trailing_slash() {
        let config = SiteConfig::parse("title: T\nbase_url: https://x.example/k\n").unwrap();
        assert_eq!(config.portal_url().as_deref(), Some("https://x.example/k/"));
        let errors = SiteConfig::parse("title: T\nbase_url: /kenshu/\n").unwrap_err();
        assert_eq!(errors[0].location, Location::new(2, 11));
    }

    #[test]
    fn progress_keys_differ_between_portals() {
        let a = SiteConfig::parse("title: A\n").unwrap();
        let b = SiteConfig::parse("title: B\n").unwrap();
        assert_ne!(a.progress_key(), b.progress_key());
    }
}
