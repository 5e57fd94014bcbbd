//! The map file of TAP 4 (`map.json`): which repositories exist, where their mirrors are, and
//! which repositories must agree on which target paths.
//!
//! ```json
//! {
//!   "repositories": {
//!     "vendor": ["https://vendor.example/repo", "https://mirror.example/vendor"],
//!     "distro": ["https://distro.example/repo"]
//!   },
//!   "mapping": [
//!     {"paths": ["app/*"], "repositories": ["vendor", "distro"], "threshold": 2,
//!      "terminating": true},
//!     {"paths": ["*"], "repositories": ["distro"], "threshold": 1, "terminating": false}
//!   ]
//! }
//! ```
//!
//! Parsed strictly, with the library's own JSON parser (no duplicate keys, no floats), and
//! every error names the offending place (`mapping[1].threshold`):
//!
//! - `repositories`: a non-empty object of repository name to a non-empty list of mirror URLs
//!   (`http://`, `https://` or `file://`, no duplicates), tried in order. A name is also the
//!   name of the repository's cache directory, so it must be 1 to 64 characters of
//!   `A-Z a-z 0-9 . _ -`, not starting with `.`.
//! - `mapping`: a non-empty, ordered list of objects with exactly the four members `paths` (a
//!   non-empty list of non-empty patterns, matched like delegation `paths`, digest 4.1),
//!   `repositories` (a non-empty list of distinct names from `repositories`), `threshold`
//!   (1 to the number of listed repositories) and `terminating` (a boolean). All four are
//!   required, as in TAP 4's reference implementation.
//! - Unknown members, at the top level or in a mapping, are refused: a misspelt
//!   `"treshold"` must not silently change which repositories have to agree.

use std::collections::BTreeMap;
use std::path::Path as FsPath;

use crate::error::{Error, Result};
use crate::json::{Parser, Path};
use crate::metadata::matching::matches_any_path_pattern;

/// Longest map file read from a path, in bytes.
const MAX_MAP_FILE_LENGTH: u64 = 1024 * 1024;

/// Longest repository name.
const MAX_NAME_LENGTH: usize = 64;

/// A TAP 4 map file. Build it with [`MapFile::parse`] or [`MapFile::from_file`]; one built by
/// hand is checked by [`MapFile::validate`] when a client is created from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapFile {
    /// Mirror URLs of each repository, in the order they are tried.
    pub repositories: BTreeMap<String, Vec<String>>,
    /// The mappings, searched in order.
    pub mapping: Vec<Mapping>,
}

/// One entry of `mapping`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// Target path patterns (the matching of delegation `paths`, digest 4.1).
    pub paths: Vec<String>,
    /// The repositories asked, in order.
    pub repositories: Vec<String>,
    /// How many of them must return identical target info (length and hashes).
    pub threshold: usize,
    /// Whether the search ends at this mapping when its threshold is not met.
    pub terminating: bool,
}

impl Mapping {
    /// Whether `target` matches one of this mapping's patterns.
    pub fn matches(&self, target: &str) -> bool {
        matches_any_path_pattern(target, &self.paths)
    }
}

/// An error of the map file at `path`.
fn map_error(path: &Path<'_>, msg: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("map file: {path}: {msg}"))
}

/// Rewords a parser error as a map file error (the map file is the caller's configuration,
/// not repository metadata).
fn reword(e: Error) -> Error {
    match e {
        Error::InvalidMetadata { path, msg } => {
            Error::InvalidArgument(format!("map file: {path}: {msg}"))
        }
        other => other,
    }
}

/// Stores `value` in `slot`, refusing a second occurrence.
fn once<T>(slot: &mut Option<T>, value: T, path: &Path<'_>) -> Result<()> {
    if slot.is_some() {
        return Err(map_error(path, "duplicate member"));
    }
    *slot = Some(value);
    Ok(())
}

fn required<T>(slot: Option<T>, path: &Path<'_>, name: &str) -> Result<T> {
    slot.ok_or_else(|| map_error(path, format!("missing required member {name:?}")))
}

fn strings(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    p.array(path, |p, i| {
        out.push(p.string(&path.index(i))?.into_owned());
        Ok(())
    })?;
    Ok(out)
}

/// Checks a repository name: it names a directory under the client's parent directory.
pub(crate) fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("a repository name must not be empty".into());
    }
    if name.len() > MAX_NAME_LENGTH {
        return Err(format!(
            "repository name {} is longer than {MAX_NAME_LENGTH} characters",
            crate::error::excerpt(name)
        ));
    }
    if name.starts_with('.')
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    {
        return Err(format!(
            "repository name {} must be made of A-Z a-z 0-9 . _ - and not start with '.'",
            crate::error::excerpt(name)
        ));
    }
    Ok(())
}

fn check_url(url: &str) -> std::result::Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let rest = ["http://", "https://", "file://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s));
    match rest {
        Some(r) if !r.is_empty() && !url.chars().any(char::is_control) => Ok(()),
        _ => Err(format!(
            "{} is not an http://, https:// or file:// URL",
            crate::error::excerpt(url)
        )),
    }
}

