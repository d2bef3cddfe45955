//! What a notice pass is given: the settings from the configuration, and the flag that stops it.

use std::sync::atomic::{AtomicBool, Ordering};

/// What a pass needs from the configuration.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    pub leads: Vec<u32>,
    pub desk_email: Option<String>,
    pub mail_from: String,
    pub max_attempts: i32,
    pub lease: chrono::Duration,
    pub batch: i64,
    /// Where people reach rightsdesk (`RIGHTSDESK_PUBLIC_URL`), for the portal link in emails
    pub public_url: Option<String>,
}

impl NoticeSettings {
    /// The settings with the configured lead times and addresses; retries, lease and batch size
    /// at their defaults.
    pub fn new(leads: Vec<u32>, desk_email: Option<String>, mail_from: String) -> NoticeSettings {
        NoticeSettings {
            leads,
            desk_email,
            mail_from,
            max_attempts: 6,
            lease: chrono::Duration::minutes(5),
            batch: 500,
            public_url: None,
        }
    }

    /// The address emails link to (`https://rights.example.com`).
    pub fn with_public_url(mut self, url: Option<String>) -> NoticeSettings {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }
}

/// Raised at shutdown: a running pass stops between two emails.
#[derive(Debug, Clone, Default)]
pub struct Stopping(pub std::sync::Arc<AtomicBool>);

impl Stopping {
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
