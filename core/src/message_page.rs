//! `GET /api/v1/conversations/{id}/messages`: a page of a conversation's log, read either way
//! by `seq` — the newest page, the page before a `seq` (scrolling back) or after one (catching
//! up). A log's `seq`s run 1, 2, 3… without gaps, so any page is one read of the store after
//! some `seq` ([`PageQuery::read_after`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::{ApiError, ErrorCode, Message, Seq};

/// Messages in a page unless asked otherwise.
pub const DEFAULT_PAGE: u32 = 50;

/// Most messages in a page.
pub const MAX_PAGE: u32 = 200;

/// Which part of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// The newest messages.
    Latest,
    /// The messages just before this `seq`.
    Before(Seq),
    /// The messages just after this `seq`.
    After(Seq),
}

/// A page request, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery {
    /// Where.
    pub window: Window,
    /// How many at most.
    pub limit: u32,
}

fn bad(field: &str, message: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {message}")).at_field(field)
}

fn seq(field: &str, text: &str) -> Result<Seq, ApiError> {
    text.parse().map(Seq).map_err(|_| bad(field, "a message seq (a whole number)"))
}

impl PageQuery {
    /// Reads `?before=`, `?after=` (not both) and `?limit=`.
    pub fn parse(before: Option<&str>, after: Option<&str>, limit: Option<&str>) -> Result<Self, ApiError> {
        let window = match (before, after) {
            (Some(_), Some(_)) => return Err(bad("before", "give before or after, not both")),
            (Some(before), None) => Window::Before(seq("before", before)?),
            (None, Some(after)) => Window::After(seq("after", after)?),
            (None, None) => Window::Latest,
        };
        let limit = match limit {
            None => DEFAULT_PAGE,
            Some(text) => text
                .parse()
                .ok()
                .filter(|limit| (1..=MAX_PAGE).contains(limit))
                .ok_or_else(|| bad("limit", "a number from 1 to 200"))?,
        };
        Ok(PageQuery { window, limit })
    }

    /// The read that answers it in a log whose newest `seq` is `head`: the messages after
    /// the returned `seq`, at most the returned count.
    pub fn read_after(&self, head: Seq) -> (Seq, usize) {
        let limit = u64::from(self.limit);
        match self.window {
            Window::After(after) => (after, self.limit as usize),
            Window::Latest => (Seq(head.0.saturating_sub(limit)), self.limit as usize),
            Window::Before(before) => {
                let before = before.min(head.next());
                let start = before.0.saturating_sub(1).saturating_sub(limit);
                (Seq(start), before.0.saturating_sub(1).saturating_sub(start) as usize)
            }
        }
    }
}

/// The cursors of a page read from a log with newest `seq` `head`: pass the first as
/// `?before=` for the older page (none at the log's start), the second as `?after=` for the
/// newer one (none at its end).
pub fn cursors(messages: &[Message], head: Seq) -> (Option<Seq>, Option<Seq>) {
    let older = messages.first().map(|m| m.seq).filter(|first| first.0 > 1);
    let newer = messages.last().map(|m| m.seq).filter(|last| *last < head);
    (older, newer)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn requests_are_read_with_clear_errors() {
        assert_eq!(PageQuery::parse(None, None, None), Ok(PageQuery { window: Window::Latest, limit: 50 }));
        assert_eq!(PageQuery::parse(Some("9"), None, Some("3")).unwrap().window, Window::Before(Seq(9)));
        for (before, after, limit) in [
            (Some("1"), Some("2"), None),
            (Some("x"), None, None),
            (None, Some("-1"), None),
            (None, None, Some("0")),
        ] {
            assert_eq!(PageQuery::parse(before, after, limit).unwrap_err().code, ErrorCode::BadRequest);
        }
    }

    /// The seqs a page covers, in a log of `head` messages.
    fn covered(query: PageQuery, head: u64) -> Vec<u64> {
        let (after, count) = query.read_after(Seq(head));
        (after.0 + 1..=head).take(count).collect()
    }

    #[test]
    fn pages_cover_the_right_part_of_the_log() {
        let page = |window, limit| PageQuery { window, limit };
        assert_eq!(covered(page(Window::Latest, 3), 10), [8, 9, 10]);
        assert_eq!(covered(page(Window::Before(Seq(8)), 3), 10), [5, 6, 7]);
        assert_eq!(covered(page(Window::Before(Seq(3)), 5), 10), [1, 2]);
        assert_eq!(covered(page(Window::After(Seq(8)), 5), 10), [9, 10]);
        assert_eq!(covered(page(Window::Before(Seq(99)), 2), 10), [9, 10]);
        assert!(covered(page(Window::Latest, 5), 0).is_empty());
    }

    proptest! {
        /// Scrolling back from the newest page by `before` cursors visits every seq once.
        #[test]
        fn scrolling_back_visits_the_whole_log_once(head in 0u64..500, limit in 1u32..60) {
            let mut seen = Vec::new();
            let mut window = Window::Latest;
            loop {
                let page = covered(PageQuery { window, limit }, head);
                prop_assert!(page.len() <= limit as usize);
                let first = page.first().copied();
                seen.splice(0..0, page);
                match first.filter(|f| *f > 1) {
                    Some(first) => window = Window::Before(Seq(first)),
                    None => break,
                }
            }
            prop_assert_eq!(seen, (1..=head).collect::<Vec<_>>());
        }
    }
}
