//! Two-factor sign-in in the Directory: setting it up (a secret kept aside until a code of it
//! confirms it), the second step of a sign-in, new recovery codes, turning it off, and an
//! admin's reset. The rules are `core::two_factor`'s; every code typed here is throttled and
//! counted like a password (`core::sign_in_throttle`), so a stolen session cannot guess its
//! way to turning the second step off.

use serde::Deserialize;
use switchboard_core::two_factor::{self, CodeUsed, RecoveryCodes, TotpSecret};
use switchboard_protocol::api::two_factor::SetupResponse;
use switchboard_protocol::{AgentId, ErrorCode};

use super::calls::{
    ConfirmTwoFactor, DisableTwoFactor, EndSessions, NewRecoveryCodes, ResetTwoFactor, StartTwoFactor,
    TwoFactorCode, TwoFactorConfirmed,
};
use super::{AgentRow, DirectoryObject};
use crate::env;
use crate::error::{EdgeError, EdgeResult};

/// The issuer authenticator apps show next to the account.
const ISSUER: &str = "Switchboard";

/// An account's two-factor columns.
#[derive(Deserialize)]
struct SecondStepRow {
    totp_secret: Option<String>,
    totp_pending: Option<String>,
    totp_last_step: Option<i64>,
    recovery_codes: Option<String>,
}

impl DirectoryObject {
    /// A new secret to set up; `conflict` while two-factor sign-in is on.
    pub(super) fn start_two_factor(&self, call: &StartTwoFactor) -> EdgeResult<SetupResponse> {
        let agent = self.account(&call.agent)?;
        if agent.totp_secret.is_some() {
            return Err(EdgeError::refuse(
                ErrorCode::Conflict,
                "two-factor sign-in is on already; turn it off first to change the app",
            ));
        }
        let secret = TotpSecret::from_random(env::random_bytes()?);
        self.sql().exec(
            "UPDATE agents SET totp_pending = ? WHERE id = ?",
            vec![secret.to_base32().into(), agent.id.as_str().into()],
        )?;
        Ok(SetupResponse {
            secret: secret.to_base32(),
            otpauth_uri: secret.otpauth_uri(ISSUER, &agent.email),
        })
    }

    /// The first code of the secret being set up: two-factor sign-in is on from now, with a
    /// fresh set of recovery codes.
    pub(super) fn confirm_two_factor(
        &self,
        call: &ConfirmTwoFactor,
        now: i64,
    ) -> EdgeResult<TwoFactorConfirmed> {
        let TwoFactorCode { agent, code, address } = &call.0;
        let row = self.account(agent)?;
        let pending = self.second_step_row(agent)?.totp_pending.ok_or_else(|| {
            EdgeError::refuse(ErrorCode::Conflict, "start setting up two-factor sign-in first")
        })?;
        let secret =
            TotpSecret::from_base32(&pending).map_err(|e| worker::Error::RustError(e.to_string()))?;
        let keys = self.throttle_keys(&row.email, address, now)?;
        self.check_throttle(&keys, now)?;
        let step = match two_factor::verify_code(&secret, code, now, None) {
            Ok(step) => step,
            Err(error) => {
                self.count_failure(&keys, now)?;
                return Err(two_factor::refusal(Some(error)).into());
            }
        };
        let codes = RecoveryCodes::generate(env::random_bytes()?);
        self.sql().exec(
            "UPDATE agents SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?,
             recovery_codes = ? WHERE id = ?",
            vec![step.into(), serde_json::to_string(&codes.stored)?.into(), agent.as_str().into()],
        )?;
        let signed_in = self.signed_in(self.account(agent)?)?;
        Ok(TwoFactorConfirmed { recovery_codes: codes.shown, signed_in })
    }

    /// A new set of recovery codes, after a current code.
    pub(super) fn new_recovery_codes(&self, call: &NewRecoveryCodes, now: i64) -> EdgeResult<Vec<String>> {
        let TwoFactorCode { agent, code, address } = &call.0;
        self.checked_code_of_signed_in(agent, code, address, now)?;
        let codes = RecoveryCodes::generate(env::random_bytes()?);
        self.sql().exec(
            "UPDATE agents SET recovery_codes = ? WHERE id = ?",
            vec![serde_json::to_string(&codes.stored)?.into(), agent.as_str().into()],
        )?;
        Ok(codes.shown)
    }

