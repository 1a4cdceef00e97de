//! Accessibility checks with axe-core (the npm package pinned in `edge/package.json`) run in
//! the current frame of a headless Chromium: a check fails on any serious or critical
//! violation, naming the rule, the elements and what axe says is wrong with them.

use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::browser::Browser;

/// One rule broken, as axe reports it.
#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: String,
    help: String,
    nodes: Vec<String>,
}

fn axe_source() -> Result<&'static str> {
    static SOURCE: OnceLock<String> = OnceLock::new();
    if let Some(source) = SOURCE.get() {
        return Ok(source);
    }
    let path = crate::paths::repo_root().join("edge/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (run `cargo xtask test`: it installs it)", path.display()))?;
    Ok(SOURCE.get_or_init(|| source))
}

/// Runs axe over the current frame — over `within` (a CSS selector, shadow roots included)
/// when given, else the whole document — and fails on serious or critical violations.
/// Frames inside it are left out: each frame is checked from inside (enter it first).
pub async fn assert_accessible(browser: &Browser, what: &str, within: Option<&str>) -> Result<()> {
    let client = browser.client();
    // Injected through WebDriver, which no page CSP applies to (the widget frame's allows
    // only its own scripts).
    client.execute(&format!("{}\nreturn typeof axe;", axe_source()?), vec![]).await?;
    let context = match within {
        Some(css) => serde_json::json!({ "include": [[css]] }),
        None => serde_json::json!({ "exclude": [] }),
    };
    let script = r#"
        const [context, done] = arguments;
        axe.run(context, { iframes: false, resultTypes: ['violations'] })
          .then(result => done(result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary) }))))
          .catch(error => done([{ id: 'axe-error', impact: 'critical', help: String(error), nodes: [] }]));
    "#;
    let value = client.execute_async(script, vec![context]).await?;
    let violations: Vec<Violation> = serde_json::from_value(value)?;
    if !violations.is_empty() {
        let report: Vec<String> = violations
            .iter()
            .map(|v| format!("{} ({}): {}\n    {}", v.id, v.impact, v.help, v.nodes.join("\n    ")))
            .collect();
        bail!(
            "{what}: {} serious or critical accessibility violations\n  {}",
            violations.len(),
            report.join("\n  ")
        );
    }
    Ok(())
}
