//! The command line: `serve`, `migrate`, `user add`.

use std::io::BufRead;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};

use super::config::Config;
use crate::app::server::{Application, Parts};
use crate::audit::Actor;
use crate::auth::password;
use crate::auth::users::{create_user, parse_new_user};

#[derive(Debug, Parser)]
#[command(
    name = "rightsdesk",
    version,
    about = "Syndication and republication rights for news articles"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (applies pending migrations first)
    Serve,
    /// Apply pending database migrations, then exit
    Migrate,
    /// Ingest article text files (plain text or HTML): extract their rights fields and store them
    Import {
        /// The files to ingest
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// The source outlet of every file (otherwise the publisher each text names is matched by name)
        #[arg(long)]
        source_outlet_id: Option<i64>,
        /// Only show what would be extracted; write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Run one notice pass (plan, send, record), then exit; for cron
    Notify {
        /// Show what would be sent; write and send nothing
        #[arg(long)]
        dry_run: bool,
        /// The day the pass takes as today (default: today, UTC)
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Generate a deterministic dataset for benchmarks
    Seed {
        #[arg(long, default_value_t = 1_000)]
        outlets: usize,
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        #[arg(long, default_value_t = 1_000_000)]
        licenses: usize,
        #[arg(long, default_value_t = 100_000)]
        reprints: usize,
        /// The random seed: the same seed gives the same data
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Share of licenses ending within 30 days of today
        #[arg(long, default_value_t = 0.01)]
        expiring_share: f64,
    },
    /// Manage users
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password comes from RIGHTSDESK_PASSWORD or the first line of stdin
    Add {
        #[arg(long)]
        email: String,
        /// admin, desk, viewer or partner
        #[arg(long)]
        role: String,
        /// The outlet of a partner user
        #[arg(long)]
        outlet_id: Option<i64>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    crate::app::telemetry::init(&cli.config.log_format);
    match cli.command {
        Command::Serve => {
            let config = cli.config;
            tracing::info!(database = %config.database().redacted(), bind = %config.bind, "starting rightsdesk");
            let app = Application::build(config).await?;
            println!("rightsdesk listens on http://{}", app_address(&app));
            app.run_until_stopped().await.context("running the server")
        }
        Command::Migrate => {
            let applied = actix_web::web::block(move || {
                crate::app::server::open_db(&cli.config).and_then(|db| db.migrate())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))??;
            if applied.is_empty() {
                println!("database is up to date (no migration was pending)");
            } else {
                println!("applied {} migration(s):", applied.len());
                for name in &applied {
                    println!("  {name}");
                }
                println!("database is up to date");
            }
            Ok(())
        }
        Command::Notify { dry_run, today } => {
            let config = cli.config;
            let state = actix_web::web::block(move || Parts::prepare(config))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))??;
            println!("mail goes to {}", state.mailer.describe());
            let stop = crate::notices::pass::Stopping::default();
            let today = today.unwrap_or_else(crate::types::today);
            let report = crate::notices::pass::run_pass(
                &state.db,
                &state.mailer,
                &state.notice_settings,
                today,
                dry_run,
                &stop,
            )
            .await
            .map_err(|e| anyhow::anyhow!("the notice pass failed: {e}"))?;
            for email in &report.emails {
                let verb = if dry_run { "would send to" } else { "sent to" };
                println!(
                    "{verb} {}: {} (licenses {:?})",
                    email.recipient, email.subject, email.license_ids
                );
            }
            println!(
                "notice pass for {today}{}: planned {}, sent {}, failed {}, dead {}, suppressed {} (planning took {} ms)",
                if dry_run { " (dry run)" } else { "" },
                report.planned,
                report.sent,
                report.failed,
                report.dead,
                report.suppressed,
                report.plan_ms
            );
            Ok(())
        }
        Command::Seed {
            outlets,
            articles,
            licenses,
            reprints,
            seed,
            expiring_share,
        } => {
            anyhow::ensure!(
                outlets >= 2,
                "seed at least 2 outlets (sources and partners)"
            );
            anyhow::ensure!(
                (0.0..=1.0).contains(&expiring_share),
                "--expiring-share is a fraction from 0 to 1"
            );
            let config = cli.config;
            let plan = crate::app::seed::SeedPlan {
                outlets,
                articles,
                licenses,
                reprints,
                seed,
                expiring_share,
                today: crate::types::today(),
            };
            let started = std::time::Instant::now();
            actix_web::web::block(move || -> anyhow::Result<()> {
                let state = Parts::prepare(config)?;
                let mut conn = state.db.get()?;
                let total = (plan.outlets + plan.articles + plan.licenses + plan.reprints) as u64;
                let bar = indicatif::ProgressBar::new(total);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} rows ({per_sec}, {eta} left)",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                crate::app::seed::seed(&mut conn, &plan, &|n| bar.inc(n))?;
                bar.finish_and_clear();
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))??;
            println!(
                "seeded {outlets} outlets, {articles} articles, {licenses} licenses, {reprints} reprints in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            files,
            source_outlet_id,
            dry_run,
        } => {
            let config = cli.config;
            let failed =
                actix_web::web::block(move || import(config, &files, source_outlet_id, dry_run))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))??;
            anyhow::ensure!(failed == 0, "{failed} file(s) could not be imported");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    outlet_id,
                },
        } => {
            let password = read_password()?;
            let config = cli.config;
            let message = actix_web::web::block(move || -> anyhow::Result<String> {
                let state = Parts::prepare(config)?;
                let draft = parse_new_user(&email, password.clone(), &role, outlet_id)
                    .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
                let hash = password::hash(password.expose_secret(), **state.hash_params)?;
                let mut conn = state.db.get()?;
                let user = create_user(&mut conn, &draft, &hash, &Actor::system("cli"))
                    .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
                Ok(format!(
                    "created user {} ({}) with role {}",
                    user.id, user.email, user.role
                ))
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))??;
            println!("{message}");
            Ok(())
        }
    }
}

