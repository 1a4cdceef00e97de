//! Twilio's format as its documentation and its servers write it.

use proptest::prelude::*;

use super::*;
use crate::channels::thread::advances;

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const SID: &str = "SM0123456789abcdef0123456789abcdef";

#[test]
fn the_signature_matches_twilios_documented_example() {
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let params = fields(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+12349013030"),
        ("Digits", "1234"),
        ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]);
    assert_eq!(signature("12345", url, &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    assert!(is_genuine("12345", url, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
    // Unsigned, signed with another token, for another URL, or a field changed: refused.
    assert!(!is_genuine("12345", url, &params, None));
    assert!(!is_genuine("54321", url, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
    assert!(!is_genuine(
        "12345",
        "https://mycompany.com/myapp.php",
        &params,
        Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    ));
    let mut changed = params.clone();
    changed[2].1 = "9999".into();
    assert!(!is_genuine("12345", url, &changed, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
}

#[test]
fn an_inbound_sms_and_a_whatsapp_message_with_media_are_read() {
    let sms = inbound(&fields(&[
        ("MessageSid", SID),
        ("From", "+15550142233"),
        ("To", "+15557654321"),
        ("Body", "Where is my order?"),
        ("NumMedia", "0"),
    ]))
    .unwrap();
    assert_eq!(
        (sms.channel, sms.from.as_str(), sms.body.as_str()),
        (Channel::Sms, "+15550142233", "Where is my order?")
    );
    let whatsapp = inbound(&fields(&[
        ("MessageSid", "MM0123456789abcdef0123456789abcdef"),
        ("From", "whatsapp:+447700900123"),
        ("To", "whatsapp:+15557654321"),
        ("Body", ""),
        ("NumMedia", "1"),
        ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
        ("MediaContentType0", "image/jpeg"),
        ("ProfileName", "Noor"),
    ]))
    .unwrap();
    assert_eq!(whatsapp.channel, Channel::Whatsapp);
    assert_eq!(whatsapp.from, "+447700900123");
    assert_eq!(whatsapp.media[0].content_type, "image/jpeg");
    assert_eq!(whatsapp.profile_name.as_deref(), Some("Noor"));
}

#[test]
fn inbound_requests_missing_or_wrong_fields_are_refused_by_field() {
    let good = [("MessageSid", SID), ("From", "+15550142233"), ("To", "+15557654321"), ("Body", "hi")];
    let without = |name: &str| fields(&good.iter().copied().filter(|(k, _)| *k != name).collect::<Vec<_>>());
    for name in ["MessageSid", "From", "To"] {
        assert_eq!(inbound(&without(name)).unwrap_err().field.as_deref(), Some(name));
    }
    let with = |name: &str, value: &str| {
        let mut f = fields(&good);
        f.retain(|(k, _)| k != name);
        f.push((name.into(), value.into()));
        f
    };
    assert_eq!(inbound(&with("MessageSid", "SMshort")).unwrap_err().field.as_deref(), Some("MessageSid"));
    assert_eq!(inbound(&with("From", "5550142")).unwrap_err().field.as_deref(), Some("From"));
    assert_eq!(inbound(&with("To", "whatsapp:+15557654321")).unwrap_err().field.as_deref(), Some("To"));
    assert_eq!(inbound(&with("NumMedia", "11")).unwrap_err().field.as_deref(), Some("NumMedia"));
    assert_eq!(inbound(&with("NumMedia", "1")).unwrap_err().field.as_deref(), Some("MediaUrl0"));
    assert_eq!(inbound(&with("Body", "  ")).unwrap_err().field.as_deref(), Some("Body"));
}

#[test]
fn statuses_map_onto_ours_and_never_go_back() {
    let update = status_update(&fields(&[
        ("MessageSid", SID),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "30003"),
    ]))
    .unwrap();
    assert_eq!((update.status, update.error_code), (DeliveryStatus::Failed, Some(30003)));
    assert_eq!(delivery_status("sending"), Some(DeliveryStatus::Queued));
    assert_eq!(delivery_status("received"), None);
    assert!(status_update(&fields(&[("MessageSid", SID), ("MessageStatus", "received")])).is_err());
    assert!(advances(None, DeliveryStatus::Queued));
    assert!(advances(Some(DeliveryStatus::Sent), DeliveryStatus::Delivered));
    assert!(!advances(Some(DeliveryStatus::Delivered), DeliveryStatus::Sent), "a late `sent`");
    assert!(!advances(Some(DeliveryStatus::Failed), DeliveryStatus::Delivered));
}

#[test]
fn a_message_is_sent_as_the_messages_api_takes_it() {
    let account = Account { base_url: "http://127.0.0.1:9999/", account_sid: "AC123", auth_token: "secret" };
    let media = vec!["https://edge.example/files/1".to_owned()];
    let request = send_request(
        account,
        &Outbound {
            channel: Channel::Whatsapp,
            from: "+15557654321",
            to: "+447700900123",
            body: "Your order shipped & is on its way",
            media_urls: &media,
            status_callback: Some("https://edge.example/channels/twilio/status"),
            content: None,
        },
    );
    assert_eq!(request.url, "http://127.0.0.1:9999/2010-04-01/Accounts/AC123/Messages.json");
    assert_eq!(request.headers[0], ("authorization", format!("Basic {}", STANDARD.encode("AC123:secret"))));
    let body = form::parse(&request.body);
    assert_eq!(form::field(&body, "To"), Some("whatsapp:+447700900123"));
    assert_eq!(form::field(&body, "From"), Some("whatsapp:+15557654321"));
    assert_eq!(form::field(&body, "Body"), Some("Your order shipped & is on its way"));
    assert_eq!(form::field(&body, "MediaUrl"), Some("https://edge.example/files/1"));
}

#[test]
fn a_template_goes_as_its_content_sid_with_numbered_variables_instead_of_a_body() {
    let account = Account { base_url: "https://api.twilio.com", account_sid: "AC123", auth_token: "secret" };
    let variables = vec!["Grace".to_owned(), " AB-12 ".to_owned()];
    let sid = format!("HX{}", "b".repeat(32));
    let message = Outbound {
        channel: Channel::Whatsapp,
        from: "+15557654321",
        to: "+447700900123",
        body: "Hi Grace, your order AB-12 has shipped.",
        media_urls: &[],
        status_callback: None,
        content: Some((&sid, &variables)),
    };
    let body = form::parse(&send_request(account, &message).body);
    assert_eq!(form::field(&body, "ContentSid"), Some(sid.as_str()));
    let sent: serde_json::Value =
        serde_json::from_str(form::field(&body, "ContentVariables").unwrap()).unwrap();
    assert_eq!(sent, serde_json::json!({"1": "Grace", "2": "AB-12"}));
    assert_eq!(form::field(&body, "Body"), None, "Twilio takes the content, not a body");
}

#[test]
fn the_apis_answers_say_what_happened_and_whether_to_retry() {
    let accepted = sent(201, &format!(r#"{{"sid":"{SID}","status":"queued","body":"hi"}}"#)).unwrap();
    assert_eq!(accepted, Sent { sid: SID.into(), status: DeliveryStatus::Queued });
    let invalid =
        sent(400, r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#)
            .unwrap_err();
    assert_eq!((invalid.code, invalid.retry), (Some(21211), false));
    assert!(sent(429, r#"{"code":20429,"message":"Too Many Requests"}"#).unwrap_err().retry);
    assert!(sent(503, "<html>").unwrap_err().retry);
    assert!(sent(200, "not json").unwrap_err().retry);
}

proptest! {
    #[test]
    fn the_signature_ignores_field_order_but_not_content(
        pairs in proptest::collection::vec(("[A-Za-z]{1,8}", "[ -~]{0,12}"), 0..8),
        url in "https://[a-z]{1,10}\\.example/[a-z]{0,8}",
    ) {
        let fields: Vec<(String, String)> = pairs.clone();
        let mut reversed = fields.clone();
        reversed.reverse();
        let expected = signature("token", &url, &fields);
        prop_assert!(is_genuine("token", &url, &reversed, Some(&expected)));
        let mut more = fields.clone();
        more.push(("Extra".into(), "1".into()));
        prop_assert!(!is_genuine("token", &url, &more, Some(&expected)));
    }
}

#[test]
fn a_file_is_fetched_with_the_accounts_credentials_only_from_the_accounts_api() {
    let account = Account { base_url: "https://api.twilio.com", account_sid: "AC123", auth_token: "secret" };
    let at = |url: &str| Media { url: url.into(), content_type: "image/jpeg".into() };
    let ours = media_request(
        account,
        &at("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/MM1/Media/ME1"),
    );
    assert_eq!(ours.method, "GET");
    assert_eq!(ours.headers, [("authorization", format!("Basic {}", STANDARD.encode("AC123:secret")))]);
    for elsewhere in ["https://api.twilio.com.evil.example/x", "https://evil.example/https://api.twilio.com/"]
    {
        assert!(media_request(account, &at(elsewhere)).headers.is_empty(), "{elsewhere} got the credentials");
    }
    assert_eq!(media_name(0, "image/jpeg"), "photo-1.jpg");
    assert_eq!(media_name(1, "application/pdf; name=x"), "document-2.pdf");
    assert_eq!(media_name(2, "audio/ogg"), "voice-3.audio");
}
