//! The floor of the benchmark: the least a static-site generator must do.
//!
//! Reads every Markdown file under `<root>/content/modules`, renders it with
//! pulldown-cmark into a fixed HTML wrapper and writes it into a fresh output
//! folder, on two threads. No front matter parsing, no templates, no
//! navigation, no search index: whatever kenshu spends beyond this is the
//! cost of being a portal. `cargo run --release --example floor -- ROOT OUT`.

use pulldown_cmark::{html, Options, Parser};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const THREADS: usize = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        eprintln!("usage: floor SITE_ROOT OUT_DIR");
        return ExitCode::FAILURE;
    };
    match run(Path::new(root), Path::new(out)) {
        Ok(count) => {
            println!("rendered {count} pages");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("floor: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, out: &Path) -> io::Result<usize> {
    let base = root.join("content/modules");
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&base)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let chunk = files.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().try_for_each(|f| page(&base, out, f))))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|_| Err(io::Error::other("panic"))))
    })?;
    Ok(files.len())
}

fn page(base: &Path, out: &Path, file: &Path) -> io::Result<()> {
    let text = fs::read_to_string(file)?;
    let relative = file.strip_prefix(base).map_err(io::Error::other)?;
    let target = out.join(relative).with_extension("html");
    let mut page = String::with_capacity(text.len() * 2);
    page.push_str("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>kenshu floor</title></head><body><main>\n");
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut page, Parser::new_ext(&text, options));
    page.push_str("</main></body></html>\n");
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&target, page)
}
