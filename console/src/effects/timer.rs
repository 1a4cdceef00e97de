//! Browser timers as values: dropping one cancels it, so a closed socket link or an
//! unmounted component can never be called back late.

use js_sys::Function;
use switchboard_core::backoff::reconnect_delay_ms;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A pending `setTimeout`.
pub struct Timeout {
    id: i32,
    // The browser holds a reference to this function until it fires or is cleared.
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Runs `f` once after `ms` milliseconds. `None` when there is no window to time with.
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Option<Timeout> {
        let mut f = Some(f);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let delay = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(as_function(&callback), delay)
            .ok()?;
        Some(Timeout { id, _callback: callback })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.id);
        }
    }
}

/// A running `setInterval`.
pub struct Interval {
    id: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    /// Runs `f` every `ms` milliseconds until dropped.
    pub fn new(ms: u32, f: impl FnMut() + 'static) -> Option<Interval> {
        let callback = Closure::<dyn FnMut()>::new(f);
        let period = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = web_sys::window()?
            .set_interval_with_callback_and_timeout_and_arguments_0(as_function(&callback), period)
            .ok()?;
        Some(Interval { id, _callback: callback })
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_interval_with_handle(self.id);
        }
    }
}

/// When to try a dropped socket again: `core`'s exponential backoff with jitter, counted
/// from the last connection that worked.
#[derive(Default)]
pub struct Retry {
    attempt: u32,
    timer: Option<Timeout>,
}

impl Retry {
    /// Schedules `reconnect` after the next backoff delay (replacing any scheduled one).
    pub fn schedule(&mut self, reconnect: impl FnOnce() + 'static) {
        let delay = reconnect_delay_ms(self.attempt, js_sys::Math::random());
        self.attempt = self.attempt.saturating_add(1);
        self.timer = Timeout::new(delay, reconnect);
    }

    /// The connection works again: the next drop starts the backoff from the beginning.
    ///
    /// Called on the first frame rather than on `open`, so an edge that accepts the
    /// handshake and then closes at once still backs off instead of hammering.
    pub fn succeeded(&mut self) {
        self.attempt = 0;
    }
}

fn as_function(callback: &Closure<dyn FnMut()>) -> &Function {
    callback.as_ref().unchecked_ref()
}
