//! The site form's "Privacy and message filters": which of the site's interceptors
//! (`protocol::interceptors`) every message passes before it is stored — card numbers, IBANs,
//! email addresses and phone numbers redacted, words masked, spaces trimmed. A checkbox per
//! step and a word list, read on submit like the rest of the (uncontrolled) form; the list is
//! sent whole, in one fixed order, and only when the choices differ from the site's. There is
//! no reordering here: a site wanting another order sets it over the API, and saving the
//! colour leaves it as it is.

use switchboard_core::interceptors::check;
use switchboard_protocol::interceptors::Interceptor;
use switchboard_protocol::ApiError;
use web_sys::HtmlFormElement;
use yew::prelude::*;

use super::form::{field, ticked};

/// The fieldset's choices, as ticked and typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    /// Card numbers become `[card ending 4242]`.
    pub cards: bool,
    /// IBANs become `[IBAN ending 1234]`.
    pub ibans: bool,
    /// Email addresses become `[email]`.
    pub emails: bool,
    /// Phone numbers become `[phone]`.
    pub phones: bool,
    /// Words masked with asterisks, in the order typed; none: no masking step.
    pub words: Vec<String>,
    /// Spaces at either end and runs of blank lines go.
    pub trim: bool,
    /// Each message's language is detected and kept with it.
    pub detect_language: bool,
    /// The languages to tell apart (ISO 639-1); none: every one the detector knows.
    pub languages: Vec<String>,
    /// A conversation in one of `languages` needs an agent with that language as a skill.
    pub route_by_language: bool,
    /// The longest text kept, in characters; none: no limit.
    pub max_chars: Option<u32>,
    /// The channels the limit applies on, as loaded (set over the API; empty: all).
    pub limit_channels: Vec<switchboard_protocol::channels::Channel>,
}

impl Choices {
    /// What a site's steps amount to, in whatever order the site has them (several word lists
    /// make one).
    pub fn of(steps: &[Interceptor]) -> Self {
        let mut choices = Choices::default();
        for step in steps {
            match step {
                Interceptor::RedactCards => choices.cards = true,
                Interceptor::RedactIbans => choices.ibans = true,
                Interceptor::RedactEmails => choices.emails = true,
                Interceptor::RedactPhones => choices.phones = true,
                Interceptor::MaskWords { words } => {
                    words.iter().for_each(|word| add_word(&mut choices.words, word.trim()))
                }
                Interceptor::Trim => choices.trim = true,
                Interceptor::DetectLanguage { languages, route } => {
                    choices.detect_language = true;
                    choices.languages = languages.clone();
                    choices.route_by_language = *route;
                }
                Interceptor::LimitLength { max_chars, channels } => {
                    choices.max_chars = Some(*max_chars);
                    choices.limit_channels = channels.clone();
                }
            }
        }
        choices
    }

    /// What the fieldset in `form` holds (the limit's channels are not edited here: see
    /// [`to_send`], which keeps the loaded ones).
    pub fn read(form: &HtmlFormElement) -> Self {
        Choices {
            cards: ticked(form, "redact_cards"),
            ibans: ticked(form, "redact_ibans"),
            emails: ticked(form, "redact_emails"),
            phones: ticked(form, "redact_phones"),
            words: split_words(&field(form, "mask_words")),
            trim: ticked(form, "trim"),
            detect_language: ticked(form, "detect_language"),
            languages: split_languages(&field(form, "languages")),
            route_by_language: ticked(form, "route_by_language"),
            // Not a number (or empty): no limit, as before; a number out of range is core's
            // to refuse, by name.
            max_chars: field(form, "max_chars").trim().parse().ok(),
            limit_channels: Vec::new(),
        }
    }

