//! The settings screen's "Site and widget" section: the widget's look (colour, launcher
//! corner, icon and words, sound, hidden while away, the site's own texts) and greeting, the
//! site's allowed origins, flow, pre-chat form and identity secret, the privacy and message filters every
//! message passes (`interceptors`), and whom two-factor sign-in is required of. Admins edit
//! them; agents see them.

use std::rc::Rc;

use switchboard_protocol::api::site_settings::{self, Appearance, LauncherIcon, Patch, Position};
use switchboard_protocol::api::two_factor::TwoFactorPolicy;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::{field, ticked};
use super::interceptors::{self, InterceptorsFieldset};

use crate::effects::{admin, Dispatcher};

/// Site form properties.
#[derive(Properties, PartialEq)]
pub struct SiteFormProps {
    /// The site, once loaded.
    pub site: Option<Rc<site_settings::Response>>,
    /// Whether the agent may change it.
    pub admin: bool,
    /// For storing the answer.
    pub dispatch: Dispatcher,
}

/// The "Site and widget" section.
#[function_component(SiteForm)]
pub fn site_form(props: &SiteFormProps) -> Html {
    let outcome = use_state_eq(|| None::<Result<(), String>>);
    let Some(site) = props.site.clone() else {
        return html! { <p class="sb-hint">{ "Loading the site…" }</p> };
    };
    let pretty_flow = serde_json::to_string_pretty(&site.flow).unwrap_or_default();
    let pretty_prechat = serde_json::to_string_pretty(&site.prechat).unwrap_or_default();
    let appearance = &site.appearance;
    let pretty_texts = if appearance.texts.is_empty() {
        String::new()
    } else {
        serde_json::to_string_pretty(&appearance.texts).unwrap_or_default()
    };
    let onsubmit = {
        let (dispatch, outcome, loaded_flow) = (props.dispatch.clone(), outcome.clone(), pretty_flow.clone());
        let loaded_secret = site.identity_secret.clone().unwrap_or_default();
        let loaded_prechat = pretty_prechat.clone();
        let loaded_policy = site.two_factor_policy;
        let loaded_retention = site.retention_days.unwrap_or(0);
        let loaded_interceptors = site.interceptors.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let value = |name: &str| field(&form, name);
            let greeting = value("greeting");
            // The flow is sent only when edited: saving the colour must not pin the flow.
            let flow_text = value("flow");
            let flow = if flow_text.trim() == loaded_flow.trim() {
                None
            } else {
                match serde_json::from_str(&flow_text) {
                    Ok(flow) => Some(flow),
                    Err(error) => {
                        return outcome.set(Some(Err(format!("The flow is not valid JSON: {error}"))))
                    }
                }
            };
            let prechat_text = value("prechat");
            let prechat = if prechat_text.trim() == loaded_prechat.trim() {
                None
            } else {
                match serde_json::from_str(if prechat_text.trim().is_empty() { "[]" } else { &prechat_text })
                {
                    Ok(prechat) => Some(prechat),
                    Err(error) => {
                        return outcome
                            .set(Some(Err(format!("The pre-chat form is not valid JSON: {error}"))))
                    }
                }
            };
            let texts_text = value("texts");
            let texts =
                match serde_json::from_str(if texts_text.trim().is_empty() { "{}" } else { &texts_text }) {
                    Ok(texts) => texts,
                    Err(error) => {
                        return outcome
                            .set(Some(Err(format!("The widget's texts are not valid JSON: {error}"))))
                    }
                };
            // Sent only when changed, like the policy: saving the colour must not reorder a
            // list a script set.
            let interceptors = match interceptors::changed(&form, &loaded_interceptors) {
                Ok(steps) => steps,
                Err(error) => return outcome.set(Some(Err(error))),
            };
            let launcher_text = value("launcher_text");
            // Like the flow, the secret is sent only when changed.
            let secret = value("identity_secret");
            let identity_secret = (secret.trim() != loaded_secret.trim()).then_some(secret);
            let patch = Patch {
                identity_secret,
                prechat,
                name: None,
                // Set over the API only (`docs/protocol.md`); left as they are.
                session_limits: None,
                // The Channels section (`super::channels`) sends them, with its own "Save".
                channels: None,
                // The Macros section (`super::macro_settings`) sends them.
                macros: None,
                // The Automation rules section (`super::automation_rules`) sends them.
                automation_rules: None,
                // The Labels section (`super::label_settings`) sends them.
                labels: None,
                // The Proactive messages section (`super::proactive_settings`) sends them.
                proactive_messages: None,
                interceptors,
                // Sent only when changed: saving the colour must not re-decide who needs it.
                two_factor_policy: serde_json::from_value::<TwoFactorPolicy>(
                    value("two_factor_policy").into(),
                )
                .ok()
                .filter(|&policy| policy != loaded_policy),
                // Sent only when changed, like the policy; the edge checks the range.
                retention_days: value("retention_days")
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|&days| days != loaded_retention),
                flow,
                allowed_origins: Some(value("origins").split_whitespace().map(str::to_owned).collect()),
                appearance: Some(Appearance {
                    color: value("color"),
                    greeting: (!greeting.trim().is_empty()).then_some(greeting),
                    // The options' values are the protocol's own names: read through serde.
                    position: serde_json::from_value(value("position").into()).unwrap_or_default(),
                    launcher_icon: serde_json::from_value(value("launcher_icon").into()).unwrap_or_default(),
                    launcher_text: (!launcher_text.trim().is_empty()).then_some(launcher_text),
                    sound: ticked(&form, "sound"),
                    hide_when_offline: ticked(&form, "hide_when_offline"),
                    texts,
                }),
            };
            let (dispatch, outcome) = (dispatch.clone(), outcome.clone());
            spawn_local(async move { outcome.set(Some(admin::update_site(patch, dispatch).await)) });
        }
    };
    let disabled = !props.admin;
    html! {
        <form class="sb-site-form" {onsubmit} aria-label="Site and widget">
            <p class="sb-hint">
                { format!("Site id {} — embed with ", site.id) }
                <code>{ format!("<script src=\"…/widget.js\" data-site=\"{}\" async></script>", site.id) }</code>
            </p>
            <label class="sb-field">
                <span class="sb-field-label">{ "Theme colour" }</span>
                <input type="color" name="color" class="sb-site-color" value={site.appearance.color.clone()} {disabled} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Launcher corner" }</span>
                <select name="position" class="sb-site-position" {disabled}>
                    { option("right", "Bottom right", appearance.position == Position::Right) }
                    { option("left", "Bottom left", appearance.position == Position::Left) }
                </select>
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Launcher icon" }</span>
                <select name="launcher_icon" class="sb-site-icon" {disabled}>
                    { option("chat", "Speech bubble", appearance.launcher_icon == LauncherIcon::Chat) }
                    { option("help", "Question mark", appearance.launcher_icon == LauncherIcon::Help) }
                    { option("mail", "Envelope", appearance.launcher_icon == LauncherIcon::Mail) }
                    { option("headset", "Headset", appearance.launcher_icon == LauncherIcon::Headset) }
                </select>
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Launcher words beside the icon (empty: a round button)" }</span>
                <input type="text" name="launcher_text" class="sb-site-launcher-text" maxlength="24" {disabled}
                    value={appearance.launcher_text.clone().unwrap_or_default()} />
            </label>
            <label class="sb-field sb-field--inline">
                <input type="checkbox" name="sound" class="sb-site-sound" checked={appearance.sound} {disabled} />
                <span class="sb-field-label">{ "Play a short tone for visitors when a reply arrives" }</span>
            </label>
            <label class="sb-field sb-field--inline">
                <input type="checkbox" name="hide_when_offline" class="sb-site-hide-offline"
                    checked={appearance.hide_when_offline} {disabled} />
                <span class="sb-field-label">{ "Hide the launcher while the team is away (visitors with a conversation keep it)" }</span>
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Greeting (the first message visitors see; empty: the flow's)" }</span>
                <textarea name="greeting" class="sb-site-greeting" rows="2" maxlength="500" {disabled}
                    value={site.appearance.greeting.clone().unwrap_or_default()} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Allowed origins (one per line; https://*.example.com for subdomains)" }</span>
                <textarea name="origins" class="sb-site-origins" rows="3" {disabled}
                    value={site.allowed_origins.join("\n")} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Flow: bot, business hours, queues, agents' skills and capacity (JSON, see docs/routing.md)" }</span>
                <textarea name="flow" class="sb-site-flow" rows="12" spellcheck="false" {disabled} value={pretty_flow} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "Pre-chat form: fields visitors fill in before their first message (JSON, e.g. [{\"name\": \"email\", \"label\": \"Your email\", \"kind\": {\"type\": \"email\"}, \"required\": true}])" }</span>
                <textarea name="prechat" class="sb-site-prechat" rows="4" spellcheck="false" {disabled} value={pretty_prechat} />
            </label>
            <label class="sb-field">
                <span class="sb-field-label">{ "The widget's texts in your words, per language (JSON, e.g. {\"en\": {\"chat_title\": \"Ask Ada\"}}; names in docs/embed.md)" }</span>
                <textarea name="texts" class="sb-site-texts" rows="4" spellcheck="false" {disabled} value={pretty_texts} />
            </label>
            <InterceptorsFieldset steps={site.interceptors.clone()} {disabled} />
            if props.admin {
                <label class="sb-field">
                    <span class="sb-field-label">{ "Identity verification secret (your backend signs user ids with it for identify; empty: off; see docs/embed.md)" }</span>
                    <input type="text" name="identity_secret" class="sb-site-identity" spellcheck="false" autocomplete="off"
                        minlength="32" maxlength="200" value={site.identity_secret.clone().unwrap_or_default()} />
                </label>
                <div class="sb-field">
                    <label class="sb-field-label" for="sb-site-two-factor">{ "Two-factor sign-in required for" }</label>
                    <select id="sb-site-two-factor" name="two_factor_policy" class="sb-site-two-factor"
                        aria-describedby="sb-site-two-factor-hint">
                        { option("off", "Nobody", site.two_factor_policy == TwoFactorPolicy::Off) }
                        { option("admins", "Admins", site.two_factor_policy == TwoFactorPolicy::Admins) }
                        { option("everyone", "Everyone", site.two_factor_policy == TwoFactorPolicy::Everyone) }
                    </select>
                    <span id="sb-site-two-factor-hint" class="sb-hint">
                        { "Whoever it covers sets it up at their next sign-in. To require it of admins, set up your own first (below)." }
                    </span>
                </div>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Delete resolved conversations and their files after this many days (0: keep them)" }</span>
                    <input type="number" name="retention_days" class="sb-site-retention" min="0" max="3650"
                        value={site.retention_days.unwrap_or(0).to_string()} />
                </label>
                <button type="submit" class="sb-primary sb-site-submit">{ "Save" }</button>
            }
            { match &*outcome {
                Some(Ok(())) => html! { <p class="sb-settings-done" role="status">{ "Saved. New page loads show it." }</p> },
                Some(Err(error)) => html! { <p class="sb-error" role="alert">{ error.clone() }</p> },
                None => Html::default(),
            } }
        </form>
    }
}

fn option(value: &'static str, label: &'static str, selected: bool) -> Html {
    html! { <option {value} {selected}>{ label }</option> }
}
