//! A notice as answers show it.

use chrono::NaiveDate;
use serde::Serialize;

use super::store::NoticeRow;
use crate::types::rfc3339;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: i64,
    pub license_id: i64,
    /// expiry or takedown
    pub kind: String,
    pub recipient: String,
    /// 30d, 7d, 1d (the configured lead times), expired or takedown
    pub lead: String,
    pub expires_on: NaiveDate,
    /// pending, sent, failed, dead or suppressed
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub next_attempt_at: Option<String>,
    /// While a pass holds the notice (sending it): until when. A pass that died holds it until
    /// then; a single SQLite instance frees its own claims when it starts again.
    pub claimed_until: Option<String>,
    pub message_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&NoticeRow> for NoticeView {
    fn from(n: &NoticeRow) -> Self {
        NoticeView {
            id: n.id,
            license_id: n.license_id,
            kind: n.kind.clone(),
            recipient: n.recipient.clone(),
            lead: n.lead.clone(),
            expires_on: n.expires_on,
            status: n.status.clone(),
            attempts: n.attempts,
            last_error: n.last_error.clone(),
            sent_at: n.sent_at.as_ref().map(rfc3339),
            next_attempt_at: n.next_attempt_at.as_ref().map(rfc3339),
            claimed_until: n
                .lease_until
                .filter(|_| matches!(n.status.as_str(), "pending" | "failed"))
                .as_ref()
                .map(rfc3339),
            message_id: n.message_id.clone(),
            created_at: rfc3339(&n.created_at),
            updated_at: rfc3339(&n.updated_at),
        }
    }
}
