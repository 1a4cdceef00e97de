//! Building every part into `edge/`, which is then exactly what `wrangler dev` and
//! `wrangler deploy` serve:
//!
//! - `edge/public/assets/`: the widget frame and console (wasm, JS glue, boot module, CSS),
//!   each file named by a hash of its content so it can be cached forever;
//! - `edge/public/i18n/`: the widget's texts in languages other than English (`widget/i18n/`);
//! - `edge/public/widget.js`: the loader, minified (not hashed: the embed snippet names it);
//! - `edge/public/_headers`: cache and CORS headers for those files;
//! - `edge/generated/assets.json`: the hashed names, compiled into the worker's HTML shells;
//! - `edge/build/`: the worker itself (worker-build).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::sizes::{self, Report};
use crate::tools::Tools;
use crate::{cargo, root, run};

/// wasm-opt must be told which features the Rust output uses, since `strip = true` removes
/// the section that would say so.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// One built browser app as published.
pub(crate) struct Published {
    /// URL path of its boot module (imports the glue, starts the wasm).
    pub script: String,
    /// URL path of its stylesheet.
    pub style: String,
    /// The optimised wasm file.
    pub wasm: PathBuf,
    /// The JS glue file.
    pub glue: PathBuf,
}

/// Builds everything; returns the size report (already checked against the budgets).
pub(crate) fn build_all(tools: &Tools) -> Result<Report> {
    let root = root();
    let edge = root.join("edge");
    run(Command::new(cargo())
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "switchboard-widget",
            "-p",
            "switchboard-console",
        ])
        .env("CARGO_ENCODED_RUSTFLAGS", short_paths(&root)))?;
    let public = edge.join("public");
    let assets = public.join("assets");
    let _ = std::fs::remove_dir_all(&assets);
    std::fs::create_dir_all(&assets)?;
    let widget = publish_app(tools, "widget", &root.join("widget/frame.css"), &assets)?;
    let console = publish_app(tools, "console", &root.join("console/console.css"), &assets)?;

    let loader = public.join("widget.js");
    // A classic script (not a module), for browsers back to ES2017.
    minify(tools, &root.join("widget/loader/widget.js"), &loader, &["--target=es2017"])?;
    std::fs::write(public.join("_headers"), HEADERS)?;
    copy_languages(&root.join("widget/i18n"), &public.join("i18n"))?;

    let manifest = manifest(&widget, &console);
    std::fs::create_dir_all(edge.join("generated"))?;
    // Rewritten only when the names change: a new file time alone makes cargo run the edge's
    // build script and compile the whole worker again (over a minute here).
    let manifest_path = edge.join("generated/assets.json");
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&manifest_path, &manifest)?;
    }

    // The edge's own profile: optimised for speed, unlike the downloads (see Cargo.toml).
    run(Command::new(&tools.worker_build)
        .args(["--profile", "edge-release"])
        .current_dir(&edge)
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild))?;

    let report = sizes::measure(
        &loader,
        [&widget.wasm, &widget.glue],
        [&console.wasm, &console.glue],
        &edge.join("build/index_bg.wasm"),
    )?;
    print!("{report}");
    report.check_budgets()?;
    Ok(report)
}

/// Rust flags for the browser apps: the source paths that panic locations carry (kept even
/// with `panic = "abort"`) lose their machine-specific prefixes — the registry's and this
/// checkout's. About 300 brotli bytes off the widget, and the same files on every machine.
fn short_paths(root: &Path) -> String {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default();
    // Registry sources sit one level down (`index.crates.io-HASH/crate-1.0/…`).
    let mut flags = Vec::new();
    if let Ok(indexes) = std::fs::read_dir(cargo_home.join("registry").join("src")) {
        for index in indexes.flatten() {
            flags.push(format!("--remap-path-prefix={}/=", index.path().display()));
        }
    }
    flags.push(format!("--remap-path-prefix={}/=", root.display()));
    flags.join("\x1f")
}

