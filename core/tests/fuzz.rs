//! Fuzzing the decoders an attacker reaches, as part of every `cargo xtask test`: client
//! frames, REST bodies, flows, identity tokens, webhook signature headers and upload headers.
//!
//! Each target first replays its corpus (`tests/fuzz-corpus/<target>/`: seeds and every input
//! that once broke something — add a file there to keep a finding fixed), then runs random
//! inputs and mutations of the seeds (bit flips, cuts, splices, repeats). The property is the
//! promise "bad input gets a clear error": nothing panics, and nothing that fails to decode
//! is half-accepted; where a decoder accepts, what it made encodes and decodes to itself.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use switchboard_core::flow::Zones;
use switchboard_core::{attachments, identity, ingest, origin, site, token, webhook};
use switchboard_protocol::api::{agent_login, blocks, bot_webhook, canned_responses, create_session};
use switchboard_protocol::api::{api_keys, invite_accept, site_settings, sites};
use switchboard_protocol::contact::Identity;
use switchboard_protocol::ClientFrame;

/// Random inputs per target besides the corpus: enough to find shallow bugs on every run,
/// few enough to keep the test run short (about a second per target).
const CASES: u32 = 4_000;

/// The seeds and past findings of `target`.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files.iter().map(|path| std::fs::read(path).expect("a corpus file")).collect()
}

/// Inputs for `target`: its corpus, random bytes, random JSON-ish text, and mutated seeds.
fn inputs(target: &str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = corpus(target);
    let mutated = (
        proptest::sample::select(seeds.clone()),
        proptest::collection::vec((any::<u8>(), any::<u16>(), 0u8..6), 1..6),
    )
        .prop_map(|(seed, edits)| mutate(seed, &edits));
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..300),
        3 => "[\\[\\]{}\":,0-9a-z_. \\\\-]{0,200}".prop_map(String::into_bytes),
        5 => mutated,
    ]
}

/// Bytes and tokens that tend to break decoders (JSON's own punctuation, extreme numbers,
/// escapes), spliced in by [`mutate`].
const TOKENS: &[&str] = &[
    "0",
    "7",
    "-1",
    "1e309",
    "18446744073709551616",
    "null",
    "true",
    "\"\"",
    "{}",
    "[]",
    "\\u0000",
    "\\ud800",
    ":",
    ",",
    "\"",
    "{",
    "}",
    "[",
    "]",
    "é",
    "\u{202e}",
];