    /// The steps, in the console's order: redactions first, the longest numbers first (so a
    /// card number is never half taken for a phone number), then the word mask, and trimming
    /// last, tidying whatever the others left; the language is told from what they left.
    pub fn steps(&self) -> Vec<Interceptor> {
        let redactions = [
            (self.cards, Interceptor::RedactCards),
            (self.ibans, Interceptor::RedactIbans),
            (self.emails, Interceptor::RedactEmails),
            (self.phones, Interceptor::RedactPhones),
        ];
        let mut steps: Vec<Interceptor> =
            redactions.into_iter().filter_map(|(on, step)| on.then_some(step)).collect();
        if !self.words.is_empty() {
            steps.push(Interceptor::MaskWords { words: self.words.clone() });
        }
        if let Some(max_chars) = self.max_chars {
            steps.push(Interceptor::LimitLength { max_chars, channels: self.limit_channels.clone() });
        }
        if self.trim {
            steps.push(Interceptor::Trim);
        }
        if self.detect_language {
            let (languages, route) = (self.languages.clone(), self.route_by_language);
            steps.push(Interceptor::DetectLanguage { languages, route });
        }
        steps
    }
}

/// The words of a "Mask these words" text: one per line or comma-separated, trimmed, blanks
/// and repeats (in any case: masking ignores case) dropped, in the order typed. Spaces do not
/// separate: "two words" stays one entry, refused by name, rather than masking "two" and
/// "words" everywhere.
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    text.split([',', '\n']).map(str::trim).for_each(|word| add_word(&mut words, word));
    words
}

