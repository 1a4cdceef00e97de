//! Telling an agent who is looking elsewhere: a browser notification and a short tone for a
//! new offer, or for new messages while the console is in a background tab.
//!
//! Both are on by default and can be turned off from the top bar (remembered in this
//! browser's `localStorage`). Notifications need the browser's permission, asked for when the
//! agent turns them on (browsers only ask in answer to a click).

use wasm_bindgen::JsCast;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission, OscillatorType};

const PREFERENCE_KEY: &str = "switchboard.notifications";

/// Whether the agent wants notifications and sounds (on unless turned off here).
pub fn enabled() -> bool {
    storage().and_then(|s| s.get_item(PREFERENCE_KEY).ok().flatten()).as_deref() != Some("off")
}

/// Turns notifications and sounds on or off; turning on asks the browser's permission.
pub fn set_enabled(on: bool) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(PREFERENCE_KEY, if on { "on" } else { "off" });
    }
    if on && Notification::permission() == NotificationPermission::Default {
        let _ = Notification::request_permission();
    }
}

/// Notifies `title`/`body` (when allowed) and plays the tone. `tag` replaces an earlier
/// notification about the same thing instead of stacking a second one.
pub fn notify(title: &str, body: &str, tag: &str) {
    if !enabled() {
        return;
    }
    if Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body(body);
        options.set_tag(tag);
        if let Ok(notification) = Notification::new_with_options(title, &options) {
            // A click brings the console forward.
            let focus = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
                if let Some(window) = web_sys::window() {
                    let _ = window.focus();
                }
            });
            notification.set_onclick(Some(focus.as_ref().unchecked_ref()));
            focus.forget();
        }
    }
    chime();
}

/// Whether the console is in a background tab or minimised window.
pub fn page_hidden() -> bool {
    !super::visibility::is_visible()
}

/// Two short sine notes, synthesised: no audio file to fetch or to allow in the CSP.
fn chime() {
    let Ok(context) = AudioContext::new() else { return };
    let now = context.current_time();
    for (i, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else { return };
        oscillator.set_type(OscillatorType::Sine);
        oscillator.frequency().set_value(frequency);
        let start = now + i as f64 * 0.12;
        gain.gain().set_value(0.0);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.15, start + 0.01);
        let _ = gain.gain().linear_ramp_to_value_at_time(0.0, start + 0.11);
        let _ = oscillator.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&context.destination());
        let _ = oscillator.start_with_when(start);
        let _ = oscillator.stop_with_when(start + 0.12);
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
