//! Strings lent to C by a handle that can change (`tuf_metadata`): each distinct string is
//! converted once and kept until the handle is next changed or freed, so that a `const char *`
//! stays valid however often it is asked for, and memory stays bounded by the handle's own
//! strings. Lists of map keys (`*_at(i)` of targets, keys, meta) are converted once, so that
//! iterating by index is linear rather than quadratic.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, CString};

use super::args::c_string;

/// Which list of map keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum List {
    RootKeyids,
    MetaNames,
    TargetPaths,
    DelegationKeyids,
}

/// The strings a handle has lent out. Used by one thread at a time (the handle's rule).
#[derive(Default)]
pub(crate) struct Lent {
    strings: RefCell<HashMap<Box<str>, CString>>,
    lists: RefCell<HashMap<List, Vec<CString>>>,
}

impl Lent {
    /// `s` as a C string valid until [`clear`](Self::clear) or drop.
    pub fn str(&self, s: &str) -> *const c_char {
        let Ok(mut map) = self.strings.try_borrow_mut() else {
            return std::ptr::null();
        };
        if let Some(c) = map.get(s) {
            return c.as_ptr();
        }
        let c = c_string(s);
        // The heap buffer of a CString does not move when the map reorganises itself.
        let p = c.as_ptr();
        map.insert(s.into(), c);
        p
    }

    /// Item `index` of the list `list`, built by `items` the first time; NULL out of range.
    pub fn list_item<'a, I: Iterator<Item = &'a str>>(
        &self,
        list: List,
        index: usize,
        items: impl FnOnce() -> I,
    ) -> *const c_char {
        let Ok(mut lists) = self.lists.try_borrow_mut() else {
            return std::ptr::null();
        };
        lists
            .entry(list)
            .or_insert_with(|| items().map(c_string).collect())
            .get(index)
            .map_or(std::ptr::null(), |c| c.as_ptr())
    }

    /// Forgets every string lent: called before the handle changes.
    pub fn clear(&mut self) {
        self.strings.get_mut().clear();
        self.lists.get_mut().clear();
    }
}
