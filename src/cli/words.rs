//! The command line in the catalogue's words: help texts, headings and
//! usage errors in the user's language.
//!
//! clap writes its help and errors in English. [`localized`] puts the
//! catalogue's `cli-help.*` texts on every command and argument and the
//! `cli-usage.*` headings on the help; [`usage_error`] says what is wrong
//! with a command line as a catalogue message, from the error's kind and
//! context (clap's own words are kept only for kinds kenshu never meets).

use crate::messages::{word, Lang, Message};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help of each command (its path of names) and of each of its
/// arguments (`path/arg`), as catalogue codes. Arguments every command
/// shares (`root`, `drafts`) fall back to `*/root`.
const HELP: &[(&str, &str)] = &[
    ("", "cli-help.kenshu"),
    ("*/lang", "cli-help.arg.lang"),
    ("*/root", "cli-help.arg.root"),
    ("*/drafts", "cli-help.arg.drafts"),
    ("*/out", "cli-help.arg.out"),
    ("build", "cli-help.build"),
    ("build/out", "cli-help.build.out"),
    ("check", "cli-help.check"),
    ("check/format", "cli-help.check.format"),
    ("serve", "cli-help.serve"),
    ("serve/bind", "cli-help.serve.bind"),
    ("serve/port", "cli-help.serve.port"),
    ("serve/open", "cli-help.serve.open"),
    ("serve/out", "cli-help.serve.out"),
    ("new", "cli-help.new"),
    ("new module", "cli-help.new.module"),
    ("new module/path", "cli-help.new.module.path"),
    ("new module/skill", "cli-help.new.module.skill"),
    ("new module/title", "cli-help.new.module.title"),
    ("new module/id", "cli-help.new.module.id"),
    ("init", "cli-help.init"),
    ("init/dir", "cli-help.init.dir"),
    ("package", "cli-help.package"),
    ("package scorm", "cli-help.package.scorm"),
    ("package scorm/out", "cli-help.package.scorm.out"),
    ("package scorm/roles", "cli-help.package.scorm.role"),
    ("export", "cli-help.export"),
    ("export moodle-competencies", "cli-help.export.competencies"),
    (
        "export moodle-competencies/out",
        "cli-help.export.competencies.out",
    ),
    ("export moodle-questions", "cli-help.export.questions"),
    (
        "export moodle-questions/out",
        "cli-help.export.questions.out",
    ),
    ("report", "cli-help.report"),
    ("report/roster", "cli-help.report.roster"),
    ("report/out", "cli-help.report.out"),
    ("report/anonymise", "cli-help.report.anonymise"),
    ("report/inputs", "cli-help.report.inputs"),
];

fn help_code(key: &str) -> Option<&'static str> {
    HELP.iter().find(|(k, _)| *k == key).map(|&(_, code)| code)
}

/// The command tree with the catalogue's help texts and headings.
pub fn localized(command: Command, lang: Lang) -> Command {
    localize(unlocalized(command), "", lang)
}

/// The command tree as [`localized`] parses it, without the help texts:
/// enough for a command line that parses (see its test).
pub fn unlocalized(command: Command) -> Command {
    command.disable_help_subcommand(true)
}

fn localize(mut command: Command, path: &str, lang: Lang) -> Command {
    if let Some(code) = help_code(path) {
        command = command.about(word(lang, code));
    }
    let template = format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        word(lang, "cli-usage.usage")
    );
    let usage = usage(&command, path, lang);
    command = command
        .help_template(template)
        .override_usage(usage)
        .subcommand_help_heading(word(lang, "cli-usage.commands"))
        .subcommand_value_name(word(lang, "cli-usage.command"))
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(word(lang, "cli-help.arg.help")),
        );
    if path.is_empty() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(word(lang, "cli-help.arg.version")),
        );
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let code = help_code(&format!("{path}/{id}")).or_else(|| help_code(&format!("*/{id}")));
        command = command.mut_arg(&id, |arg| {
            let heading = if arg.is_positional() {
                "cli-usage.arguments"
            } else {
                "cli-usage.options"
            };
            // Defaults and choices are in the help text, in words.
            let takes_values = arg.get_action().takes_values();
            let arg = arg
                .help_heading(word(lang, heading))
                .hide_default_value(takes_values)
                .hide_possible_values(takes_values);
            match code {
                Some(code) => arg.help(word(lang, code)),
                None => arg,
            }
        });
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(&name, |sub| localize(sub, &child, lang));
    }
    command
}

/// `kenshu build [OPTIONS]`-style usage, written out so that clap's
/// English placeholders (`[OPTIONS]`, `<COMMAND>`) are not shown.
fn usage(command: &Command, path: &str, lang: Lang) -> String {
    let name = if path.is_empty() {
        "kenshu".to_string()
    } else {
        format!("kenshu {path}")
    };
    let positionals: Vec<String> = command
        .get_positionals()
        .map(|a| {
            let value = a
                .get_value_names()
                .and_then(|v| v.first())
                .map_or_else(|| a.get_id().to_string().to_uppercase(), |v| v.to_string());
            if a.is_required_set() {
                format!("<{value}>")
            } else {
                format!("[{value}]")
            }
        })
        .collect();
    let mut parts = vec![
        name,
        format!("[{}]", word(lang, "cli-usage.option-placeholder")),
    ];
    if command.has_subcommands() {
        parts.push(format!("<{}>", word(lang, "cli-usage.command")));
    }
    parts.extend(positionals);
    parts.join(" ")
}

