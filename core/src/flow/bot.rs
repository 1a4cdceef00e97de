//! The built-in rule bot: answers questions it has rules for, offers quick replies, collects
//! fields (name, email, order number) with validation, and hands over to a human when the
//! visitor asks, when a rule says so, or when it failed to understand too often.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use switchboard_protocol::routing::HandoverReason;
use switchboard_protocol::QueueId;

pub use crate::fields::FieldKind;

/// The bot's script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleBot {
    /// The name its messages carry.
    #[serde(default = "default_name")]
    pub name: String,
    /// Its first message, with `menu` as quick replies.
    #[serde(default = "default_greeting")]
    pub greeting: String,
    /// Quick replies offered with the greeting and when it did not understand.
    #[serde(default)]
    pub menu: Vec<String>,
    /// What it knows.
    #[serde(default)]
    pub intents: Vec<Intent>,
    /// Said when no intent matches.
    #[serde(default = "default_fallback")]
    pub fallback: String,
    /// Phrases meaning "I want a person"; they hand over at once.
    #[serde(default = "default_handover_phrases")]
    pub handover_phrases: Vec<String>,
    /// Unmatched messages in a row before it gives up and hands over (0: never).
    #[serde(default = "default_max_unmatched")]
    pub max_unmatched: u32,
    /// Said when handing over.
    #[serde(default = "default_handover_message")]
    pub handover_message: String,
    /// Asked before any handover (skipped when already known).
    #[serde(default)]
    pub collect: Vec<Field>,
}

/// One thing the bot knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    /// Its name (also matched, so a quick reply may simply be the name).
    pub name: String,
    /// Words or phrases that mean it; whole words, case and punctuation ignored.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// The answer.
    pub answer: String,
    /// Quick replies offered with the answer.
    #[serde(default)]
    pub quick_replies: Vec<String>,
    /// Cards shown under the answer (an article, a product, a form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<switchboard_protocol::Card>,
    /// Hand over after answering, to this queue (or the flow's) and optionally agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover: Option<Handover>,
}

impl Intent {
    /// The queue this intent hands over to, when it names one.
    pub fn handover_queue(&self) -> Option<&QueueId> {
        self.handover.as_ref().and_then(|h| h.queue.as_ref())
    }
}

/// Where a handover goes (the same shape an external bot answers with): a queue (the flow's
/// when absent) and optionally the one agent it is for.
pub use switchboard_protocol::api::bot_webhook::BotHandover as Handover;

/// A field the bot asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its name in the conversation's contact data (`email`, `order_number`).
    pub name: String,
    /// The question.
    pub prompt: String,
    /// What an answer must look like.
    #[serde(default)]
    pub kind: FieldKind,
    /// Whether "skip" is an answer.
    #[serde(default)]
    pub optional: bool,
}

/// What the bot remembers of one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotMemory {
    /// Messages in a row it did not understand.
    #[serde(default)]
    pub unmatched: u32,
    /// The fields it is asking for, and where the handover then goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asking: Option<Asking>,
    /// Answers so far.
    #[serde(default)]
    pub collected: BTreeMap<String, String>,
    /// Fields the visitor skipped (or could not answer): never asked again.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub skipped: BTreeSet<String>,
}

impl BotMemory {
    /// Whether `field` was answered or skipped: either way it is not asked again.
    pub fn settled(&self, field: &str) -> bool {
        self.collected.contains_key(field) || self.skipped.contains(field)
    }
}

/// Fields still to ask before a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asking {
    /// The fields left, the first being asked now.
    pub fields: Vec<Field>,
    /// The handover that follows.
    pub then: Handover,
    /// Why.
    pub reason: HandoverReason,
    /// Answers to the current field refused so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refused: u32,
}

/// Refused answers to one field after which the bot stops asking it and moves on: nobody is
/// kept from a person by a question they cannot answer.
pub const MAX_REFUSED_ANSWERS: u32 = 3;

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One message from the bot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Say {
    /// The text.
    pub text: String,
    /// Quick replies.
    pub quick_replies: Vec<String>,
    /// Cards under the text.
    pub cards: Vec<switchboard_protocol::Card>,
}

impl Say {
    /// Just `text`.
    pub fn text(text: String) -> Say {
        Say { text, ..Say::default() }
    }
}

/// What the bot does with one visitor message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Turn {
    /// Its answers, in order.
    pub say: Vec<Say>,
    /// A field answered (name, value).
    pub collected: Option<(String, String)>,
    /// Hand over to a human.
    pub handover: Option<(Handover, HandoverReason)>,
}

impl RuleBot {
    /// The opening message.
    pub fn greet(&self) -> Say {
        Say { text: self.greeting.clone(), quick_replies: self.menu.clone(), cards: Vec::new() }
    }

