//! `POST /api/v1/bot/conversations/{id}/answer` — an external bot answers later (after
//! replying `202` to the webhook), with `Authorization: Bearer <the webhook's secret>`.
//!
//! Body: [`crate::api::bot_webhook::BotAnswer`]. Answers `200 {}`; `409 conflict` when the
//! bot no longer has the conversation (a human took over, e.g. after the timeout).

pub use crate::api::bot_webhook::BotAnswer as Request;
