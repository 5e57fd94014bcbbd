//! metadata

pub mod matching;
