//! What a scoped API key may do: each route needs read or write access to one area, and a
//! key's scopes grant some (`protocol::api::api_keys::Scope`). A key without scopes does all
//! its role may; `read` reads every area; an area's scope reads and changes that area.
//! Managing keys needs a key without scopes, so a scoped key cannot make itself a wider one.

use switchboard_protocol::api::api_keys::Scope;
use switchboard_protocol::{ApiError, ErrorCode};

/// A part of the API, as scopes see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Conversations, their messages and actions, visitor sessions, sockets, blocks.
    Conversations,
    /// Contacts.
    Contacts,
    /// Site settings, team, canned responses, audit log, sites.
    Settings,
    /// Webhook subscriptions and deliveries.
    Webhooks,
    /// API keys themselves: keys without scopes only.
    Keys,
    /// The caller's own account (`/agent/me`): every key may read it.
    Account,
}

/// Whether a route reads or changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only.
    Read,
    /// Changes something (or opens a socket, where changes are typed).
    Write,
}

/// What one route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Which part of the API.
    pub area: Area,
    /// Read or write.
    pub access: Access,
}

impl Need {
    /// Reading `area`.
    pub const fn read(area: Area) -> Need {
        Need { area, access: Access::Read }
    }

    /// Changing `area`.
    pub const fn write(area: Area) -> Need {
        Need { area, access: Access::Write }
    }
}

/// The scope that grants `area`, if one does.
fn scope_of(area: Area) -> Option<Scope> {
    match area {
        Area::Conversations => Some(Scope::Conversations),
        Area::Contacts => Some(Scope::Contacts),
        Area::Settings => Some(Scope::Settings),
        Area::Webhooks => Some(Scope::Webhooks),
        Area::Keys | Area::Account => None,
    }
}

/// Whether a key with `scopes` may do what `need` says (`None`: a route scopes do not
/// cover, which only keys without scopes may use); `forbidden` naming what is missing.
pub fn check(scopes: &[Scope], need: Option<Need>) -> Result<(), ApiError> {
    if scopes.is_empty() {
        return Ok(());
    }
    let refuse = |what: String| {
        let have: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("this API key is limited to {}; {what}", have.join(", ")),
        ))
    };
    let Some(need) = need else {
        return refuse("this route needs a key without scopes".into());
    };
    if need.area == Area::Account && need.access == Access::Read {
        return Ok(());
    }
    if need.area == Area::Keys {
        return refuse("this route needs a key without scopes".into());
    }
    let area_scope = scope_of(need.area);
    let granted = area_scope.is_some_and(|scope| scopes.contains(&scope))
        || (need.access == Access::Read && scopes.contains(&Scope::Read));
    match (granted, area_scope) {
        (true, _) => Ok(()),
        (false, None) => refuse("this route needs a key without scopes".into()),
        (false, Some(scope)) => refuse(format!("this needs the `{}` scope", scope.as_str())),
    }
}

/// `requested` as stored: each scope once, in [`Scope::ALL`]'s order.
pub fn normalise(requested: &[Scope]) -> Vec<Scope> {
    Scope::ALL.into_iter().filter(|scope| requested.contains(scope)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AREAS: [Area; 6] =
        [Area::Conversations, Area::Contacts, Area::Settings, Area::Webhooks, Area::Keys, Area::Account];

    fn needs() -> impl Iterator<Item = Option<Need>> {
        AREAS.into_iter().flat_map(|area| [Some(Need::read(area)), Some(Need::write(area))]).chain([None])
    }

    #[test]
    fn a_read_key_reads_everywhere_but_keys_and_changes_nothing() {
        for area in AREAS {
            assert_eq!(check(&[Scope::Read], Some(Need::read(area))).is_ok(), area != Area::Keys, "{area:?}");
            assert!(check(&[Scope::Read], Some(Need::write(area))).is_err(), "{area:?}");
        }
    }

    #[test]
    fn an_area_scope_reads_and_changes_that_area_only() {
        let scopes = [Scope::Conversations];
        assert!(check(&scopes, Some(Need::write(Area::Conversations))).is_ok());
        assert!(check(&scopes, Some(Need::read(Area::Conversations))).is_ok());
        let refused = check(&scopes, Some(Need::write(Area::Settings))).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden);
        assert!(refused.message.contains("`settings`"), "{}", refused.message);
        assert!(check(&scopes, Some(Need::read(Area::Contacts))).is_err());
    }

    #[test]
    fn keys_are_managed_by_unscoped_keys_only() {
        let all = Scope::ALL;
        assert!(check(&all, Some(Need::write(Area::Keys))).is_err());
        assert!(check(&all, None).is_err());
        assert!(check(&[], Some(Need::write(Area::Keys))).is_ok());
        assert!(check(&[], None).is_ok());
    }

    #[test]
    fn normalising_dedupes_and_orders() {
        let typed = [Scope::Webhooks, Scope::Read, Scope::Webhooks];
        assert_eq!(normalise(&typed), vec![Scope::Read, Scope::Webhooks]);
    }

    fn scope_set() -> impl Strategy<Value = Vec<Scope>> {
        proptest::sample::subsequence(Scope::ALL.to_vec(), 0..=Scope::ALL.len())
    }

    proptest! {
        /// Adding a scope never takes a permission away, and a key without `read` or the
        /// area's scope never writes there.
        #[test]
        fn scopes_only_add(scopes in scope_set(), extra in proptest::sample::select(Scope::ALL.to_vec())) {
            let mut wider = scopes.clone();
            wider.push(extra);
            for need in needs() {
                if !scopes.is_empty() && check(&scopes, need).is_ok() {
                    prop_assert!(check(&wider, need).is_ok());
                }
            }
        }

        /// Only keys without scopes, or with the area's own scope, change anything.
        #[test]
        fn writes_need_the_area(scopes in scope_set()) {
            for area in AREAS {
                let allowed = check(&scopes, Some(Need::write(area))).is_ok();
                let expected = scopes.is_empty() || scope_of(area).is_some_and(|s| scopes.contains(&s));
                prop_assert_eq!(allowed, expected);
            }
        }
    }
}
