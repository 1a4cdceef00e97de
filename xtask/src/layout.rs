//! Keeps the `# Layout` maps true: every crate root (and every module file that has a map)
//! names each module it declares, so a newcomer reading the map sees the whole crate. Run by
//! the tests below, which `cargo xtask test` runs.

use std::path::{Path, PathBuf};

/// The crates whose root must carry a map.
const CRATES: [&str; 10] =
    ["protocol", "core", "edge", "webclient", "widget", "console", "demo-site", "tests", "bench", "xtask"];

/// What is wrong with one file's map: it has none, or it leaves modules out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Gap {
    /// The file.
    pub(crate) file: PathBuf,
    /// `None`: the file has no map; otherwise the modules it leaves out.
    pub(crate) missing: Option<Vec<String>>,
}

/// The modules `source` declares (`mod x;`, with any visibility; not inline `mod x { … }`,
/// nor test-only modules, which are not part of what the crate is).
pub(crate) fn declared_modules(source: &str) -> Vec<String> {
    let mut previous = "";
    let mut modules = Vec::new();
    for line in source.lines().map(str::trim) {
        let rest = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
        if let Some(name) = rest.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
            if previous != "#[cfg(test)]" {
                modules.push(name.trim().to_string());
            }
        }
        previous = line;
    }
    modules
}

/// The text of the `# Layout` section of `source`'s module doc, if it has one.
pub(crate) fn layout_section(source: &str) -> Option<String> {
    let doc: Vec<&str> =
        source.lines().map_while(|line| line.strip_prefix("//!")).map(|line| line.trim()).collect();
    let start = doc.iter().position(|line| *line == "# Layout")?;
    let section = doc[start + 1..].iter().take_while(|line| !line.starts_with('#'));
    Some(section.copied().collect::<Vec<_>>().join("\n"))
}

/// The modules `source` declares that its map does not name (as `` `name` `` or
/// ``[`name`]``); `None` when it has no map.
pub(crate) fn unmapped(source: &str) -> Option<Vec<String>> {
    let map = layout_section(source)?;
    Some(declared_modules(source).into_iter().filter(|name| !map.contains(&format!("`{name}`"))).collect())
}

/// Every gap in the repository at `root`: crate roots without a map, and maps (in roots or
/// module files) that leave a module out.
pub(crate) fn gaps(root: &Path) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for krate in CRATES {
        let src = root.join(krate).join("src");
        let crate_root = ["lib.rs", "main.rs"].map(|name| src.join(name)).into_iter().find(|p| p.exists());
        for file in rust_files(&src) {
            let Ok(source) = std::fs::read_to_string(&file) else { continue };
            match unmapped(&source) {
                None if Some(&file) == crate_root.as_ref() => gaps.push(Gap { file, missing: None }),
                Some(missing) if !missing.is_empty() => gaps.push(Gap { file, missing: Some(missing) }),
                _ => {}
            }
        }
    }
    gaps
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPED: &str = "//! A crate.\n//!\n//! # Layout\n//! - [`alpha`]: the first.\n//! - `beta`: the second.\n\npub mod alpha;\nmod beta;\n";

    #[test]
    fn a_map_naming_every_module_passes_and_one_leaving_one_out_fails() {
        assert_eq!(unmapped(MAPPED), Some(Vec::new()));
        let grown = format!("{MAPPED}pub(crate) mod gamma;\n#[cfg(test)]\nmod tests;\n");
        assert_eq!(unmapped(&grown), Some(vec!["gamma".to_string()]), "test modules need no place");
        assert_eq!(unmapped("//! No map here.\nmod alpha;\n"), None);
        // Inline modules and commented-out declarations are not declarations of files.
        assert!(declared_modules("mod inline {\n}\n// mod old;\n").is_empty());
    }

    #[test]
    fn every_crate_map_names_every_module() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        let gaps = gaps(root);
        assert!(gaps.is_empty(), "`# Layout` maps to complete (or add): {gaps:#?}");
    }
}
