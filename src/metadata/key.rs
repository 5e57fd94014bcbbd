//! Key objects as they appear in root `keys` and delegations `keys` (digest 1.6, 1.7).

use std::fmt;

use super::fields::{once, required, unknown};
use crate::crypto::{hash, hex, PublicKey, SigningKey};
use crate::error::Result;
use crate::json::{Map, Parser, Path, ToJson, Value, Writer};

/// A public key: `{"keytype": ..., "scheme": ..., "keyval": {"public": ...}}`.
///
/// Keys of unknown type or scheme, or whose public value cannot be decoded, still parse (so a
/// root that introduces a new key type does not break older clients) but can never verify a
/// signature, so they never count toward a threshold.
#[derive(Clone)]
pub struct Key {
    keytype: String,
    scheme: String,
    keyval: Map,
    /// Unknown fields of the key object (e.g. legacy `keyid_hash_algorithms`).
    pub extra: Map,
    public: PublicKey,
}

impl Key {
    /// A key from its parts. `keyval` must hold the string `public`.
    pub fn new(keytype: &str, scheme: &str, public: &str) -> Key {
        let mut keyval = Map::new();
        keyval.insert("public".into(), Value::String(public.into()));
        Key {
            keytype: keytype.into(),
            scheme: scheme.into(),
            public: PublicKey::from_parts(keytype, scheme, public),
            keyval,
            extra: Map::new(),
        }
    }

    /// The public half of `signer`, encoded as python-tuf writes it.
    pub fn from_signer(signer: &SigningKey) -> Key {
        Key::new(signer.keytype(), signer.scheme(), &signer.public_value())
    }

    /// A key object from its JSON text (`{"keytype", "scheme", "keyval": {"public"}}`, unknown
    /// fields kept), read as keys in metadata are: a key of an unknown type or scheme is
    /// accepted and can never verify a signature.
    pub fn from_json(json: &[u8]) -> Result<Key> {
        let mut p = Parser::new(json)?;
        let key = Key::read(&mut p, &Path::Root)?;
        p.finish()?;
        Ok(key)
    }

    /// A key from a PEM `PUBLIC KEY` block, as securesystemslib's `SSlibKey.from_pem` makes
    /// it (see [`PublicKey::from_pem`]).
    pub fn from_pem(pem: &str, scheme: Option<&str>) -> Result<Key> {
        let public = PublicKey::from_pem(pem, scheme)?;
        Ok(Key::new(public.keytype(), public.scheme(), public.public()))
    }

    /// `keytype`, e.g. `ed25519`, `ecdsa`, `rsa`.
    pub fn keytype(&self) -> &str {
        &self.keytype
    }

    /// `scheme`, e.g. `ed25519`, `ecdsa-sha2-nistp256`, `rsassa-pss-sha256`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// `keyval.public`.
    pub fn public_value(&self) -> &str {
        self.keyval
            .get("public")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The decoded public key, used to verify signatures.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The default keyid: lowercase hex SHA-256 of the canonical JSON of
    /// `{"keytype", "scheme", "keyval"}` (securesystemslib's `compute_default_keyid`;
    /// unknown fields of the key object are not hashed). Digest 1.7.
    pub fn keyid(&self) -> String {
        let mut w = Writer::new(crate::json::Style::Canonical);
        w.begin_object();
        self.write_fields(&mut w);
        w.end_object();
        hex::encode(&hash::sha256(&w.into_bytes()))
    }

    fn write_fields(&self, w: &mut Writer) {
        w.key("keytype");
        w.string(&self.keytype);
        w.key("keyval");
        w.begin_object();
        crate::json::write_members(w, &self.keyval);
        w.end_object();
        w.key("scheme");
        w.string(&self.scheme);
    }

    pub(crate) fn read(p: &mut Parser<'_>, path: &Path<'_>) -> Result<Key> {
        let (mut keytype, mut scheme, mut keyval) = (None, None, None);
        let mut extra = Map::new();
        p.object(path, |p, k| {
            let fp = path.key(&k);
            match &*k {
                "keytype" => once(&mut keytype, p.string(&fp)?.into_owned(), &fp),
                "scheme" => once(&mut scheme, p.string(&fp)?.into_owned(), &fp),
                "keyval" => {
                    let v = match p.value(&fp)? {
                        Value::Object(m) => m,
                        _ => return Err(fp.error("expected an object")),
                    };
                    once(&mut keyval, v, &fp)
                }
                _ => unknown(p, &mut extra, k, path),
            }
        })?;
        let keytype: String = required(keytype, path, "keytype")?;
        let scheme: String = required(scheme, path, "scheme")?;
        let keyval: Map = required(keyval, path, "keyval")?;
        let keyval_path = path.key("keyval");
        let public = match keyval.get("public") {
            Some(Value::String(s)) => PublicKey::from_parts(&keytype, &scheme, s),
            Some(_) => return Err(keyval_path.key("public").error("expected a string")),
            None => return Err(keyval_path.error("missing required field \"public\"")),
        };
        Ok(Key {
            keytype,
            scheme,
            keyval,
            extra,
            public,
        })
    }
}

/// Inserts `key` into a key map under `keyid`, unless `keyid` is empty or already names a
/// different key (one keyid never stands for two keys, digest 1.7).
pub(crate) fn insert_key(
    keys: &mut std::collections::BTreeMap<String, Key>,
    keyid: &str,
    key: Key,
) -> Result<()> {
    if keyid.is_empty() {
        return Err(crate::Error::InvalidArgument("the keyid is empty".into()));
    }
    match keys.get(keyid) {
        Some(existing) if *existing != key => Err(crate::Error::InvalidArgument(format!(
            "keyid {} already names another key",
            crate::error::excerpt(keyid)
        ))),
        Some(_) => Ok(()),
        None => {
            keys.insert(keyid.to_string(), key);
            Ok(())
        }
    }
}

impl ToJson for Key {
    fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        self.write_fields(w);
        crate::json::write_members(w, &self.extra);
        w.end_object();
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.keytype == other.keytype
            && self.scheme == other.scheme
            && self.keyval == other.keyval
            && self.extra == other.extra
    }
}

impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("keytype", &self.keytype)
            .field("scheme", &self.scheme)
            .field("supported", &self.public.is_supported())
            .finish()
    }
}
