//! The Directory Durable Object: agent accounts, and checking their passwords.
//!
//! One object for the whole deployment keeps emails unique; sign-ins are rare enough for one
//! object. On first use it creates the bootstrap admin from the worker's variables and the
//! `BOOTSTRAP_ADMIN_PASSWORD` secret, hashed (PBKDF2) before it is stored.

use serde::Deserialize;
use switchboard_core::password::PasswordHash;
use switchboard_core::site::normalise_email;
use switchboard_protocol::api::{agent_login, agent_me};
use switchboard_protocol::{AgentId, ErrorCode, SiteId};
use worker::{durable_object, DurableObject, Env, Method, Request, Response, SqlStorage, State};

use super::respond;
use crate::error::{EdgeError, EdgeResult};
use crate::{env, http};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    site_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL)";

/// Compared against when the email is unknown, so a wrong email costs as much time as a wrong
/// password and sign-in timing does not reveal which accounts exist.
const DECOY_HASH: &str =
    "pbkdf2-sha256$100000$c3dpdGNoYm9hcmQtZGVjb3k$Ozp9aBLEKlGGrxQTGeeAgD8zl2rUdDyRA5zFCNEl0xE";

/// An `agents` row.
#[derive(Deserialize)]
struct AgentRow {
    id: AgentId,
    email: String,
    name: String,
    site_id: SiteId,
    password_hash: String,
}

/// All agent accounts.
#[durable_object]
pub struct DirectoryObject {
    state: State,
    env: Env,
}

impl DurableObject for DirectoryObject {
    fn new(state: State, env: Env) -> Self {
        if let Err(error) = state.storage().sql().exec(SCHEMA, None) {
            worker::console_error!("directory schema: {error}");
        }
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/login") => match http::read_json(&mut req).await {
                Ok(body) => self.login(body).and_then(|agent| http::json(200, &agent)),
                Err(error) => Err(error),
            },
            _ => Err(EdgeError::refuse(ErrorCode::NotFound, "no such object route")),
        };
        respond(result)
    }
}

impl DirectoryObject {
    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    fn login(&self, body: agent_login::Request) -> EdgeResult<agent_me::Response> {
        self.ensure_bootstrap_admin()?;
        let refused = || EdgeError::refuse(ErrorCode::Unauthorized, "wrong email or password");
        let email = normalise_email(&body.email).unwrap_or_default();
        let rows: Vec<AgentRow> = self
            .sql()
            .exec(
                "SELECT id, email, name, site_id, password_hash FROM agents WHERE email = ?",
                vec![email.into()],
            )?
            .to_array()?;
        let Some(agent) = rows.into_iter().next() else {
            let _ = PasswordHash::parse(DECOY_HASH).map(|decoy| decoy.verify(&body.password));
            return Err(refused());
        };
        let hash =
            PasswordHash::parse(&agent.password_hash).map_err(|e| worker::Error::RustError(e.to_string()))?;
        if !hash.verify(&body.password) {
            return Err(refused());
        }
        Ok(agent_me::Response { id: agent.id, name: agent.name, email: agent.email, site_id: agent.site_id })
    }

    /// Creates the bootstrap admin when there are no accounts yet.
    fn ensure_bootstrap_admin(&self) -> EdgeResult<()> {
        #[derive(Deserialize)]
        struct Count {
            n: u64,
        }
        if self.sql().exec("SELECT COUNT(*) AS n FROM agents", None)?.one::<Count>()?.n > 0 {
            return Ok(());
        }
        let Some(bootstrap) = env::bootstrap(&self.env) else { return Ok(()) };
        let hash = match PasswordHash::create(&bootstrap.admin_password, env::random_bytes()?) {
            Ok(hash) => hash,
            Err(error) => {
                worker::console_error!("BOOTSTRAP_ADMIN_PASSWORD refused: {error}; no admin created");
                return Ok(());
            }
        };
        let name = if bootstrap.admin_name.is_empty() { "Admin".to_string() } else { bootstrap.admin_name };
        self.insert_agent(&bootstrap.admin_email, &name, &bootstrap.site.id, &hash)?;
        // Demo and test agents (`BOOTSTRAP_AGENTS`), on the same first start.
        let seeds = self.env.secret("BOOTSTRAP_AGENTS").map(|s| s.to_string()).unwrap_or_default();
        match switchboard_core::site::parse_seed_agents(&seeds) {
            Ok(agents) => {
                for agent in agents {
                    match PasswordHash::create(&agent.password, env::random_bytes()?) {
                        Ok(hash) => {
                            self.insert_agent(&agent.email, &agent.name, &bootstrap.site.id, &hash)?
                        }
                        Err(error) => worker::console_error!("BOOTSTRAP_AGENTS {}: {error}", agent.email),
                    }
                }
            }
            Err(error) => worker::console_error!("{error}; no seed agents created"),
        }
        Ok(())
    }

    fn insert_agent(
        &self,
        email: &str,
        name: &str,
        site: &switchboard_protocol::SiteId,
        hash: &PasswordHash,
    ) -> EdgeResult<()> {
        self.sql().exec(
            "INSERT INTO agents (id, email, name, site_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                AgentId::from_random(env::random_bytes()?).as_str().into(),
                email.into(),
                name.into(),
                site.as_str().into(),
                hash.to_string().into(),
                env::now().into(),
            ],
        )?;
        Ok(())
    }
}
