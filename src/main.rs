//! The `kenshu` binary: parses the command line, runs it, prints problems once.

#![forbid(unsafe_code)]

use clap::{CommandFactory, FromArgMatches};
use kenshu::cli::{Cli, Command, ExportCommand, Format, NewCommand, NewModuleArgs, PackageCommand};
use kenshu::export::{self, ExportError};
use kenshu::messages::{Lang, Message};
use kenshu::package::{self, PackageError, PackageOptions};
use kenshu::{build_site, check_site, msg, scaffold, serve, BuildError, BuildOptions, Diagnostics};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// mimalloc: the build allocates many small strings and values on two
/// threads; it cut a 10,000-module build from 2.04 s to 1.71 s against the
/// system allocator (docs/performance.md). Built with `no_thp`: asking for
/// transparent huge pages raised peak memory at 1,000 modules from 50 to
/// 83 MiB for no measurable gain in time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (cli, lang) = match parse_command_line() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    // The messages are needed once the command has run (or failed): the
    // catalogue is parsed meanwhile.
    std::thread::spawn(move || kenshu::messages::warm(lang));
    match run(cli.command, lang) {
        Ok(code) => code,
        Err(detail) => {
            say_error(detail, lang);
            ExitCode::FAILURE
        }
    }
}

/// The command line, with help and usage errors in the catalogue's words.
/// Usage errors exit with 2, as clap's own do; help and version with 0.
/// Where the word `help` stands as the command: the first argument that
/// is neither the one global option (`--lang`, `--lang=…`) nor its value.
fn help_word(args: &[std::ffi::OsString]) -> Option<usize> {
    let mut at = 1;
    while let Some(arg) = args.get(at) {
        match arg.to_str() {
            Some("--lang") => at += 2,
            Some(a) if a.starts_with("--lang=") => at += 1,
            Some("help") => return Some(at),
            _ => return None,
        }
    }
    None
}

/// The language of all that follows is found once, before parsing (the help
/// is in it), from the same `--lang` and `--root` clap then reads.
fn parse_command_line() -> Result<(Cli, Lang), ExitCode> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `kenshu help build` is `kenshu build --help`, after `--lang en` too.
    if let Some(at) = help_word(&args) {
        args.remove(at);
        args.push("--help".into());
    }
    let lang = early_language(&args);
    // A command line that parses needs no help texts; one that does not is
    // parsed again with them, for help, version and errors in the
    // catalogue's words (the two trees accept the same arguments).
    let plain = kenshu::cli::unlocalized(Cli::command());
    if let Ok(matches) = plain.try_get_matches_from(&args) {
        if let Ok(cli) = Cli::from_arg_matches(&matches) {
            return Ok((cli, lang));
        }
    }
    let command = kenshu::cli::localized(Cli::command(), lang);
    let error = match command.try_get_matches_from(&args) {
        Ok(matches) => match Cli::from_arg_matches(&matches) {
            Ok(cli) => return Ok((cli, lang)),
            Err(error) => error,
        },
        Err(error) => error,
    };
    let Some(message) = kenshu::cli::usage_error(&error) else {
        // Help and version (and kinds kenshu never meets) as clap writes them.
        let _ = error.print();
        return Err(ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)));
    };
    // clap's usage line starts "Usage:"; the catalogue's word replaces it.
    let usage = match error.get(clap::error::ContextKind::Usage) {
        Some(clap::error::ContextValue::StyledStr(usage)) => {
            let usage = usage.to_string();
            let line = usage.trim().trim_start_matches("Usage:").trim();
            format!(
                "\n  {}: {line}",
                kenshu::messages::word(lang, "cli-usage.usage")
            )
        }
        _ => String::new(),
    };
    let label = kenshu::messages::word(lang, "label.error");
    let text = format!("{label}: {}{usage}", message.text(lang));
    say_err(&kenshu::messages::with_hint(text, message.hint(lang), lang));
    Err(ExitCode::from(2))
}

