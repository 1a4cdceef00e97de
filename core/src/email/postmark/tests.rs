//! Postmark's documented requests, answers and webhooks.

use super::*;

fn email() -> OutboundEmail {
    OutboundEmail {
        from: "\"Shop Support\" <support@shop.example>".into(),
        to: "ada@example.com".into(),
        reply_to: "r.0123.fr0.abcd@reply.shop.example".into(),
        subject: "Re: Your order".into(),
        text: "It ships today.".into(),
        html: Some("<p>It ships today.</p>".into()),
        headers: vec![("In-Reply-To".into(), "<msg-1@shop.example>".into())],
        files: vec![EmailFile {
            name: "label.png".into(),
            content_type: "image/png".into(),
            bytes: b"\x89PNG".to_vec(),
        }],
        metadata: vec![("site".into(), "demo".into())],
    }
}

#[test]
fn the_email_api_gets_the_server_token_and_both_parts() {
    let request = send_request("http://127.0.0.1:9/", "server-token", &email());
    assert_eq!(request.url, "http://127.0.0.1:9/email");
    assert!(request.headers.contains(&("x-postmark-server-token", "server-token".to_owned())));
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["To"], "ada@example.com");
    assert_eq!(body["ReplyTo"], "r.0123.fr0.abcd@reply.shop.example");
    assert_eq!(
        (body["TextBody"].as_str(), body["HtmlBody"].as_str()),
        (Some("It ships today."), Some("<p>It ships today.</p>"))
    );
    assert_eq!(
        body["Headers"][0],
        serde_json::json!({ "Name": "In-Reply-To", "Value": "<msg-1@shop.example>" })
    );
}

#[test]
fn answers_say_sent_refused_or_try_again() {
    let ok = sent(200, r#"{"To":"ada@example.com","SubmittedAt":"2026-12-06T10:00:00Z","MessageID":"b7bc2f4a-e38e-4336-af7d-e6c392c2f817","ErrorCode":0,"Message":"OK"}"#).unwrap();
    assert_eq!(ok.sid, "b7bc2f4a-e38e-4336-af7d-e6c392c2f817");
    let inactive = sent(
        422,
        r#"{"ErrorCode":406,"Message":"You tried to send to a recipient that has been marked as inactive."}"#,
    )
    .unwrap_err();
    assert_eq!((inactive.code, inactive.retry), (Some(406), false));
    assert!(sent(429, "{}").unwrap_err().retry);
    assert!(sent(503, "Service Unavailable").unwrap_err().retry);
}

#[test]
fn the_inbound_webhook_becomes_an_inbound_email() {
    let body = serde_json::json!({
        "FromFull": { "Email": "Ada@Example.com", "Name": "Ada Lovelace" },
        "ToFull": [{ "Email": "support@shop.example", "Name": "" }],
        "CcFull": [],
        "Subject": "Order 1234",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "TextBody": "Where is it?\n\nOn Mon, Shop wrote:\n> earlier",
        "Headers": [
            { "Name": "Message-ID", "Value": "<CAF00D@mail.example.com>" },
            { "Name": "In-Reply-To", "Value": "<msg-2@shop.example>" },
            { "Name": "References", "Value": "<msg-1@shop.example> <msg-2@shop.example>" }
        ],
        "Attachments": [{ "Name": "label.png", "Content": "iVBORw0KGgo=", "ContentType": "image/png", "ContentLength": 8 }]
    });
    let email = inbound(&body.to_string()).unwrap();
    assert_eq!((email.from.as_str(), email.from_name.as_deref()), ("ada@example.com", Some("Ada Lovelace")));
    assert_eq!(email.to, ["support@shop.example"]);
    assert_eq!(email.message_id.as_deref(), Some("CAF00D@mail.example.com"));
    assert_eq!(email.thread_ids, ["msg-2@shop.example", "msg-1@shop.example"]);
    assert_eq!(email.text, "Where is it?");
    assert_eq!(email.files[0].bytes, b"\x89PNG\r\n\x1a\n");
    assert!(!email.automatic);
    let auto = serde_json::json!({ "FromFull": { "Email": "x@example.com" },
        "Headers": [{ "Name": "Auto-Submitted", "Value": "auto-replied" }] });
    assert!(inbound(&auto.to_string()).unwrap().automatic);
    assert_eq!(inbound("{}").unwrap_err().code, ErrorCode::BadRequest);
}

#[test]
fn hard_bounces_and_complaints_stop_an_address_soft_bounces_do_not() {
    let record = |kind: &str, t: &str| {
        serde_json::json!({ "RecordType": kind, "Type": t, "Email": "Ada@Example.com", "MessageID": "pm-1",
            "Metadata": { "site": "demo" } })
        .to_string()
    };
    let stop = |body: &str| match event(body).unwrap() {
        Event::Outcome { stop, recipient, metadata, message_id, .. } => {
            assert_eq!((recipient.as_str(), message_id.as_str()), ("ada@example.com", "pm-1"));
            assert_eq!(metadata.get("site").map(String::as_str), Some("demo"));
            stop
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(stop(&record("Bounce", "HardBounce")), Some("bounced"));
    assert_eq!(stop(&record("SpamComplaint", "SpamComplaint")), Some("complained"));
    assert_eq!(stop(&record("Delivery", "")), None);
    assert_eq!(event(&record("Bounce", "SoftBounce")).unwrap(), Event::Other);
    assert_eq!(event(&record("Open", "")).unwrap(), Event::Other);
    assert_eq!(event(r#"{"FromFull":{"Email":"a@b.c"}}"#).unwrap(), Event::Inbound);
    assert!(event("nope").is_err());
}

#[test]
fn metadata_goes_along_for_the_webhooks() {
    let request = send_request("http://x", "t", &email());
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["Metadata"]["site"], "demo");
    assert_eq!(body["Attachments"][0]["Name"], "label.png");
    assert_eq!(body["Attachments"][0]["Content"], "iVBORw==");
    assert_eq!(body["Attachments"][0]["ContentType"], "image/png");
}
