//! The settings screen's "Audit log" section (admins): what was done to the site's accounts,
//! keys, settings and visitors — when, by whom (a person, or an API key), what, to whom or
//! what, and from which address — newest first, one page at a time. "Refresh" shows what
//! happened since; "Load older" adds the next page while there is one. The log is only read
//! here: nothing in it can be changed.

use std::rc::Rc;

use switchboard_protocol::api::audit_log::{Entry, ListResponse};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::settings;
use crate::format;

/// What the section holds.
#[derive(Clone, Default, PartialEq)]
struct Loaded {
    /// Every entry loaded so far, newest first.
    entries: Rc<Vec<Entry>>,
    /// Where the next (older) page starts; none: the oldest entry is loaded.
    next_before: Option<i64>,
    /// The first page has come (until then, "Loading…" rather than "nothing yet").
    done: bool,
}

impl Loaded {
    /// `page` added after what `self` holds (an older page), or in place of it (`before` none:
    /// the newest page again).
    fn with(&self, before: Option<i64>, page: ListResponse) -> Loaded {
        let mut entries = if before.is_some() { (*self.entries).clone() } else { Vec::new() };
        // Only what is older than everything listed: an entry is never shown twice.
        let oldest = entries.last().map(|entry| entry.id);
        entries
            .extend(page.entries.into_iter().filter(|entry| oldest.is_none_or(|oldest| entry.id < oldest)));
        Loaded { entries: Rc::new(entries), next_before: page.next_before, done: true }
    }
}

/// `div.sb-audit`.
#[function_component(AuditLog)]
pub fn audit_log() -> Html {
    let loaded = use_state_eq(Loaded::default);
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<String>);
    let load = {
        let (loaded, busy, error) = (loaded.clone(), busy.clone(), error.clone());
        move |before: Option<i64>| {
            let (loaded, busy, error) = (loaded.clone(), busy.clone(), error.clone());
            busy.set(true);
            spawn_local(async move {
                match settings::audit_log(before).await {
                    Ok(page) => {
                        loaded.set(loaded.with(before, page));
                        error.set(None);
                    }
                    Err(message) => error.set(Some(message)),
                }
                busy.set(false);
            });
        }
    };
    use_effect_with((), {
        let load = load.clone();
        move |_| load(None)
    });
    let refresh = {
        let load = load.clone();
        move |_: MouseEvent| load(None)
    };
    let older = loaded.next_before.map(|before| move |_: MouseEvent| load(Some(before)));
    let body = if !loaded.done {
        if error.is_some() {
            Html::default()
        } else {
            html! { <p class="sb-hint" aria-busy="true">{ "Loading…" }</p> }
        }
    } else if loaded.entries.is_empty() {
        html! {
            <p class="sb-hint sb-audit-empty">
                { "Nothing recorded yet. Sign-ins, changes to accounts, keys and settings, and blocked visitors show up here." }
            </p>
        }
    } else {
        table(&loaded.entries)
    };
    html! {
        <div class="sb-audit">
            <div class="sb-audit-actions">
                <button type="button" class="sb-secondary sb-audit-refresh" onclick={refresh} disabled={*busy}>
                    { "Refresh" }
                </button>
            </div>
            { body }
            if let Some(older) = older {
                <button type="button" class="sb-secondary sb-audit-older" onclick={older} disabled={*busy}>
                    { "Load older" }
                </button>
            }
            if let Some(message) = (*error).clone() {
                <p class="sb-error" role="alert">{ message }</p>
            }
        </div>
    }
}

/// `table.sb-audit-table`: one row per entry, `data-action` naming its action as the API does.
fn table(entries: &[Entry]) -> Html {
    html! {
        <table class="sb-audit-table">
            <caption class="sb-visually-hidden">{ "Audit log, newest first" }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "When" }</th>
                    <th scope="col">{ "Who" }</th>
                    <th scope="col">{ "What" }</th>
                    <th scope="col">{ "Target" }</th>
                    <th scope="col">{ "From" }</th>
                </tr>
            </thead>
            <tbody>
                { for entries.iter().map(row) }
            </tbody>
        </table>
    }
}

fn row(entry: &Entry) -> Html {
    let action = serde_json::to_value(entry.action).ok().and_then(|v| v.as_str().map(str::to_owned));
    let iso = format::iso_time(entry.at);
    html! {
        <tr key={entry.id.to_string()} class="sb-audit-entry" data-action={action}>
            <td class="sb-audit-when">
                <time datetime={iso.clone()} title={iso}>{ format::date_time(entry.at) }</time>
            </td>
            <td class="sb-audit-who">
                { entry.actor.name.clone() }
                if entry.actor.api_key {
                    { " " }
                    <span class="sb-badge sb-audit-key" title="An API key">
                        <span aria-hidden="true">{ "key" }</span>
                        <span class="sb-visually-hidden">{ "(API key)" }</span>
                    </span>
                }
            </td>
            <td class="sb-audit-what">{ format::audit_action(entry.action, entry.detail.as_deref()) }</td>
            <td class="sb-audit-target">{ entry.target.clone().unwrap_or_default() }</td>
            <td class="sb-audit-from">{ entry.address.clone().unwrap_or_default() }</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::audit_log::{Action, Actor, Entry, ListResponse};

    use super::Loaded;

    fn entry(id: i64) -> Entry {
        Entry {
            id,
            at: id * 1_000,
            actor: Actor { id: None, name: "agent@example.com".into(), api_key: false },
            action: Action::SignInFailed,
            target: None,
            address: Some("203.0.113.5".into()),
            detail: None,
        }
    }

    fn page(ids: &[i64], next_before: Option<i64>) -> ListResponse {
        ListResponse { entries: ids.iter().copied().map(entry).collect(), next_before }
    }

    fn ids(loaded: &Loaded) -> Vec<i64> {
        loaded.entries.iter().map(|e| e.id).collect()
    }

    #[test]
    fn older_pages_add_below_and_a_refresh_starts_over() {
        let first = Loaded::default().with(None, page(&[9, 8, 7], Some(7)));
        assert_eq!((ids(&first), first.next_before, first.done), (vec![9, 8, 7], Some(7), true));
        // An entry the previous page already had is not listed twice.
        let older = first.with(Some(7), page(&[7, 6, 5], None));
        assert_eq!((ids(&older), older.next_before), (vec![9, 8, 7, 6, 5], None));
        let refreshed = older.with(None, page(&[10, 9], Some(9)));
        assert_eq!((ids(&refreshed), refreshed.next_before), (vec![10, 9], Some(9)));
    }
}
