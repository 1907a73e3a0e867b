//! The span each request is logged in (at DEBUG), with secrets in its URI redacted.
//!
//! Some secrets travel in URIs: the websocket's `?jwt_token=`, and the tokens of emailed
//! links (password reset, workspace invitations) as path segments. Logs are read by more
//! people, and kept longer, than the tokens are meant to be; so they never hold them.

use axum::http::{Request, Uri};
use tracing::Span;

/// What a secret is logged as.
const REDACTED: &str = "[redacted]";

/// Paths whose next segment is a token.
const TOKEN_PATHS: &[&str] = &[
    "/reset-password/",
    "/workspace-invitation/",
    "/api/workspaces/invitations/token/",
];

/// Whether a query parameter (its decoded, lower-cased name) carries a secret: any name
/// that speaks of one (`jwt_token`, `token`, `access_token`, `public_view_authorization`,
/// `password`…), so a parameter added later is covered too.
fn secret_param(name: &str) -> bool {
    ["token", "jwt", "password", "secret", "authorization", "key"]
        .iter()
        .any(|word| name.contains(word))
}

/// `uri` as logged: the segment after a token path, and the values of secret query
/// parameters, replaced by `[redacted]`; everything else as it came.
pub fn redacted_uri(uri: &Uri) -> String {
    let mut out = redacted_path(uri.path());
    if let Some(query) = uri.query() {
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if secret_param(&decoded_name(name)) => {
                    format!("{name}={REDACTED}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    out
}

fn decoded_name(name: &str) -> String {
    url::form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(k, _)| k.to_lowercase())
        .unwrap_or_default()
}

fn redacted_path(path: &str) -> String {
    for prefix in TOKEN_PATHS {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}{REDACTED}{tail}");
        }
    }
    path.to_owned()
}

/// The span of one request: as tower-http's default (`request`, at DEBUG, with method,
/// URI and version), but with the URI redacted.
pub fn make_span<B>(request: &Request<B>) -> Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        uri = %redacted_uri(request.uri()),
        version = ?request.version(),
    )
}

#[cfg(test)]
mod tests {
    use super::redacted_uri;

    fn redacted(uri: &str) -> String {
        redacted_uri(&uri.parse().unwrap())
    }

    #[test]
    fn tokens_in_query_strings_are_redacted() {
        assert_eq!(
            redacted("/ws/core/?jwt_token=eyJhbGciOi.abc.def"),
            "/ws/core/?jwt_token=[redacted]"
        );
        assert_eq!(
            redacted("/api/x/?page=2&token=s3cret&size=10"),
            "/api/x/?page=2&token=[redacted]&size=10"
        );
        assert_eq!(
            redacted(
                "/api/database/views/grid/abc/public/rows/?public_view_authorization=JWT%20x.y.z&search=bob"
            ),
            "/api/database/views/grid/abc/public/rows/?public_view_authorization=[redacted]&search=bob"
        );
        // Names are compared decoded and ignoring case.
        assert_eq!(
            redacted("/x?JWT%5Ftoken=a&Access_Token=b&password=c"),
            "/x?JWT%5Ftoken=[redacted]&Access_Token=[redacted]&password=[redacted]"
        );
        // Other parameters, and a query without secrets, stay as they came.
        assert_eq!(
            redacted("/api/database/rows/table/1/?search=token&filters=%7B%7D&flag"),
            "/api/database/rows/table/1/?search=token&filters=%7B%7D&flag"
        );
        assert_eq!(redacted("/api/x/"), "/api/x/");
    }

    #[test]
    fn tokens_in_paths_are_redacted() {
        assert_eq!(
            redacted("/reset-password/NDI6MA.1700000000.c2lnbmF0dXJl"),
            "/reset-password/[redacted]"
        );
        assert_eq!(
            redacted("/workspace-invitation/MTI.1700000000.sig/accept"),
            "/workspace-invitation/[redacted]/accept"
        );
        assert_eq!(
            redacted("/api/workspaces/invitations/token/MTI.1700000000.sig/?x=1"),
            "/api/workspaces/invitations/token/[redacted]/?x=1"
        );
        assert_eq!(redacted("/reset-password/"), "/reset-password/");
        assert_eq!(redacted("/forgot-password"), "/forgot-password");
        assert_eq!(
            redacted("/api/workspaces/invitations/1/"),
            "/api/workspaces/invitations/1/"
        );
    }
}
