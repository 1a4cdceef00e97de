//! Answering a `hello` with the log the client has not seen, a page at a time (the pages are
//! core's [`Replay`]): a long conversation is never read whole into memory.

use switchboard_core::attachment_links;
use switchboard_core::conversation::Replay;
use switchboard_protocol::ServerFrame;
use worker::WebSocket;

use super::ConversationObject;
use crate::env;
use crate::error::EdgeResult;
use crate::objects::send_frame;

impl ConversationObject {
    /// Sends the log after the client's `last_seq`, reading a page only once the previous one
    /// is sent. A replay hands out links that work for another week, under today's key.
    pub(super) fn replay(&self, ws: &WebSocket, replay: Replay, now: i64) -> EdgeResult<()> {
        let signing = env::signing_key(&self.env)?;
        let mut next = Some(replay);
        while let Some(replay) = next {
            let (mut frame, rest) = replay.next_page(&mut &self.store)?;
            if let ServerFrame::History { messages, .. } = &mut frame {
                attachment_links::renew_all(messages, &signing, now);
            }
            send_frame(ws, &frame);
            next = rest;
        }
        Ok(())
    }
}
