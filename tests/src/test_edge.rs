//! An edge for one test: a free port, a fresh state folder, and its own copy of the wrangler
//! config (absolute paths to the built worker and assets, the test's allowed origins, test
//! secrets), so tests never touch `cargo xtask dev`'s state or each other's.

use std::path::PathBuf;

use anyhow::{Context, Result};
use tempfile::TempDir;

use crate::edge::{EdgeProcess, EdgeSpec};
use crate::{paths, ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD, IDENTITY_SECRET, SESSION_SECRET, SITE};

/// A running edge with its own state; everything is removed when dropped.
pub struct TestEdge {
    process: EdgeProcess,
    dir: TempDir,
}

impl TestEdge {
    /// Starts an edge whose site `demo` allows `allowed_origins`.
    pub fn start(allowed_origins: &[&str]) -> Result<Self> {
        Self::start_with(allowed_origins, &[])
    }

    /// Like [`TestEdge::start`], with extra worker variables (e.g. rate limits).
    pub fn start_with(allowed_origins: &[&str], vars: &[(&str, &str)]) -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("switchboard-edge-").tempdir()?;
        let config = write_config(&dir, allowed_origins, vars)?;
        let process = EdgeProcess::start(EdgeSpec::isolated(config, dir.path())?)?;
        Ok(Self { process, dir })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.process.origin()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.process.port()
    }

    /// wrangler's process id, which is also the process group holding workerd.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws_origin(&self) -> String {
        self.origin().replacen("http", "ws", 1)
    }

    /// `origin` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// `http://127.0.0.1:PORT` of the runtime itself, skipping `wrangler dev`'s proxy (which a
    /// deployment does not have); `None` when it cannot be told apart.
    pub async fn direct_origin(&self) -> Option<String> {
        crate::runtime::direct_origin(self.pid(), &self.origin()).await
    }

    /// Restarts workerd with the same state folder.
    pub fn restart(&mut self) -> Result<()> {
        self.process.restart()
    }

    /// Stops workerd, runs `between` on its state folder (Durable Objects' SQLite files under
    /// `do/<script>-<class>/`), and starts it again: how the bench fills a site's storage
    /// with more than it could make through the API in a run.
    pub fn restart_after(&mut self, between: impl FnOnce(&std::path::Path) -> Result<()>) -> Result<()> {
        self.process.restart_after(between)
    }

    /// Every Durable Object workerd started (and so keeps a SQLite file for, under the state
    /// folder's `do/<script>-<class>/`), as `class/file`, with whether it holds tables of ours:
    /// an object that never wrote has only the runtime's own bookkeeping table.
    pub fn started_objects(&self) -> Vec<(String, bool)> {
        let mut found = Vec::new();
        let mut folders = vec![self.dir.path().join("state")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().to_string();
                if path.is_dir() {
                    folders.push(path);
                } else if name.ends_with(".sqlite") && name != "metadata.sqlite" {
                    let mut bytes = std::fs::read(&path).unwrap_or_default();
                    bytes.extend(std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default());
                    let class = folder.file_name().unwrap_or_default().to_string_lossy().to_string();
                    found.push((format!("{class}/{name}"), !our_tables(&bytes).is_empty()));
                }
            }
        }
        found.sort();
        found
    }

    /// Every file of the edge's storage (Durable Objects' SQLite files with their write-ahead
    /// logs, the bucket's blobs and index) whose bytes contain `needle`, by path under the
    /// state folder: what a deletion must leave none of.
    pub fn stored_files_containing(&self, needle: &[u8]) -> Vec<String> {
        let state = self.dir.path().join("state");
        let mut found = Vec::new();
        let mut folders = vec![state.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if std::fs::read(&path).unwrap_or_default().windows(needle.len()).any(|w| w == needle)
                {
                    found.push(path.strip_prefix(&state).unwrap_or(&path).display().to_string());
                }
            }
        }
        found.sort();
        found
    }

    /// The sum of `count` (an SQL query answering one number, its one `?` bound to `value`)
    /// over the storage of every object whose class name contains `class`, read from their
    /// SQLite files as they are now; an object without the table counts 0.
    pub fn count_in_objects(&self, class: &str, count: &str, value: &str) -> Result<i64> {
        let mut total = 0;
        let mut folders = vec![self.dir.path().join("state")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let ours = folder.to_string_lossy().contains(class);
                if !ours || path.extension().is_none_or(|extension| extension != "sqlite") {
                    continue;
                }
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
                let db = rusqlite::Connection::open_with_flags(&path, flags)
                    .with_context(|| format!("opening {}", path.display()))?;
                // workerd may be writing it: wait for its lock rather than fail.
                db.busy_timeout(std::time::Duration::from_secs(5))?;
                match db.query_row(count, [value], |row| row.get::<_, i64>(0)) {
                    Ok(n) => total += n,
                    Err(error) if error.to_string().contains("no such table") => {}
                    Err(error) => {
                        return Err(error).with_context(|| format!("{count} in {}", path.display()))
                    }
                }
            }
        }
        Ok(total)
    }

    /// wrangler's output so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("wrangler.log")).unwrap_or_default()
    }
}

