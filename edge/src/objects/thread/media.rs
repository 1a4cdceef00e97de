//! A file an inbound message carries: fetched from the provider (`core::channels::twilio::
//! media_request`: the account's credentials go to the account's API only; its redirect to
//! the file is followed), checked under the same rules as a file a visitor uploads
//! (`core::attachments::check`: size, accepted types confirmed by the bytes), and handed to
//! the conversation as the customer's upload — stored in the bucket, counted against the
//! site's allowance, shown as a message of its own, once per provider id and place.

use switchboard_core::attachments;
use switchboard_core::channels::twilio::{self, Media};
use switchboard_protocol::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_protocol::{Author, ClientMessageId, ConversationId, SiteId};

use super::ThreadObject;
use crate::objects::conversation::calls::Attach;
use crate::objects::{call, Participant};

/// How long the provider may take to hand over one file.
const TIMEOUT_MS: u32 = 20_000;

/// One file of an arrived message.
pub(super) struct File<'a> {
    /// The site.
    pub site: &'a SiteId,
    /// The customer who sent it.
    pub customer: &'a Author,
    /// The message's provider id.
    pub provider_id: &'a str,
    /// Its place in the message (from 0).
    pub n: usize,
    /// Where the provider keeps it.
    pub media: &'a Media,
}

impl ThreadObject {
    /// Keeps the file in the conversation; `Err` says why it could not be, for the team.
    pub(super) async fn keep_file(
        &self,
        conversation: &ConversationId,
        file: &File<'_>,
    ) -> Result<(), String> {
        // Twilio keeps files behind the account's credentials; Meta's are plain links.
        let account = self.account().unwrap_or_default();
        let (base_url, account_sid, auth_token) = &account;
        let account = twilio::Account { base_url, account_sid, auth_token };
        let request = twilio::media_request(account, file.media);
        let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        // One byte over the limit is enough to know it is too large.
        let answer =
            crate::bounded_fetch::get(&request.url, &headers, TIMEOUT_MS, MAX_ATTACHMENT_BYTES + 1).await?;
        if !(200..300).contains(&answer.status) {
            return Err(format!("the provider answered {} for it", answer.status));
        }
        let declared =
            if file.media.content_type.is_empty() { &answer.content_type } else { &file.media.content_type };
        let content_type = attachments::check(declared, &answer.body).map_err(|e| e.message)?;
        let client_id =
            ClientMessageId::parse(format!("{}-{}", file.provider_id, file.n)).map_err(|e| e.to_string())?;
        let participant = Participant {
            site: file.site.clone(),
            author: file.customer.clone(),
            client: Default::default(),
            expires_at: None,
            born: None,
        };
        let upload = Attach {
            participant,
            client_id,
            name: twilio::media_name(file.n, content_type),
            content_type: content_type.to_owned(),
        };
        call::send_bytes(&self.env, conversation, &upload, &answer.body)
            .await
            .map_err(|e| format!("{e:?}"))?;
        Ok(())
    }
}
