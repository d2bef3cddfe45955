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

use crate::audit::Actor;
use crate::auth::password::{self, HashParams};
use crate::auth::routes::{create_user, parse_new_user};
use crate::auth::throttle::Throttle;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::db::Db;
use crate::error;
use crate::notices::mailer::Mailer;
use crate::notices::pass::{run_pass, NoticeSettings};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What every handler shares.
pub struct AppState {
    pub db: Db,
    pub tokens: TokenKeys,
    pub hash_params: HashParams,
    pub throttle: Throttle,
    pub mailer: Mailer,
    pub notice_settings: NoticeSettings,
    /// Raised at shutdown: the notice worker stops between emails.
    pub stopping: Arc<AtomicBool>,
    pub config: Config,
}

/// JSON bodies above this answer 413.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// Article text for ingest may be larger: up to 5 MiB of JSON.
pub const INGEST_LIMIT: usize = 5 * 1024 * 1024;

impl AppState {
    /// Connects, migrates, and loads or creates the secrets. Start-up work: it blocks.
    pub fn prepare(config: Config) -> anyhow::Result<AppState> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
        let db = Db::connect(
            &config.database_url,
            config.db_pool_size,
            config.db_timeout(),
        )?;
        let applied = db.migrate()?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        let secret = signing_secret(&config)?;
        let tokens = TokenKeys::new(
            &secret,
            config.jwt_previous_secret.as_ref(),
            config.token_ttl_secs,
        );
        let hash_params = HashParams {
            memory_kib: config.argon2_memory_kib,
            iterations: config.argon2_iterations,
            parallelism: config.argon2_parallelism,
        };
        let mailer = Mailer::from_config(&config)?;
        Ok(AppState {
            db,
            tokens,
            hash_params,
            mailer,
            notice_settings: NoticeSettings::from_config(&config),
            stopping: Arc::new(AtomicBool::new(false)),
            throttle: Throttle::new(
                config.login_max_failures,
                Duration::from_secs(15 * 60),
                Duration::from_secs(config.login_lockout_secs),
            ),
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
pub fn ensure_first_admin(state: &AppState) -> anyhow::Result<Option<String>> {
    let mut conn = state.db.get()?;
    if crate::auth::store::count_users(&mut conn)? > 0 {
        return Ok(None);
    }
    let email = state
        .config
        .admin_email
        .as_ref()
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|| "admin@localhost".to_string());
    let (password, generated) = match &state.config.admin_password {
        Some(p) => (p.clone(), false),
        None => (SecretString::from(password::generate()), true),
    };
    let draft = parse_new_user(&email, password.clone(), "admin", None)
        .map_err(|e| anyhow::anyhow!("the first admin cannot be created: {e}: {}", describe(&e)))?;
    let hash = password::hash(password.expose_secret(), state.hash_params)?;
    create_user(&mut conn, &draft, &hash, Actor::System("bootstrap"))
        .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
    if generated {
        let path = state.config.data_dir.join("initial-admin-password");
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

/// The running service.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Prepares the state, creates the first admin if needed, and binds the listener (port 0
    /// picks a free port; [`Application::port`] tells which).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let bind = config.bind;
        let workers = config.workers;
        let state = web::block(move || -> anyhow::Result<(AppState, Option<String>)> {
            let state = AppState::prepare(config)?;
            let message = ensure_first_admin(&state)?;
            Ok((state, message))
        })
        .await
        .map_err(|e| anyhow::anyhow!("start-up task failed: {e}"))??;
        let (state, message) = state;
        if let Some(message) = message {
            println!("{message}");
        }
        let state = web::Data::new(state);
        let listener = TcpListener::bind(bind).with_context(|| format!("binding {bind}"))?;
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone(), workers)?;
        let interval = state.config.notify_interval;
        let worker = (!interval.is_zero()).then(|| {
            tracing::info!(every = ?interval, mail = %state.mailer.describe(), "notice worker started");
            tokio::spawn(notice_worker(state.clone(), interval))
        });
        Ok(Application {
            port,
            server,
            state,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the server stops (SIGTERM, SIGINT: in-flight requests finish), then stops the
    /// notice worker between two emails and waits for it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.state.stopping.store(true, Ordering::SeqCst);
        if let Some(worker) = self.worker {
            let _ = worker.await;
        }
        served
    }
}

/// Runs a notice pass at start and then every `interval`, until the service stops.
async fn notice_worker(state: web::Data<AppState>, interval: Duration) {
    let mut first = true;
    while !state.stopping.load(Ordering::SeqCst) {
        let wait = if first {
            Duration::from_secs(1)
        } else {
            interval
        };
        first = false;
        let mut waited = Duration::ZERO;
        while waited < wait && !state.stopping.load(Ordering::SeqCst) {
            let step = Duration::from_millis(250).min(wait - waited);
            tokio::time::sleep(step).await;
            waited += step;
        }
        if state.stopping.load(Ordering::SeqCst) {
            break;
        }
        let today = crate::types::today();
        match run_pass(
            &state.db,
            &state.mailer,
            &state.notice_settings,
            today,
            false,
            &state.stopping,
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
    }
}

/// The HTTP server over the one App definition.
pub fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: usize,
) -> anyhow::Result<Server> {
    // Install the metrics recorder before the first request, so that no count is lost.
    crate::metrics::handle();
    let mut server = HttpServer::new(move || {
        let cors_origins = state.config.cors_origins.clone();
        App::new()
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(error::json_error),
            )
            .app_data(web::PayloadConfig::default().limit(JSON_LIMIT))
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
                crate::telemetry::limit_query,
            ))
            .wrap(actix_web::middleware::Condition::new(
                !cors_origins.is_empty(),
                cors(&cors_origins),
            ))
            .wrap(actix_web::middleware::from_fn(
                crate::metrics::record_request,
            ))
            .wrap(actix_web::middleware::from_fn(
                crate::telemetry::request_id_header,
            ))
            .wrap(tracing_actix_web::TracingLogger::default())
            .wrap(actix_web::middleware::from_fn(
                crate::calendar::key_from_query,
            ))
            .configure(crate::routes::configure)
            .default_service(web::to(crate::routes::not_found))
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
