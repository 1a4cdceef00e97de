//! A reply's new words: what the customer typed above the history their mail program quoted
//! back. The original stays with the message's details; the conversation shows only this.
//!
//! Cut at the first of: an attribution line ("On Mon, 1 Dec 2026, Ada <…> wrote:", and its
//! German, French, Spanish, Dutch and Portuguese forms, even wrapped over two lines), an
//! Outlook or forwarding separator ("-----Original Message-----", a line of underscores, a
//! "From:" header block), a signature delimiter (`-- `), a phone's "Sent from my …" line, or a
//! run of `>`-quoted lines that ends the message. What is left is trimmed; if nothing is left
//! (a reply that only quoted), the whole text is kept rather than an empty message.

/// The verb of an attribution line ("… wrote:", German "… schrieb Ada:"), lowercased.
const ATTRIBUTION_VERBS: [&str; 7] =
    ["wrote", "schrieb", "a écrit", "escribió", "schreef", "escreveu", "ha scritto"];
/// Attribution lines start like this (lowercased).
const ATTRIBUTION_STARTS: [&str; 7] = ["on ", "am ", "le ", "el ", "op ", "em ", "il "];

/// The new text of a reply `text` (plain text, lines as sent).
pub fn new_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len()).find(|&n| starts_history(&lines, n)).unwrap_or(lines.len());
    let mut kept: Vec<&str> = lines[..cut].to_vec();
    // A trailing run of quoted lines (and the blank lines around it) goes too.
    while kept.last().is_some_and(|line| line.trim().is_empty() || line.trim_start().starts_with('>')) {
        kept.pop();
    }
    let new = kept.join("\n").trim().to_owned();
    if new.is_empty() {
        text.trim().to_owned()
    } else {
        new
    }
}

/// Whether the history (or the signature) begins at line `n`.
fn starts_history(lines: &[&str], n: usize) -> bool {
    let line = lines[n].trim_end();
    let lower = line.trim_start().to_lowercase();
    if line == "--" || lines[n] == "-- " {
        return true;
    }
    if lower.starts_with("-----original message-----")
        || lower.starts_with("---------- forwarded message")
        || (lower.len() >= 20 && lower.chars().all(|c| c == '_'))
    {
        return true;
    }
    if lower.starts_with("sent from my ") || lower.starts_with("von meinem ") && lower.contains("gesendet") {
        return true;
    }
    // An Outlook header block: "From: …" followed by "Sent:"/"Date:" or "To:".
    if lower.starts_with("from:") {
        let next = lines.get(n + 1).map(|l| l.trim_start().to_lowercase()).unwrap_or_default();
        if ["sent:", "date:", "to:", "subject:"].iter().any(|h| next.starts_with(h)) {
            return true;
        }
    }
    let attribution = |text: &str| {
        ATTRIBUTION_STARTS.iter().any(|s| text.starts_with(s))
            && text.ends_with(':')
            && ATTRIBUTION_VERBS.iter().any(|verb| text.contains(&format!(" {verb}")))
    };
    if attribution(&lower) {
        return true;
    }
    // Wrapped over two lines by the sender's mail program.
    if let Some(next) = lines.get(n + 1) {
        let joined = format!("{lower} {}", next.trim().to_lowercase());
        if attribution(&joined) && !lower.is_empty() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_apple_and_outlook_replies_keep_only_the_new_words() {
        let gmail = "Thanks, that works!\n\nOn Mon, 7 Dec 2026 at 10:02, Shop Support <r.abc@reply.shop.example> wrote:\n> Your parcel left today.\n> Ada";
        assert_eq!(new_text(gmail), "Thanks, that works!");
        let wrapped = "Great\n\nOn Mon, 7 Dec 2026 at 10:02, Shop Support\n<r.abc@reply.shop.example> wrote:\n\n> earlier";
        assert_eq!(new_text(wrapped), "Great");
        let outlook = "Yes please.\r\n\r\nFrom: Shop Support <support@shop.example>\r\nSent: Monday, December 7, 2026 10:02\r\nTo: Ada\r\nSubject: Re: Order\r\n\r\nYour parcel left today.";
        assert_eq!(new_text(outlook), "Yes please.");
        let original = "Fine.\n-----Original Message-----\nFrom: Shop";
        assert_eq!(new_text(original), "Fine.");
    }

    #[test]
    fn other_languages_signatures_and_phones_are_cut() {
        assert_eq!(
            new_text("Danke!\n\nAm 07.12.2026 um 10:02 schrieb Shop Support <s@x.de>:\n> alt"),
            "Danke!"
        );
        assert_eq!(
            new_text("Merci\n\nLe lun. 7 déc. 2026 à 10:02, Shop <s@x.fr> a écrit :\n> vieux"),
            "Merci"
        );
        assert_eq!(new_text("Gracias\n\nEl lun, 7 dic 2026 a las 10:02, Shop escribió:\n> viejo"), "Gracias");
        assert_eq!(new_text("See you\n-- \nAda Lovelace\nAnalytical Engines Ltd"), "See you");
        assert_eq!(new_text("Ok!\n\nSent from my iPhone"), "Ok!");
    }

    #[test]
    fn words_that_only_look_like_history_stay() {
        let text = "On second thought, I wrote: the blue one.\nThanks";
        assert_eq!(new_text(text), text, "an attribution needs its shape, not just the words");
        assert_eq!(new_text("> only a quote"), "> only a quote", "nothing new: the whole text is kept");
        assert_eq!(new_text("  plain reply  "), "plain reply");
    }
}
