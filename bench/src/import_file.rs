//! The file the import benchmarks upload: a CSV of short words and numbers, the
//! multipart body that carries it to `/api/database/import/upload/`, and the job that
//! imports it into a new table.

use crate::server::{Api, id_of};
use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};
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

/// Uploads a [`multipart`] body; the `upload_id` a `file_import` job takes.
pub async fn upload(api: &Api, body: Vec<u8>) -> anyhow::Result<Value> {
    let uploaded = api
        .post_bytes(
            "/api/database/import/upload/",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
        )
        .await?;
    let upload_id = uploaded["upload_id"].clone();
    anyhow::ensure!(
        !upload_id.is_null(),
        "the upload returned no upload_id: {uploaded}"
    );
    Ok(upload_id)
}

/// Starts a `file_import` job of the upload `upload_id` into a new table "Imported" of
/// the database `database_id`, the file's first row its header; the path to poll the job at.
pub async fn start_import(
    api: &Api,
    upload_id: &Value,
    database_id: i64,
) -> anyhow::Result<String> {
    let job = api
        .call(
            Method::POST,
            "/api/jobs/",
            Some(&json!({"type": "file_import", "upload_id": upload_id,
                "database_id": database_id, "name": "Imported", "first_row_header": true})),
        )
        .await
        .context("starting the file import")?;
    Ok(format!("/api/jobs/{}/", id_of(&job)?))
}
