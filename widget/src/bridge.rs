//! The `postMessage` bridge to the host page's loader (`widget/loader/widget.js`).
//!
//! Messages are plain objects tagged by `sb`. From the loader: `init` (answer to our `ready`),
//! `open`, `close`, `shutdown`, `identify`, `locale`. To it: `ready`, `close`, `active`, `unread`, `message`.
//!
//! Trust: only messages whose `source` is our parent window count, and the page's origin is
//! the browser's word for it (`event.origin` of `init`), never something a message claims.
//! Everything after `ready` is posted with that exact origin as target, so if the parent
//! navigated away meanwhile the browser drops it rather than handing it to another site.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use switchboard_protocol::contact::{Identity, MAX_CONTACT_ATTRIBUTES};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{KeyboardEvent, MessageEvent, Window};

use crate::dom::Listener;
use crate::wire::Build;

/// A message from the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FromHost {
    /// The loader's answer to `ready`; `open` says whether the panel is showing.
    Init {
        /// Whether the panel is open right now.
        open: bool,
        /// The page's URL (`location.href`), shown to agents.
        url: Option<String>,
        /// The page's `document.referrer`, shown to agents.
        referrer: Option<String>,
        /// What the page passed to `identify` before the frame started.
        identity: Option<Identity>,
        /// What the page passed to `setLocale` before the frame started.
        locale: Option<String>,
        /// The proactive message the visitor answered (`docs/proactive.md`).
        proactive: Option<String>,
    },
    /// The page says who the visitor is (`identify`); the edge checks it.
    Identify(Identity),
    /// The page chose the widget's language (`setLocale`).
    Locale(String),
    /// The panel was opened (focus the composer, stop counting unread).
    Open,
    /// The panel was closed.
    Close,
    /// Forget the visitor: session, outbox, everything.
    Shutdown,
}

/// A message to the loader.
#[derive(Debug)]
pub(crate) enum ToHost<'a> {
    /// The frame is listening; the loader answers with `init`.
    Ready,
    /// The visitor asked to close the panel (close button, Escape).
    Close,
    /// Whether the visitor has a conversation worth reopening on the next page load.
    Active {
        /// True once someone besides the bot wrote (a greeting alone is no conversation to
        /// reopen); false after shutdown.
        value: bool,
    },
    /// How many agent messages arrived while the panel was closed.
    Unread {
        /// The count (0 clears the badge).
        count: usize,
    },
    /// An agent message arrived (for the page's `on('message')` listeners).
    Message {
        /// Its text and author.
        message: Notice<'a>,
    },
}

/// What the host page learns of a new agent message.
#[derive(Debug)]
pub(crate) struct Notice<'a> {
    /// The message text.
    pub text: &'a str,
    /// The agent's display name.
    pub author_name: &'a str,
}

/// The frame's end of the bridge. Dropping it stops listening.
pub(crate) struct Bridge {
    link: Rc<Link>,
    _on_message: Listener<MessageEvent>,
    _on_keydown: Listener<KeyboardEvent>,
}

/// What posting needs, shared with the Escape handler.
struct Link {
    parent: Window,
    page_origin: RefCell<Option<String>>,
    page_url: RefCell<Option<String>>,
    referrer: RefCell<Option<String>>,
}

impl Bridge {
    /// Starts listening and says `ready`. `on_message` gets every loader message with the
    /// origin it came from. Returns `None` when the frame is not embedded (opened on its own):
    /// there is no page to talk to, and no origin to vouch for.
    pub(crate) fn connect(on_message: impl Fn(FromHost, String) + 'static) -> Option<Bridge> {
        let window = web_sys::window()?;
        let parent = window.parent().ok().flatten().filter(|p| !Object::is(p, &window))?;
        let link = Rc::new(Link {
            parent,
            page_origin: RefCell::new(None),
            page_url: RefCell::new(None),
            referrer: RefCell::new(None),
        });

        let source = link.parent.clone();
        let on_message = Listener::new(&window, "message", move |event: MessageEvent| {
            let from_parent = event.source().is_some_and(|s| Object::is(&s, &source));
            if let (true, Some(message)) = (from_parent, decode(&event.data())) {
                on_message(message, event.origin());
            }
        });
        // Escape inside the frame never reaches the host page's document: pass it on as the
        // visitor's wish to close (the loader then closes the panel and tells us).
        let escape = link.clone();
        // The open panel is a dialog over the page: Tab stays inside it.
        let on_keydown = Listener::new(&window, "keydown", move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                escape.post(&ToHost::Close);
            }
            crate::dom::trap_tab(&event);
        });
        link.post_to("*", &ToHost::Ready);
        Some(Bridge { link, _on_message: on_message, _on_keydown: on_keydown })
    }

    /// Remembers the page's origin (from `init`); only the first one counts.
    pub(crate) fn set_page_origin(&self, origin: String) {
        self.link.page_origin.borrow_mut().get_or_insert(origin);
    }

    /// Remembers the page's URL (from `init`), when it is on the page's origin.
    pub(crate) fn set_page_url(&self, url: Option<String>) {
        let origin = self.page_origin();
        let on_origin = |url: &String| origin.as_ref().is_some_and(|o| url.starts_with(&format!("{o}/")));
        *self.link.page_url.borrow_mut() = url.filter(on_origin);
    }

    /// Remembers the page's referrer (from `init`); any URL, empty for none.
    pub(crate) fn set_referrer(&self, referrer: Option<String>) {
        *self.link.referrer.borrow_mut() = referrer.filter(|r| !r.is_empty());
    }

    /// The page's referrer, once `init` arrived.
    pub(crate) fn referrer(&self) -> Option<String> {
        self.link.referrer.borrow().clone()
    }

    /// The page's URL, once `init` arrived.
    pub(crate) fn page_url(&self) -> Option<String> {
        self.link.page_url.borrow().clone()
    }

    /// The page's origin, once `init` arrived.
    pub(crate) fn page_origin(&self) -> Option<String> {
        self.link.page_origin.borrow().clone()
    }

    /// Posts `message` to the page, if its origin is known.
    pub(crate) fn post(&self, message: &ToHost) {
        self.link.post(message);
    }
}

