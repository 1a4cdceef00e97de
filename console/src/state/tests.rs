//! The console's reducer, action by action, as an agent would notice it: what the inbox
//! lists and in which order, which offers stand, what counts as unread, where the cursor is,
//! which labels a conversation shows; in [`channels`], what a conversation on SMS, WhatsApp
//! or Messenger adds (its channel, language, templates and provider delivery statuses).

use std::rc::Rc;

use switchboard_core::inbox_view::View;
use switchboard_protocol::api::agent_me::AgentRole;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{AgentId, ConversationId, Seq, SiteId, VisitorId};
use yew::Reducible;

use super::{Action, Agent, Screen, Session, State};

mod channels;

fn agent() -> Agent {
    Agent {
        id: AgentId::from_random([1; 16]),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        site_id: SiteId::parse("demo").unwrap(),
        role: AgentRole::Agent,
        owner: false,
        csrf_token: "csrf".into(),
        two_factor: false,
        must_set_up_two_factor: false,
    }
}

fn id(n: u8) -> ConversationId {
    ConversationId::from_random([n; 16])
}

fn summary(n: u8, updated_at: i64, state: ConversationState) -> ConversationSummary {
    ConversationSummary {
        visitor_name: Some(format!("Visitor {n}")),
        last_seq: Seq(u64::from(n)),
        created_at: 0,
        state,
        ..ConversationSummary::empty(id(n), VisitorId::from_random([n; 16]), updated_at)
    }
}

fn run(state: Rc<State>, actions: impl IntoIterator<Item = Action>) -> Rc<State> {
    actions.into_iter().fold(state, Reducible::reduce)
}

fn signed_in() -> Rc<State> {
    run(Rc::new(State::new(0)), [Action::SignedIn(agent())])
}

fn inbox(frame: InboxFrame) -> Action {
    Action::Inbox(Box::new(frame))
}

fn listed(state: &State) -> Vec<ConversationId> {
    state.conversations.iter().map(|c| c.id.clone()).collect()
}

#[test]
fn the_inbox_lists_newest_activity_first_as_updates_come() {
    let queued = ConversationState::Queued;
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot {
                conversations: vec![summary(1, 10, queued), summary(2, 30, queued)],
            }),
            inbox(InboxFrame::Updated { conversation: summary(3, 20, queued) }),
        ],
    );
    assert!(state.inbox_loaded);
    assert_eq!(listed(&state), [id(2), id(3), id(1)]);
    // An update moves a conversation up, never duplicates it.
    let state = run(state, [inbox(InboxFrame::Updated { conversation: summary(1, 40, queued) })]);
    assert_eq!(listed(&state), [id(1), id(2), id(3)]);
}

#[test]
fn a_batch_of_updates_is_taken_as_each_would_be() {
    let queued = ConversationState::Queued;
    let offered = InboxFrame::Offer { conversation: summary(2, 30, queued), expires_at: 100 };
    let state = run(
        signed_in(),
        [inbox(InboxFrame::Snapshot { conversations: vec![summary(1, 10, queued)] }), inbox(offered)],
    );
    let batch = InboxFrame::UpdatedMany {
        conversations: vec![
            summary(3, 50, queued),
            summary(2, 40, ConversationState::Assigned),
            summary(1, 20, queued),
        ],
    };
    let state = run(state, [inbox(batch)]);
    assert_eq!(listed(&state), [id(3), id(2), id(1)], "every change listed once, newest activity first");
    assert!(state.offers.is_empty(), "the conversation taken in the batch is no longer offered");
}

#[test]
fn an_offer_stands_until_answered_taken_withdrawn_or_lapsed() {
    let offer = |n, expires_at| {
        inbox(InboxFrame::Offer { conversation: summary(n, 0, ConversationState::Queued), expires_at })
    };
    let state = run(signed_in(), [offer(1, 100), offer(2, 100), offer(3, 50), offer(4, 100)]);
    assert_eq!(state.offers.len(), 4);
    let state = run(
        state,
        [
            Action::OfferAnswered(id(1)),
            inbox(InboxFrame::Updated { conversation: summary(2, 5, ConversationState::Assigned) }),
            Action::Tick(60),
        ],
    );
    let left: Vec<ConversationId> = state.offers.iter().map(|o| o.conversation.id.clone()).collect();
    assert_eq!(left, [id(4)], "answered, taken by someone, and lapsed offers are gone");
    let withdrawn = InboxFrame::OfferWithdrawn {
        conversation_id: id(4),
        reason: switchboard_protocol::routing::Release::OfferExpired,
    };
    assert!(run(state, [inbox(withdrawn)]).offers.is_empty());
}

