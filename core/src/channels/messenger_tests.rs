use proptest::prelude::*;

use super::*;

fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn the_handshake_echoes_the_challenge_only_for_our_token() {
    let asked =
        query(&[("hub.mode", "subscribe"), ("hub.verify_token", "s3cret"), ("hub.challenge", "1158201444")]);
    assert_eq!(challenge(&asked, "s3cret"), Some("1158201444"));
    assert_eq!(challenge(&asked, "other"), None);
    assert_eq!(challenge(&asked, ""), None, "no token configured: nothing verifies");
    let wrong_mode =
        query(&[("hub.mode", "unsubscribe"), ("hub.verify_token", "s3cret"), ("hub.challenge", "1")]);
    assert_eq!(challenge(&wrong_mode, "s3cret"), None);
}

#[test]
fn the_signature_is_hmac_sha256_of_the_raw_body_in_hex() {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
    let body = b"The quick brown fox jumps over the lazy dog";
    let expected = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
    assert_eq!(signature("key", body), expected);
    assert!(is_genuine("key", body, Some(expected)));
    assert!(!is_genuine("key", b"The quick brown fox jumps over the lazy cat", Some(expected)));
    assert!(!is_genuine("other", body, Some(expected)));
    assert!(!is_genuine("key", body, None));
    assert!(!is_genuine("key", body, Some(&expected.replace("sha256=", "sha1="))));
}

const DELIVERY: &str = r#"{"object":"page","entry":[{"id":"1122334455","time":1733000000000,"messaging":[
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000001,
   "message":{"mid":"m_AAA","text":"Hello there"}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000002,
   "message":{"mid":"m_BBB","attachments":[{"type":"image","payload":{"url":"https://scontent.example/1.jpg"}}]}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000003,
   "message":{"mid":"m_CCC","text":"Billing","quick_reply":{"payload":"Billing"}}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000004,
   "postback":{"mid":"m_DDD","title":"Talk to a person","payload":"HUMAN"}},
  {"sender":{"id":"1122334455"},"recipient":{"id":"9988776655"},"timestamp":1733000000005,
   "message":{"mid":"m_EEE","text":"our own words","is_echo":true}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000006,
   "delivery":{"mids":["m_X"],"watermark":1733000000000}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000007,
   "read":{"watermark":1733000000006}},
  {"sender":{"id":"9988776655"},"recipient":{"id":"1122334455"},"timestamp":1733000000008,
   "reaction":{"mid":"m_X","action":"react","emoji":"👍"}}
]}]}"#;

