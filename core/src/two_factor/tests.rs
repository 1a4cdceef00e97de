//! Two-factor sign-in as an authenticator app, an agent and an attacker would meet it.

use proptest::prelude::*;

use super::totp::dynamic_truncation;
use super::*;

/// RFC 6238 Appendix B's SHA-1 secret: ASCII "12345678901234567890".
const RFC_KEY: [u8; SECRET_BYTES] = *b"12345678901234567890";

fn rfc_secret() -> TotpSecret {
    TotpSecret::from_random(RFC_KEY)
}

/// An instant in the middle of a step, so that ±1 step stays well inside its neighbours.
const NOW_MS: i64 = 1_800_000_015_000;

fn secret() -> TotpSecret {
    TotpSecret::from_random(
        *b"\x3d\xc6\xca\xa4\x82\x4a\x6d\x28\x87\x67\xb2\x33\x1e\x20\xb4\x31\x66\xcb\x85\xd9",
    )
}

#[test]
fn rfc_6238_appendix_b_sha1_vectors() {
    // (T in seconds, the RFC's 8-digit code)
    let vectors = [
        (59, 94_287_082),
        (1_111_111_109, 7_081_804),
        (1_111_111_111, 14_050_471),
        (1_234_567_890, 89_005_924),
        (2_000_000_000, 69_279_037),
        (20_000_000_000, 65_353_130),
    ];
    for (seconds, eight_digits) in vectors {
        let step = seconds / 30;
        assert_eq!(dynamic_truncation(&RFC_KEY, step) % 100_000_000, eight_digits, "T = {seconds}");
        let six = format!("{:06}", eight_digits % 1_000_000);
        assert_eq!(rfc_secret().code_at(seconds * 1000), six, "T = {seconds}");
        assert_eq!(verify_code(&rfc_secret(), &six, seconds * 1000, None), Ok(step));
    }
    assert_eq!(rfc_secret().code_at(59_000), "287082");
    assert_eq!(rfc_secret().code_at(1_111_111_109_000), "081804");
    assert_eq!(rfc_secret().code_at(1_234_567_890_000), "005924");
    assert_eq!(rfc_secret().code_at(2_000_000_000_000), "279037");
}

#[test]
fn a_code_is_the_same_throughout_its_step() {
    let s = secret();
    let start = NOW_MS - NOW_MS.rem_euclid(STEP_MS);
    assert_eq!(s.code_at(start), s.code_at(start + STEP_MS - 1));
    assert_ne!(s.code_at(start), s.code_at(start + STEP_MS));
}

#[test]
fn one_step_of_drift_either_way_is_accepted_and_two_are_not() {
    let s = secret();
    let step = NOW_MS / STEP_MS;
    for (offset, expected) in [
        (-2, Err(TwoFactorError::WrongCode)),
        (-1, Ok(step - 1)),
        (0, Ok(step)),
        (1, Ok(step + 1)),
        (2, Err(TwoFactorError::WrongCode)),
    ] {
        let code = s.code_at(NOW_MS + offset * STEP_MS);
        assert_eq!(verify_code(&s, &code, NOW_MS, None), expected, "offset {offset}");
    }
}

#[test]
fn a_used_code_and_earlier_ones_are_refused_as_replays() {
    let s = secret();
    let code = s.code_at(NOW_MS);
    let used = verify_code(&s, &code, NOW_MS, None).unwrap();
    assert_eq!(verify_code(&s, &code, NOW_MS, Some(used)), Err(TwoFactorError::CodeAlreadyUsed));
    // Still a replay a step later, while the code is inside the drift window.
    assert_eq!(verify_code(&s, &code, NOW_MS + STEP_MS, Some(used)), Err(TwoFactorError::CodeAlreadyUsed));
    let previous = s.code_at(NOW_MS - STEP_MS);
    assert_eq!(verify_code(&s, &previous, NOW_MS, Some(used)), Err(TwoFactorError::CodeAlreadyUsed));
    // The next step's code is new.
    let next = s.code_at(NOW_MS + STEP_MS);
    assert_eq!(verify_code(&s, &next, NOW_MS + STEP_MS, Some(used)), Ok(used + 1));
    // A code accepted early (the app's clock runs fast) uses up the step it belongs to.
    assert_eq!(verify_code(&s, &next, NOW_MS, Some(used + 1)), Err(TwoFactorError::CodeAlreadyUsed));
}

