//! Compressed sizes of what visitors and agents download, and the budgets they must stay in.
//!
//! Budgets (docs/architecture.md): the loader ≤ 2,000 bytes gzip; the widget frame's wasm + glue
//! ≤ 100,000 bytes brotli. Exceeding either fails the build. Compression is measured at the
//! levels CDNs serve (gzip -9, brotli 11).

use std::fmt;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};

/// Loader budget, gzip bytes.
pub(crate) const LOADER_GZIP_BUDGET: usize = 2_000;
/// Widget frame budget (wasm + JS glue), brotli bytes.
pub(crate) const FRAME_BROTLI_BUDGET: usize = 100_000;

/// Cloudflare Workers' limit on a compressed Worker, free plan (3 MB gzip).
pub(crate) const WORKERS_FREE_GZIP_LIMIT: usize = 3 * 1024 * 1024;
/// The same limit on paid plans (10 MB gzip).
pub(crate) const WORKERS_PAID_GZIP_LIMIT: usize = 10 * 1024 * 1024;

/// Sizes of one download.
pub(crate) struct Size {
    /// What it is.
    pub what: &'static str,
    /// Bytes as stored.
    pub raw: usize,
    /// gzip -9.
    pub gzip: usize,
    /// brotli quality 11.
    pub brotli: usize,
}

/// All measured sizes.
pub(crate) struct Report {
    /// The loader `widget.js`.
    pub loader: Size,
    /// Widget frame wasm + glue.
    pub frame: Size,
    /// Console wasm + glue.
    pub console: Size,
    /// The worker's wasm.
    pub edge: Size,
}

/// Measures the built files.
/// `widget` and `console` are each app's wasm and JS glue.
pub(crate) fn measure(
    loader: &Path,
    widget: [&Path; 2],
    console: [&Path; 2],
    edge_wasm: &Path,
) -> Result<Report> {
    Ok(Report {
        loader: size("loader widget.js", &[loader])?,
        frame: size("widget frame wasm+glue", &widget)?,
        console: size("console wasm+glue", &console)?,
        edge: size("edge worker wasm", &[edge_wasm])?,
    })
}

fn size(what: &'static str, files: &[&Path]) -> Result<Size> {
    let mut total = Size { what, raw: 0, gzip: 0, brotli: 0 };
    for file in files {
        let bytes = std::fs::read(file)?;
        total.raw += bytes.len();
        total.gzip += gzip_len(&bytes)?;
        total.brotli += brotli(&bytes)?;
    }
    Ok(total)
}

/// `bytes`' length gzipped at level 9.
pub(crate) fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params)?;
    Ok(out.len())
}

impl Report {
    /// The figures as JSON (for `cargo xtask bench`'s report), with the budgets and the
    /// Workers script size limits the edge wasm is measured against.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let one = |size: &Size| serde_json::json!({ "what": size.what, "raw": size.raw, "gzip": size.gzip, "brotli": size.brotli });
        serde_json::json!({
            "loader": one(&self.loader),
            "widget_frame": one(&self.frame),
            "console": one(&self.console),
            "edge_wasm": one(&self.edge),
            "budgets": {
                "loader_gzip": LOADER_GZIP_BUDGET,
                "widget_frame_brotli": FRAME_BROTLI_BUDGET,
                // Cloudflare's limits on a Worker's compressed (gzip) size, free and paid plans.
                "workers_free_gzip": WORKERS_FREE_GZIP_LIMIT,
                "workers_paid_gzip": WORKERS_PAID_GZIP_LIMIT,
            },
        })
    }

    /// Fails when a size budget is exceeded.
    pub(crate) fn check_budgets(&self) -> Result<()> {
        if self.loader.gzip > LOADER_GZIP_BUDGET {
            bail!("the loader is {} bytes gzip, over its budget of {LOADER_GZIP_BUDGET}", self.loader.gzip);
        }
        if self.frame.brotli > FRAME_BROTLI_BUDGET {
            bail!(
                "the widget frame is {} bytes brotli, over its budget of {FRAME_BROTLI_BUDGET}",
                self.frame.brotli
            );
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<26} {:>10} {:>10} {:>10}  budget", "size (bytes)", "raw", "gzip", "brotli")?;
        let budgets = [
            format!("gzip <= {LOADER_GZIP_BUDGET}"),
            format!("brotli <= {FRAME_BROTLI_BUDGET}"),
            String::new(),
            String::new(),
        ];
        for (size, budget) in [&self.loader, &self.frame, &self.console, &self.edge].into_iter().zip(budgets)
        {
            writeln!(
                f,
                "{:<26} {:>10} {:>10} {:>10}  {budget}",
                size.what, size.raw, size.gzip, size.brotli
            )?;
        }
        Ok(())
    }
}
