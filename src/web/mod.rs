//! The pages people open in a browser: the partner portal (`/portal`) and the desk's board
//! (`/desk`), served by the same binary from the same stores and rules as the API.
//!
//! The top feature: it may use every feature below it and none uses it. HTML comes from
//! minijinja templates embedded in the binary (`templates/*.html.j2`, escaped by extension);
//! charts are SVG drawn by templates on the server; one stylesheet and one small script
//! (`assets/`). Sign-in sets a signed session cookie (see `session.rs`); every form that changes
//! something carries a CSRF token. See docs/web.md.

pub mod routes;

mod charts;
mod desk;
mod ingest;
mod page;
mod portal;
mod session;
mod words;