#[test]
fn spaces_are_ignored_and_anything_but_six_digits_is_malformed() {
    let s = secret();
    let code = s.code_at(NOW_MS);
    let spaced = format!(" {} {} ", &code[..3], &code[3..]);
    assert!(verify_code(&s, &spaced, NOW_MS, None).is_ok());
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_ne!(wrong, s.code_at(NOW_MS - STEP_MS));
    assert_ne!(wrong, s.code_at(NOW_MS + STEP_MS));
    assert_eq!(verify_code(&s, &wrong, NOW_MS, None), Err(TwoFactorError::WrongCode));
    for bad in
        ["", "12345", "1234567", "12345a", "12-345", "１２３４５６", "123456\u{0}", &format!("{code}0")]
    {
        assert_eq!(verify_code(&s, bad, NOW_MS, None), Err(TwoFactorError::MalformedCode), "{bad:?}");
    }
}

#[test]
fn extreme_instants_give_codes_without_panicking() {
    let s = secret();
    for now in [i64::MIN, -1, 0, i64::MAX] {
        let code = s.code_at(now);
        assert_eq!(code.len(), 6);
        assert!(verify_code(&s, &code, now, None).is_ok());
        assert!(verify_code(&s, &code, now, Some(i64::MAX)).is_err());
    }
}

#[test]
fn the_secret_round_trips_through_base32() {
    let s = rfc_secret();
    assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_eq!(TotpSecret::from_base32(&s.to_base32()), Ok(s.clone()));
    assert_eq!(TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), Ok(s.clone()));
    assert_eq!(TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ===="), Ok(s));
    for bad in [
        "",
        "GEZDGNBVGY3TQOJQ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE",
        "é",
    ] {
        assert_eq!(TotpSecret::from_base32(bad), Err(TwoFactorError::MalformedSecret), "{bad}");
    }
    assert_eq!(format!("{:?}", secret()), "TotpSecret(..)");
}

#[test]
fn the_otpauth_uri_escapes_issuer_and_account() {
    let s = rfc_secret();
    assert_eq!(
        s.otpauth_uri("Switchboard", "ana@example.com"),
        "otpauth://totp/Switchboard:ana%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=Switchboard&algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(
        s.otpauth_uri("Acme & Co: Support", "Zoë O'Neil/ops?x=1#y"),
        "otpauth://totp/Acme%20%26%20Co%3A%20Support:Zo%C3%AB%20O%27Neil%2Fops%3Fx%3D1%23y\
         ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20%26%20Co%3A%20Support\
         &algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(
        s.otpauth_uri("", "ana"),
        "otpauth://totp/ana?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30"
    );
}

/// The documented stored form: SHA-256 of the code without dashes, in lower-case hex.
fn stored_form(code: &str) -> String {
    use sha2::Digest;
    crate::webhook::hex(&sha2::Sha256::digest(code.replace('-', "").as_bytes()))
}

fn random_bytes(seed: u8) -> [u8; RECOVERY_RANDOM_BYTES] {
    std::array::from_fn(|i| (i as u8).wrapping_mul(167).wrapping_add(seed).rotate_left(3))
}

