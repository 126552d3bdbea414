//! The command line: `build`, `check`, `serve`, `new module`, `init`,
//! `report`, `package scorm`, `export moodle-competencies`, `export moodle-questions`.
//!
//! The types below are the command line's shape; [`words`] gives it the
//! catalogue's words (help and usage errors in Japanese or English).

mod words;

pub use words::{localized, unlocalized, usage_error};

use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

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
    Build(BuildArgs),
    /// Check the site and report every problem; write nothing.
    Check(CheckArgs),
    /// Preview the site: build, serve, and rebuild and reload on every change.
    Serve(ServeArgs),
    /// Create something new.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Create a new site in DIR that builds as it is.
    Init(InitArgs),
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
    Report(ReportArgs),
}

#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// One SCORM 1.2 zip per role curriculum, as DIR/<role-id>.zip; nothing is written when there are errors.
    Scorm(ScormArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The skill framework as a Moodle competency framework CSV (tool_lpimportcsv).
    MoodleCompetencies(CompetenciesArgs),
    /// Each module's questions as a Moodle XML question file.
    MoodleQuestions(QuestionsArgs),
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create a module file under content/modules/.
    Module(NewModuleArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder [default: <root>/public].
    #[arg(long, value_parser = folder_path)]
    pub out: Option<PathBuf>,
    /// Include modules marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[arg(long)]
    pub drafts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on; anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    #[arg(long)]
    pub drafts: bool,
    /// Open the portal in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Folder for the preview output [default: a temporary folder].
    #[arg(long, value_parser = folder_path)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The site folder the records come from.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Staff roster CSV (職員番号,氏名,所属,人材像; UTF-8 or Shift_JIS).
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// Folder for index.html, the CSV files and report.xlsx.
    #[arg(long, value_parser = folder_path)]
    pub out: PathBuf,
    /// Replace names and staff numbers with stable pseudonyms.
    #[arg(long)]
    pub anonymise: bool,
    /// Exported record files, or folders searched for *.json (none needed
    /// with a roster: before any record is in, everyone is 未提出). With
    /// neither, the report says so in its own words.
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new site.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScormArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Folder for the zips [default: <root>/scorm].
    #[arg(long, value_parser = folder_path)]
    pub out: Option<PathBuf>,
    /// Package only this role (repeatable) [default: every role].
    #[arg(long = "role", value_name = "ID")]
    pub roles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompetenciesArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The CSV file [default: <root>/moodle/competencies.csv].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Folder for the XML files [default: <root>/moodle/questions].
    #[arg(long, value_parser = folder_path)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewModuleArgs {
    /// Path of the new file, relative to content/modules (e.g. security/passwords.md).
    pub path: PathBuf,
    /// Id of the skill the module trains.
    #[arg(long)]
    pub skill: String,
    #[arg(long)]
    pub title: Option<String>,
    /// Module id, when the file name is not one (e.g. a Japanese file name you want a Latin id for).
    #[arg(long)]
    pub id: Option<String>,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// An output folder as given, without trailing separators or `.` parts:
/// `public/` and `public` name the same folder, so `pub/` through a
/// symbolic link meets the same checks as `pub`.
fn folder_path(value: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(Path::new(value).components().collect())
}
