//! Configuration: every setting is a clap flag that can also come from a `RIGHTSDESK_*`
//! variable. Values are parsed into their final types here, so a mistake stops start-up with a
//! message that names the setting.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;

use crate::db::DatabaseUrl;
use crate::reprints::verify::safety::AllowList;
use crate::types::Email;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database: sqlite://PATH or postgres://user@host/db [default: sqlite://DATA_DIR/rightsdesk.db]
    #[arg(long, global = true, env = "RIGHTSDESK_DATABASE_URL")]
    pub database_url: Option<DatabaseUrl>,

    /// Listen address for `serve`
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_BIND",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: SocketAddr,

    /// Folder for the SQLite file, generated secrets and the mail outbox
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_DATA_DIR",
        default_value = "data"
    )]
    pub data_dir: PathBuf,

    /// First admin, created when no user exists
    #[arg(long, global = true, env = "RIGHTSDESK_ADMIN_EMAIL")]
    pub admin_email: Option<Email>,

    /// Password of the first admin (otherwise one is generated and written to the data folder)
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_ADMIN_PASSWORD",
        hide_env_values = true
    )]
    pub admin_password: Option<SecretString>,

    /// Token signing key (at least 32 characters); generated once into the data folder if unset
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_JWT_SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<SecretString>,

    /// The previous signing key, still accepted for verification while tokens roll over
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_JWT_PREVIOUS_SECRET",
        hide_env_values = true
    )]
    pub jwt_previous_secret: Option<SecretString>,

    /// Lifetime of an access token, in seconds
    #[arg(long, global = true, env = "RIGHTSDESK_TOKEN_TTL_SECS", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(30..=86_400))]
    pub token_ttl_secs: u64,

    /// Lifetime of a refresh token (POST /v1/auth/refresh), in seconds: how long a person stays
    /// signed in without typing the password again
    #[arg(long, global = true, env = "RIGHTSDESK_REFRESH_TTL_SECS", default_value_t = 14 * 86_400,
          value_parser = clap::value_parser!(u64).range(60..=90 * 86_400))]
    pub refresh_ttl_secs: u64,

    /// SMTP server for notices (smtp://, smtps://); unset writes .eml files to DATA_DIR/outbox/
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<SecretString>,

    /// Sender address of notices
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_MAIL_FROM",
        default_value = "rightsdesk@localhost"
    )]
    pub mail_from: Email,

    /// Desk address that receives every notice digest
    #[arg(long, global = true, env = "RIGHTSDESK_DESK_EMAIL")]
    pub desk_email: Option<Email>,

    /// Notice lead times in days, e.g. 30,7,1
    #[arg(long, global = true, env = "RIGHTSDESK_NOTICE_LEADS", default_value = "30,7,1", value_parser = parse_leads)]
    pub notice_leads: LeadDays,

    /// How often `serve` runs a notice pass (e.g. 5m, 30s, 1h); 0 turns the worker off
    #[arg(long, global = true, env = "RIGHTSDESK_NOTIFY_INTERVAL", default_value = "5m", value_parser = parse_interval)]
    pub notify_interval: Duration,

    /// Connections in the database pool
    #[arg(long, global = true, env = "RIGHTSDESK_DB_POOL_SIZE", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub db_pool_size: u32,

    /// Memory for the rights check's coverage cache, in MiB (0 turns it off)
    #[arg(long, global = true, env = "RIGHTSDESK_COVERAGE_CACHE_MB", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(0..=65_536))]
    pub coverage_cache_mb: u64,

    /// Memory for the license list's remembered pages, in MiB (0 turns it off)
    #[arg(long, global = true, env = "RIGHTSDESK_LIST_CACHE_MB", default_value_t = 16,
          value_parser = clap::value_parser!(u64).range(0..=65_536))]
    pub list_cache_mb: u64,

    /// How long a request waits for a database connection before answering 503, in milliseconds
    #[arg(long, global = true, env = "RIGHTSDESK_DB_TIMEOUT_MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(50..=60_000))]
    pub db_timeout_ms: u64,

    /// argon2id memory cost in KiB
    #[arg(long, global = true, env = "RIGHTSDESK_ARGON2_MEMORY_KIB", default_value_t = 19_456,
          value_parser = clap::value_parser!(u32).range(1024..=4_194_304))]
    pub argon2_memory_kib: u32,

    /// argon2id iterations
    #[arg(long, global = true, env = "RIGHTSDESK_ARGON2_ITERATIONS", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub argon2_iterations: u32,

    /// argon2id parallelism
    #[arg(long, global = true, env = "RIGHTSDESK_ARGON2_PARALLELISM", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=16))]
    pub argon2_parallelism: u32,

    /// HTTP worker threads (0: one per core)
    #[arg(long, global = true, env = "RIGHTSDESK_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Failed logins for one account before it is locked out for a while
    #[arg(long, global = true, env = "RIGHTSDESK_LOGIN_MAX_FAILURES", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub login_max_failures: u32,

    /// How long a lock-out after repeated failed logins lasts, in seconds
    #[arg(long, global = true, env = "RIGHTSDESK_LOGIN_LOCKOUT_SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub login_lockout_secs: u64,

    /// Browser origins allowed by CORS, comma-separated (e.g. https://cms.partner.example); unset: CORS off
    #[arg(
        long,
        global = true,
        env = "RIGHTSDESK_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Where people reach rightsdesk, e.g. https://rights.example.com: emails link to the
    /// partner portal there; unset: emails name the page without a link
    #[arg(long, global = true, env = "RIGHTSDESK_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// Hosts or networks (e.g. 127.0.0.1,10.0.0.0/8,intranet.example) whose pages reprint
    /// verification may fetch although they are loopback or private; unset: public addresses only
    #[arg(long, global = true, env = "RIGHTSDESK_FETCH_ALLOW", default_value = "",
          value_parser = AllowList::parse, hide_default_value = true)]
    pub fetch_allow: AllowList,

    /// Log format: text or json
    #[arg(long, global = true, env = "RIGHTSDESK_LOG_FORMAT", default_value = "text",
          value_parser = ["text", "json"])]
    pub log_format: String,
}

