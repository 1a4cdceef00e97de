//! What agents type, and the FTS5 queries it becomes (checked against a real FTS5 index in
//! `tests/tests/e2e/search.rs`).

use proptest::prelude::*;

use super::*;

#[test]
fn order_and_phone_numbers_become_phrases_of_their_parts_or_glued() {
    assert_eq!(full_text_query("AB-1234").as_deref(), Some(r#"("AB 1234"* OR "AB1234"*)"#));
    assert_eq!(full_text_query("555-0142").as_deref(), Some(r#"("555 0142"* OR "5550142"*)"#));
    assert_eq!(
        full_text_query("ada@example.com").as_deref(),
        Some(r#"("ada example com"* OR "adaexamplecom"*)"#)
    );
}

#[test]
fn every_word_must_occur_and_punctuation_alone_is_nothing() {
    assert_eq!(full_text_query("lost  parcel").as_deref(), Some(r#""lost"* AND "parcel"*"#));
    assert_eq!(full_text_query("\"-- ; *"), None);
    assert_eq!(full_text_query("   "), None);
    assert_eq!(full_text_query("(555)").as_deref(), Some(r#""555"*"#));
}

#[test]
fn accents_are_kept_for_the_tokenizer_to_fold() {
    assert_eq!(full_text_query("Zürich").as_deref(), Some(r#""Zürich"*"#));
}

#[test]
fn cjk_is_indexed_and_searched_character_by_character() {
    assert_eq!(indexable_text("東京タワー"), " 東  京  タ  ワ  ー ");
    assert!(matches!(indexable_text("plain text"), Cow::Borrowed("plain text")));
}

#[test]
fn words_with_separators_are_also_indexed_glued() {
    assert_eq!(
        indexable_text("order AB-1234, call 555-0142."),
        "order AB-1234, call 555-0142. AB1234 5550142"
    );
    assert_eq!(indexable_text("a-b 東京"), "a-b  東  京  ab");
    assert_eq!(full_text_query("京タ").as_deref(), Some(r#""京 タ"*"#));
    assert_eq!(full_text_query("서울에서").as_deref(), Some(r#""서 울 에 서"*"#));
    assert_eq!(full_text_query("Tokyo東京").as_deref(), Some(r#""Tokyo 東 京"*"#));
}

proptest! {
    /// Whatever is typed, the query is well formed: quotes only around terms, and between
    /// them only letters, digits and spaces.
    #[test]
    fn any_typed_text_makes_a_well_formed_query_or_none(typed in "\\PC{0,40}") {
        if let Some(query) = full_text_query(&typed) {
            let inside: String = query
                .split('"')
                .skip(1)
                .step_by(2)
                .collect();
            prop_assert!(inside.chars().all(|c| c.is_alphanumeric() || c == ' '), "{query}");
            prop_assert_eq!(query.matches('"').count() % 2, 0);
        }
    }
}
