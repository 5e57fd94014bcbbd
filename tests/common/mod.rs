//! Shared test support: an in-memory TUF repository built with libtuf's own signing API, and a
//! test HTTP server.
#![allow(dead_code)]

pub mod http;
pub mod proxy;
pub mod python;
pub mod sim;
pub mod sim_fetcher;
