//! Black-box tests through real HTTP, each on SQLite and on PostgreSQL. One test binary, one
//! module per feature (one binary links once).

// A test's helpers may unwrap, expect and panic: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod articles;
mod auth;
mod chain;
mod coverage;
mod errors;
mod extraction;
mod faults;
mod first_hour;
mod ingest;
mod interop;
mod licenses;
mod list_cache;
mod load;
mod notices;
mod outlets;
mod reprint_references;
mod schema;
mod smtp;
mod steering;
mod verify;
mod web;
mod writes_together;
