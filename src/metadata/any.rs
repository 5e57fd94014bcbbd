//! Metadata of any of the four role types, for tools that read, build, edit, sign and write
//! metadata (python-tuf's `Metadata` API): the role type is read from the document's
//! `signed._type`, and the fields every role has are read and changed without knowing it.

use super::{
    DateTime, MetaFile, Metadata, RoleType, Root, Signature, Snapshot, Targets, Timestamp,
};
use crate::crypto::hex;
use crate::error::{excerpt, Error, Result};
use crate::json::{Map, Style, ToJson, Value};

/// A metadata file of one of the four role types (delegated targets roles are `Targets`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyMetadata {
    Root(Metadata<Root>),
    Timestamp(Metadata<Timestamp>),
    Snapshot(Metadata<Snapshot>),
    Targets(Metadata<Targets>),
}

/// Evaluates `$e` with `$m` bound to the `Metadata<T>` inside `$self`, whatever its type.
macro_rules! each {
    ($self:expr, $m:ident => $e:expr) => {
        match $self {
            AnyMetadata::Root($m) => $e,
            AnyMetadata::Timestamp($m) => $e,
            AnyMetadata::Snapshot($m) => $e,
            AnyMetadata::Targets($m) => $e,
        }
    };
}

/// The name timestamp's one `meta` entry has (digest 1.10).
const SNAPSHOT_META_NAME: &str = "snapshot.json";

