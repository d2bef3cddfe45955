//! Article writes that check other records, and deleting and restoring articles.

use super::store::{self, ArticleRow};
use super::{ArticleDraft, ArticleView};
use crate::audit::soft_delete::SoftDelete;
use crate::audit::Entity;
use crate::db::DbConnection;
use crate::http::problem::ApiError;

/// Checks what an article refers to: its source outlet exists; its external id is not taken.
pub fn check_references(
    conn: &mut DbConnection,
    draft: &ArticleDraft,
    except: Option<i64>,
) -> Result<(), ApiError> {
    if !crate::outlets::store::exists(conn, draft.source_outlet_id)? {
        return Err(ApiError::validation(
            "source_outlet_id",
            format!("there is no outlet {}", draft.source_outlet_id),
        ));
    }
    if let Some(original) = draft.original_outlet_id {
        if !crate::outlets::store::exists(conn, original)? {
            return Err(ApiError::validation(
                "original_outlet_id",
                format!("there is no outlet {original}"),
            ));
        }
    }
    if let Some(ext) = &draft.external_id {
        if let Some(existing) =
            store::find_duplicate(conn, draft.source_outlet_id, Some(ext), None, None, except)?
        {
            return Err(ApiError::Conflict(format!(
                "article {} of this source already has external_id '{ext}'",
                existing.id
            )));
        }
    }
    Ok(())
}

/// Articles are deleted softly; not while a live license names them, and restored only while
/// their source outlet exists and their external id is free.
pub struct Articles;

impl SoftDelete for Articles {
    const ENTITY: Entity = Entity::Article;
    type Row = ArticleRow;
    type View = ArticleView;

    crate::soft_delete_through_store!(crate::articles::store);

    fn guard_delete(conn: &mut DbConnection, row: &ArticleRow) -> Result<(), ApiError> {
        let licenses = store::license_count(conn, row.id)?;
        if licenses > 0 {
            return Err(ApiError::Conflict(format!(
                "article {} is still named by {licenses} license(s)",
                row.id
            )));
        }
        Ok(())
    }

    fn guard_restore(conn: &mut DbConnection, row: &ArticleRow) -> Result<(), ApiError> {
        check_references(conn, &row.draft(), Some(row.id))
    }
}
