//! One account in the settings' team list: the photo visitors see beside their replies (or
//! their initials), name, email, role and a "2FA" badge when they sign in with two-factor
//! sign-in, with the controls the viewer may use — change or remove the photo (their own;
//! admins anyone's), end every session ("Sign out everywhere" on their own row; admins end
//! anyone's), reset a teammate's two-factor sign-in (admins, after a confirmation), make a
//! teammate a password reset link (admins; shown under the row by [`ResetLink`]) and remove
//! the account (admins, not themselves).
//! The edge enforces the same permissions.

use std::rc::Rc;

use switchboard_protocol::api::agent_avatar::AVATAR_TYPES;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::api::agents_list::AgentEntry;
use switchboard_protocol::api::password_reset::Created;
use switchboard_protocol::AgentId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::reset_link::ResetLink;
use crate::effects::{admin, password_reset, session, two_factor, Dispatcher};

/// Team member properties.
#[derive(Properties, PartialEq)]
pub struct MemberProps {
    /// The account shown.
    pub agent: AgentEntry,
    /// The signed-in agent.
    pub me: AgentId,
    /// Whether the signed-in agent is an admin.
    pub admin: bool,
    /// For reloading the team after a change.
    pub dispatch: Dispatcher,
    /// Where a change's outcome is told (a sentence, good or bad).
    pub report: Callback<Result<String, String>>,
}

/// A change a button makes.
#[derive(Clone, Copy)]
enum Change {
    RemovePhoto,
    EndSessions,
    RemoveAccount,
    ResetTwoFactor,
}

/// What an admin is asked before a change that cannot be undone from here; none: no question.
fn question(change: Change, name: &str) -> Option<String> {
    match change {
        Change::ResetTwoFactor => Some(format!(
            "Reset two-factor sign-in of {name}? They sign in with their password alone until they set it up again, and their sessions end."
        )),
        Change::RemovePhoto | Change::EndSessions | Change::RemoveAccount => None,
    }
}

/// `li.sb-team-member`.
#[function_component(Member)]
pub fn member(props: &MemberProps) -> Html {
    let agent = &props.agent;
    let may_change_photo = props.admin || agent.id == props.me;
    let run = |change: Change| {
        let (id, dispatch, report) = (agent.id.clone(), props.dispatch.clone(), props.report.clone());
        let (me, name) = (props.me.clone(), agent.name.clone());
        move |_: MouseEvent| {
            if let Some(question) = question(change, &name) {
                let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok());
                if confirmed != Some(true) {
                    return;
                }
            }
            let (id, me, dispatch, report) = (id.clone(), me.clone(), dispatch.clone(), report.clone());
            spawn_local(async move {
                report.emit(
                    match change {
                        Change::RemovePhoto => {
                            admin::remove_avatar(id, dispatch).await.map(|()| "Photo removed.")
                        }
                        Change::EndSessions => {
                            let own = id == me;
                            session::end_sessions(id, own, dispatch).await.map(|()| "Sessions ended.")
                        }
                        Change::RemoveAccount => admin::remove_agent(id, dispatch).await.map(|()| "Removed."),
                        Change::ResetTwoFactor => {
                            two_factor::reset(id, dispatch).await.map(|()| "Two-factor sign-in reset.")
                        }
                    }
                    .map(str::to_owned),
                )
            });
        }
    };
    let pick_photo = {
        let (id, dispatch, report) = (agent.id.clone(), props.dispatch.clone(), props.report.clone());
        move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let (id, dispatch, report) = (id.clone(), dispatch.clone(), report.clone());
            spawn_local(async move {
                let outcome = admin::set_avatar(id, file.clone(), dispatch).await;
                report.emit(
                    outcome.map(|()| "Photo saved.".to_owned()).map_err(|e| format!("{}: {e}", file.name())),
                );
            });
        }
    };
    let reset_link = use_state_eq(|| None::<Rc<Created>>);
    let make_reset_link = {
        let (id, name, report, reset_link) =
            (agent.id.clone(), agent.name.clone(), props.report.clone(), reset_link.clone());
        move |_: MouseEvent| {
            let (id, name, report, reset_link) =
                (id.clone(), name.clone(), report.clone(), reset_link.clone());
            spawn_local(async move {
                match password_reset::create(id).await {
                    Ok(created) => {
                        reset_link.set(Some(Rc::new(created)));
                        report
                            .emit(Ok(format!("Password reset link made for {name}; it is under their row.")));
                    }
                    Err(message) => report.emit(Err(message)),
                }
            });
        }
    };
    let class = classes!("sb-team-member", reset_link.is_some().then_some("sb-team-member--link"));
    html! {
        <li {class}>
            { photo(agent) }
            <span class="sb-team-name">{ agent.name.clone() }</span>
            <span class="sb-team-email">{ agent.email.clone() }</span>
            <span class="sb-team-role">{ if agent.role == AgentRole::Admin { "admin" } else { "agent" } }</span>
            if agent.two_factor {
                <span class="sb-badge sb-two-factor-badge" title="Signs in with two-factor sign-in">
                    <span aria-hidden="true">{ "2FA" }</span>
                    <span class="sb-visually-hidden">{ "two-factor sign-in on" }</span>
                </span>
            }
            if may_change_photo {
                <label class="sb-attach sb-photo-pick">
                    { if agent.avatar.is_some() { "Change photo" } else { "Add photo" } }
                    <input type="file" class="sb-attach-input sb-photo-input" accept={AVATAR_TYPES.join(",")}
                        aria-label={format!("Photo of {}", agent.name)} onchange={pick_photo} />
                </label>
                if agent.avatar.is_some() {
                    <button type="button" class="sb-remove-photo" onclick={run(Change::RemovePhoto)}>{ "Remove photo" }</button>
                }
            }
            if agent.id == props.me {
                <button type="button" class="sb-end-sessions" onclick={run(Change::EndSessions)}>{ "Sign out everywhere" }</button>
            } else if props.admin {
                <button type="button" class="sb-end-sessions" onclick={run(Change::EndSessions)}
                    aria-label={format!("End sessions of {}", agent.name)}>{ "End sessions" }</button>
                if agent.two_factor {
                    <button type="button" class="sb-reset-two-factor" onclick={run(Change::ResetTwoFactor)}
                        aria-label={format!("Reset two-factor sign-in of {}", agent.name)}>{ "Reset two-factor" }</button>
                }
                <button type="button" class="sb-reset-password" onclick={make_reset_link}
                    aria-label={format!("Make a password reset link for {}", agent.name)}>{ "Password reset link" }</button>
                <button type="button" class="sb-remove-agent" onclick={run(Change::RemoveAccount)}>{ "Remove" }</button>
            }
            if let Some(created) = (*reset_link).clone().filter(|_| props.admin && agent.id != props.me) {
                <ResetLink {created} name={agent.name.clone()} />
            }
        </li>
    }
}

/// `img.sb-team-avatar`, or the initials visitors see when there is no photo.
fn photo(agent: &AgentEntry) -> Html {
    match &agent.avatar {
        Some(url) => html! { <img class="sb-team-avatar" src={url.clone()} alt="" /> },
        None => {
            let colour = switchboard_core::avatar::colour(agent.id.as_str());
            let class = format!("sb-team-avatar sb-team-initials sb-avatar--{colour}");
            html! { <span {class} aria-hidden="true">{ switchboard_core::avatar::initials(&agent.name) }</span> }
        }
    }
}
