//! Upload by URL: the server fetches the file itself, so the request goes through the
//! outbound guard (public addresses only, every redirect re-checked, names resolved once
//! and connected to as resolved) and is cut off at the size limit.

use super::{Uploader, UserFile, UserFileError, store};
use crate::{
    context::AppContext,
    platform::{outbound, throttle},
};
use std::time::Duration;

/// Fetches per user and minute: each one makes the server connect out.
const PER_MINUTE: throttle::Limit = throttle::Limit::per(30, Duration::from_secs(60));

pub async fn upload_via_url(
    ctx: &AppContext,
    user_id: i64,
    url: &str,
) -> Result<UserFile, UserFileError> {
    if url.contains('\0') || url.len() > 2000 {
        return Err(UserFileError::InvalidUrl("not a URL".into()));
    }
    let parsed = url::Url::parse(url).map_err(|e| UserFileError::InvalidUrl(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UserFileError::InvalidUrl(
            "only http and https are allowed".into(),
        ));
    }
    throttle::hit(ctx, "upload-via-url", &user_id.to_string(), PER_MINUTE).await?;
    let name = file_name(&parsed);
    let request = ctx
        .outbound
        .client()
        .get(parsed)
        .build()
        .map_err(|e| UserFileError::InvalidUrl(e.to_string()))?;
    let response = outbound::send(ctx.outbound.client(), ctx.outbound.policy(), request)
        .await
        .map_err(|e| UserFileError::Unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(UserFileError::Unreachable(format!(
            "the server answered {}",
            response.status()
        )));
    }
    let max = ctx.settings.user_files.max_bytes;
    if response.content_length().is_some_and(|n| n > max) {
        return Err(UserFileError::TooLarge(max / (1024 * 1024)));
    }
    // Chunks as they arrive: the body is never held whole in memory.
    let chunks = futures::stream::unfold(Some(response), |response| async move {
        let mut response = response?;
        match response.chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    });
    store::upload(
        ctx,
        Uploader::User(user_id),
        name.as_deref(),
        Box::pin(chunks),
    )
    .await
}

/// The last segment of the URL's path, as the file's name; `None` when there is none.
fn file_name(url: &url::Url) -> Option<String> {
    let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_decode(segment);
    (!decoded.trim().is_empty()).then_some(decoded)
}

/// `%xx` sequences to bytes, read as UTF-8 (invalid sequences replaced).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_last_path_segment() {
        let name = |u: &str| file_name(&url::Url::parse(u).unwrap());
        assert_eq!(
            name("https://x.org/a/b/photo.png?w=5").as_deref(),
            Some("photo.png")
        );
        assert_eq!(
            name("https://x.org/a/caf%C3%A9%20menu.pdf/").as_deref(),
            Some("café menu.pdf")
        );
        assert_eq!(name("https://x.org/"), None);
        assert_eq!(percent_decode("100%"), "100%");
    }
}