/// What is wrong with the command line, in the catalogue's words, for the
/// kinds of error a user meets; None for help and version (clap prints them)
/// and for kinds kenshu's commands cannot produce.
pub fn usage_error(error: &clap::Error) -> Option<Message> {
    let context = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        _ => String::new(),
    };
    let suggestion = || {
        let s = context(ContextKind::SuggestedArg);
        if s.is_empty() {
            context(ContextKind::SuggestedSubcommand)
        } else {
            s
        }
    };
    let message = match error.kind() {
        ErrorKind::UnknownArgument => Message::new("cli-usage.unknown-argument")
            .arg("arg", context(ContextKind::InvalidArg))
            .arg("suggestion", suggestion()),
        ErrorKind::InvalidSubcommand => Message::new("cli-usage.unknown-command")
            .arg("command", context(ContextKind::InvalidSubcommand))
            .arg("suggestion", suggestion()),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = context(ContextKind::ValidValue);
            let code = if valid.is_empty() {
                "cli-usage.bad-value"
            } else {
                "cli-usage.bad-choice"
            };
            Message::new(code)
                .arg("arg", context(ContextKind::InvalidArg))
                .arg("value", context(ContextKind::InvalidValue))
                .arg("valid", valid)
        }
        ErrorKind::MissingRequiredArgument => {
            Message::new("cli-usage.missing-argument").arg("arg", context(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Message::new("cli-usage.missing-command")
        }
        ErrorKind::TooManyValues
        | ErrorKind::WrongNumberOfValues
        | ErrorKind::ArgumentConflict
        | ErrorKind::NoEquals => {
            Message::new("cli-usage.bad-argument").arg("arg", context(ContextKind::InvalidArg))
        }
        _ => return None,
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_localised_command_line_passes_clap_s_checks_in_both_languages() {
        for lang in [Lang::Ja, Lang::En] {
            localized(crate::cli::Cli::command(), lang).debug_assert();
        }
    }

    /// What each tree makes of a command line: the parsed command, or the
    /// kind of error (help and version are errors to clap).
    fn outcome(command: Command, line: &[&str]) -> Result<String, clap::error::ErrorKind> {
        use clap::FromArgMatches;
        let matches = command.try_get_matches_from(line).map_err(|e| e.kind())?;
        let cli = crate::cli::Cli::from_arg_matches(&matches).map_err(|e| e.kind())?;
        Ok(format!("{cli:?}"))
    }

    #[test]
    fn the_unlocalised_tree_parses_every_command_line_as_the_localised_one() {
        fn paths(command: &Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
            out.push(path.clone());
            for sub in command.get_subcommands() {
                let mut child = path.clone();
                child.push(sub.get_name().to_string());
                paths(sub, child, out);
            }
        }
        let mut all = Vec::new();
        paths(&crate::cli::Cli::command(), Vec::new(), &mut all);
        let tails: [&[&str]; 7] = [
            &[],
            &["--help"],
            &["-h"],
            &["-V"],
            &["--nope"],
            &["--lang", "en"],
            &["--root", "site", "--out", "x", "--drafts"],
        ];
        let mut compared = 0;
        for path in &all {
            for tail in tails {
                let mut line = vec!["kenshu"];
                line.extend(path.iter().map(String::as_str));
                line.extend_from_slice(tail);
                let plain = outcome(unlocalized(crate::cli::Cli::command()), &line);
                for lang in [Lang::Ja, Lang::En] {
                    let full = outcome(localized(crate::cli::Cli::command(), lang), &line);
                    match (&plain, &full) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{line:?}"),
                        (Err(_), Err(_)) => {}
                        _ => panic!("{line:?}: {plain:?} against {full:?}"),
                    }
                }
                compared += 1;
            }
        }
        assert!(compared > 50, "only {compared} command lines");
    }

    #[test]
    fn every_command_and_argument_has_its_help_in_the_catalogue() {
        fn walk(command: &Command, path: &str, missing: &mut Vec<String>) {
            if help_code(path).is_none() {
                missing.push(format!("command {path:?}"));
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                let known =
                    help_code(&format!("{path}/{id}")).or_else(|| help_code(&format!("*/{id}")));
                if known.is_none() && !["help", "version"].contains(&id) {
                    missing.push(format!("{path}/{id}"));
                }
            }
            for sub in command.get_subcommands() {
                let child = if path.is_empty() {
                    sub.get_name().to_string()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                walk(sub, &child, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&crate::cli::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no cli-help entry for {missing:?}");
    }
}
