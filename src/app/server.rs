//! Building the service: state, secrets, the first admin, and the one App used by `serve` and
//! by the tests.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

use super::config::Config;
use crate::audit::Actor;
use crate::auth::password::{self, HashParams};
use crate::auth::throttle::Throttle;
use crate::auth::token::TokenKeys;
use crate::auth::users::{create_user, parse_new_user};
use crate::db::Db;
use crate::http::problem as error;
use crate::licenses::pages::LicensePages;
use crate::notices::mailer::Mailer;
use crate::notices::pass::{run_pass, NoticeSettings, Stopping};
use crate::reprints::verify::{service::reverify_due, Fetcher};
use crate::rights::cache::CoverageCache;

/// The parts of the service, each registered on its own (`web::Data<Db>`, `web::Data<Mailer>`,
/// ...), so that a handler names only what it uses.
#[derive(Clone)]
pub struct Parts {
    pub db: web::Data<Db>,
    pub tokens: web::Data<TokenKeys>,
    pub hash_params: web::Data<HashParams>,
    pub throttle: web::Data<Throttle>,
    pub mailer: web::Data<Mailer>,
    pub notice_settings: web::Data<NoticeSettings>,
    pub stopping: web::Data<Stopping>,
    pub fetcher: web::Data<Fetcher>,
    pub coverage: web::Data<CoverageCache>,
    pub license_pages: web::Data<LicensePages>,
    pub config: Config,
}

/// Opens the database (creating the data folder and the SQLite file's folder), without
/// migrating: `rightsdesk migrate` wants to count what it applies.
pub fn open_db(config: &Config) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
    Db::connect(&config.database(), config.db_pool_size, config.db_timeout())
}

impl Parts {
    /// Connects, migrates, and loads or creates the secrets. Start-up work: it blocks.
    pub fn prepare(config: Config) -> anyhow::Result<Parts> {
        let db = open_db(&config)?;
        let applied = db.migrate()?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        Parts::with_db(config, db)
    }

    /// The parts around an open, migrated database.
    pub fn with_db(config: Config, db: Db) -> anyhow::Result<Parts> {
        let secret = signing_secret(&config)?;
        let tokens = TokenKeys::new(
            &secret,
            config.jwt_previous_secret.as_ref(),
            config.token_ttl_secs,
        )
        .with_refresh_ttl(config.refresh_ttl_secs);
        let hash_params = HashParams {
            memory_kib: config.argon2_memory_kib,
            iterations: config.argon2_iterations,
            parallelism: config.argon2_parallelism,
        };
        let mailer = Mailer::new(config.smtp_url.as_ref(), &config.data_dir)?;
        let notice_settings = NoticeSettings::new(
            config.notice_leads.0.clone(),
            config.desk_email.as_ref().map(|e| e.as_str().to_string()),
            config.mail_from.as_str().to_string(),
        )
        .with_public_url(config.public_url.as_ref().map(|u| u.as_str().to_string()));
        Ok(Parts {
            db: web::Data::new(db),
            tokens: web::Data::new(tokens),
            hash_params: web::Data::new(hash_params),
            mailer: web::Data::new(mailer),
            notice_settings: web::Data::new(notice_settings),
            stopping: web::Data::new(Stopping::default()),
            fetcher: web::Data::new(Fetcher::new(config.fetch_allow.clone())),
            coverage: web::Data::new(CoverageCache::new(
                config.coverage_cache_mb.saturating_mul(1 << 20),
            )),
            license_pages: web::Data::new(LicensePages::new(
                config.list_cache_mb.saturating_mul(1 << 20),
            )),
            throttle: web::Data::new(Throttle::new(
                config.login_max_failures,
                Duration::from_secs(15 * 60),
                Duration::from_secs(config.login_lockout_secs),
            )),
            config,
        })
    }
}

