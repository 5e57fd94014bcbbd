//! Writing a target download to disk (5.7): into a partial file that an interrupted download
//! leaves for the next one to resume, or into a temporary file; verified (length and every
//! hash, over the whole file) before it is renamed into place.
//!
//! A partial file is `.NAME.ID.partial` beside the destination `NAME`, ID the first 16 hex
//! digits of the SHA-256 of the target's length and hashes: a partial file of another version
//! of the target has another name and is never continued. It is opened without following
//! links, used only if this process's user owns it, and locked while a download writes it
//! ([`Dir::open_partial`]); when another updater holds the lock, the download goes to a
//! temporary file instead. It is kept when a download stops before its end (a transport
//! error, a cancellation, a deadline) and removed when what it holds cannot be the target
//! (too long, too much sent, a hash that does not match). The next download hashes the bytes
//! it holds, asks for the rest (`Fetcher::fetch_range`) and appends them; a server that sends
//! the whole file instead (HTTP 200) makes it start over, and one that sends another range
//! than the one asked for, or a resumed file that does not verify, makes it start over once
//! from the beginning.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use super::fs::{Dir, TempFile};
use super::{LogLevel, UpdaterConfig};
use crate::error::{Error, Result};
use crate::fetch::{fetch_range_limited, is_range_not_served, range_not_served, Fetcher};
use crate::metadata::{HashVerifier, TargetFile};

/// The most bytes of the destination's name kept in a partial file's name.
const PARTIAL_STEM_MAX: usize = 100;

