//! Which encoding an imported file is in, and a reader that turns it into UTF-8 as it goes.
//!
//! Detection, in order: a byte-order mark; UTF-16 without one (many zero bytes in every
//! other position); valid UTF-8; otherwise a guess from the byte statistics (chardetng,
//! Firefox's detector for legacy encodings such as Windows-1252 or Shift_JIS).

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use std::io::{self, Read};

/// How much of a file detection looks at.
pub const SAMPLE_BYTES: usize = 1 << 20;

/// The encoding of a file that starts with `sample`; `complete` when the sample is the whole file.
pub fn detect(sample: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return encoding;
    }
    if let Some(encoding) = utf16_without_bom(sample) {
        return encoding;
    }
    if is_utf8(sample, complete) {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, complete);
    detector.guess(None, false)
}

/// Valid UTF-8, allowing a character cut off at the end of an incomplete sample.
fn is_utf8(sample: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none(),
    }
}

/// Text in UTF-16 without a BOM has a zero high byte for every ASCII character: when at
/// least half the code units of the start look like that, and the other half of the bytes
/// never is zero, it is UTF-16. Plain text with the odd NUL byte does not qualify.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let units = sample.len().min(4096) / 2;
    if units < 8 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in sample[..units * 2].chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 2 >= units && even_zero == 0 {
        Some(UTF_16LE)
    } else if even_zero * 2 >= units && odd_zero == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

const INPUT_CHUNK: usize = 64 * 1024;

/// Reads `inner` in `encoding` and yields UTF-8. A BOM is dropped; malformed sequences
/// become U+FFFD rather than errors, so one bad byte does not stop an import.
pub struct Utf8Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        let decoder = encoding.new_decoder_with_bom_removal();
        let out_len = decoder
            .max_utf8_buffer_length(INPUT_CHUNK)
            .unwrap_or(INPUT_CHUNK * 4);
        Self {
            inner,
            decoder,
            input: vec![0; INPUT_CHUNK],
            in_start: 0,
            in_end: 0,
            output: vec![0; out_len],
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }

    /// Decodes the next piece of input; leaves output behind unless the input is over.
    fn fill(&mut self) -> io::Result<()> {
        loop {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && result == CoderResult::InputEmpty && self.in_start == self.in_end {
                self.finished = true;
            }
            if written > 0 || self.finished {
                return Ok(());
            }
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_start == self.out_end {
            if self.finished {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: &'static Encoding) -> String {
        let mut out = String::new();
        Utf8Reader::new(bytes, encoding)
            .read_to_string(&mut out)
            .unwrap_or_default();
        out
    }

    #[test]
    fn boms_utf16_utf8_and_latin1_are_told_apart() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b", true), UTF_8);
        assert_eq!(detect(b"\xFF\xFEa\0", true), UTF_16LE);
        assert_eq!(detect(b"\xFE\xFF\0a", true), UTF_16BE);
        let le: Vec<u8> = "name,city\nAnn,Köln\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(detect(&le, true), UTF_16LE);
        let be: Vec<u8> = "name,city\nAnn,Köln\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(detect(&be, true), UTF_16BE);
        assert_eq!(detect("straße,café".as_bytes(), true), UTF_8);
        // A multi-byte character cut at the end of a partial sample is still UTF-8.
        assert_eq!(detect(&"café".as_bytes()[..4], false), UTF_8);
        let latin1 = b"name;city\nJos\xe9;K\xf6ln\nFran\xe7ois;Z\xfcrich\n";
        assert_ne!(detect(latin1, true), UTF_8);
        assert_eq!(
            decode(latin1, detect(latin1, true)).lines().nth(1),
            Some("José;Köln")
        );
        // A stray NUL in UTF-8 text is not UTF-16.
        assert_eq!(detect(b"a\0,b\nccccccccccccccccccc,d\n", true), UTF_8);
    }

    #[test]
    fn the_reader_transcodes_in_pieces_and_drops_the_bom() {
        let text = "é,ü\n".repeat(50_000);
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le, UTF_16LE), text);
        assert_eq!(decode(b"\xEF\xBB\xBFab", UTF_8), "ab");
        assert_eq!(decode(b"a\xFFb", UTF_8), "a\u{FFFD}b");
        assert_eq!(decode(b"", UTF_8), "");
    }
}
