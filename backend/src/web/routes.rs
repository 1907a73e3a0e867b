//! A route table that remembers its path patterns (axum's router cannot be asked).

use super::state::AppState;
use axum::{Router, routing::MethodRouter};

pub struct RouteTable {
    router: Router<AppState>,
    patterns: Vec<&'static str>,
}

impl RouteTable {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            patterns: Vec::new(),
        }
    }

    pub fn route(mut self, path: &'static str, method_router: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, method_router);
        self.patterns.push(path);
        self
    }

    pub fn patterns(&self) -> Vec<&'static str> {
        self.patterns.clone()
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Whether a concrete path matches a pattern like `/api/workspaces/{id}/`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut s = path.split('/');
    loop {
        match (p.next(), s.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.starts_with('{') && !b.is_empty() => continue,
            (Some(a), Some(b)) if a == b => continue,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns_match_segment_by_segment() {
        assert!(matches("/api/workspaces/{id}/", "/api/workspaces/12/"));
        assert!(!matches("/api/workspaces/{id}/", "/api/workspaces/12"));
        assert!(!matches("/api/workspaces/{id}/", "/api/workspaces//"));
        assert!(matches("/api/settings/", "/api/settings/"));
        assert!(!matches("/api/settings/", "/api/settings/x/"));
    }
}