    /// Answers `text`, updating `memory`.
    pub fn respond(&self, memory: &mut BotMemory, text: &str) -> Turn {
        if memory.asking.is_some() {
            return self.collect(memory, text);
        }
        let words = normalise(text);
        if self.asks_for_person(&words) {
            memory.unmatched = 0;
            return self.hand_over(memory, Handover::default(), HandoverReason::VisitorAsked, Vec::new());
        }
        let best = self
            .intents
            .iter()
            .filter_map(|intent| {
                let names = std::iter::once(&intent.name).chain(&intent.phrases);
                let score = names
                    .filter(|phrase| contains_phrase(&words, phrase))
                    .map(|p| normalise(p).len())
                    .max()?;
                Some((score, intent))
            })
            // The longest matching phrase wins; among equals, the first intent.
            .fold(None::<(usize, &Intent)>, |best, (score, intent)| match best {
                Some((top, _)) if top >= score => best,
                _ => Some((score, intent)),
            });
        let Some((_, intent)) = best else {
            memory.unmatched += 1;
            if self.max_unmatched > 0 && memory.unmatched >= self.max_unmatched {
                memory.unmatched = 0;
                return self.hand_over(memory, Handover::default(), HandoverReason::BotGaveUp, Vec::new());
            }
            return Turn {
                say: vec![Say {
                    text: self.fallback.clone(),
                    quick_replies: self.menu.clone(),
                    cards: Vec::new(),
                }],
                ..Turn::default()
            };
        };
        memory.unmatched = 0;
        let answer = Say {
            text: intent.answer.clone(),
            quick_replies: intent.quick_replies.clone(),
            cards: intent.cards.clone(),
        };
        match &intent.handover {
            Some(handover) => {
                self.hand_over(memory, handover.clone(), HandoverReason::BotDecided, vec![answer])
            }
            None => Turn { say: vec![answer], ..Turn::default() },
        }
    }

    /// Hands over, first asking for the fields not yet known.
    fn hand_over(
        &self,
        memory: &mut BotMemory,
        then: Handover,
        reason: HandoverReason,
        mut say: Vec<Say>,
    ) -> Turn {
        let fields: Vec<Field> =
            self.collect.iter().filter(|field| !memory.settled(&field.name)).cloned().collect();
        if let Some(first) = fields.first() {
            say.push(ask(first));
            memory.asking = Some(Asking { fields, then, reason, refused: 0 });
            return Turn { say, ..Turn::default() };
        }
        say.push(Say::text(self.handover_message.clone()));
        Turn { say, collected: None, handover: Some((then, reason)) }
    }

    /// Takes `text` as the answer to the field being asked. The visitor always gets through:
    /// "skip" passes an optional field, asking for a person ends the questions, and a field
    /// refused [`MAX_REFUSED_ANSWERS`] times is given up; what was skipped is never asked again.
    fn collect(&self, memory: &mut BotMemory, text: &str) -> Turn {
        let Some(mut asking) = memory.asking.take() else { return Turn::default() };
        let field = asking.fields.remove(0);
        let words = normalise(text);
        let collected = match field.kind.validate(text) {
            _ if field.optional && words == ["skip"] => None,
            Ok(value) => Some((field.name.clone(), value)),
            Err(_) if self.asks_for_person(&words) => {
                // They asked for a person while being asked something: no more questions.
                memory.skipped.extend(asking.fields.drain(..).map(|f| f.name));
                None
            }
            Err(_) if asking.refused + 1 >= MAX_REFUSED_ANSWERS => None,
            Err(problem) => {
                let retry = Say {
                    text: format!("{problem} {}", field.prompt),
                    quick_replies: skip_reply(&field),
                    cards: Vec::new(),
                };
                asking.refused += 1;
                asking.fields.insert(0, field);
                memory.asking = Some(asking);
                return Turn { say: vec![retry], ..Turn::default() };
            }
        };
        asking.refused = 0;
        match &collected {
            Some((name, value)) => {
                memory.collected.insert(name.clone(), value.clone());
            }
            None => {
                memory.skipped.insert(field.name);
            }
        }
        let mut turn = match asking.fields.first() {
            Some(next) => {
                let say = vec![ask(next)];
                memory.asking = Some(asking);
                Turn { say, ..Turn::default() }
            }
            None => self.hand_over(memory, asking.then, asking.reason, Vec::new()),
        };
        turn.collected = collected;
        turn
    }

    /// Whether `words` contain one of the phrases meaning "I want a person".
    fn asks_for_person(&self, words: &[String]) -> bool {
        self.handover_phrases.iter().any(|phrase| contains_phrase(words, phrase))
    }
}

fn ask(field: &Field) -> Say {
    Say { text: field.prompt.clone(), quick_replies: skip_reply(field), cards: Vec::new() }
}

fn skip_reply(field: &Field) -> Vec<String> {
    if field.optional {
        vec!["Skip".into()]
    } else {
        Vec::new()
    }
}

/// Lowercase words, punctuation dropped (letters of every script kept).
pub(crate) fn normalise(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `phrase`'s words appear in `words`, consecutively.
fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let phrase = normalise(phrase);
    !phrase.is_empty() && words.windows(phrase.len()).any(|window| window == phrase.as_slice())
}

impl Default for RuleBot {
    fn default() -> Self {
        Self {
            name: default_name(),
            greeting: default_greeting(),
            menu: Vec::new(),
            intents: Vec::new(),
            fallback: default_fallback(),
            handover_phrases: default_handover_phrases(),
            max_unmatched: default_max_unmatched(),
            handover_message: default_handover_message(),
            collect: Vec::new(),
        }
    }
}

fn default_name() -> String {
    "Assistant".into()
}

fn default_greeting() -> String {
    "Hi! How can we help?".into()
}

fn default_fallback() -> String {
    "Sorry, I didn't get that. Could you put it another way, or pick one of these?".into()
}

fn default_handover_phrases() -> Vec<String> {
    ["human", "agent", "person", "real person", "someone", "representative", "talk to a person", "operator"]
        .map(String::from)
        .to_vec()
}

fn default_max_unmatched() -> u32 {
    2
}

fn default_handover_message() -> String {
    "Let me find someone from the team for you.".into()
}
