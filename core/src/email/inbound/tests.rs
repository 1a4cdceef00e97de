//! Inbound emails as mail programs and providers write them.

use super::*;

const REPLY: &str = "From: Ada Lovelace <Ada@Example.com>\r
To: \"Shop\" <r.0123456789abcdef0123456789abcdef.fr0.abcdefghijklmnop@reply.shop.example>\r
Cc: billing@shop.example\r
Subject: Re: Your order\r
Message-ID: <CAF00D@mail.example.com>\r
In-Reply-To: <msg-2@shop.example>\r
References: <msg-1@shop.example> <msg-2@shop.example>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"b1\"\r
\r
--b1\r
Content-Type: text/plain; charset=ISO-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
Sch=F6n, danke!\r
\r
On Mon, 7 Dec 2026 at 10:02, Shop <support@shop.example> wrote:\r
> Your parcel left today.\r
--b1\r
Content-Type: image/png; name=\"label.png\"\r
Content-Disposition: attachment; filename=\"label.png\"\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
--b1--\r
";

#[test]
fn a_reply_gives_its_sender_thread_new_words_and_files() {
    let email = parse(REPLY.as_bytes()).unwrap();
    assert_eq!(email.from, "ada@example.com");
    assert_eq!(email.from_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(email.to.len(), 2);
    assert!(email.to[0].starts_with("r.0123456789abcdef"));
    assert_eq!(email.subject, "Re: Your order");
    assert_eq!(email.message_id.as_deref(), Some("CAF00D@mail.example.com"));
    assert_eq!(email.thread_ids, ["msg-2@shop.example", "msg-1@shop.example"]);
    assert_eq!(email.text, "Schön, danke!", "charset decoded, quoted history cut");
    assert!(email.full_text.contains("Your parcel left today."), "the original is kept");
    assert!(original(&email).is_some_and(|o| o.contains("Your parcel left today.")));
    let plain = InboundEmail { full_text: " Schön, danke!\n".into(), ..email.clone() };
    assert_eq!(original(&plain), None, "nothing was cut: nothing more to keep");
    // Not one of ours come back.
    assert!(!from_ourselves(&email, &["support@shop.example"], Some("reply.shop.example")));
    let ours = InboundEmail { from: "Support@Shop.example".into(), ..email.clone() };
    assert!(from_ourselves(&ours, &["support@shop.example"], None), "our own address");
    let bounced_back = InboundEmail { from: "r.00ff.abc.def@reply.shop.example".into(), ..email.clone() };
    assert!(from_ourselves(&bounced_back, &[], Some("reply.shop.example")), "our reply domain");
    assert_eq!(email.files.len(), 1);
    assert_eq!(
        (email.files[0].name.as_str(), email.files[0].content_type.as_str()),
        ("label.png", "image/png")
    );
    assert_eq!(email.files[0].bytes, b"\x89PNG\r\n\x1a\n");
    assert!(!email.automatic);
}

#[test]
fn html_only_mail_becomes_text() {
    let raw = "From: bo@example.com\r\nTo: support@shop.example\r\nSubject: Hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Where is <b>my</b> order?</p>";
    let email = parse(raw.as_bytes()).unwrap();
    assert!(email.text.contains("Where is my order?"), "{:?}", email.text);
    assert!(email.files.is_empty() && email.thread_ids.is_empty());
}

#[test]
fn machines_are_recognised() {
    let with = |header: &str| {
        let raw = format!("From: mailer@example.com\r\nTo: support@shop.example\r\n{header}\r\nSubject: x\r\n\r\nOut of office");
        parse(raw.as_bytes()).unwrap().automatic
    };
    assert!(with("Auto-Submitted: auto-replied"));
    assert!(with("Precedence: bulk"));
    assert!(with("X-Autoreply: yes"));
    assert!(with("Return-Path: <>"));
    assert!(!with("Auto-Submitted: no"));
    assert!(!with("X-Mailer: Thunderbird"));
}

#[test]
fn what_is_not_an_email_we_can_take_is_refused() {
    for raw in ["", "just text", "To: support@shop.example\r\nSubject: no sender\r\n\r\nhi"] {
        let error = parse(raw.as_bytes()).unwrap_err();
        assert_eq!(error.code, ErrorCode::BadRequest, "{raw:?}");
    }
    let huge = vec![b'a'; MAX_RAW_BYTES + 1];
    assert_eq!(parse(&huge).unwrap_err().code, ErrorCode::BodyTooLarge);
}

#[test]
fn the_same_email_has_the_same_client_id() {
    let email = parse(REPLY.as_bytes()).unwrap();
    let id = client_id(&email, REPLY.as_bytes());
    assert!(id.as_str().starts_with("em-") && id.as_str().len() == 43);
    let again = parse(REPLY.replace("Sch=F6n", "Sch=F6n!").as_bytes()).unwrap();
    assert_eq!(client_id(&again, b"other bytes"), id, "by its Message-ID");
    let no_id = InboundEmail { message_id: None, ..email };
    assert_ne!(client_id(&no_id, b"a"), client_id(&no_id, b"b"), "else by its bytes");
}
