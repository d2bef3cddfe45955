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

/// Sets or clears `deleted_at` (and `updated_at`) of one row of `$table`, only where the row is
/// live (when deleting) or deleted (when restoring): the rows changed tell whether it happened.
#[macro_export]
macro_rules! set_deleted {
    ($conn:expr, $table:ident, $id:expr, $deleted_at:expr) => {{
        use diesel::prelude::*;
        let deleted_at: Option<chrono::NaiveDateTime> = $deleted_at;
        let changes = (
            $table::deleted_at.eq(deleted_at),
            $table::updated_at.eq($crate::types::now()),
        );
        let target = $table::table.find($id);
        match deleted_at {
            Some(_) => diesel::update(target.filter($table::deleted_at.is_null()))
                .set(changes)
                .execute($conn),
            None => diesel::update(target.filter($table::deleted_at.is_not_null()))
                .set(changes)
                .execute($conn),
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
