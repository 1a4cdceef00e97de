use proptest::prelude::*;

use super::*;

fn site(name: &str) -> SiteId {
    SiteId::parse(name).unwrap()
}

#[test]
fn a_link_works_for_its_address_and_site_only() {
    let key = b"k".to_vec();
    let token = token(&key, &site("demo"), "Ada@Example.com");
    assert!(verify(&key, &site("demo"), "ada@example.com", &token));
    assert!(!verify(&key, &site("demo"), "bob@example.com", &token));
    assert!(!verify(&key, &site("other"), "ada@example.com", &token));
    assert!(!verify(b"another key", &site("demo"), "ada@example.com", &token));
}

#[test]
fn headers_offer_one_click() {
    let headers = headers("https://chat.example/", b"k", &site("demo"), "ada@example.com");
    assert!(headers[0]
        .1
        .starts_with("<https://chat.example/api/v1/email/demo/unsubscribe?address=ada%40example.com&token="));
    assert_eq!(headers[1].1, "List-Unsubscribe=One-Click");
}

proptest! {
    #[test]
    fn no_altered_token_passes(address in "[a-z]{1,8}@[a-z]{1,8}\\.com", flip in 0usize..32) {
        let key = b"k".to_vec();
        let mut token: Vec<u8> = token(&key, &site("demo"), &address).into_bytes();
        let at = flip % token.len();
        token[at] = if token[at] == b'a' { b'b' } else { b'a' };
        prop_assert!(!verify(&key, &site("demo"), &address, &String::from_utf8(token).unwrap()));
    }
}
