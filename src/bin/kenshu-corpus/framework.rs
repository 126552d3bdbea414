//! The fixed part of a synthetic site: site.yaml, skills.yaml and
//! resources.yaml, modelled on the shipped portal (four categories, 29
//! skills, the six roles of the template policy with their `extends`).

use std::fmt::Write as _;

pub const SITE_YAML: &str = "title: デジタル人材育成ポータル（ベンチマーク）\norganization: ○○県\nlanguage: ja\npass_score: 80\ndescription: 合成されたベンチマーク用のサイトです。\n";

/// One skill of the framework.
pub struct SkillDef {
    pub id: &'static str,
    pub name: &'static str,
    pub category: &'static str,
}

const fn skill(id: &'static str, name: &'static str, category: &'static str) -> SkillDef {
    SkillDef { id, name, category }
}

const CATEGORIES: &[(&str, &str)] = &[
    ("common", "共通"),
    ("advanced", "業務高度化"),
    ("efficiency", "業務効率化"),
    ("infrastructure", "情報基盤・統制"),
];

pub const SKILLS: &[SkillDef] = &[
    skill("dx-necessity", "DXの必要性理解", "common"),
    skill("user-understanding", "顧客/ユーザー理解", "common"),
    skill("digital-basics", "デジタル技術の基礎知識", "common"),
    skill("security-literacy", "セキュリティリテラシー", "common"),
    skill("privacy-protection", "プライバシー保護理解", "common"),
    skill("project-management", "プロジェクトマネジメント", "common"),
    skill("change-management", "変革マネジメント", "common"),
    skill("transformation-goal-setting", "変革ゴール設定", "common"),
    skill("transformation-support", "変革推進サポート", "common"),
    skill("tool-spreadsheet", "ツール活用（表計算）", "advanced"),
    skill("tool-bi", "ツール活用（BIツール）", "advanced"),
    skill("value-discovery", "価値発見/定義", "advanced"),
    skill("data-literacy", "データ理解/活用", "advanced"),
    skill(
        "data-ai-implementation",
        "データ・AI活用業務の設計",
        "advanced",
    ),
    skill(
        "tool-communication",
        "ツール活用（コミュニケーション）",
        "efficiency",
    ),
    skill("tool-office", "ツール活用（Officeアプリ）", "efficiency"),
    skill(
        "tool-business-apps",
        "ツール活用（業務アプリ）",
        "efficiency",
    ),
    skill("tool-generative-ai", "ツール活用（生成AI）", "efficiency"),
    skill("business-analysis-bpr", "業務分析/BPR", "efficiency"),
    skill("service-validation", "サービス検証", "efficiency"),
    skill("it-governance", "庁内ITガバナンス", "infrastructure"),
    skill("it-strategy", "ITストラテジー", "infrastructure"),
    skill(
        "system-architecture",
        "システムアーキテクチャ",
        "infrastructure",
    ),
    skill("cloud-services", "クラウドサービス活用", "infrastructure"),
    skill("network-design", "ネットワーク設計", "infrastructure"),
    skill("cybersecurity", "サイバーセキュリティ", "infrastructure"),
    skill("system-audit", "システム監査", "infrastructure"),
    skill("operations-design", "運用設計", "infrastructure"),
    skill("system-management", "システム管理", "infrastructure"),
];

/// Role id, name, parent, own skills, step levels.
type RoleDef = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static [u8],
);

const ROLES: &[RoleDef] = &[
    (
        "general-staff",
        "一般行政職員",
        None,
        &[
            "dx-necessity",
            "user-understanding",
            "digital-basics",
            "security-literacy",
            "privacy-protection",
            "tool-spreadsheet",
            "tool-bi",
            "tool-communication",
            "tool-office",
            "tool-business-apps",
            "tool-generative-ai",
        ],
        &[1, 2],
    ),
    (
        "dx-promoter",
        "DX推進員",
        Some("general-staff"),
        &[
            "project-management",
            "value-discovery",
            "data-literacy",
            "business-analysis-bpr",
            "service-validation",
            "it-governance",
        ],
        &[2],
    ),
    (
        "dx-lead",
        "全庁DX推進担当",
        Some("dx-promoter"),
        &["change-management", "data-ai-implementation"],
        &[3],
    ),
    (
        "info-systems",
        "全庁情報システム担当",
        Some("general-staff"),
        &[
            "project-management",
            "it-strategy",
            "system-architecture",
            "cloud-services",
            "network-design",
            "cybersecurity",
            "system-audit",
            "operations-design",
            "system-management",
        ],
        &[1, 2, 3],
    ),
    (
        "manager",
        "管理監督職",
        Some("general-staff"),
        &[
            "project-management",
            "transformation-goal-setting",
            "transformation-support",
            "it-governance",
        ],
        &[2],
    ),
    (
        "cio-advisor",
        "CIO補佐官・高度専門人材",
        None,
        &[
            "it-strategy",
            "system-architecture",
            "change-management",
            "data-ai-implementation",
            "cybersecurity",
        ],
        &[],
    ),
];

