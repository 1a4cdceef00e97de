//! `POST /api/v1/agent/logout` — ends the console session: `204`, and the cookie is cleared.