impl Drop for TestEdge {
    fn drop(&mut self) {
        // On a panic, or always with SWITCHBOARD_TEST_LOG set (a test failing through `?`
        // does not panic).
        if std::thread::panicking() || std::env::var_os("SWITCHBOARD_TEST_LOG").is_some() {
            eprintln!("---- wrangler log ----\n{}\n---- end of wrangler log ----", self.log());
        }
    }
}

fn write_config(dir: &TempDir, allowed_origins: &[&str], extra_vars: &[(&str, &str)]) -> Result<PathBuf> {
    let edge = paths::edge_dir();
    let source = std::fs::read_to_string(edge.join("wrangler.toml")).context("reading edge/wrangler.toml")?;
    let mut config: toml::Table = source.parse()?;
    let main = edge.join("build/worker/shim.mjs");
    anyhow::ensure!(
        main.exists(),
        "{} is missing: run `cargo xtask test`, which builds the edge first",
        main.display()
    );
    config.insert("main".into(), main.display().to_string().into());
    if let Some(toml::Value::Table(assets)) = config.get_mut("assets") {
        assets.insert("directory".into(), edge.join("public").display().to_string().into());
    }
    let mut vars = toml::Table::new();
    vars.insert("BOOTSTRAP_SITE_ID".into(), SITE.into());
    vars.insert("BOOTSTRAP_SITE_NAME".into(), "Test site".into());
    vars.insert("BOOTSTRAP_ALLOWED_ORIGINS".into(), allowed_origins.join(" ").into());
    vars.insert("BOOTSTRAP_ADMIN_EMAIL".into(), ADMIN_EMAIL.into());
    vars.insert("BOOTSTRAP_ADMIN_NAME".into(), ADMIN_NAME.into());
    for (name, value) in extra_vars {
        vars.insert((*name).into(), (*value).into());
    }
    config.insert("vars".into(), vars.into());
    let path = dir.path().join("wrangler.toml");
    std::fs::write(&path, toml::to_string(&config)?)?;
    std::fs::write(
        dir.path().join(".dev.vars"),
        format!(
            "SESSION_SECRET=\"{SESSION_SECRET}\"\n\
             BOOTSTRAP_ADMIN_PASSWORD=\"{ADMIN_PASSWORD}\"\nBOOTSTRAP_IDENTITY_SECRET=\"{IDENTITY_SECRET}\"\n"
        ),
    )?;
    Ok(path)
}

/// The tables a SQLite file's schema text creates, but the runtime's own (`__…`, `_cf_…`).
fn our_tables(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split("CREATE TABLE ")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.strip_prefix("IF NOT EXISTS ").unwrap_or(rest);
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            (!name.is_empty() && !name.starts_with("__") && !name.starts_with("_cf_")).then_some(name)
        })
        .collect()
}
