//! A Messenger customer's public name, asked of Meta's User Profile API with the page's token
//! when their conversation starts (WhatsApp's comes with each message). Best effort: a page
//! without the permission, or Meta slow or down, leaves the customer unnamed, never the
//! message waiting.

use switchboard_core::channels::messenger;
use switchboard_protocol::channels::{Channel, Thread};
use switchboard_protocol::SiteId;

use super::ThreadObject;

/// How long the profile may take: the customer's message is waiting.
const TIMEOUT_MS: u32 = 3_000;

/// The most of the answer read.
const MAX_READ_BYTES: usize = 4 * 1024;

impl ThreadObject {
    /// The customer's name on a Messenger line, if Meta gives one.
    pub(super) async fn messenger_name(&self, site: &SiteId, line: &Thread, now: i64) -> Option<String> {
        if line.channel != Channel::Messenger {
            return None;
        }
        let page = super::send::messenger_page(&self.env, site, &line.ours, now).await.ok()??;
        let token = page.access_token?;
        let base_url = super::send::messenger_api_base(&self.env);
        let url = messenger::profile_url(&base_url, &token, &line.theirs);
        let answer = crate::bounded_fetch::get(&url, &[], TIMEOUT_MS, MAX_READ_BYTES).await.ok()?;
        messenger::profile_name(answer.status, &answer.body)
    }
}