/// The language of messages: `--lang`, else the `language:` of the site
/// `--root` names (or the current folder's), else Japanese.
fn early_language(args: &[std::ffi::OsString]) -> Lang {
    let value_of = |name: &str| {
        let prefix = format!("{name}=");
        args.iter().enumerate().find_map(|(i, a)| {
            let a = a.to_str()?;
            if a == name {
                args.get(i + 1).and_then(|v| v.to_str()).map(str::to_string)
            } else {
                a.strip_prefix(&prefix).map(str::to_string)
            }
        })
    };
    match value_of("--lang") {
        Some(tag) => Lang::from_tag(&tag),
        None => {
            kenshu::config::site_lang(Path::new(&value_of("--root").unwrap_or_else(|| ".".into())))
        }
    }
}

fn run(command: Command, lang: Lang) -> Result<ExitCode, String> {
    Ok(match command {
        Command::Build(args) => build(
            BuildOptions {
                root: args.root,
                out: args.out,
                drafts: args.drafts,
            },
            lang,
        ),
        Command::Check(args) => check(&args.root, args.drafts, args.format, lang),
        Command::Serve(args) => {
            serve::run(serve::ServeOptions {
                root: args.root,
                bind: args.bind,
                port: args.port,
                drafts: args.drafts,
                open: args.open,
                out: args.out,
                lang,
            })
            .map_err(|e| e.to_string())?;
            ExitCode::SUCCESS
        }
        Command::New {
            what: NewCommand::Module(args),
        } => new_module(args, lang),
        Command::Report(args) => report(
            kenshu::report::ReportOptions {
                root: args.root,
                roster: args.roster,
                out: args.out,
                anonymise: args.anonymise,
                inputs: args.inputs,
            },
            lang,
        ),
        Command::Init(args) => init(&args.dir, lang),
        Command::Package {
            what: PackageCommand::Scorm(args),
        } => package_scorm(
            PackageOptions {
                root: args.root,
                out: args.out,
                roles: args.roles,
            },
            lang,
        ),
        Command::Export { what } => export(what, lang),
    })
}

fn new_module(args: NewModuleArgs, lang: Lang) -> ExitCode {
    let module = scaffold::NewModule {
        path: &args.path,
        skill: &args.skill,
        title: args.title.as_deref(),
        id: args.id.as_deref(),
    };
    match scaffold::new_module(&args.root, &module) {
        Ok(file) => {
            say(&msg!("cli.created", path = file.display()).text(lang));
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, lang);
            ExitCode::FAILURE
        }
    }
}

fn init(dir: &Path, lang: Lang) -> ExitCode {
    match scaffold::init_site(dir) {
        Ok(files) => {
            for file in &files {
                say(&msg!("cli.created", path = file.display()).text(lang));
            }
            say(&msg!("cli.init-next", dir = dir.display()).text(lang));
            ExitCode::SUCCESS
        }
        Err(d) => {
            say_err(&d.render(lang));
            ExitCode::FAILURE
        }
    }
}

fn package_scorm(options: PackageOptions, lang: Lang) -> ExitCode {
    match package::package_scorm(&options) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, lang);
            for p in &report.packages {
                let message = msg!(
                    "cli.packaged",
                    role = &p.role,
                    modules = p.modules,
                    files = p.files,
                    path = p.path.display()
                );
                say(&message.text(lang));
            }
            ExitCode::SUCCESS
        }
        Err(PackageError::Invalid(diagnostics)) => {
            print_diagnostics(&diagnostics, lang);
            say_err(&summary("cli.nothing-written", &diagnostics).text(lang));
            ExitCode::FAILURE
        }
        Err(PackageError::Write(message)) => {
            say_error(message.text_with_hint(lang), lang);
            ExitCode::FAILURE
        }
    }
}

