//! Helpers for reading typed objects from the [`Parser`]: required and optional fields,
//! duplicate detection, unknown fields kept, maps without duplicate keys.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::Result;
use crate::json::{Map, Parser, Path};

/// Stores `value` in `slot`, failing if the field was already seen (duplicate key).
pub(crate) fn once<T>(slot: &mut Option<T>, value: T, path: &Path<'_>) -> Result<()> {
    if slot.is_some() {
        return Err(path.error("duplicate field"));
    }
    *slot = Some(value);
    Ok(())
}

/// The value of a required field.
pub(crate) fn required<T>(slot: Option<T>, path: &Path<'_>, name: &str) -> Result<T> {
    slot.ok_or_else(|| path.error(format!("missing required field {name:?}")))
}

/// Reads an unknown field's value into `extra`; unknown fields are kept and re-serialised
/// (digest 1.3).
pub(crate) fn unknown<'a>(
    p: &mut Parser<'a>,
    extra: &mut Map,
    key: Cow<'a, str>,
    path: &Path<'_>,
) -> Result<()> {
    let value = p.value(&path.key(&key))?;
    if extra.contains_key(&*key) {
        return Err(path.key(&key).error("duplicate field"));
    }
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// Reads an object whose members all have the same type, rejecting duplicate keys.
///
/// Members are collected in a vector and the map is built in one pass at the end, which is
/// linear when the keys come sorted (python-tuf and libtuf write them sorted) instead of a
/// tree lookup per member.
pub(crate) fn map<'a, T>(
    p: &mut Parser<'a>,
    path: &Path<'_>,
    mut read: impl FnMut(&mut Parser<'a>, &Path<'_>) -> Result<T>,
) -> Result<BTreeMap<String, T>> {
    let mut items: Vec<(String, T)> = Vec::new();
    let mut sorted = true;
    p.object(path, |p, k| {
        let v = read(p, &path.key(&k))?;
        if let Some((last, _)) = items.last() {
            if **last == *k {
                return Err(path.key(&k).error("duplicate key"));
            }
            sorted &= **last < *k;
        }
        items.push((k.into_owned(), v));
        Ok(())
    })?;
    if !sorted {
        items.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = items.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(path.key(&w[0].0).error("duplicate key"));
        }
    }
    Ok(items.into_iter().collect())
}

/// Reads an array of strings.
pub(crate) fn strings(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    p.array(path, |p, i| {
        out.push(p.string(&path.index(i))?.into_owned());
        Ok(())
    })?;
    Ok(out)
}

/// Reads an array of unique strings (keyids of a role: python-tuf rejects duplicates).
pub(crate) fn unique_strings(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Vec<String>> {
    let out = strings(p, path)?;
    let mut seen = std::collections::HashSet::with_capacity(out.len());
    for (i, s) in out.iter().enumerate() {
        if !seen.insert(s.as_str()) {
            return Err(path
                .index(i)
                .error(format!("duplicate entry {}", crate::error::excerpt(s))));
        }
    }
    Ok(out)
}

/// Reads an integer >= 1 (versions and thresholds).
pub(crate) fn positive(p: &mut Parser<'_>, path: &Path<'_>) -> Result<u64> {
    let v = p.u64(path)?;
    if v == 0 {
        return Err(path.error("must be at least 1"));
    }
    Ok(v)
}
