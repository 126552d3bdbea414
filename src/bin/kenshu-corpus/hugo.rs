//! The same module bodies laid out as a Hugo site, for side-by-side timings.
//!
//! The layout is deliberately minimal but renders what a kenshu module page
//! shows: a header with navigation, the title, the skills as taxonomy links
//! and the body. Section and skill pages list their modules, as kenshu's role
//! and skill pages do. RSS and sitemaps are off because kenshu writes neither.

use crate::{write, ModuleSpec};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"baseURL = "https://example.org/"
languageCode = "ja"
title = "デジタル人材育成ポータル（ベンチマーク）"
disableKinds = ["rss", "sitemap", "robotsTXT"]
relativeURLs = true

[taxonomies]
  skill = "skills"
"#;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title><link rel="stylesheet" href="/site.css"></head>
<body>
<header><p><a href="/">{{ site.Title }}</a></p>
{{ partialCached "nav.html" . }}</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
"#;

/// The navigation is the same on every page: rendered once (calling
/// `site.Sections` on every page makes Hugo quadratic in the page count).
const NAV: &str = r#"<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p>レベル{{ .Params.level }}・{{ .Params.duration }}分</p>
<p>{{ .Summary }}</p>
<p>{{ range .GetTerms "skills" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.level }} {{ .Summary }}</li>{{ end }}</ol>{{ end }}
"#;

/// A Hugo site being written.
pub struct HugoSite {
    dir: PathBuf,
}

impl HugoSite {
    /// Writes the configuration and layouts.
    pub fn create(dir: &Path) -> io::Result<HugoSite> {
        write(&dir.join("hugo.toml"), CONFIG)?;
        write(&dir.join("layouts/_default/baseof.html"), BASEOF)?;
        write(&dir.join("layouts/_default/single.html"), SINGLE)?;
        write(&dir.join("layouts/_default/list.html"), LIST)?;
        write(&dir.join("layouts/partials/nav.html"), NAV)?;
        write(
            &dir.join("static/site.css"),
            "body{font-family:sans-serif}\n",
        )?;
        Ok(HugoSite {
            dir: dir.to_path_buf(),
        })
    }

    /// Writes one module with Hugo front matter and the same body.
    pub fn write_module(&mut self, spec: &ModuleSpec, body: &str) -> io::Result<()> {
        let mut text = String::with_capacity(body.len() + 300);
        text.push_str("---\n");
        let _ = writeln!(text, "title: \"{}\"", spec.title);
        let _ = writeln!(text, "summary: \"{}\"", spec.summary);
        let _ = writeln!(text, "skills: [{}]", spec.skills.join(", "));
        let _ = writeln!(text, "level: {}", spec.level);
        let _ = writeln!(text, "duration: {}", spec.duration);
        text.push_str("---\n\n");
        text.push_str(body);
        let path = self.dir.join("content/modules").join(spec.relative_path());
        write(&path, &text)
    }
}
