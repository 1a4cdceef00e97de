//! `POST /api/v1/visitor/sign-out` — ends the visitor's session on the server: `204`.
//!
//! Authenticated like [`super::visitor_conversations`] (`Authorization: Bearer <token>`, a
//! session token for any one of the visitor's conversations). Afterwards every token of that
//! visitor is refused (`401`) — on sockets, uploads, history and new sessions — and their open
//! sockets close with `4401`. The widget calls it when the host page says `shutdown` (a user
//! logging out), so a copied token does not outlive the logout. No body either way.