    /// Two-factor sign-in off, after a current code.
    pub(super) fn disable_two_factor(&self, call: &DisableTwoFactor, now: i64) -> EdgeResult<()> {
        let TwoFactorCode { agent, code, address } = &call.0;
        self.checked_code_of_signed_in(agent, code, address, now)?;
        self.clear_two_factor(agent)
    }

    /// An admin resets a teammate's second step: off, and every session of theirs ends
    /// (`not_found` for another site's account, as ending sessions decides).
    pub(super) fn reset_two_factor(&self, call: &ResetTwoFactor) -> EdgeResult<()> {
        self.end_sessions(&EndSessions { site: call.site.clone(), agent: call.agent.clone() })?;
        self.clear_two_factor(&call.agent)
    }

    /// The second step of `agent`'s sign-in (its password was right): `code` must be its
    /// app's code of now, unused, or one of its recovery codes, which is then used up.
    pub(super) fn checked_second_step(
        &self,
        agent: &AgentRow,
        code: Option<&str>,
        now: i64,
    ) -> EdgeResult<()> {
        let Some(code) = code else { return Err(two_factor::refusal(None).into()) };
        let row = self.second_step_row(&agent.id)?;
        let Some(secret) = row.totp_secret.as_deref() else { return Ok(()) };
        let secret = TotpSecret::from_base32(secret).map_err(|e| worker::Error::RustError(e.to_string()))?;
        let mut recovery: Vec<String> =
            row.recovery_codes.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default();
        match two_factor::check_second_step(&secret, &recovery, code, now, row.totp_last_step) {
            Ok(CodeUsed::Totp(step)) => {
                self.sql().exec(
                    "UPDATE agents SET totp_last_step = ? WHERE id = ?",
                    vec![step.into(), agent.id.as_str().into()],
                )?;
            }
            Ok(CodeUsed::Recovery(index)) => {
                recovery.remove(index);
                self.sql().exec(
                    "UPDATE agents SET recovery_codes = ? WHERE id = ?",
                    vec![serde_json::to_string(&recovery)?.into(), agent.id.as_str().into()],
                )?;
            }
            Err(error) => return Err(two_factor::refusal(Some(error)).into()),
        }
        Ok(())
    }

    /// A signed-in agent's code, throttled and counted like a sign-in.
    fn checked_code_of_signed_in(
        &self,
        agent: &AgentId,
        code: &str,
        address: &str,
        now: i64,
    ) -> EdgeResult<()> {
        let row = self.account(agent)?;
        if row.totp_secret.is_none() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "two-factor sign-in is not on"));
        }
        self.throttled_second_step(&row, Some(code), address, now)
    }

    /// [`Self::checked_second_step`] outside a sign-in (a reset link, a signed-in agent's
    /// change), throttled and counted like one: a wrong code counts as a failed sign-in of the
    /// account from `address`; a missing one does not.
    pub(super) fn throttled_second_step(
        &self,
        agent: &AgentRow,
        code: Option<&str>,
        address: &str,
        now: i64,
    ) -> EdgeResult<()> {
        let keys = self.throttle_keys(&agent.email, address, now)?;
        self.check_throttle(&keys, now)?;
        if let Err(error) = self.checked_second_step(agent, code, now) {
            if code.is_some() {
                self.count_failure(&keys, now)?;
            }
            return Err(error);
        }
        Ok(())
    }

    fn clear_two_factor(&self, agent: &AgentId) -> EdgeResult<()> {
        self.sql().exec(
            "UPDATE agents SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL,
             recovery_codes = NULL WHERE id = ?",
            vec![agent.as_str().into()],
        )?;
        Ok(())
    }

    /// The signed-in agent's account (`unauthorized` once it is gone).
    fn account(&self, agent: &AgentId) -> EdgeResult<AgentRow> {
        self.agent_by_id(agent)?
            .ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "sign in to the console first"))
    }

    fn second_step_row(&self, agent: &AgentId) -> EdgeResult<SecondStepRow> {
        let rows: Vec<SecondStepRow> = self
            .sql()
            .exec(
                "SELECT totp_secret, totp_pending, totp_last_step, recovery_codes FROM agents WHERE id = ?",
                vec![agent.as_str().into()],
            )?
            .to_array()?;
        rows.into_iter().next().ok_or_else(|| EdgeError::refuse(ErrorCode::Unauthorized, "no such account"))
    }
}