#[test]
fn opening_a_conversation_marks_it_read_and_late_logs_of_others_are_dropped() {
    let state = run(
        signed_in(),
        [inbox(InboxFrame::Snapshot { conversations: vec![summary(7, 10, ConversationState::Queued)] })],
    );
    assert!(state.is_unread(&state.conversations[0]));
    let state = run(state, [Action::Open(id(7))]);
    assert!(!state.is_unread(&state.conversations[0]));
    let before = state.open.clone();
    let late = Action::Log { id: id(8), log: Rc::default(), now: 99 };
    let state = run(state, [late]);
    assert_eq!((state.open.clone(), state.now), (before, 0), "a closed link's frame changes nothing");
}

#[test]
fn search_answers_for_an_older_query_are_dropped() {
    let found = vec![summary(5, 10, ConversationState::Resolved)];
    let state = run(
        signed_in(),
        [
            Action::Search("refund".into()),
            Action::Search("refund policy".into()),
            Action::SearchHits { query: "refund".into(), found: found.clone() },
        ],
    );
    assert!(state.filter.hits.is_empty() && state.conversations.is_empty());
    let state = run(state, [Action::SearchHits { query: "refund policy".into(), found }]);
    assert_eq!((state.filter.hits.len(), listed(&state)), (1, vec![id(5)]), "hits join the list");
}

#[test]
fn the_keyboard_cursor_stays_on_the_list_and_enter_opens_its_row() {
    let conversations =
        vec![summary(1, 30, ConversationState::Queued), summary(2, 20, ConversationState::Queued)];
    let state = run(
        signed_in(),
        [inbox(InboxFrame::Snapshot { conversations }), Action::SetView(View::All), Action::MoveCursor(1)],
    );
    assert_eq!(state.cursor, Some(id(1)), "the first step lands on the first row");
    let state = run(state, [Action::MoveCursor(5), Action::OpenCursor]);
    assert_eq!((state.cursor.clone(), state.open_id().cloned()), (Some(id(2)), Some(id(2))));
    let state = run(state, [Action::MoveCursor(-9)]);
    assert_eq!(state.cursor, Some(id(1)));
}

#[test]
fn signing_out_forgets_the_previous_agents_data() {
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot { conversations: vec![summary(1, 1, ConversationState::Queued)] }),
            Action::Open(id(1)),
            Action::SignedOut { error: Some("Your session ended.".into()) },
        ],
    );
    assert!(state.conversations.is_empty() && state.open.is_none() && state.offers.is_empty());
    assert_eq!(
        state.session,
        Session::SignedOut { error: Some("Your session ended.".into()), busy: false, code_step: false }
    );
}

#[test]
fn a_contact_shown_from_the_panel_opens_the_contacts_screen_on_it() {
    let state = run(signed_in(), [Action::ShowContact("ctc_1".into())]);
    assert_eq!((state.screen, state.contact.as_deref()), (Screen::Contacts, Some("ctc_1")));
    // Back and forth between screens keeps the contact chosen; signing out forgets it.
    let state = run(state, [Action::Show(Screen::Inbox), Action::Show(Screen::Contacts)]);
    assert_eq!(state.contact.as_deref(), Some("ctc_1"));
    let state = run(state, [Action::SignedOut { error: None }]);
    assert_eq!((state.screen, state.contact.clone()), (Screen::Inbox, None));
}

#[test]
fn a_wrong_code_keeps_the_code_step_and_signing_out_leaves_it() {
    let state = run(Rc::new(State::new(0)), [Action::SignedOut { error: None }, Action::LoginStarted]);
    let state = run(state, [Action::CodeRequired]);
    assert_eq!(state.session, Session::SignedOut { error: None, busy: false, code_step: true });
    let state = run(state, [Action::LoginStarted, Action::LoginFailed("Wrong code.".into())]);
    assert_eq!(
        state.session,
        Session::SignedOut { error: Some("Wrong code.".into()), busy: false, code_step: true },
        "a wrong code asks for the code again, not the password"
    );
    let state = run(state, [Action::SignedOut { error: None }]);
    assert_eq!(state.session, Session::SignedOut { error: None, busy: false, code_step: false });
}