/// The name of the partial file of `target` for the destination `dest`:
/// `.NAME.ID.partial` (NAME: the first 100 bytes of `dest`; ID: the first 16 hex digits of
/// the SHA-256 of the length and the hashes).
pub(crate) fn partial_name(dest: &OsStr, target: &TargetFile) -> OsString {
    let mut id = format!("{}\n", target.length);
    for (alg, digest) in target.hashes.iter() {
        id.push_str(&format!("{alg}:{digest}\n"));
    }
    let digest = crate::crypto::hash::sha256(id.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let stem = &dest.as_bytes()[..dest.len().min(PARTIAL_STEM_MAX)];
    let mut name = b".".to_vec();
    name.extend_from_slice(stem);
    name.extend_from_slice(format!(".{hex}.partial").as_bytes());
    OsString::from_vec(name)
}

/// The destination name and the ID of a partial file name `.NAME.ID.partial`, if `name` is
/// one (NAME as kept in it: at most 100 bytes).
fn parse_partial_name(name: &OsStr) -> Option<(&[u8], &[u8])> {
    let rest = name
        .as_bytes()
        .strip_prefix(b".")?
        .strip_suffix(b".partial")?;
    let dot = rest.iter().rposition(|&b| b == b'.')?;
    let (stem, id) = (&rest[..dot], &rest[dot + 1..]);
    let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    (!stem.is_empty() && id.len() == 16 && id.iter().all(hex)).then_some((stem, id))
}

/// Removes the partial files in `dir` of other versions of the targets just saved there:
/// for each `(dest, kept)`, the files `.DEST.ID.partial` but `kept`, unless a download is
/// writing one. Best effort. Destination names longer than a partial name keeps are skipped
/// (two of them could share a partial name's stem).
pub(super) fn remove_other_partials(dir: &Dir, saved: &[(&OsStr, OsString)]) {
    let saved: Vec<(&[u8], &OsStr)> = saved
        .iter()
        .filter(|(dest, _)| dest.len() <= PARTIAL_STEM_MAX)
        .map(|(dest, kept)| (dest.as_bytes(), kept.as_os_str()))
        .collect();
    if saved.is_empty() {
        return;
    }
    let mut stale = Vec::new();
    let _ = dir.for_each_entry(|name| {
        if let Some((stem, _)) = parse_partial_name(name) {
            if saved
                .iter()
                .any(|(dest, kept)| *dest == stem && *kept != name)
            {
                stale.push(name.to_os_string());
            }
        }
    });
    for name in stale {
        let _ = dir.remove_unlocked(&name);
    }
}

/// Where a download is written.
pub(super) enum Store<'d> {
    /// The target's partial file, locked.
    Partial {
        dir: &'d Dir,
        name: OsString,
        file: File,
    },
    /// A new temporary file (removed when dropped unless persisted).
    Temp(TempFile<'d>),
}

impl<'d> Store<'d> {
    /// The partial file of `target` for `dest` in `dir` when `resume` and no other updater
    /// writes it, else a new temporary file.
    pub fn open(dir: &'d Dir, dest: &OsStr, target: &TargetFile, resume: bool) -> Result<Self> {
        let io = |e| Error::io(dir.join(dest), e);
        if resume {
            let name = partial_name(dest, target);
            if let Some(file) = dir.open_partial(&name).map_err(io)? {
                return Ok(Store::Partial { dir, name, file });
            }
        }
        Ok(Store::Temp(TempFile::create(dir, dest).map_err(io)?))
    }

    fn file(&mut self) -> &mut File {
        match self {
            Store::Partial { file, .. } => file,
            Store::Temp(t) => t.file(),
        }
    }

    /// Whether the file may hold bytes of an earlier download.
    pub fn is_partial(&self) -> bool {
        matches!(self, Store::Partial { .. })
    }

    /// A second handle on the file, for a transfer that owns its sink.
    pub fn handle(&mut self) -> std::io::Result<File> {
        self.file().try_clone()
    }

    /// Removes the file: what it holds cannot be the target.
    pub fn discard(self) {
        match self {
            Store::Partial { dir, name, file } => {
                // Removed while still locked, so that no other updater continues it.
                let _ = dir.remove(&name);
                drop(file);
            }
            Store::Temp(t) => drop(t),
        }
    }

    /// Renames the verified file to `dest` in `dir` (the same directory).
    pub fn persist(self, dir: &Dir, dest: &OsStr, durable: bool) -> std::io::Result<()> {
        match self {
            Store::Partial {
                dir: from,
                name,
                file,
            } => {
                if durable {
                    file.sync_all()?;
                }
                debug_assert!(std::ptr::eq(from, dir));
                // Renamed while still locked: an updater waiting for the lock then finds the
                // name gone and starts a new file.
                dir.rename(&name, dest, durable)?;
                drop(file);
                Ok(())
            }
            Store::Temp(t) => t.persist(dir, dest, durable),
        }
    }
}

/// Writes a download into its file, hashing as it goes.
pub(super) struct Writer {
    file: File,
    what: String,
    target: TargetFile,
    verifier: HashVerifier,
    /// Bytes in the file.
    len: u64,
    /// Whether bytes of an earlier download are in the file.
    resumed: bool,
}

impl Writer {
    /// A writer appending to `file` after the bytes it holds (when `existing`: a partial
    /// file), which are hashed first. A file longer than the target is emptied (it cannot be
    /// a part of it).
    pub fn open(mut file: File, existing: bool, what: &str, target: &TargetFile) -> Result<Writer> {
        let mut verifier = target.hashes.verifier(what)?;
        let io = |e| Error::io(what, e);
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut len: u64 = 0;
        if existing {
            let mut buf = vec![0u8; 64 * 1024];
            let mut reader = (&file).take(target.length.saturating_add(1));
            loop {
                let n = reader.read(&mut buf).map_err(io)?;
                if n == 0 {
                    break;
                }
                len += n as u64;
                verifier.update(&buf[..n]);
            }
        }
        if len > target.length {
            file.set_len(0).map_err(io)?;
            verifier = target.hashes.verifier(what)?;
            len = 0;
        }
        file.seek(SeekFrom::Start(len)).map_err(io)?;
        Ok(Writer {
            file,
            what: what.to_string(),
            target: target.clone(),
            verifier,
            len,
            resumed: len > 0,
        })
    }

    /// Bytes in the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether bytes of an earlier download are in the file.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// Takes the chunk at `position` in the file: after what the file holds, or at 0 when the
    /// server sent the whole file (the file is emptied first).
    pub fn write(&mut self, position: u64, chunk: &[u8]) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let io = |e| Error::io(&self.what, e);
        if position == 0 && self.len > 0 {
            self.file.set_len(0).map_err(io)?;
            self.file.seek(SeekFrom::Start(0)).map_err(io)?;
            self.verifier = self.target.hashes.verifier(&self.what)?;
            self.len = 0;
            self.resumed = false;
        }
        if position != self.len {
            return Err(range_not_served(&self.what, "bytes out of place"));
        }
        self.file.write_all(chunk).map_err(io)?;
        self.verifier.update(chunk);
        self.len += chunk.len() as u64;
        Ok(())
    }

    /// Checks the length and every hash of the whole file.
    pub fn verify(self) -> Result<()> {
        let expected = self.target.length;
        if self.len != expected {
            return Err(Error::LengthOrHashMismatch {
                what: self.what,
                msg: format!("length is {} bytes, expected {expected}", self.len),
            });
        }
        self.verifier.finish()
    }
}