fn app_address(app: &Application) -> String {
    let bind = app.parts().config.bind;
    format!("{}:{}", bind.ip(), app.port())
}

fn explain(err: &crate::http::problem::ApiError) -> String {
    match err {
        crate::http::problem::ApiError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn read_password() -> anyhow::Result<SecretString> {
    if let Ok(p) = std::env::var("RIGHTSDESK_PASSWORD") {
        return Ok(SecretString::from(p));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(
        !line.is_empty(),
        "give the password in RIGHTSDESK_PASSWORD or on stdin"
    );
    Ok(SecretString::from(line))
}

/// Ingests each file in its own transaction, with a progress bar and a line per file. Answers
/// how many failed.
fn import(
    config: Config,
    files: &[std::path::PathBuf],
    source_outlet_id: Option<i64>,
    dry_run: bool,
) -> anyhow::Result<usize> {
    use crate::articles::extract::extract;
    use crate::articles::ingest::{self, IngestDraft, Ingested};
    use diesel::Connection;

    let state = Parts::prepare(config)?;
    let mut conn = state.db.get()?;
    let progress = indicatif::ProgressBar::new(files.len() as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut failed = 0;
    for path in files {
        progress.set_message(path.display().to_string());
        let outcome = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))
            .and_then(|text| {
                let extracted = extract(&text);
                let summary = format!(
                    "{} | {} | {}",
                    extracted
                        .title
                        .as_ref()
                        .map_or("(no title)", |f| f.value.as_str()),
                    extracted
                        .copyright_line
                        .as_ref()
                        .map_or("(no copyright line)", |f| f.value.as_str()),
                    extracted
                        .permission_kind
                        .as_ref()
                        .map_or("(no permission)", |f| f.value.as_str()),
                );
                if dry_run {
                    return Ok(format!("would import: {summary}"));
                }
                let draft = IngestDraft {
                    source_outlet_id,
                    url: None,
                    external_id: None,
                };
                let conn: &mut crate::db::DbConnection = &mut conn;
                let result = conn.transaction(|conn| {
                    ingest::ingest(conn, &Actor::system("import"), &text, &extracted, &draft)
                });
                match result {
                    Ok(Ingested::Created(row)) => {
                        Ok(format!("created article {}: {summary}", row.id))
                    }
                    Ok(Ingested::Duplicate(row)) => {
                        Ok(format!("already there as article {}: {summary}", row.id))
                    }
                    Err(e) => Err(anyhow::anyhow!("{}", explain(&e))),
                }
            });
        match outcome {
            Ok(line) => progress.suspend(|| println!("{}: {line}", path.display())),
            Err(e) => {
                failed += 1;
                progress.suspend(|| println!("{}: FAILED: {e:#}", path.display()));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!(
        "imported {} of {} file(s)",
        files.len() - failed,
        files.len()
    );
    Ok(failed)
}
