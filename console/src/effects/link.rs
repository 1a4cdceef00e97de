//! The one-time links the console is opened from — an invite (`/console/#invite=TOKEN`) and a
//! password reset (`/console/#reset=TOKEN`): reading the token from the address bar's
//! fragment, taking it out again once used, and noticing a link pasted into a console that
//! is already open (only the fragment changes then, so the page does not load again).
//!
//! In the fragment, a token never reaches a server log or a `Referer`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, Window};

use super::{password_reset, session, Dispatcher};

/// Where the console lives; what the address bar shows once a link is used.
const CONSOLE_PATH: &str = "/console/";

/// A link's page, by the fragment that opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Opened {
    Invite(String),
    Reset(String),
}

/// The link in `hash` (`location.hash`, with its `#`), if it is one with a token.
fn parse(hash: &str) -> Option<Opened> {
    let token = |prefix: &str| hash.strip_prefix(prefix).filter(|token| !token.is_empty()).map(str::to_owned);
    token("#invite=").map(Opened::Invite).or_else(|| token("#reset=").map(Opened::Reset))
}

/// Opens the page of the link in the address bar, if there is one: `false` when there is
/// none (the console then asks who is signed in).
pub fn open(dispatch: &Dispatcher) -> bool {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    match parse(&hash) {
        Some(Opened::Invite(token)) => session::open_invite(token, dispatch.clone()),
        Some(Opened::Reset(token)) => password_reset::open(token, dispatch.clone()),
        None => return false,
    }
    true
}

/// Takes a used link out of the address bar (and the history), leaving the console's own
/// address: reloading then shows the console, not a spent link.
pub fn leave() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(CONSOLE_PATH));
    }
}

/// A `hashchange` listener opening the page of a link pasted into the open console; dropping
/// it removes the listener.
pub struct OnLinkPasted {
    window: Window,
    callback: Closure<dyn FnMut(Event)>,
}

impl OnLinkPasted {
    /// Listens; `None` without a window.
    pub fn new(dispatch: Dispatcher) -> Option<OnLinkPasted> {
        let window = web_sys::window()?;
        let callback = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            open(&dispatch);
        });
        window.add_event_listener_with_callback("hashchange", callback.as_ref().unchecked_ref()).ok()?;
        Some(OnLinkPasted { window, callback })
    }
}

impl Drop for OnLinkPasted {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("hashchange", self.callback.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Opened};

    #[test]
    fn a_link_is_read_from_the_fragment_only_with_a_token() {
        assert_eq!(parse("#invite=abc"), Some(Opened::Invite("abc".into())));
        assert_eq!(parse("#reset=r3s-et_"), Some(Opened::Reset("r3s-et_".into())));
        assert_eq!(parse("#reset="), None);
        assert_eq!(parse("#invite="), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("#"), None);
        assert_eq!(parse("#resetx=abc"), None);
        assert_eq!(parse("reset=abc"), None, "location.hash keeps its #");
    }
}