/// The language codes of a "Languages" text: separated by commas, spaces or lines,
/// lowercased, repeats dropped, in the order typed.
pub fn split_languages(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for code in text.split([',', '\n', ' ']).map(|code| code.trim().to_lowercase()) {
        if !code.is_empty() && !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn add_word(words: &mut Vec<String>, word: &str) {
    let lower = word.to_lowercase();
    if !word.is_empty() && !words.iter().any(|known| known.to_lowercase() == lower) {
        words.push(word.to_owned());
    }
}

/// The steps to send for what the fieldset in `form` holds: none when it still says what
/// `loaded` does, or a sentence for the admin when the site could not keep them.
pub fn changed(form: &HtmlFormElement, loaded: &[Interceptor]) -> Result<Option<Vec<Interceptor>>, String> {
    to_send(&Choices::read(form), loaded)
}

/// [`changed`] for given choices. Compared as choices, not as lists: a list set over the API
/// in another order is left alone until the admin changes a choice.
pub fn to_send(choices: &Choices, loaded: &[Interceptor]) -> Result<Option<Vec<Interceptor>>, String> {
    // The limit's channels are set over the API: the form keeps them as loaded.
    let choices = &Choices { limit_channels: Choices::of(loaded).limit_channels, ..choices.clone() };
    if *choices == Choices::of(loaded) {
        return Ok(None);
    }
    let steps = choices.steps();
    // The edge's own rules, checked here too so the admin learns which word at once.
    check(&steps).map_err(|error| refusal(&error, &steps))?;
    Ok(Some(steps))
}

/// A refusal of `steps` in words, naming the masked word at fault when it is one (the
/// edge's message is `a word is 1 to 40 letters or digits`, its field
/// `interceptors[4].words[0]`).
fn refusal(error: &ApiError, steps: &[Interceptor]) -> String {
    match error.field.as_deref().and_then(|field| word_at(field, steps)) {
        Some(word) => format!("“{word}” cannot be masked: {}.", error.message),
        None => format!("Privacy and message filters: {}.", error.message),
    }
}

/// The masked word an error's field (`interceptors[n].words[w]`) points at.
fn word_at(field: &str, steps: &[Interceptor]) -> Option<String> {
    let (step, word) = field.strip_prefix("interceptors[")?.strip_suffix(']')?.split_once("].words[")?;
    let Interceptor::MaskWords { words } = steps.get(step.parse::<usize>().ok()?)? else { return None };
    words.get(word.parse::<usize>().ok()?).cloned()
}

/// Fieldset properties.
#[derive(Properties, PartialEq)]
pub struct InterceptorsProps {
    /// The site's steps, as loaded.
    pub steps: Vec<Interceptor>,
    /// Shown but not editable (agents).
    pub disabled: bool,
}

/// The "Privacy and message filters" fieldset, inside the site form.
#[function_component(InterceptorsFieldset)]
pub fn interceptors_fieldset(props: &InterceptorsProps) -> Html {
    let choices = Choices::of(&props.steps);
    html! {
        <fieldset class="sb-interceptors" disabled={props.disabled} aria-describedby="sb-interceptors-hint">
            <legend>{ "Privacy and message filters" }</legend>
            <p id="sb-interceptors-hint" class="sb-hint sb-field-hint">
                { "Every message — the visitor's, the team's, the bot's — passes these before it is stored. \
                   What they remove is never stored: nobody sees it afterwards, not the visitor, the team, \
                   the API or webhooks. Only new messages pass them." }
            </p>
            { checkbox("redact_cards", "Hide card numbers", choices.cards,
                "Card numbers become [card ending 4242]; the original is never stored.") }
            { checkbox("redact_ibans", "Hide IBANs (bank account numbers)", choices.ibans,
                "IBANs become [IBAN ending 1234].") }
            { checkbox("redact_emails", "Hide email addresses", choices.emails,
                "Email addresses become [email].") }
            { checkbox("redact_phones", "Hide phone numbers", choices.phones,
                "Phone numbers (7 to 15 digits) become [phone].") }
            <div class="sb-field">
                <label class="sb-field-label" for="sb-interceptors-words">{ "Mask these words" }</label>
                <textarea id="sb-interceptors-words" name="mask_words" class="sb-interceptors-words" rows="3"
                    spellcheck="false" aria-describedby="sb-interceptors-words-hint"
                    value={choices.words.join("\n")} />
                <p id="sb-interceptors-words-hint" class="sb-hint sb-field-hint">
                    { "One per line or separated by commas, letters and digits only. Each becomes \
                       asterisks wherever it is a whole word, in any case (darn → ****). Empty: none." }
                </p>
            </div>
            <div class="sb-field">
                <label class="sb-field-label" for="sb-interceptors-max-chars">{ "Longest message, in characters" }</label>
                <input id="sb-interceptors-max-chars" type="number" name="max_chars" class="sb-interceptors-max-chars"
                    min="20" max="4000" aria-describedby="sb-interceptors-max-chars-hint"
                    value={choices.max_chars.map(|n| n.to_string()).unwrap_or_default()} />
                <p id="sb-interceptors-max-chars-hint" class="sb-hint sb-field-hint">
                    { match choices.limit_channels.as_slice() {
                        [] => "Longer messages are cut at a word and end in …. Empty: no limit.".to_owned(),
                        only => format!("Longer messages on {} are cut at a word and end in …. Empty: no limit.",
                            only.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")),
                    } }
                </p>
            </div>
            { checkbox("trim", "Trim spaces and blank lines", choices.trim,
                "Spaces at the start and end go, and several blank lines in a row become one.") }
            { checkbox("detect_language", "Detect each message's language", choices.detect_language,
                "Messages long enough to tell are tagged with their language (de, fr…); the conversation \
                 takes its customer's first.") }
            <div class="sb-field">
                <label class="sb-field-label" for="sb-interceptors-languages">{ "Languages" }</label>
                <input id="sb-interceptors-languages" name="languages" class="sb-interceptors-languages"
                    spellcheck="false" aria-describedby="sb-interceptors-languages-hint"
                    value={choices.languages.join(", ")} />
                <p id="sb-interceptors-languages-hint" class="sb-hint sb-field-hint">
                    { "ISO codes, such as en, de, fr. Empty: any of the 16 the detector knows (ar, de, en, es, \
                       fr, hi, it, ja, ko, nl, pt, ru, sv, tr, vi, zh)." }
                </p>
            </div>
            { checkbox("route_by_language", "Route by language", choices.route_by_language,
                "A conversation in one of the languages above waits for an agent with that language's code \
                 among their skills.") }
        </fieldset>
    }
}

/// One step's checkbox, its label and what it does.
fn checkbox(name: &'static str, label: &'static str, checked: bool, help: &'static str) -> Html {
    let hint = format!("sb-interceptors-{name}-hint");
    html! {
        <div class="sb-interceptor">
            <label class="sb-field sb-field--inline">
                <input type="checkbox" {name} class={format!("sb-interceptors-{name}")} {checked}
                    aria-describedby={hint.clone()} />
                <span class="sb-field-label">{ label }</span>
            </label>
            <p id={hint} class="sb-hint sb-field-hint">{ help }</p>
        </div>
    }
}

#[cfg(test)]
mod tests;
