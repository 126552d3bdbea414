//! The message catalogue: every sentence kenshu says to an author.
//!
//! Diagnostics and summary lines carry a [`Message`] — a code such as
//! `module.unknown-skill` and named arguments — and are put into words only
//! when printed, in the language asked for (`language:` in site.yaml,
//! or `--lang`). The words live in `themes/default/i18n/messages/<lang>.yaml`
//! beside the portal's UI strings; each entry has a `message` and may have a
//! `hint` (how to fix it), both with `{name}` placeholders.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language kenshu can speak to authors in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    /// The catalogue for a language tag (`ja`, `en`, `en-GB`…); Japanese
    /// for anything kenshu has no catalogue for.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Ja
        }
    }
}

/// What to say, not yet in words: a catalogue code and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Message {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// Separates the items of a list argument until it is put into words (the
/// ASCII unit separator, which no author's text holds).
const LIST_ITEMS: &str = "\u{1f}";

/// `msg!("code", name = value, …)`: a [`Message`] with named arguments.
#[macro_export]
macro_rules! msg {
    ($code:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Message {
            code: $code,
            args: vec![$((stringify!($name), ($value).to_string())),*],
        }
    };
}

impl Message {
    pub fn new(code: &'static str) -> Message {
        Message {
            code,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }

    /// An argument that is text already in words, lines and all (a
    /// message with its hint, put inside another): kept as it is, where
    /// other arguments have their control characters escaped.
    pub fn text_arg(self, name: &'static str, text: impl ToString) -> Message {
        self.arg(name, format!("{IN_WORDS}{}", text.to_string()))
    }

    /// An argument that is a list, joined with the language's separator
    /// when the message is put into words (「、」 in Japanese, ", " in English).
    pub fn list_arg<I, T>(self, name: &'static str, items: I) -> Message
    where
        I: IntoIterator<Item = T>,
        T: ToString,
    {
        let items: Vec<String> = items.into_iter().map(|item| item.to_string()).collect();
        self.arg(name, items.join(LIST_ITEMS))
    }

    /// The value of one argument, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The message in words. A non-empty `suggestion` argument (the name
    /// the author probably meant) is added as "did you mean …".
    pub fn text(&self, lang: Lang) -> String {
        let args = self.resolved_args(lang);
        let mut text = match entry(lang, self.code) {
            Some(entry) => fill(&entry.message, &args),
            None => self.fallback(&args),
        };
        if let Some(close) = self.get("suggestion").filter(|s| !s.is_empty()) {
            let template = entry(lang, "did-you-mean").map(|e| e.message.as_str());
            text.push_str(&fill(
                template.unwrap_or(" ({suggestion}?)"),
                &[("suggestion", close.to_string())],
            ));
        }
        text
    }

    /// The message and, on a line of its own, how to fix it (for a
    /// message printed on its own, not as a located diagnostic).
    pub fn text_with_hint(&self, lang: Lang) -> String {
        with_hint(self.text(lang), self.hint(lang), lang)
    }

    /// How to fix it, when the catalogue says.
    pub fn hint(&self, lang: Lang) -> Option<String> {
        entry(lang, self.code)
            .and_then(|entry| entry.hint.as_deref())
            .map(|hint| fill(hint, &self.resolved_args(lang)))
            .filter(|hint| !hint.is_empty())
    }

    /// The arguments in words: lists joined in the language, then
    /// arguments whose name starts with `@`, which hold another code (a
    /// reason shared by several messages), filled from the others.
    fn resolved_args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let plain: Vec<(&'static str, String)> = self
            .args
            .iter()
            .map(|(name, value)| (*name, joined(value, lang)))
            .collect();
        plain
            .iter()
            .map(|(name, value)| match name.strip_prefix('@') {
                Some(_) => {
                    let words = entry(lang, value)
                        .map(|e| fill(&e.message, &plain))
                        .unwrap_or_else(|| value.clone());
                    (*name, words)
                }
                None => (*name, value.clone()),
            })
            .collect()
    }

    /// A code missing from the catalogue still says everything it knows.
    fn fallback(&self, args: &[(&'static str, String)]) -> String {
        let args: Vec<String> = args.iter().map(|(n, v)| format!("{n}={v}")).collect();
        format!("{} {}", self.code, args.join(" "))
    }
}

/// A list argument's items joined with the language's separator, a
/// system error in the language's words; any other value as it is.
fn joined(value: &str, lang: Lang) -> String {
    if let Some(text) = value.strip_prefix(IN_WORDS) {
        return text.to_string();
    }
    if let Some(rest) = value.strip_prefix(SYSTEM_ERROR) {
        let (code, system) = rest.split_once(SYSTEM_ERROR).unwrap_or(("", rest));
        return match entry(lang, code) {
            Some(entry) => entry.message.clone(),
            None => system.to_string(),
        };
    }
    if value.contains(LIST_ITEMS) {
        one_line(&value.replace(LIST_ITEMS, &word(lang, "label.list-separator")))
    } else {
        one_line(value)
    }
}

/// `text` with its control characters escaped (a newline in a file name
/// becomes `\n`), so that a message stays on its line.
pub(crate) fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .flat_map(|c| match c.is_control() {
            true => c.escape_default().collect::<Vec<_>>(),
            false => vec![c],
        })
        .collect()
}

/// Marks an argument that is text in words already (the ASCII group
/// separator).
const IN_WORDS: &str = "\u{1d}";

/// Marks an argument that is a system error until it is put into words
/// (the ASCII record separator).
const SYSTEM_ERROR: &str = "\u{1e}";

/// An I/O error as a message argument: in the catalogue's words for the
/// common kinds (`io.not-found`…), as the system says it otherwise. The
/// system's sentences are English ("Not a directory (os error 20)").
pub fn io_detail(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let code = match err.kind() {
        K::NotFound => "io.not-found",
        K::PermissionDenied => "io.permission-denied",
        K::AlreadyExists => "io.already-exists",
        K::NotADirectory => "io.not-a-directory",
        K::IsADirectory => "io.is-a-directory",
        K::DirectoryNotEmpty => "io.directory-not-empty",
        K::ReadOnlyFilesystem => "io.read-only",
        K::StorageFull | K::QuotaExceeded => "io.storage-full",
        K::InvalidFilename => "io.invalid-file-name",
        K::InvalidData => "io.invalid-data",
        K::AddrInUse => "io.address-in-use",
        K::AddrNotAvailable => "io.address-not-available",
        _ => "",
    };
    format!("{SYSTEM_ERROR}{code}{SYSTEM_ERROR}{err}")
}

/// `text` and, on an indented line of its own, `hint` (when there is one):
/// how every message with its hint is printed.
pub fn with_hint(text: String, hint: Option<String>, lang: Lang) -> String {
    match hint {
        Some(hint) => format!("{text}\n  {}: {hint}", word(lang, "label.hint")),
        None => text,
    }
}

/// A word from the catalogue itself (labels such as "error").
pub fn word(lang: Lang, code: &'static str) -> String {
    Message::new(code).text(lang)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) hint: Option<String>,
}

const JA: &str = include_str!("../themes/default/i18n/messages/ja.yaml");
const EN: &str = include_str!("../themes/default/i18n/messages/en.yaml");

pub(crate) fn catalogue(lang: Lang) -> &'static HashMap<String, Entry> {
    static JA_CATALOGUE: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    static EN_CATALOGUE: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Ja => (&JA_CATALOGUE, JA),
        Lang::En => (&EN_CATALOGUE, EN),
    };
    // The catalogues are part of the binary and checked by the tests below.
    cell.get_or_init(|| marked_yaml::from_yaml(0, text).unwrap_or_default())
}

