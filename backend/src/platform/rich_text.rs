//! Rich text, as comments and their notifications carry it: Baserow's ProseMirror schema
//! (a `doc` of `paragraph`s holding `text`, `hardBreak` and `mention` nodes, no marks),
//! kept with the platform as Baserow keeps it in its core. Checked strictly, so what is stored
//! renders the same everywhere; the mentioned user ids and a plain-text form are read off it.

use serde_json::Value;

/// The largest message accepted, as compact JSON.
pub const MAX_BYTES: usize = 64 * 1024;

const INVALID: &str = "The message must be a valid ProseMirror JSON document.";

/// Why a message was refused (the detail shown under `message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

/// Checks a message; `Ok` means it may be stored as it is.
pub fn validate(message: &Value) -> Result<(), Invalid> {
    if message.to_string().len() > MAX_BYTES {
        return Err(Invalid("The message is too long."));
    }
    let doc = message.as_object().ok_or(Invalid(INVALID))?;
    if doc.get("type").and_then(Value::as_str) != Some("doc") {
        return Err(Invalid(INVALID));
    }
    let blocks = doc
        .get("content")
        .and_then(Value::as_array)
        .filter(|b| !b.is_empty())
        .ok_or(Invalid(INVALID))?;
    for block in blocks {
        let block = block.as_object().ok_or(Invalid(INVALID))?;
        if block.get("type").and_then(Value::as_str) != Some("paragraph") {
            return Err(Invalid(INVALID));
        }
        match block.get("content") {
            None | Some(Value::Null) => {}
            Some(Value::Array(inline)) => {
                for node in inline {
                    inline_node(node)?;
                }
            }
            Some(_) => return Err(Invalid(INVALID)),
        }
    }
    if plain_text(message).trim().is_empty() {
        return Err(Invalid("The message cannot be empty."));
    }
    Ok(())
}

fn inline_node(node: &Value) -> Result<(), Invalid> {
    let node = node.as_object().ok_or(Invalid(INVALID))?;
    // The schema has no marks: bold and the like are not part of a comment.
    if node.get("marks").is_some_and(|m| !m.is_null()) {
        return Err(Invalid(INVALID));
    }
    match node.get("type").and_then(Value::as_str) {
        Some("text") => match node.get("text").and_then(Value::as_str) {
            Some(t) if t.contains('\0') => Err(Invalid("Null characters are not allowed.")),
            Some(t) if !t.is_empty() => Ok(()),
            _ => Err(Invalid(INVALID)),
        },
        Some("hardBreak") => Ok(()),
        Some("mention") => {
            let attrs = node
                .get("attrs")
                .and_then(Value::as_object)
                .ok_or(Invalid(INVALID))?;
            attrs
                .get("id")
                .and_then(Value::as_i64)
                .ok_or(Invalid(INVALID))?;
            match attrs.get("label") {
                None | Some(Value::Null) => Ok(()),
                Some(Value::String(l)) if l.contains('\0') => {
                    Err(Invalid("Null characters are not allowed."))
                }
                Some(Value::String(_)) => Ok(()),
                Some(_) => Err(Invalid(INVALID)),
            }
        }
        _ => Err(Invalid(INVALID)),
    }
}

fn inline_nodes(message: &Value) -> impl Iterator<Item = &Value> {
    message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|block| block.get("content").and_then(Value::as_array))
        .flatten()
}

/// The ids of the users a (valid) message mentions, each once, in order.
pub fn mentioned_user_ids(message: &Value) -> Vec<i64> {
    let mut ids = Vec::new();
    for node in inline_nodes(message) {
        if node.get("type").and_then(Value::as_str) == Some("mention")
            && let Some(id) = node.pointer("/attrs/id").and_then(Value::as_i64)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The message as plain text (mentions as `@Label`, paragraphs on their own lines), for
/// emails.
pub fn plain_text(message: &Value) -> String {
    let paragraphs: Vec<String> = message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|block| {
            block
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|node| match node.get("type").and_then(Value::as_str) {
                    Some("text") => node
                        .get("text")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    Some("hardBreak") => "\n".to_owned(),
                    Some("mention") => format!(
                        "@{}",
                        node.pointer("/attrs/label")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                    ),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    paragraphs.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(inline: Value) -> Value {
        json!({"type": "doc", "content": [{"type": "paragraph", "content": inline}]})
    }

    #[test]
    fn a_paragraph_with_text_and_mentions_is_valid_and_yields_its_mentions() {
        let m = doc(json!([
            {"type": "text", "text": "hi "},
            {"type": "mention", "attrs": {"id": 7, "label": "Bob"}},
            {"type": "hardBreak"},
            {"type": "mention", "attrs": {"id": 7, "label": "Bob"}},
            {"type": "mention", "attrs": {"id": 3, "label": "Ann"}}
        ]));
        assert_eq!(validate(&m), Ok(()));
        assert_eq!(mentioned_user_ids(&m), vec![7, 3]);
        assert_eq!(plain_text(&m), "hi @Bob\n@Bob@Ann");
    }

    #[test]
    fn malformed_empty_marked_oversized_and_nul_messages_are_refused() {
        for bad in [
            json!("hi"),
            json!({"type": "doc", "content": []}),
            json!({"type": "doc", "content": [{"type": "heading", "content": []}]}),
            doc(json!([{"type": "text", "text": ""}])),
            doc(json!([{"type": "text", "text": "x", "marks": [{"type": "bold"}]}])),
            doc(json!([{"type": "mention", "attrs": {"id": "7"}}])),
            doc(json!([{"type": "image"}])),
            doc(json!([{"type": "text", "text": "a\u{0}b"}])),
            doc(json!([{"type": "text", "text": "x".repeat(MAX_BYTES)}])),
            json!({"type": "doc", "content": [{"type": "paragraph"}]}),
        ] {
            assert!(validate(&bad).is_err(), "{bad}");
        }
    }
}