/// Resource id, title, provider, kind.
const RESOURCES: &[(&str, &str, &str, &str)] = &[
    (
        "jlis-video",
        "J-LIS 動画研修",
        "地方公共団体情報システム機構（J-LIS）",
        "eラーニング",
    ),
    (
        "jlis-live",
        "J-LIS ライブ研修",
        "地方公共団体情報システム機構（J-LIS）",
        "研修",
    ),
    (
        "jlis-remote",
        "J-LIS リモートトレーニング",
        "地方公共団体情報システム機構（J-LIS）",
        "研修",
    ),
    (
        "manabi-dx",
        "マナビDX",
        "情報処理推進機構（IPA）",
        "eラーニング",
    ),
    (
        "jmooc",
        "JMOOC",
        "日本オープンオンライン教育推進協議会",
        "eラーニング",
    ),
    ("jichidai", "自治大学校", "総務省 自治大学校", "研修"),
    ("jamp", "市町村アカデミー", "市町村職員中央研修所", "研修"),
    (
        "jiam",
        "国際文化アカデミー",
        "全国市町村国際文化研修所",
        "研修",
    ),
    ("applic-cio", "自治体CIO育成研修", "APPLIC", "研修"),
    (
        "ipa-itpassport",
        "ITパスポート試験",
        "情報処理推進機構（IPA）",
        "資格試験",
    ),
    (
        "ipa-sg",
        "情報セキュリティマネジメント試験",
        "情報処理推進機構（IPA）",
        "資格試験",
    ),
    ("dss", "デジタルスキル標準", "経済産業省・IPA", "スキル標準"),
];

pub const RESOURCE_IDS: &[&str] = &[
    "jlis-video",
    "jlis-live",
    "jlis-remote",
    "manabi-dx",
    "jmooc",
    "jichidai",
    "jamp",
    "jiam",
    "applic-cio",
    "ipa-itpassport",
    "ipa-sg",
    "dss",
];

/// The text of content/skills.yaml.
pub fn skills_yaml() -> String {
    let mut out = String::from("categories:\n");
    for (id, name) in CATEGORIES {
        let _ = writeln!(
            out,
            "  - id: {id}\n    name: {name}\n    description: {name}の区分です。"
        );
    }
    out.push_str("\nskills:\n");
    for s in SKILLS {
        let _ = writeln!(
            out,
            "  - id: {}\n    name: \"{}\"\n    category: {}\n    description: \"{}を業務で発揮するための知識と行動です。\"",
            s.id, s.name, s.category, s.name
        );
    }
    out.push_str("\nroles:\n");
    for (id, name, parent, skills, steps) in ROLES {
        let _ = writeln!(out, "  - id: {id}\n    name: {name}\n    description: {name}として求められる役割を担う人材像です。");
        if let Some(parent) = parent {
            let _ = writeln!(out, "    extends: {parent}");
        }
        if steps.is_empty() {
            out.push_str("    external: true\n");
        }
        let _ = writeln!(out, "    skills: [{}]", skills.join(", "));
        out.push_str("    targets:\n      - 5年以内に育成目標の人数を確保する。\n    steps:\n");
        for (n, level) in steps.iter().enumerate() {
            let _ = writeln!(out, "      - name: Step{}\n        description: 研修で基礎を身に付けた段階です。\n        level: {level}", n + 1);
        }
        out.push_str("      - name: 実務\n        description: 実務経験による目標です。\n");
    }
    out
}

/// The text of content/resources.yaml.
pub fn resources_yaml() -> String {
    let mut out = String::new();
    for (n, (id, title, provider, kind)) in RESOURCES.iter().enumerate() {
        let skills: Vec<&str> = (0..3)
            .map(|k| SKILLS[(n * 5 + k * 7) % SKILLS.len()].id)
            .collect();
        let _ = writeln!(
            out,
            "- id: {id}\n  title: {title}\n  provider: {provider}\n  url: https://example.org/{id}/\n  kind: {kind}\n  skills: [{}]\n  roles: [{}]\n  description: {title}の概要です。自治体職員が受講できます。\n",
            skills.join(", "),
            ROLES[n % ROLES.len()].0
        );
    }
    out
}