impl AnyMetadata {
    /// Parses a metadata file of any role type, named by its `signed._type`, with every check
    /// of [`Metadata::from_bytes`]; verifies no signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<AnyMetadata> {
        Ok(match Self::role_type_of(bytes)? {
            RoleType::Root => AnyMetadata::Root(Metadata::from_bytes(bytes)?),
            RoleType::Timestamp => AnyMetadata::Timestamp(Metadata::from_bytes(bytes)?),
            RoleType::Snapshot => AnyMetadata::Snapshot(Metadata::from_bytes(bytes)?),
            RoleType::Targets => AnyMetadata::Targets(Metadata::from_bytes(bytes)?),
        })
    }

    /// The role type named by `signed._type` of the JSON document `bytes`.
    fn role_type_of(bytes: &[u8]) -> Result<RoleType> {
        let doc = Value::parse(bytes)?;
        let typ = doc
            .as_object()
            .and_then(|o| o.get("signed"))
            .and_then(Value::as_object)
            .and_then(|s| s.get("_type"));
        let name = match typ {
            Some(Value::String(name)) => name,
            Some(_) => return Err(Error::invalid("signed._type", "expected a string")),
            None => return Err(Error::invalid("signed", "missing required field \"_type\"")),
        };
        RoleType::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| {
                Error::invalid(
                    "signed._type",
                    format!(
                        "{} is not root, timestamp, snapshot or targets",
                        excerpt(name)
                    ),
                )
            })
    }

    /// New unsigned metadata of version 1 expiring at `expires`, with python-tuf's defaults:
    /// a root with consistent snapshots, all four roles at threshold 1 and no keys; a
    /// timestamp listing snapshot version 1; a snapshot listing `targets.json` version 1; a
    /// targets role with no targets and no delegations.
    pub fn new(role: RoleType, expires: DateTime) -> AnyMetadata {
        match role {
            RoleType::Root => AnyMetadata::Root(Metadata::new(Root::new(expires))),
            RoleType::Timestamp => AnyMetadata::Timestamp(Metadata::new(Timestamp::new(expires))),
            RoleType::Snapshot => AnyMetadata::Snapshot(Metadata::new(Snapshot::new(expires))),
            RoleType::Targets => AnyMetadata::Targets(Metadata::new(Targets::new(expires))),
        }
    }

    /// The role type (`signed._type`).
    pub fn role_type(&self) -> RoleType {
        match self {
            AnyMetadata::Root(_) => RoleType::Root,
            AnyMetadata::Timestamp(_) => RoleType::Timestamp,
            AnyMetadata::Snapshot(_) => RoleType::Snapshot,
            AnyMetadata::Targets(_) => RoleType::Targets,
        }
    }

    /// The whole file in `style`: python-tuf's default indented form ([`Style::Pretty`]),
    /// its compact form, or canonical JSON.
    pub fn to_json(&self, style: Style) -> Vec<u8> {
        each!(self, m => m.to_json(style))
    }

    /// The canonical JSON of `signed`: the bytes signatures cover.
    pub fn signed_bytes(&self) -> Vec<u8> {
        each!(self, m => m.signed_bytes())
    }

    /// The signatures, in file order.
    pub fn signatures(&self) -> &[Signature] {
        each!(self, m => &m.signatures)
    }

    pub(crate) fn signatures_mut(&mut self) -> &mut Vec<Signature> {
        each!(self, m => &mut m.signatures)
    }

    /// Adds the signature `sig_hex` (the hex of the signature bytes) by `keyid`, replacing any
    /// signature by the same keyid: for signatures made elsewhere over
    /// [`signed_bytes`](Self::signed_bytes). Nothing is verified.
    pub fn add_signature(&mut self, keyid: &str, sig_hex: &str) -> Result<()> {
        if keyid.is_empty() {
            return Err(Error::InvalidArgument("the keyid is empty".into()));
        }
        if sig_hex.is_empty() || !hex::is_hex(sig_hex) {
            return Err(Error::InvalidArgument(format!(
                "the signature {} is not a hex string",
                excerpt(sig_hex)
            )));
        }
        let sigs = self.signatures_mut();
        sigs.retain(|s| s.keyid != keyid);
        sigs.push(Signature {
            keyid: keyid.into(),
            sig: sig_hex.into(),
            extra: Map::new(),
        });
        Ok(())
    }

    /// `version`.
    pub fn version(&self) -> u64 {
        each!(self, m => m.signed.version)
    }

    /// Sets `version`, which must be at least 1.
    pub fn set_version(&mut self, version: u64) -> Result<()> {
        if version == 0 {
            return Err(Error::InvalidArgument("version must be at least 1".into()));
        }
        each!(self, m => m.signed.version = version);
        Ok(())
    }

    /// Adds 1 to `version`.
    pub fn bump_version(&mut self) -> Result<()> {
        let next = self
            .version()
            .checked_add(1)
            .ok_or_else(|| Error::InvalidArgument("version cannot be increased".into()))?;
        self.set_version(next)
    }

    /// `spec_version`.
    pub fn spec_version(&self) -> &str {
        each!(self, m => &m.signed.spec_version)
    }

    /// Sets `spec_version`, which must be `X.Y` or `X.Y.Z` with major version 1.
    pub fn set_spec_version(&mut self, spec_version: &str) -> Result<()> {
        super::check_spec_version(spec_version).map_err(Error::InvalidArgument)?;
        each!(self, m => m.signed.spec_version = spec_version.into());
        Ok(())
    }

    /// `expires`.
    pub fn expires(&self) -> DateTime {
        each!(self, m => m.signed.expires)
    }

    /// Sets `expires`.
    pub fn set_expires(&mut self, expires: DateTime) {
        each!(self, m => m.signed.expires = expires)
    }

    /// Whether the metadata is expired at `reference` (`reference >= expires`, digest 6.21).
    pub fn is_expired(&self, reference: DateTime) -> bool {
        self.expires().is_expired_at(reference)
    }

    fn wrong_type(&self, wanted: &str) -> Error {
        Error::InvalidArgument(format!(
            "this is {} metadata, not {wanted}",
            self.role_type().as_str()
        ))
    }

    /// The root, or an [`Error::InvalidArgument`] for other metadata.
    pub fn root(&self) -> Result<&Root> {
        match self {
            AnyMetadata::Root(m) => Ok(&m.signed),
            _ => Err(self.wrong_type("root")),
        }
    }

    /// The root, mutable, or an [`Error::InvalidArgument`] for other metadata.
    pub fn root_mut(&mut self) -> Result<&mut Root> {
        match self {
            AnyMetadata::Root(m) => Ok(&mut m.signed),
            _ => Err(self.wrong_type("root")),
        }
    }

    /// The targets, or an [`Error::InvalidArgument`] for other metadata.
    pub fn targets(&self) -> Result<&Targets> {
        match self {
            AnyMetadata::Targets(m) => Ok(&m.signed),
            _ => Err(self.wrong_type("targets")),
        }
    }

    /// The targets, mutable, or an [`Error::InvalidArgument`] for other metadata.
    pub fn targets_mut(&mut self) -> Result<&mut Targets> {
        match self {
            AnyMetadata::Targets(m) => Ok(&mut m.signed),
            _ => Err(self.wrong_type("targets")),
        }
    }

    /// The `meta` entries of a timestamp (its one `snapshot.json`) or a snapshot, by name in
    /// code-point order; none for root and targets.
    pub fn meta(&self) -> Vec<(&str, &MetaFile)> {
        match self {
            AnyMetadata::Timestamp(m) => vec![(SNAPSHOT_META_NAME, &m.signed.snapshot_meta)],
            AnyMetadata::Snapshot(m) => {
                m.signed.meta.iter().map(|(k, v)| (k.as_str(), v)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The `meta` entry `name` of a timestamp or snapshot.
    pub fn meta_entry(&self, name: &str) -> Option<&MetaFile> {
        match self {
            AnyMetadata::Timestamp(m) if name == SNAPSHOT_META_NAME => {
                Some(&m.signed.snapshot_meta)
            }
            AnyMetadata::Snapshot(m) => m.signed.meta.get(name),
            _ => None,
        }
    }

    /// Adds or replaces the `meta` entry `name` (a timestamp has only `snapshot.json`).
    pub fn set_meta(&mut self, name: &str, entry: MetaFile) -> Result<()> {
        if entry.version == 0 {
            return Err(Error::InvalidArgument("version must be at least 1".into()));
        }
        match self {
            AnyMetadata::Timestamp(m) if name == SNAPSHOT_META_NAME => {
                m.signed.snapshot_meta = entry
            }
            AnyMetadata::Timestamp(_) => {
                return Err(Error::InvalidArgument(format!(
                    "timestamp meta may only contain {SNAPSHOT_META_NAME:?}, not {}",
                    excerpt(name)
                )))
            }
            AnyMetadata::Snapshot(m) => {
                if name.is_empty() {
                    return Err(Error::InvalidArgument("the meta name is empty".into()));
                }
                m.signed.meta.insert(name.into(), entry);
            }
            _ => return Err(self.wrong_type("timestamp or snapshot")),
        }
        Ok(())
    }

    /// Removes the `meta` entry `name` of a snapshot.
    pub fn remove_meta(&mut self, name: &str) -> Result<()> {
        match self {
            AnyMetadata::Snapshot(m) => match m.signed.meta.remove(name) {
                Some(_) => Ok(()),
                None => Err(Error::InvalidArgument(format!(
                    "snapshot has no meta entry {}",
                    excerpt(name)
                ))),
            },
            AnyMetadata::Timestamp(_) => Err(Error::InvalidArgument(format!(
                "timestamp must keep its {SNAPSHOT_META_NAME:?} entry"
            ))),
            _ => Err(self.wrong_type("snapshot")),
        }
    }

    /// Unknown fields next to `signed` and `signatures`.
    pub(crate) fn envelope_extra(&self) -> &Map {
        each!(self, m => &m.extra)
    }

    pub(crate) fn envelope_extra_mut(&mut self) -> &mut Map {
        each!(self, m => &mut m.extra)
    }

    /// Unknown fields of `signed`.
    pub(crate) fn signed_extra(&self) -> &Map {
        each!(self, m => &m.signed.extra)
    }

    pub(crate) fn signed_extra_mut(&mut self) -> &mut Map {
        each!(self, m => &mut m.signed.extra)
    }
}

impl From<Metadata<Root>> for AnyMetadata {
    fn from(m: Metadata<Root>) -> AnyMetadata {
        AnyMetadata::Root(m)
    }
}

impl From<Metadata<Timestamp>> for AnyMetadata {
    fn from(m: Metadata<Timestamp>) -> AnyMetadata {
        AnyMetadata::Timestamp(m)
    }
}

impl From<Metadata<Snapshot>> for AnyMetadata {
    fn from(m: Metadata<Snapshot>) -> AnyMetadata {
        AnyMetadata::Snapshot(m)
    }
}

impl From<Metadata<Targets>> for AnyMetadata {
    fn from(m: Metadata<Targets>) -> AnyMetadata {
        AnyMetadata::Targets(m)
    }
}
