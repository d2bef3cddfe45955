//! The top of the house: start-up and the App factory, the route table with the OpenAPI
//! document, the command line, seeding, telemetry and metrics. Nothing imports this but
//! `main.rs` and the tests.

pub mod cli;
pub mod config;
pub mod metrics;
pub mod openapi;
pub mod query_check;
pub mod routes;
pub mod seed;
pub mod server;
pub mod telemetry;