#[test]
fn an_enrol_only_session_works_only_once_renewed_and_keeps_the_screen() {
    let must = Agent { must_set_up_two_factor: true, ..agent() };
    let state = run(Rc::new(State::new(0)), [Action::SignedIn(must)]);
    assert!(state.agent().is_some() && state.working_agent().is_none());
    let fresh = Agent { two_factor: true, csrf_token: "fresh".into(), ..agent() };
    let state = run(state, [Action::AgentRenewed(fresh.clone())]);
    assert_eq!(state.working_agent().map(|a| a.csrf_token.as_str()), Some("fresh"));

    // Turning it on from the settings keeps what the screen shows.
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot { conversations: vec![summary(1, 1, ConversationState::Queued)] }),
            Action::Open(id(1)),
            Action::AgentRenewed(fresh),
        ],
    );
    assert!(state.agent().is_some_and(|a| a.two_factor));
    assert_eq!((state.conversations.len(), state.open_id()), (1, Some(&id(1))));
}

#[test]
fn a_reset_link_is_looked_up_asks_for_a_code_when_needed_and_signs_in() {
    use switchboard_protocol::api::password_reset::Shown;
    let form = |state: &State| match &state.session {
        Session::Resetting(form) => form.clone(),
        other => panic!("not the reset page: {other:?}"),
    };
    // Opened in a console signed in as someone else: nothing of that session stays.
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot { conversations: vec![summary(1, 1, ConversationState::Queued)] }),
            Action::ResetOpened("t1".into()),
        ],
    );
    assert!(state.agent().is_none() && state.conversations.is_empty());
    assert_eq!((form(&state).info, form(&state).busy), (None, false));

    // An answer about another link is dropped; the one shown is taken.
    let shown = Shown { email: "bo@example.com".into(), name: "Bo".into(), two_factor: false };
    let state = run(state, [Action::ResetLoaded { token: "t0".into(), result: Err("gone".into()) }]);
    assert_eq!(form(&state).error, None);
    let state = run(state, [Action::ResetLoaded { token: "t1".into(), result: Ok(shown.clone()) }]);
    assert_eq!(form(&state).info, Some(shown));

    // The account has two-factor sign-in after all: the form asks for the code from now on.
    let state = run(state, [Action::ResetStarted]);
    assert!(form(&state).busy);
    let state = run(state, [Action::ResetFailed { message: "Enter the code.".into(), needs_code: true }]);
    let asked = form(&state);
    assert_eq!((asked.busy, asked.error.as_deref()), (false, Some("Enter the code.")));
    assert!(asked.info.is_some_and(|info| info.two_factor));
    let state = run(state, [Action::ResetStarted]);
    assert_eq!(form(&state).error, None, "a new try clears the last failure");

    let state = run(state, [Action::SignedIn(agent())]);
    assert!(state.working_agent().is_some());
}

fn labelled(n: u8, last_seq: u64, labels: &[&str]) -> ConversationSummary {
    let labels = labels.iter().map(|l| l.to_string()).collect();
    ConversationSummary { last_seq: Seq(last_seq), labels, ..summary(n, 10, ConversationState::Assigned) }
}

fn updated(summary: ConversationSummary) -> Action {
    inbox(InboxFrame::Updated { conversation: summary })
}

#[test]
fn labels_show_on_rows_and_the_open_conversation_and_a_scripts_change_arrives_live() {
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot {
                conversations: vec![labelled(1, 1, &["vip"]), labelled(2, 1, &[])],
            }),
            Action::Open(id(1)),
        ],
    );
    let rows = state.inbox_rows();
    let row = |n| rows.iter().find(|r| r.id == id(n)).map(|r| r.labels.clone());
    assert_eq!((row(1), row(2)), (Some(vec!["vip".to_owned()]), Some(vec![])));
    assert_eq!(state.open_labels(), Some(vec!["vip".to_owned()]));
    // A script sets them over REST: the edge pushes the summary to every inbox.
    let state = run(state, [updated(labelled(1, 1, &["vip", "refund"]))]);
    assert_eq!(state.open_labels(), Some(vec!["vip".to_owned(), "refund".to_owned()]));
    // Nothing is shown for a conversation the inbox does not list.
    assert_eq!(run(state, [Action::Open(id(9))]).open_labels(), None);
}

