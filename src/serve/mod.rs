//! `kenshu serve`: the authors' live preview (placeholder until the server lands).

use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    pub out: Option<PathBuf>,
}

pub fn run(_options: ServeOptions) -> Result<(), Box<dyn std::error::Error>> {
    Err("serve is not implemented yet".into())
}
