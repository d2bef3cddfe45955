use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    rightsdesk::cli::run(rightsdesk::cli::Cli::parse()).await
}
