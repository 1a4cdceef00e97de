//! Makes the hashed asset names written by `cargo xtask build` known to the worker.
//!
//! The xtask builds the widget and console first, names their files by content hash, and
//! writes `edge/generated/assets.json`; the worker's HTML pages refer to those names. Without
//! the file (a fresh clone before any build) the pages say the assets are not built.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from("generated/assets.json");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let json = fs::read_to_string(&manifest).unwrap_or_else(|_| "null".to_string());
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.json");
    fs::write(out, json).expect("OUT_DIR is writable");
}
