//! Identifiers the frame reads from its surroundings.

use switchboard_protocol::SiteId;

/// `site` from the frame's own URL (`/frame?site=ID`), if valid.
pub fn site_from_location() -> Option<SiteId> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    SiteId::parse(params.get("site")?).ok()
}
