//! The `kenshu` binary: parses the command line, runs it, prints problems once.

use clap::Parser;
use kenshu::cli::{Cli, Command, NewCommand};
use kenshu::{build_site, check_site, scaffold, serve, BuildError, BuildOptions, Diagnostics};
use std::process::ExitCode;

/// mimalloc: the build allocates many small strings and values on two
/// threads; it cut a 10,000-module build from 2.04 s to 1.71 s against the
/// system allocator (docs/performance.md). Built with `no_thp`: asking for
/// transparent huge pages raised peak memory at 1,000 modules from 50 to
/// 83 MiB for no measurable gain in time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Build { root, out, drafts } => Ok(build(BuildOptions { root, out, drafts })),
        Command::Check { root, drafts } => {
            let diagnostics = check_site(&root, drafts);
            print_diagnostics(&diagnostics);
            if diagnostics.has_errors() {
                return Ok(ExitCode::FAILURE);
            }
            println!("ok: no errors ({} warnings)", diagnostics.warning_count());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            open,
            out,
        } => {
            serve::run(serve::ServeOptions {
                root,
                bind,
                port,
                drafts,
                open,
                out,
            })
            .map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::New {
            what:
                NewCommand::Module {
                    path,
                    skill,
                    title,
                    root,
                },
        } => match scaffold::new_module(&root, &path, &skill, title.as_deref()) {
            Ok(file) => {
                println!("created {}", file.display());
                Ok(ExitCode::SUCCESS)
            }
            Err(diagnostics) => {
                print_diagnostics(&diagnostics);
                Ok(ExitCode::FAILURE)
            }
        },
        Command::Report {
            root,
            roster,
            out,
            anonymise,
            inputs,
        } => Ok(report(kenshu::report::ReportOptions {
            root,
            roster,
            out,
            anonymise,
            inputs,
        })),
        Command::Init { dir } => match scaffold::init_site(&dir) {
            Ok(files) => {
                files
                    .iter()
                    .for_each(|f| println!("created {}", f.display()));
                println!("next: kenshu build --root {}", dir.display());
                Ok(ExitCode::SUCCESS)
            }
            Err(d) => {
                eprintln!("{d}");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

fn build(options: BuildOptions) -> ExitCode {
    match build_site(&options) {
        Ok(report) => {
            print_diagnostics(&report.diagnostics);
            println!(
                "built {} modules, {} files into {} in {} ms",
                report.modules,
                report.files,
                options.out_dir().display(),
                report.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "build failed: {} error(s); the previous output was left as it was",
                diagnostics.error_count()
            );
            ExitCode::FAILURE
        }
        Err(BuildError::Write(err)) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn report(options: kenshu::report::ReportOptions) -> ExitCode {
    match kenshu::report::run(&options) {
        Ok(summary) => {
            for warning in &summary.warnings {
                eprintln!("warning: {warning}");
            }
            println!(
                "report: {} files read, {} left out, {} people, written to {}",
                summary.files_read,
                summary.warnings.len(),
                summary.people,
                options.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(kenshu::report::ReportError::Invalid(diagnostics)) => {
            diagnostics.iter().for_each(|d| eprintln!("{d}"));
            eprintln!("report failed: nothing was written");
            ExitCode::FAILURE
        }
        Err(kenshu::report::ReportError::Write(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    for diagnostic in diagnostics.iter() {
        eprintln!("{diagnostic}");
    }
}