/// The configured signing key, or the one kept in the data folder (generated on first start).
fn signing_secret(config: &Config) -> anyhow::Result<SecretString> {
    if let Some(secret) = &config.jwt_secret {
        anyhow::ensure!(
            secret.expose_secret().len() >= 32,
            "RIGHTSDESK_JWT_SECRET must have at least 32 characters"
        );
        return Ok(secret.clone());
    }
    let path = config.data_dir.join("jwt-secret");
    if path.exists() {
        let stored = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let stored = stored.trim().to_string();
        anyhow::ensure!(
            stored.len() >= 32,
            "{} is too short to be a signing key",
            path.display()
        );
        return Ok(SecretString::from(stored));
    }
    let mut bytes = [0u8; 48];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let generated = hex::encode(bytes);
    write_private(&path, &generated)?;
    tracing::info!(path = %path.display(), "generated a token signing key");
    Ok(SecretString::from(generated))
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(content.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// When no user exists, creates the first admin: from the configured email and password, or
/// with a generated password printed once and kept in a 0600 file. Answers what to tell the
/// person at the console.
pub fn ensure_first_admin(parts: &Parts) -> anyhow::Result<Option<String>> {
    let mut conn = parts.db.get()?;
    if crate::auth::store::count_users(&mut conn)? > 0 {
        return Ok(None);
    }
    let email = parts
        .config
        .admin_email
        .as_ref()
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|| "admin@localhost".to_string());
    let (password, generated) = match &parts.config.admin_password {
        Some(p) => (p.clone(), false),
        None => (SecretString::from(password::generate()), true),
    };
    let draft = parse_new_user(&email, password.clone(), "admin", None)
        .map_err(|e| anyhow::anyhow!("the first admin cannot be created: {e}: {}", describe(&e)))?;
    let hash = password::hash(password.expose_secret(), **parts.hash_params)?;
    create_user(&mut conn, &draft, &hash, &Actor::system("bootstrap"))
        .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
    if generated {
        let path = parts.config.data_dir.join("initial-admin-password");
        write_private(&path, &format!("{}\n", password.expose_secret()))?;
        Ok(Some(format!(
            "Created the first admin.\n  email:    {email}\n  password: {}\n(also in {}, readable only by you; change it after logging in)",
            password.expose_secret(),
            path.display()
        )))
    } else {
        Ok(Some(format!(
            "Created the first admin {email} with the password from RIGHTSDESK_ADMIN_PASSWORD."
        )))
    }
}

fn describe(err: &error::ApiError) -> String {
    match err {
        error::ApiError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// On SQLite one instance serves the database, so at its start no pass can be running: a notice
/// still claimed was claimed by this service before it died, and is freed now instead of
/// waiting out its lease. On PostgreSQL other instances may be sending; leases run out.
fn release_own_claims(db: &Db) -> anyhow::Result<()> {
    if db.backend() != crate::db::Backend::Sqlite {
        return Ok(());
    }
    let mut conn = db.get()?;
    let released = crate::notices::store::release_claims(&mut conn)?;
    if released > 0 {
        tracing::info!(
            released,
            "freed notices claimed by a run that stopped without finishing"
        );
    }
    Ok(())
}

/// The running service.
pub struct Application {
    port: u16,
    server: Server,
    parts: Parts,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Prepares the state, creates the first admin if needed, and binds the listener (port 0
    /// picks a free port; [`Application::port`] tells which).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let bind = config.bind;
        let workers = config.workers;
        let prepared = web::block(move || -> anyhow::Result<(Parts, Option<String>)> {
            let parts = Parts::prepare(config)?;
            release_own_claims(&parts.db)?;
            let message = ensure_first_admin(&parts)?;
            Ok((parts, message))
        })
        .await
        .map_err(|e| anyhow::anyhow!("start-up task failed: {e}"))??;
        let (parts, message) = prepared;
        // Other instances' writes reach this one's coverage cache (PostgreSQL).
        parts.db.hear_other_instances();
        if let Some(message) = message {
            println!("{message}");
        }
        let listener = TcpListener::bind(bind).with_context(|| format!("binding {bind}"))?;
        let port = listener.local_addr()?.port();
        let server = run(listener, parts.clone(), workers)?;
        let interval = parts.config.notify_interval;
        let worker = if interval.is_zero() {
            tracing::info!("notice worker off (RIGHTSDESK_NOTIFY_INTERVAL is 0): run `rightsdesk notify` from cron");
            None
        } else {
            tracing::info!(every = ?interval, mail = %parts.mailer.describe(), "notice worker started");
            Some(tokio::spawn(notice_worker(parts.clone(), interval)))
        };
        Ok(Application {
            port,
            server,
            parts,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The parts the App serves with (tests reach the database through it).
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// Serves until the server stops (SIGTERM, SIGINT: in-flight requests finish), then stops the
    /// notice worker between two emails and waits for it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.parts.stopping.raise();
        if let Some(worker) = self.worker {
            let _ = worker.await;
        }
        served
    }
}

/// Runs a notice pass at start and then every `interval`, until the service stops.
async fn notice_worker(parts: Parts, interval: Duration) {
    let mut first = true;
    while !parts.stopping.is_raised() {
        let wait = if first {
            Duration::from_secs(1)
        } else {
            interval
        };
        first = false;
        let mut waited = Duration::ZERO;
        while waited < wait && !parts.stopping.is_raised() {
            let step = Duration::from_millis(250).min(wait - waited);
            tokio::time::sleep(step).await;
            waited += step;
        }
        if parts.stopping.is_raised() {
            break;
        }
        let today = crate::types::today();
        match run_pass(
            &parts.db,
            &parts.mailer,
            &parts.notice_settings,
            today,
            false,
            &parts.stopping,
        )
        .await
        {
            Ok(report)
                if report.planned
                    + report.sent
                    + report.failed
                    + report.dead
                    + report.suppressed
                    > 0 =>
            {
                tracing::info!(
                    planned = report.planned,
                    sent = report.sent,
                    failed = report.failed,
                    dead = report.dead,
                    suppressed = report.suppressed,
                    "notice pass"
                )
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "notice pass failed; the next one retries"),
        }
        // Reprint pages due for a check (monthly, after a license end or revocation); a page
        // still online after its rights ended is picked up by the next notice pass.
        match reverify_due(&parts.db, &parts.fetcher, today, 50).await {
            Ok(0) => {}
            Ok(checked) => tracing::info!(checked, "reprint pages checked"),
            Err(err) => {
                tracing::warn!(error = %err, "reprint checks failed; the next pass retries")
            }
        }
    }
}

/// The HTTP server over the one App definition.
pub fn run(listener: TcpListener, parts: Parts, workers: usize) -> anyhow::Result<Server> {
    // Install the metrics recorder before the first request, so that no count is lost.
    super::metrics::handle();
    let mut server = HttpServer::new(move || {
        let cors_origins = parts.config.cors_origins.clone();
        App::new()
            .app_data(parts.db.clone())
            .app_data(parts.tokens.clone())
            .app_data(parts.hash_params.clone())
            .app_data(parts.throttle.clone())
            .app_data(parts.mailer.clone())
            .app_data(parts.notice_settings.clone())
            .app_data(parts.stopping.clone())
            .app_data(parts.fetcher.clone())
            .app_data(parts.coverage.clone())
            .app_data(parts.license_pages.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(super::routes::JSON_LIMIT)
                    .error_handler(error::json_error),
            )
            .app_data(web::PayloadConfig::default().limit(super::routes::JSON_LIMIT))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .wrap(ErrorHandlers::new().default_handler(error::ensure_problem))
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "no-referrer"))
                    .add(("Cache-Control", "no-store")),
            )
            .wrap(actix_web::middleware::from_fn(
                super::query_check::refuse_unknown_parameters,
            ))
            .wrap(actix_web::middleware::from_fn(
                super::telemetry::limit_query,
            ))
            .wrap(actix_web::middleware::Condition::new(
                !cors_origins.is_empty(),
                cors(&cors_origins),
            ))
            .wrap(actix_web::middleware::from_fn(
                super::metrics::record_request,
            ))
            .wrap(actix_web::middleware::from_fn(
                super::telemetry::request_id_header,
            ))
            .wrap(tracing_actix_web::TracingLogger::default())
            .wrap(actix_web::middleware::from_fn(
                crate::calendar::key_from_query,
            ))
            .configure(super::routes::configure)
            .default_service(web::to(super::routes::not_found))
    })
    .shutdown_timeout(30)
    .listen(listener)
    .context("listening")?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// CORS for browser clients, from `RIGHTSDESK_CORS_ORIGINS` (`*` allows any origin).
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers(["ETag", "Location", "X-Request-Id", "Retry-After"])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin.trim())
        };
    }
    cors
}
