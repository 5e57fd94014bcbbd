//! metadata

pub mod matching;
pub mod time;