fn export(what: ExportCommand, lang: Lang) -> ExitCode {
    let result = match what {
        ExportCommand::MoodleCompetencies(args) => export::competencies::export_competencies(
            &args.root, args.out,
        )
        .map(|(path, count, d)| {
            print_diagnostics(&d, lang);
            let message = msg!(
                "cli.exported-competencies",
                count = count,
                path = path.display()
            );
            say(&message.text(lang));
        }),
        ExportCommand::MoodleQuestions(args) => export::questions::export_questions(
            &args.root, args.out,
        )
        .map(|(dir, files, count, d)| {
            print_diagnostics(&d, lang);
            let message = msg!(
                "cli.exported-questions",
                count = count,
                files = files,
                path = dir.display()
            );
            say(&message.text(lang));
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ExportError::Invalid(diagnostics)) => {
            print_diagnostics(&diagnostics, lang);
            say_err(&summary("cli.nothing-written", &diagnostics).text(lang));
            ExitCode::FAILURE
        }
        Err(ExportError::Write(message)) => {
            say_error(message.text_with_hint(lang), lang);
            ExitCode::FAILURE
        }
    }
}

fn check(root: &Path, drafts: bool, format: Format, lang: Lang) -> ExitCode {
    let diagnostics = check_site(root, drafts);
    if format == Format::Json {
        for diagnostic in diagnostics.iter() {
            say(&diagnostic.to_json(lang).to_string());
        }
    } else {
        print_diagnostics(&diagnostics, lang);
        let counts = |code| summary(code, &diagnostics).text(lang);
        if diagnostics.has_errors() {
            say_err(&counts("cli.check-failed"));
        } else {
            say(&counts("cli.check-ok"));
        }
    }
    if diagnostics.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(code: &'static str, diagnostics: &Diagnostics) -> Message {
    Message::new(code)
        .arg("errors", diagnostics.error_count())
        .arg("warnings", diagnostics.warning_count())
}

fn build(options: BuildOptions, lang: Lang) -> ExitCode {
    match build_site(&options) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics, lang);
            let message = msg!(
                "cli.built",
                modules = report.modules,
                files = report.files,
                out = options.out_dir().display(),
                ms = report.elapsed.as_millis()
            );
            say(&message.text(lang));
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diagnostics)) => {
            print_diagnostics(&diagnostics, lang);
            // Only a folder kenshu wrote is a previous output to speak of.
            let previous = options.out_dir().join(kenshu::output::STAMP).is_file();
            let code = if previous {
                "cli.build-failed"
            } else {
                "cli.build-failed-first"
            };
            say_err(&summary(code, &diagnostics).text(lang));
            ExitCode::FAILURE
        }
        Err(BuildError::Write(err)) => {
            say_err(&err.message().text_with_hint(lang));
            ExitCode::FAILURE
        }
    }
}

fn report(options: kenshu::report::ReportOptions, lang: Lang) -> ExitCode {
    match kenshu::report::run(&options) {
        Ok(summary) => {
            for note in &summary.notes {
                say_err(
                    &msg!("report.left-out")
                        .text_arg("detail", note.text_with_hint(lang))
                        .text(lang),
                );
            }
            let message = msg!(
                "report.done",
                files = summary.files_read,
                left_out = summary.left_out(),
                people = summary.people,
                out = options.out.display()
            );
            say(&message.text(lang));
            ExitCode::SUCCESS
        }
        Err(kenshu::report::ReportError::Invalid(diagnostics)) => {
            diagnostics.iter().for_each(|d| say_err(&d.render(lang)));
            say_err(&kenshu::messages::word(lang, "report.failed"));
            ExitCode::FAILURE
        }
        Err(kenshu::report::ReportError::Write(message)) => {
            say_error(message.text_with_hint(lang), lang);
            ExitCode::FAILURE
        }
        Err(kenshu::report::ReportError::Unread(messages)) => {
            for message in &messages {
                say_error(message.text_with_hint(lang), lang);
            }
            say_err(&kenshu::messages::word(lang, "report.failed"));
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diagnostics: &Diagnostics, lang: Lang) {
    for diagnostic in diagnostics.iter() {
        say_err(&diagnostic.render(lang));
    }
}

/// Prints a line to standard output; a closed pipe (`kenshu check | head`)
/// ends the program quietly instead of panicking.
fn say(line: &str) {
    if writeln!(std::io::stdout().lock(), "{line}").is_err() {
        std::process::exit(0);
    }
}

/// `エラー: …` with `detail` (text in words, hint lines and all) kept as it is.
fn say_error(detail: String, lang: Lang) {
    say_err(&msg!("cli.error").text_arg("detail", detail).text(lang));
}

/// Prints a line to standard error, quietly giving up on a closed pipe.
fn say_err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
