//! Text encodings of exported files: UTF-8, UTF-16 and the legacy single- and multi-byte
//! charsets encoding_rs knows (latin-1/windows-1252 and the rest of Baserow's list).

use encoding_rs::{EncoderResult, Encoding};

/// The encoding a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// Little-endian with a byte order mark, as Python's `utf-16` writes it. encoding_rs only
    /// decodes UTF-16 (its encoders emit UTF-8 there), so this one is encoded by hand.
    Utf16,
    Legacy(&'static Encoding),
}

impl Charset {
    /// Parses a charset label (`utf-8`, `utf-16`, `latin-1`, `windows-1252`, `shift_jis`, …).
    pub fn parse(label: &str) -> Option<Self> {
        let label = label.trim().to_ascii_lowercase();
        match label.as_str() {
            "utf-8" | "utf8" => Some(Self::Utf8),
            "utf-16" | "utf16" | "utf-16le" => Some(Self::Utf16),
            // Python's names for ISO-8859-1; the web's label for it means windows-1252, a
            // superset that also covers the C1 range with printable characters.
            "latin-1" | "latin1" | "iso-8859-1" => Some(Self::Legacy(encoding_rs::WINDOWS_1252)),
            _ => {
                let encoding = Encoding::for_label(label.as_bytes())?;
                if encoding == encoding_rs::UTF_8 {
                    Some(Self::Utf8)
                } else if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                    // Big-endian output is not offered; little-endian with a BOM reads everywhere.
                    Some(Self::Utf16)
                } else if encoding == encoding_rs::REPLACEMENT {
                    None
                } else {
                    Some(Self::Legacy(encoding))
                }
            }
        }
    }

    /// The name written into XML declarations and `Content-Type` headers.
    pub fn name(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf16 => "utf-16",
            Self::Legacy(e) => e.name(),
        }
    }

    /// What a file in this charset starts with: a byte order mark for UTF-16 (UTF-8's is
    /// left to the format: CSV writes one, as Baserow does).
    pub fn preamble(self) -> &'static [u8] {
        match self {
            Self::Utf16 => &[0xFF, 0xFE],
            _ => &[],
        }
    }

    /// Appends `text` encoded; characters the charset cannot represent become `?`.
    pub fn encode_into(self, text: &str, out: &mut Vec<u8>) {
        match self {
            Self::Utf8 => out.extend_from_slice(text.as_bytes()),
            Self::Utf16 => {
                for unit in text.encode_utf16() {
                    out.extend_from_slice(&unit.to_le_bytes());
                }
            }
            Self::Legacy(encoding) => {
                let mut encoder = encoding.new_encoder();
                let mut rest = text;
                let mut buf = [0u8; 1024];
                loop {
                    let (result, read, written) =
                        encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
                    out.extend_from_slice(&buf[..written]);
                    rest = &rest[read..];
                    match result {
                        EncoderResult::InputEmpty => break,
                        EncoderResult::OutputFull => {}
                        EncoderResult::Unmappable(_) => out.push(b'?'),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(charset: &str, text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        Charset::parse(charset).unwrap().encode_into(text, &mut out);
        out
    }

    #[test]
    fn labels_resolve_to_charsets() {
        assert_eq!(Charset::parse("UTF-8"), Some(Charset::Utf8));
        assert_eq!(Charset::parse("utf-16"), Some(Charset::Utf16));
        assert_eq!(
            Charset::parse("latin-1"),
            Some(Charset::Legacy(encoding_rs::WINDOWS_1252))
        );
        assert_eq!(
            Charset::parse("windows-1252").unwrap().name(),
            "windows-1252"
        );
        assert!(Charset::parse("shift_jis").is_some());
        assert_eq!(Charset::parse("klingon"), None);
        assert_eq!(Charset::parse("replacement"), None);
    }

    #[test]
    fn text_is_encoded_and_unmappable_characters_become_question_marks() {
        assert_eq!(encode("utf-8", "é"), "é".as_bytes());
        assert_eq!(encode("utf-16", "aé"), vec![0x61, 0, 0xE9, 0]);
        assert_eq!(encode("latin-1", "é€"), vec![0xE9, 0x80]);
        assert_eq!(encode("latin-1", "a✓b"), b"a?b".to_vec());
        let long = "✓".repeat(2000);
        assert_eq!(encode("latin-1", &long), vec![b'?'; 2000]);
    }
}
