//! SQL helpers that read the same on both backends.

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends (for case-insensitive searches).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A LIKE pattern matching `text` anywhere, lower-cased (compare it with `lower(column)`), with
/// LIKE's wildcards escaped (escape char `\`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