/// Headers for the static files. Hashed assets never change under their name; the loader is
/// revalidated every few minutes so a new release reaches pages quickly. All are public, so
/// any page may fetch them (`*`), which the cross-origin loader and module glue need.
const HEADERS: &str = "\
/assets/*
  Cache-Control: public, max-age=31536000, immutable
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
/i18n/*
  Cache-Control: public, max-age=3600
  X-Content-Type-Options: nosniff
/widget.js
  Cache-Control: public, max-age=300
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
";

/// The widget's texts in languages other than English, fetched by the frame when needed.
fn copy_languages(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, to.join(name))?;
            }
        }
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// wasm-bindgen, wasm-opt, then copy into `assets` under content-hashed names.
fn publish_app(tools: &Tools, app: &str, css: &Path, assets: &Path) -> Result<Published> {
    let crate_wasm = target_dir().join(format!("wasm32-unknown-unknown/release/switchboard_{app}.wasm"));
    let out = target_dir().join("web").join(app);
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--out-name", app, "--out-dir"])
        .arg(&out)
        .arg(&crate_wasm))?;
    let wasm = out.join(format!("{app}_bg.wasm"));
    // -Oz, then flattened and re-relooped control flow, dead arguments and inlining, and
    // -Oz again: ~330 brotli bytes fewer than one -Oz for the widget (measured against -Oz
    // twice, --converge, gufa and function merging, which gained less).
    let passes =
        ["-Oz", "--flatten", "--rereloop", "-Oz", "--dae-optimizing", "--inlining-optimizing", "-Oz"];
    run(Command::new(&tools.wasm_opt).args(passes).args(WASM_FEATURES).arg(&wasm).arg("-o").arg(&wasm))?;

    // wasm-bindgen writes readable glue and the stylesheets are written for people: both are
    // minified, since every visitor downloads them (about 1.6 KB brotli off the widget glue).
    let glue = out.join(format!("{app}.js"));
    minify(tools, &glue, &glue, &["--format=esm", "--target=es2020"])?;
    let style = out.join(format!("{app}.css"));
    // No target for CSS: esbuild would otherwise rewrite modern rules (logical properties).
    minify(tools, css, &style, &[])?;

    let wasm_name = copy_hashed(&wasm, assets, app, "wasm")?;
    let glue_name = copy_hashed(&glue, assets, app, "js")?;
    let style_name = copy_hashed(&style, assets, app, "css")?;
    let boot = format!(
        "import init from \"./{glue_name}\";\ninit({{ module_or_path: new URL(\"./{wasm_name}\", import.meta.url) }});\n"
    );
    let boot_name = format!("{app}-boot-{}.js", short_hash(boot.as_bytes()));
    std::fs::write(assets.join(&boot_name), boot)?;
    Ok(Published {
        script: format!("/assets/{boot_name}"),
        style: format!("/assets/{style_name}"),
        wasm: assets.join(wasm_name),
        glue: assets.join(glue_name),
    })
}

/// `esbuild --minify` of `from` into `to` (which may be the same file), with `options`.
fn minify(tools: &Tools, from: &Path, to: &Path, options: &[&str]) -> Result<()> {
    run(Command::new(&tools.esbuild)
        .arg(from)
        .args(["--minify", "--legal-comments=none", "--allow-overwrite"])
        .args(options)
        .arg(format!("--outfile={}", to.display())))
}

fn copy_hashed(file: &Path, assets: &Path, app: &str, extension: &str) -> Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = format!("{app}-{}.{extension}", short_hash(&bytes));
    std::fs::write(assets.join(&name), bytes)?;
    Ok(name)
}

fn short_hash(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))[..12].to_string()
}

fn manifest(widget: &Published, console: &Published) -> String {
    let shell = |app: &Published| serde_json::json!({ "script": app.script, "style": app.style });
    serde_json::json!({ "widget": shell(widget), "console": shell(console) }).to_string()
}