/// A seed with `edits` applied: flip bits of a byte, cut one, duplicate a slice, insert a
/// byte or a token, or truncate.
fn mutate(mut bytes: Vec<u8>, edits: &[(u8, u16, u8)]) -> Vec<u8> {
    for &(byte, at, kind) in edits {
        let at = if bytes.is_empty() { 0 } else { usize::from(at) % bytes.len() };
        match kind {
            0 if !bytes.is_empty() => bytes[at] ^= byte.max(1),
            1 if !bytes.is_empty() => {
                bytes.remove(at);
            }
            2 => {
                let slice: Vec<u8> = bytes[at..].iter().take(usize::from(byte) % 16 + 1).copied().collect();
                bytes.splice(at..at, slice);
            }
            3 => bytes.insert(at, byte),
            4 => {
                let token = TOKENS[usize::from(byte) % TOKENS.len()].as_bytes();
                // Replaces the byte there (or inserts at the end), as a typo or an attacker would.
                let end = (at + 1).min(bytes.len());
                bytes.splice(at..end, token.iter().copied());
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Runs `check` over the corpus, then over random inputs; a failure names the input.
fn fuzz(target: &str, check: impl Fn(&[u8])) {
    for seed in corpus(target) {
        check(&seed);
    }
    let config = Config { cases: CASES, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&inputs(target), |input| {
        check(&input);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{target}: {failure} — add the input to tests/fuzz-corpus/{target}/ once fixed");
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A zone database that knows one zone, enough for flows to be checked.
struct OneZone;

impl Zones for OneZone {
    fn offset_minutes(&self, zone: &str, _utc_ms: i64) -> Option<i32> {
        (zone == "Europe/Berlin").then_some(60)
    }
}

#[test]
fn client_frames_decode_or_are_refused_clearly_and_what_decodes_round_trips() {
    fuzz("client_frame", |bytes| {
        if let Ok(frame) = ingest::decode_client_frame(&text(bytes)) {
            let again = serde_json::to_string(&frame).expect("a decoded frame encodes");
            let decoded: ClientFrame = serde_json::from_str(&again).expect("and decodes again");
            assert_eq!(decoded, frame);
        }
    });
}

#[test]
fn rest_bodies_decode_or_are_refused_and_their_checks_never_panic() {
    fuzz("rest_body", |bytes| {
        let _ = serde_json::from_slice::<create_session::Request>(bytes);
        let _ = serde_json::from_slice::<agent_login::Request>(bytes);
        let _ = serde_json::from_slice::<invite_accept::Request>(bytes);
        let _ = serde_json::from_slice::<api_keys::CreateRequest>(bytes);
        let _ = serde_json::from_slice::<sites::CreateRequest>(bytes);
        if let Ok(request) = serde_json::from_slice::<blocks::CreateRequest>(bytes) {
            let visitor = switchboard_protocol::VisitorId::from_random([1; 16]);
            let _ = switchboard_core::blocks::BlockEntry::new("b".into(), visitor, None, &request, "Ada", 0);
        }
        if let Ok(entry) = serde_json::from_slice::<canned_responses::CannedResponse>(bytes) {
            let _ = switchboard_core::canned::validate(entry);
        }
        if let Ok(answer) = serde_json::from_slice::<bot_webhook::BotAnswer>(bytes) {
            let _ = switchboard_core::flow::events::check_answer(&answer);
        }
        if let Ok(patch) = serde_json::from_slice::<site_settings::Patch>(bytes) {
            let _ = switchboard_core::appearance::apply(site_config(), patch, &OneZone);
        }
    });
}

fn site_config() -> site::SiteConfig {
    let boot =
        site::Bootstrap::from_vars("demo", "Demo", "https://shop.example", "a@b.co", "", "pw", "", &OneZone);
    boot.expect("the test bootstrap").site
}

#[test]
fn flows_parse_or_are_refused_with_a_reason() {
    fuzz("flow", |bytes| {
        if let Ok(flow) = site::parse_flow(&text(bytes), &OneZone) {
            let again = serde_json::to_string(&flow).expect("a parsed flow encodes");
            assert!(site::parse_flow(&again, &OneZone).is_ok(), "{again}");
        }
    });
}

#[test]
fn identity_tokens_never_verify_without_the_secret() {
    fuzz("identity", |bytes| {
        let claim = Identity { token: Some(text(bytes)), ..Identity::default() };
        assert!(identity::verify(Some("the site's identity secret 0123456789"), &claim, 1_800_000_000_000)
            .is_err());
        let hash = Identity { user_id: "u".into(), user_hash: text(bytes), ..Identity::default() };
        let _ = identity::verify(Some("the site's identity secret 0123456789"), &hash, 0);
        let key = token::SigningKey::new(&[7; 32]).expect("a key");
        assert!(token::verify::<token::VisitorClaims>(&text(bytes), &key, 0).is_err());
    });
}

#[test]
fn webhook_signature_headers_never_verify_when_forged() {
    fuzz("signature", |bytes| {
        let header = text(bytes);
        assert!(webhook::verify(b"bot signing secret", &header, b"{}", 1_700_000_000_000).is_err());
    });
}

#[test]
fn upload_headers_and_names_are_checked_without_panicking() {
    fuzz("upload", |bytes| {
        let header = text(bytes);
        let _ = attachments::check(&header, bytes);
        let name = attachments::clean_name(&header);
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.chars().any(char::is_control),
            "{name:?}"
        );
        let _ = origin::Origin::parse(&header);
        let _ = origin::AllowedOrigins::parse(&[header.as_str()]);
        let fields = BTreeMap::from([("email".to_string(), header.clone())]);
        let _ = switchboard_core::prechat::check(&[], &fields);
    });
}
