use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    rightsdesk::app::cli::run(rightsdesk::app::cli::Cli::parse()).await
}