/// Parses the catalogue of `lang` (and the Japanese one it falls back on)
/// now, so that the first message later does not wait for it: a command
/// calls this on a thread of its own while it works.
pub fn warm(lang: Lang) {
    catalogue(lang);
    catalogue(Lang::Ja);
}

fn entry(lang: Lang, code: &str) -> Option<&'static Entry> {
    catalogue(lang)
        .get(code)
        .or_else(|| catalogue(Lang::Ja).get(code))
}

/// Replaces each `{name}` with its argument; unknown names stay as written.
fn fill(template: &str, args: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    fill_with(template, &mut out, |name, out| {
        let value = args.iter().find(|(n, _)| *n == name);
        value.map(|(_, value)| out.push_str(value)).is_some()
    });
    out
}

/// Writes `template` to `out` with each `{name}` replaced by what `put`
/// writes for it; when `put` writes nothing and returns false (an unknown
/// name) the placeholder stays as written. The one placeholder syntax of
/// messages and of the templates' `fill` filter.
pub(crate) fn fill_with(
    template: &str,
    out: &mut String,
    mut put: impl FnMut(&str, &mut String) -> bool,
) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let name = &after[..close];
        if !put(name, out) {
            out.push('{');
            out.push_str(name);
            out.push('}');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    #[test]
    fn catalogues_parse_and_have_the_same_codes_and_placeholders() {
        let ja: HashMap<String, Entry> = marked_yaml::from_yaml(0, JA).expect("ja.yaml");
        let en: HashMap<String, Entry> = marked_yaml::from_yaml(0, EN).expect("en.yaml");
        let ja_codes: BTreeSet<_> = ja.keys().collect();
        let en_codes: BTreeSet<_> = en.keys().collect();
        assert_eq!(ja_codes, en_codes, "both languages have every code");
        for (code, entry) in &ja {
            let other = &en[code];
            assert_eq!(
                placeholders(&entry.message),
                placeholders(&other.message),
                "{code}"
            );
            assert_eq!(entry.hint.is_some(), other.hint.is_some(), "{code} hint");
        }
    }

    #[test]
    fn every_code_used_in_the_source_is_in_the_catalogue() {
        let ja = catalogue(Lang::Ja);
        let mut missing = Vec::new();
        for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for part in text.split("msg!(\"").skip(1) {
                let code = part.split('"').next().unwrap_or_default();
                if !ja.contains_key(code) && code != "code" {
                    missing.push(format!("{}: {code}", entry.path().display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "codes missing from ja.yaml: {missing:?}"
        );
    }

    #[test]
    fn lists_are_joined_in_the_language_of_the_text() {
        let message = crate::msg!("roster.unknown-role", role = "係長")
            .list_arg("names", ["一般行政職員", "DX推進員"])
            .list_arg("ids", ["general", "dx"]);
        let ja = message.hint(Lang::Ja).unwrap();
        assert!(ja.contains("（一般行政職員、DX推進員）"), "{ja}");
        assert!(ja.contains("（general、dx）"), "{ja}");
        let en = message.hint(Lang::En).unwrap();
        assert!(en.contains("(一般行政職員, DX推進員)"), "{en}");
        assert!(en.contains("(general, dx)"), "{en}");
        // One item is left as it is.
        let one = Message::new("x").list_arg("items", ["a"]);
        assert_eq!(one.get("items"), Some("a"));
    }

    #[test]
    fn fills_named_arguments() {
        let message = Message::new("x").arg("id", "a").arg("n", 3);
        assert_eq!(
            fill("「{id}」は{n}回 {other}", &message.args),
            "「a」は3回 {other}"
        );
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("ja"), Lang::Ja);
    }
}