impl Link {
    fn post(&self, message: &ToHost) {
        let origin = self.page_origin.borrow().clone();
        if let Some(origin) = origin {
            self.post_to(&origin, message);
        }
    }

    fn post_to(&self, origin: &str, message: &ToHost) {
        let _ = self.parent.post_message(&message.to_js(), origin);
    }
}

impl ToHost<'_> {
    /// The plain object the loader reads, `{sb: …, …}`. Built field by field rather than
    /// through serde: these few shapes do not pay for a serializer in the frame's wasm.
    fn to_js(&self) -> JsValue {
        let (tag, mut fields): (&str, Vec<(&'static str, JsValue)>) = match self {
            ToHost::Ready => ("ready", vec![]),
            ToHost::Close => ("close", vec![]),
            ToHost::Active { value } => ("active", vec![("value", JsValue::from_bool(*value))]),
            // `title`: what the host page's tab title alternates with while replies wait.
            ToHost::Unread { count } => (
                "unread",
                vec![
                    ("count", JsValue::from(*count as f64)),
                    ("title", JsValue::from_str(crate::i18n::t().new_message)),
                ],
            ),
            ToHost::Message { message } => {
                let notice = JsValue::object(vec![
                    ("text", JsValue::from_str(message.text)),
                    ("author_name", JsValue::from_str(message.author_name)),
                ]);
                ("message", vec![("message", notice)])
            }
        };
        fields.push(("sb", tag.into()));
        JsValue::object(fields)
    }
}

/// A loader message, or `None` for anything else (other scripts post messages too): an
/// object whose `sb` names one of the messages the loader sends.
fn decode(data: &JsValue) -> Option<FromHost> {
    if !data.is_object() {
        return None;
    }
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    Some(match field("sb")?.as_string()?.as_str() {
        "init" => FromHost::Init {
            open: field("open").and_then(|v| v.as_bool()).unwrap_or(false),
            url: field("url").and_then(|v| v.as_string()),
            referrer: field("ref").and_then(|v| v.as_string()),
            identity: field("id").as_ref().and_then(identity),
            locale: field("lang").and_then(|v| v.as_string()),
            // (Checked by the edge: a name no site could have is refused.)
            proactive: field("pro").and_then(|v| v.as_string()),
        },
        "identify" => FromHost::Identify(identity(&field("id")?)?),
        "locale" => FromHost::Locale(field("lang")?.as_string()?),
        "open" => FromHost::Open,
        "close" => FromHost::Close,
        "shutdown" => FromHost::Shutdown,
        _ => return None,
    })
}

/// What the page passed to `identify`: a signed `token`, or `user_id` and `user_hash` (numbers are taken
/// as their decimal text, as sites' backends sign them), the rest optional; attribute values
/// that are not text, numbers or booleans are left out. `None` when it is no such object.
fn identity(value: &JsValue) -> Option<Identity> {
    if !value.is_object() {
        return None;
    }
    let field = |object: &JsValue, name: &str| {
        Reflect::get(object, &JsValue::from_str(name)).ok().and_then(|v| text(&v))
    };
    let mut attributes = std::collections::BTreeMap::new();
    let given = Reflect::get(value, &JsValue::from_str("attributes")).unwrap_or_default();
    if let Some(object) = given.dyn_ref::<Object>() {
        for key in Object::keys(object).iter().take(MAX_CONTACT_ATTRIBUTES) {
            let value = Reflect::get(object, &key).ok().and_then(|v| text(&v));
            if let (Some(name), Some(value)) = (key.as_string(), value) {
                attributes.insert(name, value);
            }
        }
    }
    let token = field(value, "token");
    let (user_id, user_hash) = (field(value, "user_id"), field(value, "user_hash"));
    if token.is_none() && (user_id.is_none() || user_hash.is_none()) {
        return None;
    }
    Some(Identity {
        token,
        user_id: user_id.unwrap_or_default(),
        user_hash: user_hash.unwrap_or_default(),
        email: field(value, "email"),
        name: field(value, "name"),
        attributes,
    })
}

/// A string, number or boolean as text (numbers as JavaScript writes them: formatting floats
/// in Rust would cost the frame's wasm a float printer).
fn text(value: &JsValue) -> Option<String> {
    if value.as_f64().is_some() {
        return js_sys::Number::from(value.clone()).to_string_with_radix(10).ok().map(String::from);
    }
    value.as_string().or_else(|| value.as_bool().map(|b| if b { "true" } else { "false" }.to_owned()))
}
