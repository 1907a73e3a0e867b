//! The file the import benchmarks upload: a CSV of short words and numbers, and the
//! multipart body that carries it to `/api/database/import/upload/`.

use std::fmt::Write as _;

/// Rows of short words and numbers, about 8 bytes a cell, like a typical export; a header
/// `Column 1`, `Column 2`, … first.
pub fn csv(rows: usize, columns: usize) -> Vec<u8> {
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
    ];
    let mut out = String::with_capacity(rows * columns * 9);
    let header: Vec<String> = (1..=columns).map(|c| format!("Column {c}")).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for r in 0..rows {
        for c in 0..columns {
            if c > 0 {
                out.push(',');
            }
            let _ = write!(out, "{} {}", words[(r + c) % words.len()], r % 997);
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// The boundary of [`multipart`]'s body.
pub const BOUNDARY: &str = "tessera-bench-import";

/// A `multipart/form-data` body (boundary [`BOUNDARY`]) with `file` as its one file part.
pub fn multipart(file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}
