//! The root component: owns the state, starts the effects through the hooks in
//! [`crate::hooks`] (each lives as long as what it serves: the inbox socket as long as an
//! agent is signed in, the conversation socket as long as that conversation is open), and
//! picks the screen for the session: sign-in, invite, password reset, setting up two-factor
//! sign-in when the site requires it first, or the console.

use std::rc::Rc;

use switchboard_protocol::api::invite_accept;
use switchboard_protocol::AgentId;
use yew::prelude::*;

use super::enrol::EnrolOnly;
use super::invite::Invite;
use super::login::Login;
use super::password_reset::ResetPassword;
use super::workspace::{Links, Workspace};
use crate::effects::{now, password_reset, session};
use crate::hooks::{
    use_alerts, use_clock, use_conversation, use_inbox, use_pasted_links, use_search, use_shortcuts,
};
use crate::state::{Action, Session, State};

/// The console.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(now()));
    let dispatch = state.dispatcher();
    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| session::check(dispatch)
    });
    use_pasted_links(&dispatch);
    // No socket or team while the session can only set up two-factor sign-in.
    let agent: Option<AgentId> = state.working_agent().map(|agent| agent.id.clone());
    use_clock(&dispatch, !state.offers.is_empty());
    let inbox = use_inbox(agent.clone(), &dispatch);
    use_search(state.filter.query.clone(), &dispatch);
    let conversation = use_conversation(state.open_id().cloned(), agent.clone(), &dispatch);
    use_shortcuts(agent, &conversation, &dispatch);
    use_alerts(&state);

    match &state.session {
        Session::Checking => html! {
            <main class="sb-loading" aria-busy="true"><p>{ "Loading…" }</p></main>
        },
        Session::SignedOut { error, busy, code_step } => {
            let on_start_over = dispatch.to_callback().reform(|()| Action::SignedOut { error: None });
            let on_submit = Callback::from(move |request| session::login(request, dispatch.clone()));
            html! { <Login error={error.clone()} busy={*busy} code_step={*code_step} {on_submit} {on_start_over} /> }
        }
        Session::Invited(form) => {
            let token = form.token.clone();
            let on_accept = Callback::from(move |mut request: invite_accept::Request| {
                request.token = token.clone();
                session::accept_invite(request, dispatch.clone())
            });
            html! { <Invite form={form.clone()} {on_accept} /> }
        }
        Session::Resetting(form) => {
            let on_accept = Callback::from(move |request| password_reset::accept(request, dispatch.clone()));
            html! { <ResetPassword form={form.clone()} {on_accept} /> }
        }
        Session::SignedIn(agent) if agent.must_set_up_two_factor => {
            let on_renewed = dispatch.to_callback().reform(Action::AgentRenewed);
            let on_logout = Callback::from(move |()| session::logout(dispatch.clone()));
            html! {
                <EnrolOnly agent={Rc::clone(agent)} notice={state.notice.clone()} {on_renewed} {on_logout} />
            }
        }
        Session::SignedIn(agent) => {
            let links = Links { inbox, conversation };
            html! { <Workspace agent={Rc::clone(agent)} state={state.clone()} {links} /> }
        }
    }
}
