//! Finding what the redaction steps replace: card numbers (Luhn), IBANs (mod 97), email
//! addresses and phone numbers, each only where it stands as a whole word. Every scan is
//! linear in the text: a candidate is bounded (at most 19 card digits, 34 IBAN characters,
//! 25 phone characters) and a miss moves past its first group.

/// Whether `digits` (ASCII digits only) pass the Luhn check card numbers carry.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (n, digit) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(digit - b'0');
        if n % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Whether `iban` (ASCII letters and digits, no spaces) passes ISO 13616's mod-97 check.
pub fn mod97(iban: &str) -> bool {
    if !(15..=34).contains(&iban.len()) || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut remainder = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_ascii_uppercase().to_digit(36).unwrap_or(0);
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

/// Whether position `i` starts a word (nothing alphanumeric just before it).
fn starts_word(chars: &[char], i: usize) -> bool {
    i == 0 || !chars[i - 1].is_alphanumeric()
}

/// Whether position `end` ends a word (nothing alphanumeric at it).
fn ends_word(chars: &[char], end: usize) -> bool {
    end >= chars.len() || !chars[end].is_alphanumeric()
}

fn last_four(value: &str) -> &str {
    &value[value.len().saturating_sub(4)..]
}

/// Rewrites `text`: wherever `find(chars, i)` matches at `i` it answers where the match ends
/// and its replacement; elsewhere it answers how far to copy unchanged (at least one).
fn rewrite(text: &str, find: impl Fn(&[char], usize) -> Result<(usize, String), usize>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        match find(&chars, i) {
            Ok((end, replacement)) => {
                out.push_str(&replacement);
                i = end;
            }
            Err(copy_to) => {
                let end = copy_to.max(i + 1);
                out.extend(&chars[i..end]);
                i = end;
            }
        }
    }
    out
}

/// Card numbers: 13–19 digits in groups joined by one space or dash, passing Luhn. When a
/// card found at one group would leave digits of a longer card starting at the next group
/// (`ref 12 5555 5555 5555 4444`), the longer one wins.
pub(super) fn redact_cards(text: &str) -> String {
    rewrite(text, |chars, i| {
        if !chars[i].is_ascii_digit() || !starts_word(chars, i) {
            return Err(i + 1);
        }
        let (card, next_group) = card_at(chars, i);
        match card {
            Some((end, _))
                if next_group.and_then(|next| card_at(chars, next).0).is_some_and(|(e, _)| e > end) =>
            {
                Err(next_group.unwrap_or(i + 1))
            }
            Some((end, last)) => Ok((end, format!("[card ending {last}]"))),
            None => Err(next_group.unwrap_or(i + 1)),
        }
    })
}

/// The card starting at `i` (where it ends, its last four digits), and where the group after
/// the first starts (copy up to there when there is no card).
fn card_at(chars: &[char], i: usize) -> (Option<(usize, String)>, Option<usize>) {
    let (mut ends, mut digits, mut j) = (Vec::new(), String::new(), i);
    loop {
        while j < chars.len() && chars[j].is_ascii_digit() && digits.len() <= 19 {
            digits.push(chars[j]);
            j += 1;
        }
        if digits.len() > 19 {
            break;
        }
        ends.push((j, digits.len()));
        let joined = j + 1 < chars.len() && matches!(chars[j], ' ' | '-') && chars[j + 1].is_ascii_digit();
        if !joined {
            break;
        }
        j += 1;
    }
    let next_group = match ends.first() {
        Some(&(end, _)) if ends.len() > 1 => Some(end + 1),
        Some(&(end, _)) => Some(end),
        None => Some(j),
    };
    let card = ends
        .into_iter()
        .rev()
        .find(|&(end, count)| (13..=19).contains(&count) && ends_word(chars, end) && luhn(&digits[..count]))
        .map(|(end, count)| (end, last_four(&digits[..count]).to_owned()));
    (card, next_group)
}

