//! Where the repository's pieces are, from this crate's location.

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// `edge/`: the worker's folder (wrangler.toml, build/, public/, node_modules/).
pub fn edge_dir() -> PathBuf {
    repo_root().join("edge")
}

/// The pinned wrangler.
pub fn wrangler() -> PathBuf {
    edge_dir().join("node_modules/.bin/wrangler")
}
