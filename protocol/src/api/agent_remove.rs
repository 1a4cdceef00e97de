//! `DELETE /api/v1/agents/{id}` — an admin removes an account of their site (`204`). The
//! person can no longer sign in; sessions already open end when they expire (at most
//! 12 hours). Admins cannot remove themselves (`409`), so a site keeps at least one admin.
