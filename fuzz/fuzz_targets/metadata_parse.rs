//! Metadata parsing (digest section 1) as each role type, and what a parsed file promises:
//!
//! - At most one role type accepts a document, the one its `signed._type` names (6.38); there
//!   is no `Metadata` type that detects the role, so the target dispatches on `_type` itself.
//! - The bytes signatures cover are exactly the canonical JSON of the document's `signed`
//!   object (every field, unknown ones included, is written back as read: digest 1.3, 1.8).
//! - The file libtuf writes (`to_bytes`) parses again, to the same metadata, and writing that
//!   gives the same bytes; so does the canonical form of the whole file when no string holds
//!   a control character.
//! - Nothing panics.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use tuf::json::{ToJson, Value};
use tuf::metadata::{Metadata, Root, Signed, Snapshot, Targets, Timestamp};
use tuf::ErrorKind;
use tuf_fuzz::json_ref::{canonical, has_control_char};

/// Parses `data` as `Metadata<T>` and checks its promises; returns whether it parsed.
fn check<T>(data: &[u8], doc: Option<&Value>) -> bool
where
    T: Signed + PartialEq + Debug,
{
    let md = match Metadata::<T>::from_bytes(data) {
        Ok(md) => md,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::InvalidMetadata),
                "{:?}: unexpected error kind {:?}: {e}",
                T::TYPE,
                e.kind()
            );
            return false;
        }
    };
    let doc = doc.expect("a document that parses as metadata is JSON");
    let signed = doc
        .as_object()
        .and_then(|m| m.get("signed"))
        .expect("parsed metadata has a signed object");
    let signed_bytes = md.signed_bytes();
    assert_eq!(
        String::from_utf8_lossy(&signed_bytes),
        String::from_utf8_lossy(&canonical(signed)),
        "{:?}: signed bytes are not the canonical form of the document's signed object",
        T::TYPE
    );
    for capacity in [0, 1, data.len()] {
        assert_eq!(md.signed_bytes_with_capacity(capacity), signed_bytes);
    }
    assert!(md.signed.version() >= 1);

    let file = md.to_bytes();
    let md2 = Metadata::<T>::from_bytes(&file)
        .unwrap_or_else(|e| panic!("{:?}: own file rejected: {e}", T::TYPE));
    // `hashes` keep the order of the file (python-tuf names consistent-snapshot targets after
    // the first), and files are written with sorted keys as python-tuf writes them: the first
    // round may reorder hashes, so it is compared by content; from then on nothing changes.
    assert_eq!(
        md2.to_canonical(),
        md.to_canonical(),
        "{:?}: own file parses to other metadata",
        T::TYPE
    );
    assert_eq!(
        md2.to_bytes(),
        file,
        "{:?}: writing is not idempotent",
        T::TYPE
    );
    assert_eq!(md2.signed_bytes(), signed_bytes);
    let md3 = Metadata::<T>::from_bytes(&md2.to_bytes()).expect("parsed before");
    assert_eq!(
        md3,
        md2,
        "{:?}: second round trip changed the metadata",
        T::TYPE
    );

    let canon = md.to_canonical();
    if !has_control_char(doc) {
        let md4 = Metadata::<T>::from_bytes(&canon)
            .unwrap_or_else(|e| panic!("{:?}: canonical form rejected: {e}", T::TYPE));
        assert_eq!(
            md4.to_canonical(),
            canon,
            "{:?}: canonical form parses to other metadata",
            T::TYPE
        );
    }
    true
}

fuzz_target!(|data: &[u8]| {
    let doc = Value::parse(data).ok();
    let parsed = [
        ("root", check::<Root>(data, doc.as_ref())),
        ("timestamp", check::<Timestamp>(data, doc.as_ref())),
        ("snapshot", check::<Snapshot>(data, doc.as_ref())),
        ("targets", check::<Targets>(data, doc.as_ref())),
    ];
    let accepted: Vec<&str> = parsed.iter().filter(|p| p.1).map(|p| p.0).collect();
    assert!(
        accepted.len() <= 1,
        "accepted as several role types: {accepted:?}"
    );
    if let Some(role) = accepted.first() {
        let typ = doc
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|m| m.get("signed"))
            .and_then(Value::as_object)
            .and_then(|s| s.get("_type"))
            .and_then(Value::as_str);
        assert_eq!(
            typ,
            Some(*role),
            "accepted as a role its _type does not name"
        );
    }
});
