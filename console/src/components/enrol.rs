//! The whole screen of a session that can only set up two-factor sign-in: the site requires
//! it of this account and it is not set up yet (`must_set_up_two_factor`). The agent sets it
//! up here, or signs out; once they have seen their recovery codes ("Done") the console goes
//! on with the account as the edge signed it in afresh.

use std::rc::Rc;

use yew::prelude::*;

use super::two_factor_setup::TwoFactorSetup;
use crate::state::Agent;

/// Enrol-only page properties.
#[derive(Properties, PartialEq)]
pub struct EnrolOnlyProps {
    /// The account that must set it up.
    pub agent: Rc<Agent>,
    /// A problem to show (a failed sign-out).
    pub notice: Option<String>,
    /// Set up and seen through: the account signed in afresh.
    pub on_renewed: Callback<Agent>,
    /// "Sign out" was pressed.
    pub on_logout: Callback<()>,
}

/// `main.sb-enrol-page`.
#[function_component(EnrolOnly)]
pub fn enrol_only(props: &EnrolOnlyProps) -> Html {
    // Kept until "Done": taking it up at once would leave this page (and the recovery codes).
    let renewed = use_mut_ref(|| None::<Agent>);
    let on_confirmed = {
        let renewed = renewed.clone();
        Callback::from(move |agent| *renewed.borrow_mut() = Some(agent))
    };
    let on_done = {
        let on_renewed = props.on_renewed.clone();
        Callback::from(move |()| {
            if let Some(agent) = renewed.borrow_mut().take() {
                on_renewed.emit(agent);
            }
        })
    };
    let onclick = props.on_logout.reform(|_: MouseEvent| ());
    html! {
        <main class="sb-login-page sb-enrol-page">
            <section class="sb-login sb-enrol" aria-labelledby="sb-enrol-title">
                <h1 id="sb-enrol-title" class="sb-login-title">{ "Set up two-factor sign-in" }</h1>
                <p class="sb-login-lead">{ "Your team requires two-factor sign-in. Set it up to continue." }</p>
                <p class="sb-hint">{ format!("Signed in as {}.", props.agent.email) }</p>
                <TwoFactorSetup {on_confirmed} {on_done} />
                if let Some(notice) = &props.notice {
                    <p class="sb-error" role="alert">{ notice.clone() }</p>
                }
                <button type="button" class="sb-secondary sb-enrol-sign-out" {onclick}>{ "Sign out" }</button>
            </section>
        </main>
    }
}