#[test]
fn a_priority_shows_filters_the_inbox_and_survives_a_new_messages_summary() {
    use switchboard_protocol::inbox::Priority;
    let urgent = ConversationSummary { priority: Some(Priority::Urgent), ..labelled(1, 4, &[]) };
    let state = run(
        signed_in(),
        [
            inbox(InboxFrame::Snapshot { conversations: vec![urgent.clone(), labelled(2, 1, &[])] }),
            Action::Open(id(1)),
        ],
    );
    assert_eq!(state.open_priority(), Some(Some(Priority::Urgent)));
    let rows = state.inbox_rows();
    assert_eq!(rows.iter().find(|r| r.id == id(1)).and_then(|r| r.priority), Some(Priority::Urgent));
    let filtered = run(state.clone(), [Action::SetPriorityFilter(Some(Priority::Urgent))]);
    assert_eq!(filtered.inbox_rows().iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![id(1)]);
    // A new message's summary (from the conversation, which does not hold the priority) keeps it.
    let state = run(state, [updated(labelled(1, 5, &[]))]);
    assert_eq!(state.open_priority(), Some(Some(Priority::Urgent)));
    // The edge's answer to a change is taken.
    let low = ConversationSummary { priority: Some(Priority::Low), ..labelled(1, 5, &[]) };
    let state = run(state, [Action::PrioritySaved(Box::new(low))]);
    assert_eq!(state.open_priority(), Some(Some(Priority::Low)));
}

#[test]
fn a_new_messages_summary_keeps_the_labels_but_clearing_them_is_taken() {
    let state =
        run(signed_in(), [inbox(InboxFrame::Snapshot { conversations: vec![labelled(1, 4, &["vip"])] })]);
    // The conversation's own summary (a new message) carries no labels.
    let state = run(state, [updated(labelled(1, 5, &[]))]);
    assert_eq!(state.conversations[0].last_seq, Seq(5));
    assert_eq!(state.conversations[0].labels, ["vip"], "kept through a new message");
    // Clearing them does not move last_seq: taken.
    let state = run(state, [updated(labelled(1, 5, &[]))]);
    assert!(state.conversations[0].labels.is_empty());
}

#[test]
fn an_answer_to_a_labels_change_is_taken_unless_a_newer_change_was_pushed_first() {
    let snapshot = inbox(InboxFrame::Snapshot { conversations: vec![labelled(1, 1, &[])] });
    let saved =
        |labels: &[&str]| Action::LabelsSaved { before: Vec::new(), saved: Box::new(labelled(1, 1, labels)) };
    // The answer before the push: shown at once.
    let state = run(signed_in(), [snapshot.clone(), saved(&["vip"])]);
    assert_eq!(state.conversations[0].labels, ["vip"]);
    // The push of this change and then a script's came first: the script's stays.
    let state = run(
        signed_in(),
        [
            snapshot,
            updated(labelled(1, 1, &["vip"])),
            updated(labelled(1, 1, &["vip", "refund"])),
            saved(&["vip"]),
        ],
    );
    assert_eq!(state.conversations[0].labels, ["vip", "refund"]);
    // An answer never brings back an older rest of the summary.
    let answer = Action::LabelsSaved {
        before: state.conversations[0].labels.clone(),
        saved: Box::new(labelled(1, 0, &["refund"])),
    };
    let state = run(state, [answer]);
    assert_eq!(
        (state.conversations[0].labels.clone(), state.conversations[0].last_seq),
        (vec!["refund".to_owned()], Seq(1))
    );
}

#[test]
fn a_typed_label_is_spelled_as_stored_and_a_bad_one_or_one_too_many_is_refused() {
    use super::{with_label, without_label};
    let current = vec!["vip".to_owned()];
    assert_eq!(
        with_label(&current, "  Billing   Issue "),
        Ok(Some(vec!["vip".to_owned(), "billing issue".to_owned()]))
    );
    assert_eq!(with_label(&current, "VIP"), Ok(None), "already there: nothing to send");
    assert!(with_label(&current, "<b>").unwrap_err().contains("letters, digits"));
    assert!(with_label(&current, &"x".repeat(41)).is_err());
    let full: Vec<String> = (0..20).map(|n| format!("l{n}")).collect();
    assert!(with_label(&full, "one more").unwrap_err().contains("at most 20"));
    let two = vec!["vip".to_owned(), "refund".to_owned()];
    assert_eq!(without_label(&two, "vip"), ["refund"]);
    assert_eq!(without_label(&two, "other"), two);
}
