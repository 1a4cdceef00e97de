//! The conversation socket: a WebSocket that hands over decoded [`ServerFrame`]s and sends
//! [`ClientFrame`]s, both through the browser's `JSON` (see [`crate::wire`]).
//!
//! One handler serves the socket's three events, so the wasm carries one closure, not three.

use switchboard_protocol::{ClientFrame, ServerFrame};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::wire::{decode, encode, parse, stringify};

/// What happened on a [`Socket`].
pub(crate) enum SocketEvent {
    /// The handshake completed; frames may be sent.
    Open,
    /// A frame arrived. Frames this build does not know, or malformed ones, are dropped
    /// (a newer edge may send frame types we do not know).
    Frame(Box<ServerFrame>),
    /// The socket closed (also after a failed handshake), with its close code (1006 when the
    /// connection dropped).
    Closed(u16),
}

/// An open (or opening) WebSocket. Dropping it detaches the handler and closes the socket.
pub(crate) struct Socket {
    ws: WebSocket,
    _handler: Closure<dyn FnMut(Event)>,
}

impl Socket {
    /// Opens `url` offering `protocols`, and reports every event to `on_event`.
    pub(crate) fn connect(
        url: &str,
        protocols: &[&str],
        on_event: impl Fn(SocketEvent) + 'static,
    ) -> Result<Socket, JsValue> {
        let list: js_sys::Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        let ws = WebSocket::new_with_str_sequence(url, &list)?;
        let handler = Closure::<dyn FnMut(Event)>::new(move |event: Event| match event.type_().as_str() {
            "open" => on_event(SocketEvent::Open),
            "message" => {
                // Binary frames are not part of the protocol; they are dropped like unknown ones.
                let text = event.unchecked_ref::<MessageEvent>().data().as_string();
                if let Some(frame) = text.and_then(|text| decode::server_frame(&parse(&text)?)) {
                    on_event(SocketEvent::Frame(Box::new(frame)));
                }
            }
            "close" => on_event(SocketEvent::Closed(event.unchecked_ref::<CloseEvent>().code())),
            _ => {}
        });
        let function = Some(handler.as_ref().unchecked_ref());
        ws.set_onopen(function);
        ws.set_onmessage(function);
        ws.set_onclose(function);
        Ok(Socket { ws, _handler: handler })
    }

    /// Sends `frame`. Returns false when the socket is not open (pending messages are then
    /// resent after the reconnect; other frames are not worth keeping).
    pub(crate) fn send(&self, frame: &ClientFrame) -> bool {
        self.is_open()
            && stringify(&encode::client_frame(frame))
                .is_some_and(|text| self.ws.send_with_str(&text).is_ok())
    }

    /// Whether frames can be sent right now.
    pub(crate) fn is_open(&self) -> bool {
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
