//! rightsdesk: syndication and republication rights for news articles.
//!
//! One-way layers (see `docs/architecture.md`): [`app`] at the top (start-up, route table,
//! command line); the features below it, each in its own folder (pure types and rules in
//! `mod.rs`, diesel in `store.rs`, multi-table writes in `service.rs`, HTTP in `routes.rs`), a
//! feature using only lower ones; [`http`] and [`db`] at the bottom, naming no feature.

pub mod app;

pub mod articles;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod licenses;
pub mod notices;
pub mod outlets;
pub mod reprints;
pub mod rights;
pub mod web;

pub mod db;
pub mod http;
pub mod types;
