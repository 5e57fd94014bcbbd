//! What every `signed` object shares: `_type`, `spec_version`, `version`, `expires`
//! (digest 1.5), and the [`Signed`] trait of the four role types.

use super::fields::{once, positive, required};
use super::role_type::RoleType;
use super::time::DateTime;
use crate::error::{excerpt, truncated, Error, Result};
use crate::json::{Map, Parser, Path, ToJson, Writer};

/// The major version of the TUF specification this library implements.
pub const SPEC_MAJOR: u64 = 1;
/// The `spec_version` written into metadata this library creates.
pub const SPEC_VERSION: &str = "1.0.31";

/// The `signed` part of a metadata file of one role type.
pub trait Signed: ToJson + Sized {
    /// The role type, whose name is the expected `_type`.
    const TYPE: RoleType;

    /// Reads the `signed` object at `path`.
    fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Self>;

    /// `version`, always >= 1.
    fn version(&self) -> u64;

    /// `expires`.
    fn expires(&self) -> DateTime;

    /// Whether this metadata is expired at `reference` (`reference >= expires`, digest 6.21).
    fn is_expired(&self, reference: DateTime) -> bool {
        reference >= self.expires()
    }
}

/// Checks `spec_version` as python-tuf does: `X.Y` or `X.Y.Z`, ASCII digits only, with major
/// version 1 (digest 1.5, 6.39).
pub fn check_spec_version(v: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = v.split('.').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("{} is not of the form X.Y or X.Y.Z", excerpt(v)));
    }
    match parts[0].parse::<u64>() {
        Ok(SPEC_MAJOR) => Ok(()),
        _ => Err(format!(
            "unsupported specification version {} (major version {SPEC_MAJOR} is supported)",
            excerpt(v)
        )),
    }
}

/// The fields every `signed` object has besides its role's own (digest 1.5): `spec_version`,
/// `version` and `expires`, with the unknown fields kept for re-serialisation (digest 1.3).
/// `_type` is not stored: it is the name of the role type.
///
/// The four role types keep these as public fields of their own; this is the one place where
/// they are given their initial values ([`new`](Self::new)), read ([`read`](Self::read)) and
/// written ([`write`](Self::write)).
pub(crate) struct SignedHeader {
    pub spec_version: String,
    pub version: u64,
    pub expires: DateTime,
    pub extra: Map,
}

impl SignedHeader {
    /// The header of new metadata: [`SPEC_VERSION`], version 1, no unknown fields.
    pub fn new(expires: DateTime) -> SignedHeader {
        SignedHeader {
            spec_version: SPEC_VERSION.into(),
            version: 1,
            expires,
            extra: Map::new(),
        }
    }

    /// Reads a `signed` object of type `role`: the header fields here, the role's own fields
    /// by `field(parser, key, path_of_value)`, which reads the value and returns true for a
    /// key it knows, and unknown fields kept in `extra`.
    pub fn read<'a>(
        p: &mut Parser<'a>,
        path: &Path<'_>,
        role: RoleType,
        mut field: impl FnMut(&mut Parser<'a>, &str, &Path<'_>) -> Result<bool>,
    ) -> Result<SignedHeader> {
        let mut header = PartialHeader::default();
        let mut extra = Map::new();
        p.object(path, |p, k| {
            if header.field(p, &k, path, role)? || field(p, &k, &path.key(&k))? {
                return Ok(());
            }
            super::fields::unknown(p, &mut extra, k, path)
        })?;
        header.finish(path, extra)
    }

    /// Writes `_type`, the header fields and the unknown fields of a `signed` object of type
    /// `role` into the open object; the role writes its own fields.
    pub fn write(
        w: &mut Writer,
        role: RoleType,
        spec_version: &str,
        version: u64,
        expires: DateTime,
        extra: &Map,
    ) {
        w.key("_type");
        w.string(role.as_str());
        w.key("spec_version");
        w.string(spec_version);
        w.key("version");
        w.u64(version);
        w.key("expires");
        w.string(&expires.to_string());
        crate::json::write_members(w, extra);
    }
}

/// Accumulates the header fields while a role's `signed` object is read.
#[derive(Default)]
struct PartialHeader {
    typ: Option<()>,
    spec_version: Option<String>,
    version: Option<u64>,
    expires: Option<DateTime>,
}

impl PartialHeader {
    /// Reads `key` if it is a header field; returns false for other keys.
    fn field(
        &mut self,
        p: &mut Parser<'_>,
        key: &str,
        path: &Path<'_>,
        role: RoleType,
    ) -> Result<bool> {
        let fp = path.key(key);
        match key {
            "_type" => {
                let got = p.string(&fp)?;
                if got != role.as_str() {
                    // Digest 6.38: a validly signed file of another type is never accepted.
                    return Err(Error::WrongType {
                        role: role.as_str().into(),
                        expected: role.as_str().into(),
                        got: truncated(&got),
                    });
                }
                once(&mut self.typ, (), &fp)?;
            }
            "spec_version" => {
                let v = p.string(&fp)?;
                check_spec_version(&v).map_err(|m| fp.error(m))?;
                once(&mut self.spec_version, v.into_owned(), &fp)?;
            }
            "version" => {
                let v = positive(p, &fp)?;
                once(&mut self.version, v, &fp)?;
            }
            "expires" => {
                let s = p.string(&fp)?;
                let t = DateTime::parse(&s).ok_or_else(|| {
                    fp.error(format!(
                        "{} is not a date-time of the form YYYY-MM-DDTHH:MM:SSZ",
                        excerpt(&s)
                    ))
                })?;
                once(&mut self.expires, t, &fp)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The collected fields with the unknown fields `extra`; fails if any is missing.
    fn finish(self, path: &Path<'_>, extra: Map) -> Result<SignedHeader> {
        required(self.typ, path, "_type")?;
        Ok(SignedHeader {
            spec_version: required(self.spec_version, path, "spec_version")?,
            version: required(self.version, path, "version")?,
            expires: required(self.expires, path, "expires")?,
            extra,
        })
    }
}