#[test]
fn recovery_codes_look_right_and_are_stored_as_hashes() {
    let codes = RecoveryCodes::generate(random_bytes(7));
    assert_eq!(codes.shown.len(), RECOVERY_CODES);
    assert_eq!(codes.stored.len(), RECOVERY_CODES);
    for (shown, stored) in codes.shown.iter().zip(&codes.stored) {
        assert_eq!(shown.len(), 14, "{shown}");
        assert_eq!(shown.matches('-').count(), 2, "{shown}");
        assert!(shown.split('-').all(|group| group.len() == 4));
        assert!(shown.chars().all(|c| c == '-' || "0123456789abcdefghjkmnpqrstvwxyz".contains(c)));
        assert_eq!(stored, &stored_form(shown));
    }
    let mut distinct = codes.shown.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), RECOVERY_CODES);
    assert_ne!(RecoveryCodes::generate(random_bytes(8)).shown, codes.shown);
}

#[test]
fn each_recovery_code_works_once_after_the_caller_removes_it() {
    let RecoveryCodes { shown, mut stored } = RecoveryCodes::generate(random_bytes(1));
    for code in &shown {
        let i = redeem_recovery_code(&stored, code).expect(code);
        stored.remove(i);
        assert_eq!(redeem_recovery_code(&stored, code), None, "{code}");
    }
    assert!(stored.is_empty());
}

#[test]
fn recovery_codes_ignore_case_spaces_dashes_and_lookalikes() {
    let stored = vec!["x".repeat(64), stored_form("k7f39qxm2p8d"), "y".repeat(64)];
    for given in ["k7f3-9qxm-2p8d", "K7F3 9QXM 2P8D", " k7f39qxm2p8d ", "K7F3-9QXM-2P8D\n"] {
        assert_eq!(redeem_recovery_code(&stored, given), Some(1), "{given}");
    }
    let stored = vec![stored_form("10ab-cdef-gh1k")];
    assert_eq!(redeem_recovery_code(&stored, "lOab-cdef-ghIk"), Some(0));
    for bad in ["", "k7f3-9qxm-2p8", "k7f3-9qxm-2p8dd", "k7f3-9qxm-2p8u", "k7f3_9qxm_2p8d", "ｋ7f3-9qxm-2p8d"]
    {
        assert_eq!(redeem_recovery_code(&stored, bad), None, "{bad}");
    }
}

#[test]
fn the_policy_table() {
    use SecondStep as S;
    use TwoFactorPolicy as P;
    assert_eq!(P::default(), P::Off);
    assert_eq!(serde_json::to_string(&P::Everyone).unwrap(), "\"everyone\"");
    assert_eq!(serde_json::from_str::<P>("\"admins\"").unwrap(), P::Admins);
    assert!(serde_json::from_str::<P>("\"Admins\"").is_err());
    // (policy, is_admin, required, enrolled → , not enrolled →)
    let table = [
        (P::Off, false, false, S::Code, S::None),
        (P::Off, true, false, S::Code, S::None),
        (P::Admins, false, false, S::Code, S::None),
        (P::Admins, true, true, S::Code, S::Enrol),
        (P::Everyone, false, true, S::Code, S::Enrol),
        (P::Everyone, true, true, S::Code, S::Enrol),
    ];
    for (policy, is_admin, needed, enrolled, not_enrolled) in table {
        assert_eq!(required(policy, is_admin), needed, "{policy:?} {is_admin}");
        assert_eq!(after_password(true, policy, is_admin), enrolled, "{policy:?} {is_admin}");
        assert_eq!(after_password(false, policy, is_admin), not_enrolled, "{policy:?} {is_admin}");
    }
}

