//! A WebSocket that receives typed frames and sends typed frames.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// What happened on a [`Socket`].
#[derive(Debug)]
pub enum SocketEvent<T> {
    /// The handshake completed; frames may be sent.
    Open,
    /// A frame arrived and parsed as `T`.
    Frame(T),
    /// A frame arrived that is not a `T` (a newer edge may send frame types we do not know;
    /// callers ignore these rather than fail).
    Unknown(String),
    /// The socket closed (also after a failed handshake). `code` is the WebSocket close code.
    Closed {
        /// WebSocket close code (1006 when the connection dropped).
        code: u16,
    },
}

/// An open (or opening) WebSocket. Dropping it closes the socket and detaches the handlers.
pub struct Socket {
    ws: WebSocket,
    // Kept alive for as long as the socket: the browser calls into them.
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Opens `url` offering `protocols`, and reports every event to `on_event`.
    pub fn connect<T, F>(url: &str, protocols: &[&str], on_event: F) -> Result<Socket, JsValue>
    where
        T: DeserializeOwned + 'static,
        F: Fn(SocketEvent<T>) + 'static,
    {
        let list = js_sys::Array::new();
        for protocol in protocols {
            list.push(&JsValue::from_str(protocol));
        }
        let ws = WebSocket::new_with_str_sequence(url, &list)?;
        let on_event = std::rc::Rc::new(on_event);

        let emit = on_event.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| emit(SocketEvent::Open));
        let emit = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Binary frames are not part of the protocol; ignore them like unknown frames.
            let Some(text) = event.data().as_string() else { return };
            match serde_json::from_str::<T>(&text) {
                Ok(frame) => emit(SocketEvent::Frame(frame)),
                Err(_) => emit(SocketEvent::Unknown(text)),
            }
        });
        let emit = on_event;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            emit(SocketEvent::Closed { code: event.code() })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// Sends `frame` as JSON text. Returns false when the socket is not open (the caller keeps
    /// the frame and sends it after reconnecting).
    pub fn send<T: Serialize>(&self, frame: &T) -> bool {
        if self.ws.ready_state() != WebSocket::OPEN {
            return false;
        }
        match serde_json::to_string(frame) {
            Ok(text) => self.ws.send_with_str(&text).is_ok(),
            Err(_) => false,
        }
    }

    /// Whether frames can be sent right now.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