impl MapFile {
    /// Parses and validates a map file.
    pub fn parse(bytes: &[u8]) -> Result<MapFile> {
        let map = Self::read(bytes).map_err(reword)?;
        map.validate()?;
        Ok(map)
    }

    /// Reads and parses the map file at `path` (at most 1 MiB).
    pub fn from_file(path: &FsPath) -> Result<MapFile> {
        use std::io::Read;
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut bytes = Vec::new();
        file.take(MAX_MAP_FILE_LENGTH + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_MAP_FILE_LENGTH {
            return Err(Error::InvalidArgument(format!(
                "map file {} is larger than {MAX_MAP_FILE_LENGTH} bytes",
                path.display()
            )));
        }
        Self::parse(&bytes)
    }

    fn read(bytes: &[u8]) -> Result<MapFile> {
        let mut p = Parser::new(bytes)?;
        let root = Path::Root;
        let (mut repositories, mut mapping) = (None, None);
        p.object(&root, |p, k| {
            let path = root.key(&k);
            match &*k {
                "repositories" => once(&mut repositories, read_repositories(p, &path)?, &path),
                "mapping" => {
                    let mut list = Vec::new();
                    p.array(&path, |p, i| {
                        list.push(read_mapping(p, &path.index(i))?);
                        Ok(())
                    })?;
                    once(&mut mapping, list, &path)
                }
                _ => Err(map_error(&path, "unknown member")),
            }
        })?;
        p.finish()?;
        Ok(MapFile {
            repositories: required(repositories, &root, "repositories")?,
            mapping: required(mapping, &root, "mapping")?,
        })
    }

    /// Checks everything [`parse`](Self::parse) checks beyond the JSON types: names, URLs,
    /// and every mapping against the repositories.
    pub fn validate(&self) -> Result<()> {
        let root = Path::Root;
        let repos = root.key("repositories");
        if self.repositories.is_empty() {
            return Err(map_error(&repos, "must name at least one repository"));
        }
        for (name, urls) in &self.repositories {
            let at = repos.key(name);
            check_name(name).map_err(|m| map_error(&at, m))?;
            if urls.is_empty() {
                return Err(map_error(&at, "must list at least one URL"));
            }
            for (i, url) in urls.iter().enumerate() {
                check_url(url).map_err(|m| map_error(&at.index(i), m))?;
                if urls[..i].contains(url) {
                    return Err(map_error(&at.index(i), "duplicate URL"));
                }
            }
        }
        let mapping = root.key("mapping");
        if self.mapping.is_empty() {
            return Err(map_error(&mapping, "must hold at least one mapping"));
        }
        for (i, m) in self.mapping.iter().enumerate() {
            let at = mapping.index(i);
            let paths = at.key("paths");
            if m.paths.is_empty() {
                return Err(map_error(&paths, "must list at least one pattern"));
            }
            if let Some(j) = m.paths.iter().position(String::is_empty) {
                return Err(map_error(&paths.index(j), "a pattern must not be empty"));
            }
            let names = at.key("repositories");
            if m.repositories.is_empty() {
                return Err(map_error(&names, "must list at least one repository"));
            }
            for (j, name) in m.repositories.iter().enumerate() {
                if !self.repositories.contains_key(name) {
                    return Err(map_error(
                        &names.index(j),
                        format!("unknown repository {}", crate::error::excerpt(name)),
                    ));
                }
                if m.repositories[..j].contains(name) {
                    return Err(map_error(
                        &names.index(j),
                        format!("duplicate repository {}", crate::error::excerpt(name)),
                    ));
                }
            }
            if m.threshold == 0 || m.threshold > m.repositories.len() {
                return Err(map_error(
                    &at.key("threshold"),
                    format!(
                        "must be between 1 and the number of repositories ({}), is {}",
                        m.repositories.len(),
                        m.threshold
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn read_repositories(p: &mut Parser<'_>, path: &Path<'_>) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    p.object(path, |p, k| {
        let at = path.key(&k);
        let urls = strings(p, &at)?;
        if out.insert(k.clone().into_owned(), urls).is_some() {
            return Err(map_error(&at, "duplicate repository name"));
        }
        Ok(())
    })?;
    Ok(out)
}

fn read_mapping(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Mapping> {
    let (mut paths, mut repositories, mut threshold, mut terminating) = (None, None, None, None);
    p.object(path, |p, k| {
        let at = path.key(&k);
        match &*k {
            "paths" => once(&mut paths, strings(p, &at)?, &at),
            "repositories" => once(&mut repositories, strings(p, &at)?, &at),
            "threshold" => {
                let t = p.u64(&at)?;
                let t = usize::try_from(t).unwrap_or(usize::MAX);
                once(&mut threshold, t, &at)
            }
            "terminating" => once(&mut terminating, p.bool(&at)?, &at),
            _ => Err(map_error(&at, "unknown member")),
        }
    })?;
    Ok(Mapping {
        paths: required(paths, path, "paths")?,
        repositories: required(repositories, path, "repositories")?,
        threshold: required(threshold, path, "threshold")?,
        terminating: required(terminating, path, "terminating")?,
    })
}