/// Lead times in days, largest first, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadDays(pub Vec<u32>);

fn parse_leads(raw: &str) -> Result<LeadDays, String> {
    let mut days = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let day: u32 = part
            .parse()
            .map_err(|_| format!("'{part}' is not a whole number of days"))?;
        if day == 0 || day > 366 {
            return Err(format!("lead time {day} must be between 1 and 366 days"));
        }
        days.push(day);
    }
    if days.is_empty() {
        return Err("give at least one lead time, e.g. 30,7,1".into());
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(LeadDays(days))
}

fn parse_interval(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    if raw == "0" {
        return Ok(Duration::ZERO);
    }
    let split = raw
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("'{raw}' needs a unit: s, m or h (e.g. 5m)"))?;
    let (number, unit) = raw.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{raw}' is not a duration such as 30s, 5m or 1h"))?;
    let secs = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        _ => return Err(format!("unknown unit '{unit}' in '{raw}': use s, m or h")),
    };
    Ok(Duration::from_secs(secs))
}

impl Config {
    /// The database to use: the one configured, else the SQLite file in the data folder.
    pub fn database(&self) -> DatabaseUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl::Sqlite(self.data_dir.join("rightsdesk.db")))
    }

    /// The settings a test or a tool starts from: everything at its default.
    pub fn defaults() -> Config {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        let wrapper: Wrapper = clap::Parser::parse_from(["rightsdesk"]);
        wrapper.config
    }

    pub fn db_timeout(&self) -> Duration {
        Duration::from_millis(self.db_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_are_sorted_largest_first() {
        assert_eq!(parse_leads("1, 30,7,7").unwrap(), LeadDays(vec![30, 7, 1]));
        assert!(parse_leads("0").is_err());
        assert!(parse_leads("x").is_err());
        assert!(parse_leads("").is_err());
    }

    #[test]
    fn intervals_take_units() {
        assert_eq!(parse_interval("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_interval("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_interval("0").unwrap(), Duration::ZERO);
        assert!(parse_interval("5").is_err());
        assert!(parse_interval("5d").is_err());
    }
}
