//! File names: the stored name (`<32 random characters>_<sha256>.<extension>`, Baserow's
//! shape), the original name as shown to people, and the MIME type an extension implies.

use ring::rand::{SecureRandom, SystemRandom};

/// Characters of the random part; 62³² names cannot be guessed or enumerated.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const UNIQUE_LEN: usize = 32;
/// Original names are kept to this many characters (the middle is cut, so both the start
/// and the extension stay readable).
const MAX_ORIGINAL_CHARS: usize = 64;

/// A new stored name for content with this hash and extension.
pub fn generate(sha256_hex: &str, extension: &str) -> std::io::Result<String> {
    let rng = SystemRandom::new();
    let mut unique = String::with_capacity(UNIQUE_LEN);
    let mut buf = [0u8; 64];
    while unique.len() < UNIQUE_LEN {
        rng.fill(&mut buf)
            .map_err(|_| std::io::Error::other("the system's random source failed"))?;
        // Bytes of 248 and above are dropped so that every character is equally likely.
        for b in buf
            .iter()
            .filter(|b| **b < 248)
            .take(UNIQUE_LEN - unique.len())
        {
            unique.push(ALPHABET[(*b as usize) % ALPHABET.len()] as char);
        }
    }
    Ok(format!("{unique}_{sha256_hex}.{extension}"))
}

/// Whether `name` has the shape of a stored name: nothing else (paths, dots, other
/// folders) is ever looked up on disk.
pub fn is_valid(name: &str) -> bool {
    let Some((unique, rest)) = name.split_once('_') else {
        return false;
    };
    let Some((hash, extension)) = rest.split_once('.') else {
        return false;
    };
    unique.len() == UNIQUE_LEN
        && unique.bytes().all(|b| b.is_ascii_alphanumeric())
        && hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && is_extension(extension)
}

fn is_extension(extension: &str) -> bool {
    extension.len() <= 10
        && extension
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The extension of an original name, lower case; empty when it has none we can keep.
pub fn extension(original: &str) -> String {
    match original.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            if is_extension(&ext) {
                ext
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// The name to show: printable, at most 64 characters (cut in the middle), never empty.
pub fn clean_original(name: Option<&str>) -> String {
    let name: String = name
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    // Browsers send only the last part of a path, but other clients may not.
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() {
        return "file".into();
    }
    if chars.len() <= MAX_ORIGINAL_CHARS {
        return name.to_owned();
    }
    let keep = MAX_ORIGINAL_CHARS - 3;
    let head: String = chars[..keep.div_ceil(2)].iter().collect();
    let tail: String = chars[chars.len() - keep / 2..].iter().collect();
    format!("{head}...{tail}")
}

/// The MIME type of a file by its extension (content is checked only for images).
pub fn mime_type(extension: &str) -> &'static str {
    match extension {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "json" => "application/json",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        "ico" => "image/vnd.microsoft.icon",
        "tif" | "tiff" => "image/tiff",
        "heic" => "image/heic",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn generated_names_are_valid_and_differ() {
        let a = generate(HASH, "png").unwrap();
        let b = generate(HASH, "png").unwrap();
        assert_ne!(a, b);
        assert!(is_valid(&a), "{a}");
        assert!(a.ends_with(&format!("_{HASH}.png")));
        assert!(is_valid(&generate(HASH, "").unwrap()));
    }

    #[test]
    fn only_stored_name_shapes_are_valid() {
        let good = generate(HASH, "txt").unwrap();
        for bad in [
            "../etc/passwd".to_owned(),
            format!("../{good}"),
            format!("{good}/x"),
            good.replace(".txt", ".TXT"),
            good.replace('_', "-"),
            format!("a{good}"),
            good.replace(".txt", ".t/x"),
            String::new(),
        ] {
            assert!(!is_valid(&bad), "{bad}");
        }
    }

    #[test]
    fn extensions_and_original_names_are_cleaned() {
        assert_eq!(extension("Photo.JPG"), "jpg");
        assert_eq!(extension("archive.tar.gz"), "gz");
        assert_eq!(extension(".bashrc"), "");
        assert_eq!(extension("noext"), "");
        assert_eq!(extension("x.p h p"), "");
        assert_eq!(clean_original(Some("C:\\Users\\me\\a\u{0}b.txt")), "ab.txt");
        assert_eq!(clean_original(Some("  ")), "file");
        let long = format!("{}.txt", "x".repeat(100));
        let cut = clean_original(Some(&long));
        assert_eq!(cut.chars().count(), 64);
        assert!(cut.ends_with("x.txt") && cut.contains("..."));
        assert_eq!(mime_type("svg"), "image/svg+xml");
        assert_eq!(mime_type("exe"), "application/octet-stream");
    }
}
