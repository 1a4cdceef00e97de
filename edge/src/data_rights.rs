//! A person's data rights (admins; keys need the `contacts` scope): everything the site holds
//! about a contact as one JSON document (`GET /api/v1/contacts/{id}/export`), and erasing it
//! all (`DELETE /api/v1/contacts/{id}`): their conversations' objects (messages, notes, events,
//! ratings), their files in the bucket, the site's index and search rows, routing, webhook
//! deliveries waiting or logged, idempotent answers kept about them, the contact itself. Their visitors are signed out first, so
//! no open widget writes into what is being erased.

use switchboard_core::conversation_list::{ListQuery, MAX_PAGE};
use switchboard_core::message_page::{PageQuery, Window};
use switchboard_core::token::VISITOR_LIFETIME_MS;
use switchboard_protocol::api::audit_log::{self, Action};
use switchboard_protocol::api::contacts::{ContactExport, ContactRecord, ExportedConversation};
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{ConversationId, ErrorCode, Seq, SiteId};
use worker::{Request, Response};

use crate::audit::{self, Done};
use crate::auth::{authenticate_admin, authenticate_admin_read};
use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::audit::calls::List as ListAudit;
use crate::objects::conversation::calls::{Erase, ReadMessages};
use crate::objects::idempotency::calls::Forget;
use crate::objects::site::calls::{
    EraseContact, GetContact, ListConversations, ListWebhooks, SignOutVisitor,
};
use crate::{http, objects, search, webhook_subscriptions};

/// Audit pages searched for entries about the person (newest first).
const AUDIT_PAGES: usize = 20;

/// Everything about a contact.
pub(crate) async fn export(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin_read(req, env).await?;
    let contact = contact(env, &admin.site, id).await?;
    let mut conversations = Vec::new();
    for summary in all_conversations(env, &admin.site, &contact.id).await? {
        let messages = whole_log(env, &admin.site, &summary.id).await?;
        conversations.push(ExportedConversation { summary, messages });
    }
    let audit = about(env, &admin.site, &contact).await?;
    http::json(200, &ContactExport { exported_at: env.now, contact, conversations, audit })
}

/// Erases a contact and everything of theirs.
pub(crate) async fn erase(req: &Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let admin = authenticate_admin(req, env).await?;
    let contact = contact(env, &admin.site, id).await?;
    for visitor in &contact.visitor_ids {
        let call = SignOutVisitor { visitor: visitor.clone(), until: env.now + VISITOR_LIFETIME_MS };
        objects::send(env, &admin.site, &call).await?;
    }
    let conversations: Vec<ConversationId> =
        all_conversations(env, &admin.site, &contact.id).await?.into_iter().map(|s| s.id).collect();
    for conversation in &conversations {
        objects::send(env, conversation, &Erase { site: admin.site.clone(), only_if_resolved: false })
            .await?;
    }
    let subscriptions = objects::send(env, &admin.site, &ListWebhooks).await?;
    webhook_subscriptions::forget_conversations(env, &admin.site, &subscriptions, &conversations).await?;
    search::forget(env, &admin.site, &conversations).await?;
    let answers =
        objects::send(env, &admin.site, &EraseContact { id: contact.id.clone(), conversations }).await?;
    // Idempotent answers kept about them (a created contact, a posted message).
    for record in &answers {
        objects::send(env, record.as_str(), &Forget).await?;
    }
    // The entry names the id only: nothing about the person stays behind in the log.
    audit::record(env, req, &admin.site, &admin, Done::to(Action::ContactErased, contact.id.as_str())).await;
    http::no_content()
}

async fn contact(env: &Ctx<'_>, site: &SiteId, id: &str) -> EdgeResult<ContactRecord> {
    if !switchboard_core::contacts::is_id(id) {
        return Err(EdgeError::refuse(ErrorCode::NotFound, "no such contact"));
    }
    Ok(objects::send(env, site, &GetContact { id: id.to_owned() }).await?.contact)
}

/// Every conversation of the contact, page by page.
async fn all_conversations(
    env: &Ctx<'_>,
    site: &SiteId,
    contact: &str,
) -> EdgeResult<Vec<ConversationSummary>> {
    let mut all = Vec::new();
    let mut query = ListQuery { contact: Some(contact.to_owned()), limit: MAX_PAGE, ..ListQuery::default() };
    loop {
        let page = objects::send(env, site, &ListConversations { query: query.clone() }).await?;
        all.extend(page.conversations);
        match page.next_cursor {
            Some(cursor) => {
                query.cursor = Some(switchboard_core::conversation_list::Cursor::decode(&cursor)?)
            }
            None => return Ok(all),
        }
    }
}

/// A conversation's whole log, oldest first.
async fn whole_log(
    env: &Ctx<'_>,
    site: &SiteId,
    conversation: &ConversationId,
) -> EdgeResult<Vec<switchboard_protocol::Message>> {
    let mut messages = Vec::new();
    let mut after = Seq(0);
    loop {
        let query = PageQuery { window: Window::After(after), limit: 200 };
        let page = match objects::send(env, conversation, &ReadMessages { site: site.clone(), query }).await {
            Ok(page) => page,
            // Listed but never written (nobody said anything): an empty log.
            Err(EdgeError::Refused(error)) if error.code == ErrorCode::NotFound => return Ok(messages),
            Err(error) => return Err(error),
        };
        messages.extend(page.messages);
        match page.after {
            Some(next) => after = next,
            None => return Ok(messages),
        }
    }
}

/// Audit entries naming the contact or one of their visitors.
async fn about(env: &Ctx<'_>, site: &SiteId, contact: &ContactRecord) -> EdgeResult<Vec<audit_log::Entry>> {
    let mut names: Vec<&str> = vec![contact.id.as_str()];
    names.extend(contact.visitor_ids.iter().map(|v| v.as_str()));
    let mentions =
        |text: &Option<String>| text.as_deref().is_some_and(|t| names.iter().any(|n| t.contains(n)));
    let mut found = Vec::new();
    let mut before = None;
    for _ in 0..AUDIT_PAGES {
        let page = objects::send(env, site, &ListAudit { before, limit: 100 }).await?;
        found.extend(page.entries.into_iter().filter(|e| mentions(&e.target) || mentions(&e.detail)));
        match page.next_before {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    Ok(found)
}
