//! rightsdesk: syndication and republication rights for news articles.
//!
//! The library owns everything; `main.rs` only parses the command line. Features live in their
//! own folders (types and rules in `mod.rs`, diesel in `store.rs`, HTTP in `routes.rs`).

pub mod articles;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod csv_export;
pub mod db;
pub mod error;
pub mod json;
pub mod licenses;
pub mod metrics;
pub mod notices;
pub mod outlets;
pub mod pagination;
pub mod reprints;
pub mod rights;
pub mod routes;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod types;
