//! The reference relay's runtime (measuring runtimes is `switchboard_tests::runtime`'s).

use std::path::PathBuf;

use anyhow::Result;
use switchboard_tests::edge::{EdgeProcess, EdgeSpec};
use tempfile::TempDir;

/// The reference relay running in the pinned workerd, with its own state folder.
pub(crate) struct Reference {
    process: EdgeProcess,
    _dir: TempDir,
}

impl Reference {
    /// Starts `bench/reference/` on a free port.
    pub(crate) fn start() -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("switchboard-reference-").tempdir()?;
        let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/wrangler.toml");
        let process = EdgeProcess::start(EdgeSpec::isolated(config, dir.path())?)?;
        Ok(Self { process, _dir: dir })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn origin(&self) -> String {
        self.process.origin()
    }

    /// wrangler's process id (its group holds workerd).
    pub(crate) fn pid(&self) -> Option<u32> {
        self.process.pid()
    }
}

pub(crate) use switchboard_tests::runtime::{direct_origin, workerd_cpu, workerd_rss_mib};
