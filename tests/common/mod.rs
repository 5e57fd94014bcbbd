//! Shared test support: an in-memory TUF repository built with libtuf's own signing API.
#![allow(dead_code)]

pub mod sim;