/// Whether a failed download's bytes cannot be part of the target, so that its partial file
/// must go: more bytes than the target has, or a length or hash that does not match.
pub(super) fn spoils_partial(error: &Error) -> bool {
    matches!(
        error,
        Error::LengthExceeded { .. } | Error::LengthOrHashMismatch { .. }
    ) || is_range_not_served(error)
}

/// One target to download.
pub(super) struct Job<'a> {
    pub url: &'a str,
    pub what: &'a str,
    pub target: &'a TargetFile,
    pub dir: &'a Dir,
    pub name: &'a OsStr,
}

/// Streams `job.url` into the target's partial file (or a new temporary file when
/// `config.resume_downloads` is off or another updater writes the partial file), continuing
/// what an interrupted download left, checks length and hashes over the whole file, and
/// renames it into place. Starts over once from the beginning when the server does not serve
/// the rest or a resumed file does not verify. `progress(received, total)` is told the bytes
/// in the file as they arrive.
pub(super) fn download_verified(
    fetcher: &mut dyn Fetcher,
    job: &Job<'_>,
    config: &UpdaterConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let dest = job.dir.join(job.name);
    let length = job.target.length;
    // An algorithm that cannot be computed fails before any file is made.
    job.target.hashes.verifier(job.what)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut store = Store::open(job.dir, job.name, job.target, config.resume_downloads)?;
        let file = store.handle().map_err(|e| Error::io(&dest, e))?;
        let mut writer = Writer::open(file, store.is_partial(), job.what, job.target)?;
        let resumed = writer.resumed();
        let offset = writer.len();
        if resumed {
            config.log(LogLevel::Info, || {
                format!("resuming {} at byte {offset} of {length}", job.what)
            });
        }
        let fetched = if offset == length {
            Ok(())
        } else {
            fetch_range_limited(fetcher, job.url, offset, length, &mut |at, chunk| {
                writer.write(at, chunk)?;
                if !chunk.is_empty() {
                    progress(writer.len(), length);
                }
                Ok(())
            })
            .map(|_| ())
        };
        let resumed = resumed && writer.resumed();
        let empty = writer.len() == 0;
        let result = fetched.and_then(|()| writer.verify());
        match result {
            Ok(()) => {
                store
                    .persist(job.dir, job.name, config.sync_all_writes)
                    .map_err(|e| Error::io(&dest, e))?;
                if config.resume_downloads {
                    let kept = partial_name(job.name, job.target);
                    remove_other_partials(job.dir, &[(job.name, kept)]);
                }
                return Ok(());
            }
            Err(e) if spoils_partial(&e) => {
                store.discard();
                if resumed && attempt == 1 {
                    config.log(LogLevel::Info, || {
                        format!("starting {} over from the beginning: {e}", job.what)
                    });
                    continue;
                }
                return Err(e);
            }
            // Interrupted: a partial file stays for the next download (unless empty; a
            // temporary file goes).
            Err(e) => {
                if empty {
                    store.discard();
                }
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names_name_the_destination_and_the_version() {
        let a = TargetFile::from_data(b"a");
        let b = TargetFile::from_data(b"b");
        let name = partial_name(OsStr::new("file.bin"), &a);
        let s = name.to_str().unwrap();
        assert!(
            s.starts_with(".file.bin.") && s.ends_with(".partial"),
            "{s}"
        );
        assert_ne!(name, partial_name(OsStr::new("file.bin"), &b));
        let (stem, id) = parse_partial_name(&name).unwrap();
        assert_eq!(stem, b"file.bin");
        assert_eq!(id.len(), 16);
        let long = "x".repeat(300);
        let name = partial_name(OsStr::new(&long), &a);
        assert!(name.len() < 140);
        assert_eq!(parse_partial_name(&name).unwrap().0.len(), PARTIAL_STEM_MAX);
        for other in [
            ".file.bin.0123456789abcdef.tmp",
            "file.bin.0123456789abcdef.partial",
            ".file.bin.0123456789ABCDEF.partial",
            ".file.bin.0123456789abcde.partial",
            "..0123456789abcdef.partial",
        ] {
            assert_eq!(parse_partial_name(OsStr::new(other)), None, "{other}");
        }
    }
}