#[test]
fn a_delivery_becomes_messages_buttons_and_watermarks_without_our_echoes() {
    let found = events(DELIVERY.as_bytes()).unwrap();
    let whats: Vec<&What> = found.iter().map(|e| &e.what).collect();
    assert_eq!(
        whats,
        [
            &What::Message { id: "m_AAA".into(), text: "Hello there".into(), files: vec![] },
            &What::Message {
                id: "m_BBB".into(),
                text: String::new(),
                files: vec![("https://scontent.example/1.jpg".into(), "image".into())]
            },
            &What::Message { id: "m_CCC".into(), text: "Billing".into(), files: vec![] },
            &What::Message { id: "m_DDD".into(), text: "Talk to a person".into(), files: vec![] },
            &What::Delivered { watermark: 1733000000000 },
            &What::Read { watermark: 1733000000006 },
        ]
    );
    assert!(found.iter().all(|e| e.page == "1122334455" && e.customer == "9988776655"));
    assert!(events(br#"{"object":"instagram","entry":[]}"#).is_err());
    assert!(events(b"not json").is_err());
}

#[test]
fn a_reply_goes_through_the_send_api_with_quick_replies_cut_to_messengers_limits() {
    let replies: Vec<String> = (0..15).map(|n| format!("Choice number {n} with a long title")).collect();
    let request = send_request("http://127.0.0.1:9/", "tok&en", "9988776655", "Which one?", &replies, false);
    assert_eq!(request.url, format!("http://127.0.0.1:9/{GRAPH_VERSION}/me/messages?access_token=tok%26en"));
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["recipient"]["id"], "9988776655");
    assert_eq!(body["messaging_type"], "RESPONSE");
    let quick = body["message"]["quick_replies"].as_array().unwrap();
    assert_eq!(quick.len(), MAX_QUICK_REPLIES);
    assert!(quick.iter().all(|q| q["title"].as_str().unwrap().chars().count() <= 20));
    let tagged = send_request("https://graph.facebook.com", "t", "1", "Back to you", &[], true);
    let body: serde_json::Value = serde_json::from_str(&tagged.body).unwrap();
    assert_eq!(
        (body["messaging_type"].as_str(), body["tag"].as_str()),
        (Some("MESSAGE_TAG"), Some("HUMAN_AGENT"))
    );
    let file = file_request("https://graph.facebook.com", "t", "1", "https://edge.example/a/v1.x", true);
    let body: serde_json::Value = serde_json::from_str(&file.body).unwrap();
    assert_eq!(body["message"]["attachment"]["type"], "image");
    assert_eq!(body["message"]["attachment"]["payload"]["url"], "https://edge.example/a/v1.x");
    assert!(body["message"].get("text").is_none());
}

#[test]
fn the_send_apis_answers_say_what_happened_and_whether_to_retry() {
    let ok = sent(200, r#"{"recipient_id":"9988776655","message_id":"m_ZZZ"}"#).unwrap();
    assert_eq!(ok.sid, "m_ZZZ");
    let window = sent(
        400,
        r#"{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}"#,
    )
    .unwrap_err();
    assert_eq!((window.code, window.retry), (Some(10), false));
    let limited = sent(
        400,
        r#"{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","code":613}}"#,
    )
    .unwrap_err();
    assert!(limited.retry);
    assert!(sent(503, "").unwrap_err().retry);
}

#[test]
fn a_message_is_stored_under_a_short_key_of_its_mid() {
    let long = format!("m_{}", "AbC-_9".repeat(30));
    let key = message_key(&long);
    assert!(switchboard_protocol::ClientMessageId::parse(&key).is_ok(), "{key}");
    assert_eq!(key, message_key(&long));
    assert_ne!(key, message_key("m_other"));
    assert!(is_id("1122334455") && !is_id("11a") && !is_id(""));
}

proptest! {
    /// Whatever the body, the signature check never panics and only Meta's own passes.
    #[test]
    fn only_the_genuine_signature_passes(body in proptest::collection::vec(any::<u8>(), 0..200), guess in "[a-f0-9]{64}") {
        let genuine = signature("app-secret", &body);
        prop_assert!(is_genuine("app-secret", &body, Some(&genuine)));
        let forged = format!("sha256={guess}");
        prop_assert_eq!(is_genuine("app-secret", &body, Some(&forged)), forged == genuine);
    }

    /// Arbitrary bytes are refused or read, never a panic.
    #[test]
    fn any_body_is_read_or_refused(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = events(&body);
    }
}

#[test]
fn a_profile_gives_a_name_or_nothing() {
    let url = profile_url("http://127.0.0.1:9/", "t&k", "9988776655");
    assert_eq!(
        url,
        format!(
            "http://127.0.0.1:9/{GRAPH_VERSION}/9988776655?fields=first_name,last_name&access_token=t%26k"
        )
    );
    assert_eq!(
        profile_name(200, br#"{"first_name":" Grace ","last_name":"Hopper","id":"1"}"#).as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(profile_name(200, br#"{"first_name":"Ada","id":"1"}"#).as_deref(), Some("Ada"));
    assert_eq!(profile_name(200, br#"{"first_name":"Ev\u0007il","last_name":""}"#).as_deref(), Some("Evil"));
    assert_eq!(profile_name(200, br#"{"id":"1"}"#), None);
    assert_eq!(profile_name(400, br#"{"first_name":"Grace"}"#), None);
    assert_eq!(profile_name(200, b"not json"), None);
    let long = format!(r#"{{"first_name":"{}"}}"#, "x".repeat(500));
    assert_eq!(profile_name(200, long.as_bytes()).map(|n| n.chars().count()), Some(100));
}