proptest! {
    /// Whatever is typed as a code, nothing panics, and only six digits (spaces aside) are
    /// ever anything but malformed.
    #[test]
    fn any_input_is_judged_without_panicking(
        given in prop_oneof![".{0,20}", "[0-9 ]{0,10}", "\\PC{0,200}"],
        now_ms in any::<i64>(),
        last in any::<Option<i64>>(),
    ) {
        let digits: String = given.chars().filter(|c| !c.is_whitespace()).collect();
        let result = verify_code(&secret(), &given, now_ms, last);
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            prop_assert_eq!(result, Err(TwoFactorError::MalformedCode));
        } else if let Ok(step) = result {
            prop_assert!((step - now_ms.div_euclid(STEP_MS)).abs() <= 1);
            prop_assert!(last.is_none_or(|last| step > last));
        }
        prop_assert!(TotpSecret::from_base32(&given).is_err() || given.len() >= 32);
        prop_assert_eq!(redeem_recovery_code(&[], &given), None);
    }

    /// Any secret round-trips through base32, and its code verifies at its own instant
    /// once, and not again.
    #[test]
    fn any_secret_round_trips_and_its_code_verifies_once(
        key in any::<[u8; SECRET_BYTES]>(),
        now_ms in 0i64..4_102_444_800_000,
    ) {
        let s = TotpSecret::from_random(key);
        prop_assert_eq!(TotpSecret::from_base32(&s.to_base32()), Ok(s.clone()));
        let code = s.code_at(now_ms);
        let step = verify_code(&s, &code, now_ms, None);
        prop_assert!(step.is_ok());
        // Refused as a replay, unless the next step's code happens to be the same (1 in 10^6).
        match verify_code(&s, &code, now_ms, step.ok()) {
            Err(TwoFactorError::CodeAlreadyUsed) => {}
            Ok(next) => prop_assert!(step == Ok(next - 1) && s.code_at(next * STEP_MS) == code),
            other => prop_assert!(false, "{other:?}"),
        }
    }

    /// Any random bytes give ten codes that each redeem, typed in any case or spacing.
    #[test]
    fn any_recovery_codes_redeem(random in prop::collection::vec(any::<u8>(), RECOVERY_RANDOM_BYTES)) {
        let random: [u8; RECOVERY_RANDOM_BYTES] = random.try_into().unwrap();
        let codes = RecoveryCodes::generate(random);
        for (i, code) in codes.shown.iter().enumerate() {
            prop_assert_eq!(redeem_recovery_code(&codes.stored, code), Some(i));
            let typed = code.to_uppercase().replace('-', " ");
            prop_assert_eq!(redeem_recovery_code(&codes.stored, &typed), Some(i));
        }
    }
}

#[test]
fn a_second_step_is_an_app_code_or_a_recovery_code_each_once() {
    let secret = TotpSecret::from_random([7; SECRET_BYTES]);
    let codes = RecoveryCodes::generate(std::array::from_fn(|i| (i * 7) as u8));
    let now = 1_000_000_000_000;
    let code = secret.code_at(now);
    let step = match check_second_step(&secret, &codes.stored, &code, now, None) {
        Ok(CodeUsed::Totp(step)) => step,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        check_second_step(&secret, &codes.stored, &code, now, Some(step)),
        Err(TwoFactorError::CodeAlreadyUsed)
    );
    let used = check_second_step(&secret, &codes.stored, &codes.shown[4], now, Some(step));
    assert_eq!(used, Ok(CodeUsed::Recovery(4)));
    assert_eq!(
        check_second_step(&secret, &codes.stored, "nonsense", now, None),
        Err(TwoFactorError::WrongCode)
    );
    assert_eq!(refusal(None).code, switchboard_protocol::ErrorCode::SecondFactorRequired);
    assert_eq!(refusal(Some(TwoFactorError::WrongCode)).code, switchboard_protocol::ErrorCode::Unauthorized);
}

#[test]
fn an_agent_cannot_turn_off_what_the_site_requires_of_them() {
    assert!(may_turn_off(TwoFactorPolicy::Off, true).is_ok());
    assert!(may_turn_off(TwoFactorPolicy::Admins, false).is_ok());
    assert_eq!(
        may_turn_off(TwoFactorPolicy::Admins, true).unwrap_err().code,
        switchboard_protocol::ErrorCode::Forbidden
    );
    assert!(may_turn_off(TwoFactorPolicy::Everyone, false).is_err());
}