/// IBANs: two letters, two digits, then letters and digits (single spaces allowed between
/// groups), 15–34 in all, passing mod 97.
pub(super) fn redact_ibans(text: &str) -> String {
    rewrite(text, |chars, i| {
        let shaped = i + 4 <= chars.len()
            && chars[i].is_ascii_alphabetic()
            && chars[i + 1].is_ascii_alphabetic()
            && chars[i + 2].is_ascii_digit()
            && chars[i + 3].is_ascii_digit();
        if !shaped || !starts_word(chars, i) {
            return Err(i + 1);
        }
        let (mut ends, mut compact, mut j) = (Vec::new(), String::new(), i);
        while j < chars.len() && compact.len() < 34 {
            if chars[j].is_ascii_alphanumeric() {
                compact.push(chars[j]);
                j += 1;
                if ends_word(chars, j) {
                    ends.push((j, compact.len()));
                }
            } else if chars[j] == ' ' && j + 1 < chars.len() && chars[j + 1].is_ascii_alphanumeric() {
                j += 1;
            } else {
                break;
            }
        }
        ends.into_iter()
            .rev()
            .find(|&(_, len)| mod97(&compact[..len]))
            .map(|(end, len)| (end, format!("[IBAN ending {}]", last_four(&compact[..len]).to_uppercase())))
            .ok_or(i + 1)
    })
}

fn local_part(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn domain_part(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// Email addresses: a local part, `@`, a domain with a dot.
pub(super) fn redact_emails(text: &str) -> String {
    rewrite(text, |chars, i| {
        if !local_part(chars[i]) || (i > 0 && local_part(chars[i - 1])) {
            return Err(i + 1);
        }
        let mut at = i;
        while at < chars.len() && local_part(chars[at]) {
            at += 1;
        }
        if at == i || at >= chars.len() || chars[at] != '@' {
            return Err(at.max(i + 1));
        }
        let mut end = at + 1;
        while end < chars.len() && domain_part(chars[end]) {
            end += 1;
        }
        // A sentence's full stop after the address is not part of it.
        while end > at + 1 && matches!(chars[end - 1], '.' | '-') {
            end -= 1;
        }
        let domain: String = chars[at + 1..end].iter().collect();
        let labels: Vec<&str> = domain.split('.').collect();
        let valid = labels.len() >= 2
            && labels.iter().all(|label| !label.is_empty())
            && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
        if valid {
            Ok((end, "[email]".to_owned()))
        } else {
            Err(at + 1)
        }
    })
}

/// Phone numbers: 7–15 digits, with `+`, spaces, dashes, dots or brackets between; not a
/// date (`2026-12-06`, `06.12.2026`).
pub(super) fn redact_phones(text: &str) -> String {
    rewrite(text, |chars, i| {
        let opens = matches!(chars[i], '+' | '(') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if !(chars[i].is_ascii_digit() || opens) || !starts_word(chars, i) {
            return Err(i + 1);
        }
        let (mut j, mut end, mut groups, mut run) = (i, i, Vec::new(), 0usize);
        while j < chars.len() && j - i < 25 {
            let c = chars[j];
            if c.is_ascii_digit() {
                run += 1;
                end = j + 1;
            } else if matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') && (c != '+' || j == i) {
                if run > 0 {
                    groups.push(run);
                    run = 0;
                }
            } else {
                break;
            }
            j += 1;
        }
        if run > 0 {
            groups.push(run);
        }
        let digits: usize = groups.iter().sum();
        let date = groups == [4, 2, 2] || groups == [2, 2, 4];
        if (7..=15).contains(&digits) && !date && ends_word(chars, end) {
            Ok((end, "[phone]".to_owned()))
        } else {
            // Past this number's first group: its later groups are not phone numbers alone
            // either, and the scan stays linear.
            let mut next = i + 1;
            while next < chars.len() && chars[next].is_ascii_digit() {
                next += 1;
            }
            Err(next)
        }
    })
}
