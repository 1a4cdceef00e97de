//! Signing in: the password check, throttled as `core::sign_in_throttle` decides, and the
//! addresses each account signed in from (so strangers' failures cannot keep it out).

use serde::Deserialize;
use switchboard_core::fields::normalise_email;
use switchboard_core::password::PasswordHash;
use switchboard_core::sign_in_throttle::{self, Failures, ThrottlePolicy};
use switchboard_protocol::api::audit_log::{Action, Actor};
use switchboard_protocol::ErrorCode;

use super::calls::{ChangePassword, Login, SignedIn};
use super::{AgentRow, DirectoryObject};
use crate::audit::{self, Done};
use crate::error::{EdgeError, EdgeResult};
use crate::{env, webcrypto};

/// Compared against when the email is unknown, so a wrong email costs as much time as a wrong
/// password and sign-in timing does not reveal which accounts exist.
const DECOY_HASH: &str =
    "pbkdf2-sha256$100000$c3dpdGNoYm9hcmQtZGVjb3k$Ozp9aBLEKlGGrxQTGeeAgD8zl2rUdDyRA5zFCNEl0xE";

/// Whether a password check also asks for the account's second step.
#[derive(Clone, Copy)]
enum SecondStep<'a> {
    /// A sign-in: accounts with two-factor sign-in on need this code.
    Asked(Option<&'a str>),
    /// A signed-in agent confirming their password (to change it).
    NotAsked,
}

impl DirectoryObject {
    pub(super) async fn login(&self, call: Login, now: i64) -> EdgeResult<SignedIn> {
        self.ensure_bootstrap_admin(now).await?;
        let email = normalise_email(&call.email).unwrap_or_default();
        let second_step = SecondStep::Asked(call.code.as_deref());
        match self.checked_password(&email, &call.password, second_step, &call.address, now).await {
            Ok(agent) => self.signed_in(agent),
            Err(error) => {
                self.record_failure(&email, &call.address, &error).await?;
                Err(error)
            }
        }
    }

    /// A wrong password or code for an account goes into its site's audit log (asking for a
    /// code is no failure, and throttled attempts are not recorded one by one).
    async fn record_failure(&self, email: &str, address: &str, error: &EdgeError) -> EdgeResult<()> {
        let EdgeError::Refused(refusal) = error else { return Ok(()) };
        if refusal.code != ErrorCode::Unauthorized {
            return Ok(());
        }
        let Some(agent) = self.agent_by_email(email)? else { return Ok(()) };
        let actor = Actor { id: None, name: email.to_owned(), api_key: false };
        let done = Done {
            action: Action::SignInFailed,
            target: Some(agent.email.clone()),
            detail: Some(refusal.message.clone()),
        };
        audit::record_as(&self.env, &agent.site_id, actor, Some(address.to_owned()), done).await;
        Ok(())
    }

