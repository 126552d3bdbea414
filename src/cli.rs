//! The command line: `build`, `check`, `serve`, `new module`, `init`,
//! `report`, `package scorm`, `export moodle-competencies`, `export moodle-questions`.

use clap::{Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "kenshu",
    version,
    about = "Builds a static e-learning portal for digital-skills training from Markdown modules"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of messages (ja or en) [default: `language:` of site.yaml, else ja].
    #[arg(long, global = true, value_parser = ["ja", "en"])]
    pub lang: Option<String>,
}

/// How `check` prints what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per problem, with a hint line.
    Text,
    /// One JSON object per line: path, line, column, severity, code, message, hint.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (or --out); nothing is written when there are errors.
    Build {
        /// The site folder (holding content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: <root>/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include modules marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check the site and report every problem; write nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Preview the site: build, serve, and rebuild and reload on every change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on; anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        #[arg(long)]
        drafts: bool,
        /// Open the portal in the default browser.
        #[arg(long)]
        open: bool,
        /// Folder for the preview output [default: a temporary folder].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create something new.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Create a new site in DIR that builds as it is.
    Init { dir: PathBuf },
    /// Package the site for a learning management system (LMS).
    Package {
        #[command(subcommand)]
        what: PackageCommand,
    },
    /// Export the skill framework or the questions for Moodle.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Turn exported learning records into the training office's report.
    Report {
        /// The site folder the records come from.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Staff roster CSV (職員番号,氏名,所属,人材像; UTF-8 or Shift_JIS).
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Folder for index.html, the CSV files and report.xlsx.
        #[arg(long)]
        out: PathBuf,
        /// Replace names and staff numbers with stable pseudonyms.
        #[arg(long)]
        anonymise: bool,
        /// Exported record files, or folders searched for *.json.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// One SCORM 1.2 zip per role curriculum, as DIR/<role-id>.zip; nothing is written when there are errors.
    Scorm {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder for the zips [default: <root>/scorm].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Package only this role (repeatable) [default: every role].
        #[arg(long = "role", value_name = "ID")]
        roles: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The skill framework as a Moodle competency framework CSV (tool_lpimportcsv).
    MoodleCompetencies {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The CSV file [default: <root>/moodle/competencies.csv].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Each module's questions as a Moodle XML question file.
    MoodleQuestions {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder for the XML files [default: <root>/moodle/questions].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a module file under content/modules/.
    Module {
        /// Path of the new file, relative to content/modules (e.g. security/passwords.md).
        path: PathBuf,
        /// Id of the skill the module trains.
        #[arg(long)]
        skill: String,
        #[arg(long)]
        title: Option<String>,
        /// Module id, when the file name is not one (e.g. a Japanese file name you want a Latin id for).
        #[arg(long)]
        id: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}