    /// A signed-in agent's new password, after their current one checked like a sign-in (so
    /// a stolen session cannot guess it faster); every session of theirs ends, and this one
    /// starts afresh.
    pub(super) async fn change_password(&self, call: ChangePassword, now: i64) -> EdgeResult<SignedIn> {
        let gone = || EdgeError::refuse(ErrorCode::Unauthorized, "sign in to the console first");
        let agent = self.agent_by_id(&call.agent)?.ok_or_else(gone)?;
        // The new password's rules first: a refusal costs no hashing.
        PasswordHash::check_new(&call.new_password)
            .map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))?;
        let (email, password) = (&agent.email, &call.current_password);
        let agent = self.checked_password(email, password, SecondStep::NotAsked, &call.address, now).await?;
        let hash = webcrypto::create(&call.new_password, env::random_bytes()?).await?;
        self.sql().exec(
            "UPDATE agents SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
            vec![hash.to_string().into(), agent.id.as_str().into()],
        )?;
        let agent = self.agent_by_id(&agent.id)?.ok_or_else(gone)?;
        self.signed_in(agent)
    }

    /// The account of `email` when `password` is its password (and, for a sign-in of an
    /// account with two-factor sign-in on, `second_step` its code): throttled and counted as
    /// `core::sign_in_throttle` decides (`429`), `unauthorized` otherwise.
    async fn checked_password(
        &self,
        email: &str,
        password: &str,
        second_step: SecondStep<'_>,
        address: &str,
        now: i64,
    ) -> EdgeResult<AgentRow> {
        let keys = self.throttle_keys(email, address, now)?;
        // Throttled keys are refused before any hashing: a locked key costs no CPU.
        self.check_throttle(&keys, now)?;
        // Counted as failed before the (awaited) check, so attempts interleaving with this
        // one are all counted; a right password takes its counts back below.
        self.count_failure(&keys, now)?;
        match self.verify(email, password).await? {
            Some(agent) => {
                if let (SecondStep::Asked(code), Some(_)) = (second_step, &agent.totp_secret) {
                    // A right password without a code is no failure (the console learns this
                    // way that a code is needed); with a wrong code it stays counted: guessing
                    // codes is throttled exactly like guessing passwords.
                    if code.is_none() {
                        self.forgive(&keys)?;
                    }
                    self.checked_second_step(&agent, code, now)?;
                }
                self.forgive(&keys)?;
                self.remember_address(email, address, now)?;
                Ok(agent)
            }
            None => {
                self.forget_old_failures(now)?;
                Err(EdgeError::refuse(ErrorCode::Unauthorized, "wrong email or password"))
            }
        }
    }

    /// The throttle counters a sign-in of `email` from `address` counts against.
    pub(super) fn throttle_keys(
        &self,
        email: &str,
        address: &str,
        now: i64,
    ) -> EdgeResult<Vec<(String, ThrottlePolicy)>> {
        let known = self.known_address(email, address, now)?;
        Ok(sign_in_throttle::sign_in_keys(email, address, known))
    }

    /// `429` when any of `keys` is locked.
    pub(super) fn check_throttle(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> EdgeResult<()> {
        for (key, _) in keys {
            self.failures(key)?.check(now).map_err(sign_in_throttle::throttled)?;
        }
        Ok(())
    }

    /// Counts a failure against each of `keys`.
    pub(super) fn count_failure(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> EdgeResult<()> {
        for (key, policy) in keys {
            self.store_failures(key, self.failures(key)?.failed(*policy, now))?;
        }
        Ok(())
    }

    /// Takes back the failure counted against each of `keys` for an attempt that was right.
    fn forgive(&self, keys: &[(String, ThrottlePolicy)]) -> EdgeResult<()> {
        for (key, policy) in keys {
            self.store_failures(key, self.failures(key)?.forgive(*policy))?;
        }
        Ok(())
    }

    /// The account, if `password` is its password. Unknown emails cost a hash too.
    async fn verify(&self, email: &str, password: &str) -> EdgeResult<Option<AgentRow>> {
        let agent = self.agent_by_email(email)?;
        let stored = agent.as_ref().map_or(DECOY_HASH, |agent| agent.password_hash.as_str());
        let hash = PasswordHash::parse(stored).map_err(|e| worker::Error::RustError(e.to_string()))?;
        let right = webcrypto::verify(&hash, password).await?;
        Ok(agent.filter(|_| right))
    }

    fn failures(&self, key: &str) -> EdgeResult<Failures> {
        #[derive(Deserialize)]
        struct Row {
            count: u32,
            window_start: i64,
            locked_until: i64,
        }
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT count, window_start, locked_until FROM login_failures WHERE key = ?",
                vec![key.into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .next()
            .map(|r| Failures { count: r.count, window_start: r.window_start, locked_until: r.locked_until })
            .unwrap_or_default())
    }

    fn store_failures(&self, key: &str, next: Failures) -> EdgeResult<()> {
        if next == Failures::default() {
            self.sql().exec("DELETE FROM login_failures WHERE key = ?", vec![key.into()])?;
            return Ok(());
        }
        self.sql().exec(
            "INSERT OR REPLACE INTO login_failures (key, count, window_start, locked_until) VALUES (?, ?, ?, ?)",
            vec![key.into(), i64::from(next.count).into(), next.window_start.into(), next.locked_until.into()],
        )?;
        Ok(())
    }

    /// Drops counts whose window and lock are over (they would start afresh anyway), so
    /// guessers' many addresses do not pile up. Done after a failure, which is what adds rows.
    fn forget_old_failures(&self, now: i64) -> EdgeResult<()> {
        self.sql().exec(
            "DELETE FROM login_failures WHERE window_start < ? AND locked_until < ?",
            vec![(now - sign_in_throttle::LONGEST_WINDOW_MS).into(), now.into()],
        )?;
        Ok(())
    }

    /// Whether the account signed in from `address` recently.
    fn known_address(&self, email: &str, address: &str, now: i64) -> EdgeResult<bool> {
        #[derive(Deserialize)]
        struct Row {}
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT 1 AS one FROM known_addresses WHERE email = ? AND address = ? AND last_at > ?",
                vec![email.into(), address.into(), (now - sign_in_throttle::KNOWN_ADDRESS_MS).into()],
            )?
            .to_array()?;
        Ok(!rows.is_empty())
    }

    /// Remembers `address` as the account's, keeping only its most recent few.
    fn remember_address(&self, email: &str, address: &str, now: i64) -> EdgeResult<()> {
        self.sql().exec(
            "INSERT OR REPLACE INTO known_addresses (email, address, last_at) VALUES (?, ?, ?)",
            vec![email.into(), address.into(), now.into()],
        )?;
        self.sql().exec(
            "DELETE FROM known_addresses WHERE email = ? AND address NOT IN
             (SELECT address FROM known_addresses WHERE email = ? ORDER BY last_at DESC LIMIT ?)",
            vec![email.into(), email.into(), (sign_in_throttle::KNOWN_ADDRESSES_KEPT as i64).into()],
        )?;
        Ok(())
    }
}
