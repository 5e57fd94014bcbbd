//! Files inside libtuf's directories, opened so that nothing found there can redirect libtuf.
//!
//! The metadata and targets directories may be writable by others than the process that uses
//! them, which may run as root, so everything *inside* them is hostile input: a symbolic link,
//! a FIFO or a device in place of a file, a directory swapped for a link. The directories
//! themselves are the caller's choice and may be symbolic links.
//!
//! - A [`Dir`] is an open directory handle. Every file in it is opened, created, renamed and
//!   removed relative to that handle (`openat`, `renameat`, `unlinkat`), by one file name
//!   without `/`, so a path component swapped after the handle was opened redirects nothing.
//! - A subdirectory ([`Dir::subdir`]) is opened with `O_NOFOLLOW`: a link or a file in its
//!   place is removed (the entry itself, never what a link points to) and a directory made.
//! - A file is read only through [`Dir::open_regular`]: `O_NOFOLLOW | O_NONBLOCK`, then
//!   `fstat`, and anything but a regular file is refused. A link is never followed, and a FIFO
//!   cannot block the open.
//! - A file is written only through a [`TempFile`]: a new name created exclusively
//!   (`O_CREAT | O_EXCL | O_NOFOLLOW`), then renamed over the destination, which replaces a
//!   link or a FIFO there instead of writing through it.
//! - [`Dir::remove`] (`unlinkat` without `AT_REMOVEDIR`) removes a link itself, never its
//!   target, and never a directory.
//!
//! Unix only, through rustix's safe system call wrappers.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// Flags of every directory open: `O_NONBLOCK` so that not even a FIFO in a directory's place
/// can block it.
const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC);

/// Flags of every open of an existing file.
const READ_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::NOCTTY)
    .union(OFlags::CLOEXEC);

/// The most bytes [`Dir::read_limited`] reserves before reading (a file's size comes from
/// the directory, which is hostile input); more is read by growing the buffer as usual.
const PRESIZE_MAX: u64 = 64 << 20;

/// Rounds of "remove what is in the way, then create" before giving up, for when other
/// processes keep replacing an entry.
const ROUNDS: usize = 4;

/// An open directory.
#[derive(Debug)]
pub(crate) struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

/// Checks that `name` is one file name: not empty, `.` or `..`, without `/` or NUL.
fn check_name(name: &OsStr) -> io::Result<()> {
    let b = name.as_bytes();
    if b.is_empty() || b == b"." || b == b".." || b.contains(&b'/') || b.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} is not a file name"),
        ));
    }
    Ok(())
}

fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "not a regular file")
}

fn kept_changing() -> io::Error {
    io::Error::other("replaced by another process again and again")
}

/// `fd` as a `File` in blocking mode, if it is a regular file.
fn regular(fd: OwnedFd) -> io::Result<File> {
    let (fd, _) = regular_nonblocking(fd)?;
    // O_NONBLOCK only guarded the open.
    let flags = rustix::fs::fcntl_getfl(&fd)?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)?;
    Ok(File::from(fd))
}

/// `fd` and its size if it is a regular file (else `InvalidData`), still in the O_NONBLOCK
/// mode it was opened in.
fn regular_nonblocking(fd: OwnedFd) -> io::Result<(OwnedFd, u64)> {
    let stat = rustix::fs::fstat(&fd)?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err(not_regular());
    }
    Ok((fd, u64::try_from(stat.st_size).unwrap_or(0)))
}

impl Dir {
    /// Opens the directory `path`, following symbolic links: it is the caller's choice.
    pub fn open(path: &Path) -> io::Result<Dir> {
        let fd = rustix::fs::open(path, DIR_FLAGS, Mode::empty())?;
        Ok(Dir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// [`open`](Self::open), creating the directory and its parents first when missing.
    pub fn create(path: &Path) -> io::Result<Dir> {
        // Opened first: a directory that exists (the usual case) costs no `mkdir` that
        // fails and `stat`.
        match Dir::open(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(path)?;
                Dir::open(path)
            }
            r => r,
        }
    }

    /// The path of entry `name` (for messages).
    pub fn join(&self, name: impl AsRef<OsStr>) -> PathBuf {
        self.path.join(name.as_ref())
    }

    /// The subdirectory `name`, created when missing and never reached through a symbolic
    /// link: a link, or anything else but a directory, in its place is removed (the entry
    /// itself) and replaced with a new directory.
    pub fn subdir(&self, name: &str) -> io::Result<Dir> {
        check_name(name.as_ref())?;
        for _ in 0..ROUNDS {
            match rustix::fs::openat(&self.fd, name, DIR_FLAGS | OFlags::NOFOLLOW, Mode::empty()) {
                Ok(fd) => {
                    return Ok(Dir {
                        fd,
                        path: self.join(name),
                    })
                }
                Err(Errno::NOENT) => {}
                // A link (ELOOP) or another kind of file (ENOTDIR) in the way.
                Err(Errno::LOOP | Errno::NOTDIR) => self.remove(name.as_ref())?,
                Err(e) => return Err(e.into()),
            }
            match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Err(kept_changing())
    }

    /// Opens the regular file `name` for reading, never through a symbolic link and without
    /// blocking on a FIFO or a device; anything but a regular file is refused
    /// (`InvalidData`).
    pub fn open_regular(&self, name: &OsStr) -> io::Result<File> {
        regular(self.open_for_reading(name)?)
    }

    /// Opens `name` with [`READ_FLAGS`] (no link followed, no blocking open), whatever it is.
    fn open_for_reading(&self, name: &OsStr) -> io::Result<OwnedFd> {
        check_name(name)?;
        Ok(rustix::fs::openat(
            &self.fd,
            name,
            READ_FLAGS,
            Mode::empty(),
        )?)
    }

    /// The regular file `name` if it is at most `max` bytes; `None` otherwise (a cached file
    /// that is missing, unreadable, too large or not a regular file is simply not used).
    pub fn read_limited(&self, name: &OsStr, max: u64) -> Option<Vec<u8>> {
        let (fd, size) = regular_nonblocking(self.open_for_reading(name).ok()?).ok()?;
        // Left in O_NONBLOCK mode: it guarded the open, and reading a regular file never
        // blocks on it (Linux ignores it for regular files), so no `fcntl` pair to clear it.
        let file = File::from(fd);
        // Room for the whole file as `fstat` saw it, and the byte that tells it ended (or
        // grew past `max`): one `read` for the data and one that sees the end, instead of
        // reads doubling from 32 bytes. `take` still bounds what is read if the file grew;
        // a huge (sparse) file reserves at most `PRESIZE_MAX` up front.
        let room = size.min(max).min(PRESIZE_MAX).saturating_add(1);
        let mut buf = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
        file.take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .ok()?;
        (buf.len() as u64 <= max).then_some(buf)
    }

    /// Opens the regular file `name` for reading and writing, creating it when missing, never
    /// through a symbolic link: a link (even a dangling one, whose target would otherwise be
    /// created), a FIFO, a device or a socket in its place is removed (the entry itself) and
    /// a new file created. For lock files.
    pub fn open_or_create_regular(&self, name: &str) -> io::Result<File> {
        check_name(name.as_ref())?;
        let flags = (READ_FLAGS - OFlags::RDONLY) | OFlags::RDWR | OFlags::CREATE;
        for _ in 0..ROUNDS {
            match rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => match regular(fd) {
                    Ok(file) => return Ok(file),
                    Err(e) if e.kind() == io::ErrorKind::InvalidData => {}
                    Err(e) => return Err(e),
                },
                // A link (ELOOP) or a socket (ENXIO) in the way.
                Err(Errno::LOOP | Errno::NXIO) => {}
                Err(e) => return Err(e.into()),
            }
            self.remove(name.as_ref())?;
        }
        Err(kept_changing())
    }

    /// Removes the entry `name`: a file, or a symbolic link itself (never what it points to);
    /// never a directory. A missing entry is not an error.
    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        check_name(name)?;
        match rustix::fs::unlinkat(&self.fd, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The device and inode numbers of entry `name` itself (not what a link points to), if
    /// it exists.
    pub fn entry_id(&self, name: &OsStr) -> Option<(u64, u64)> {
        let stat = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        Some((stat.st_dev, stat.st_ino))
    }

    /// Flushes the directory itself (renames in it) to disk. Best effort: not every file
    /// system supports it.
    pub fn sync(&self) {
        let _ = rustix::fs::fsync(&self.fd);
    }

    /// Calls `f` with the name of every entry (but `.` and `..`).
    pub fn for_each_entry(&self, mut f: impl FnMut(&OsStr)) -> io::Result<()> {
        for entry in rustix::fs::Dir::read_from(&self.fd)? {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                f(OsStr::from_bytes(name));
            }
        }
        Ok(())
    }

    /// Whether entry `name` is a regular file itself (not a link to one), and when it was
    /// last modified.
    fn regular_file_modified(&self, name: &OsStr) -> Option<SystemTime> {
        let stat = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return None;
        }
        let secs = u64::try_from(stat.st_mtime).unwrap_or(0);
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// Removes the temporary files of this directory ([`temp_name`]'s pattern) that
    /// `stale(owner_pid, modified)` says were abandoned. Only regular files are removed: a
    /// link or a directory with such a name is left alone, and nothing is followed. Returns
    /// how many were removed. Errors (an unreadable directory) are ignored: cleaning up is
    /// best effort.
    pub fn remove_temp_files(&self, stale: impl Fn(u32, SystemTime) -> bool) -> usize {
        let mut names = Vec::new();
        let _ = self.for_each_entry(|name| {
            if let Some(pid) = temp_name_owner(name) {
                names.push((name.to_os_string(), pid));
            }
        });
        let mut removed = 0;
        for (name, pid) in names {
            let Some(modified) = self.regular_file_modified(&name) else {
                continue;
            };
            if stale(pid, modified) && self.remove(&name).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// The most bytes of the destination's name kept in a temporary name (names are at most 255
/// bytes).
const TEMP_STEM_MAX: usize = 100;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary name for a file to be renamed to `dest`: `.NAME.PID.N.NANOS.tmp`, NAME the
/// destination's name (its first 100 bytes), PID this process's id, N a counter and NANOS the
/// clock's nanoseconds in hex. Unique across the processes and threads of one system; files
/// are created exclusively anyway.
pub(crate) fn temp_name(dest: &OsStr) -> OsString {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let stem = &dest.as_bytes()[..dest.len().min(TEMP_STEM_MAX)];
    let mut name = b".".to_vec();
    name.extend_from_slice(stem);
    name.extend_from_slice(format!(".{}.{n}.{nanos:x}.tmp", std::process::id()).as_bytes());
    OsString::from_vec(name)
}

/// The process id in `name` if it is a temporary name [`temp_name`] made.
pub(crate) fn temp_name_owner(name: &OsStr) -> Option<u32> {
    let rest = name.as_bytes().strip_prefix(b".")?.strip_suffix(b".tmp")?;
    let mut fields = rest.rsplitn(4, |&b| b == b'.');
    let nanos = fields.next()?;
    let n = fields.next()?;
    let pid = fields.next()?;
    let stem = fields.next()?;
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if stem.is_empty() || !digits(n) || nanos.is_empty() || !nanos.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    if !digits(pid) {
        return None;
    }
    std::str::from_utf8(pid).ok()?.parse().ok()
}

/// Whether no process with id `pid` exists (as this process sees them: `kill(pid, 0)` fails
/// with `ESRCH`). A process of another user exists too.
pub(crate) fn process_is_gone(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    matches!(rustix::process::test_kill_process(pid), Err(Errno::SRCH))
}

/// A new file in a directory under a temporary name, renamed into place by
/// [`persist`](Self::persist); removed when dropped otherwise.
pub(crate) struct TempFile<'a> {
    dir: &'a Dir,
    name: OsString,
    file: File,
    persisted: bool,
}

impl<'a> TempFile<'a> {
    /// Creates a temporary file in `dir` for the destination name `dest`: a new name
    /// ([`temp_name`]), created exclusively and never through a link.
    pub fn create(dir: &'a Dir, dest: &OsStr) -> io::Result<TempFile<'a>> {
        check_name(dest)?;
        let flags = OFlags::WRONLY
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::NOCTTY
            | OFlags::CLOEXEC;
        for _ in 0..16 {
            let name = temp_name(dest);
            match rustix::fs::openat(&dir.fd, &name, flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => {
                    return Ok(TempFile {
                        dir,
                        name,
                        file: File::from(fd),
                        persisted: false,
                    })
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }

    /// The open file, to write to.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Renames the file to `name` in `dest` (on the same file system), replacing the entry
    /// there, whatever it is but a directory that is not empty (a link or a FIFO is replaced,
    /// not followed).
    /// When `durable`, the file is flushed to disk before and the directory after.
    pub fn persist(mut self, dest: &Dir, name: &OsStr, durable: bool) -> io::Result<()> {
        check_name(name)?;
        if durable {
            self.file.sync_all()?;
        }
        rename_replacing(self.dir, &self.name, dest, name)?;
        self.persisted = true;
        if durable {
            dest.sync();
        }
        Ok(())
    }
}

/// What [`Dir::lock_entry`] found.
enum EntryLock {
    /// Another open file holds the lock.
    Held,
    /// Locked, but the entry is gone or is another file now.
    Moved,
    /// Locked, and still the entry.
    Locked,
}

/// Renames `from` in `dir` to `to` in `dest` (on the same file system), replacing the entry
/// there whatever it is but a directory that is not empty (a link or a FIFO is replaced, not
/// followed; an empty directory is removed).
pub(crate) fn rename_replacing(dir: &Dir, from: &OsStr, dest: &Dir, to: &OsStr) -> io::Result<()> {
    check_name(from)?;
    check_name(to)?;
    let rename = || rustix::fs::renameat(&dir.fd, from, &dest.fd, to);
    match rename() {
        Err(Errno::ISDIR) => {
            rustix::fs::unlinkat(&dest.fd, to, AtFlags::REMOVEDIR)?;
            rename()?;
        }
        r => r?,
    }
    Ok(())
}

impl Dir {
    /// Opens the partial download `name` for reading and appending, creating it when missing,
    /// and locks it exclusively (`flock`) so that no other updater, in this process or
    /// another, writes it at the same time: `Ok(None)` when another holds the lock. The
    /// file is never reached through a link, and is used only if this process's user owns
    /// it (a file another user made could be changed by them after it was verified), it has
    /// no other name (hard link) and it is still the
    /// entry `name` once locked (not renamed into place or removed by the updater that held
    /// the lock before): anything else in its place is removed (the entry itself) and a new
    /// file created.
    pub fn open_partial(&self, name: &OsStr) -> io::Result<Option<File>> {
        check_name(name)?;
        let flags = (READ_FLAGS - OFlags::RDONLY) | OFlags::RDWR | OFlags::CREATE;
        for _ in 0..ROUNDS {
            let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => fd,
                // A link (ELOOP) or a socket (ENXIO) in the way.
                Err(Errno::LOOP | Errno::NXIO) => {
                    self.remove(name)?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let stat = rustix::fs::fstat(&fd)?;
            let usable = FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
                && stat.st_uid == rustix::process::geteuid().as_raw()
                && stat.st_nlink == 1;
            if !usable {
                drop(fd);
                self.remove(name)?;
                continue;
            }
            match self.lock_entry(name, &fd, &stat)? {
                EntryLock::Held => return Ok(None),
                EntryLock::Moved => continue,
                EntryLock::Locked => return regular(fd).map(Some),
            }
        }
        Err(kept_changing())
    }

    /// Locks `fd`, opened from entry `name` (`stat`: its `fstat`), exclusively (`flock`)
    /// without waiting, and checks that it is still that entry: the updater that held the
    /// lock may have renamed the file into place or removed it meanwhile.
    fn lock_entry(
        &self,
        name: &OsStr,
        fd: &OwnedFd,
        stat: &rustix::fs::Stat,
    ) -> io::Result<EntryLock> {
        match rustix::fs::flock(fd, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(Errno::WOULDBLOCK) => return Ok(EntryLock::Held),
            Err(e) => return Err(e.into()),
        }
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(now) if now.st_dev == stat.st_dev && now.st_ino == stat.st_ino => {
                Ok(EntryLock::Locked)
            }
            Ok(_) | Err(Errno::NOENT) => Ok(EntryLock::Moved),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the regular file `name` unless a download holds its lock
    /// ([`open_partial`](Self::open_partial)); a link or anything else is left alone.
    /// Returns whether it was removed.
    pub fn remove_unlocked(&self, name: &OsStr) -> io::Result<bool> {
        check_name(name)?;
        let fd = match rustix::fs::openat(&self.fd, name, READ_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT | Errno::LOOP | Errno::NXIO) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let stat = rustix::fs::fstat(&fd)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return Ok(false);
        }
        match self.lock_entry(name, &fd, &stat)? {
            EntryLock::Held | EntryLock::Moved => Ok(false),
            EntryLock::Locked => {
                self.remove(name)?;
                Ok(true)
            }
        }
    }

    /// Renames `from` to `to` in this directory, replacing what is there
    /// ([`rename_replacing`]), flushing the directory when `durable`.
    pub fn rename(&self, from: &OsStr, to: &OsStr, durable: bool) -> io::Result<()> {
        rename_replacing(self, from, self, to)?;
        if durable {
            self.sync();
        }
        Ok(())
    }
}

impl Drop for TempFile<'_> {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = self.dir.remove(&self.name);
        }
    }
}

/// Replaces `name` in `dest` with `data` through a temporary file in `tmp` (on the same file
/// system), flushed to disk first when `durable`.
pub(crate) fn replace(
    tmp: &Dir,
    dest: &Dir,
    name: &OsStr,
    data: &[u8],
    durable: bool,
) -> io::Result<()> {
    let mut t = TempFile::create(tmp, name)?;
    t.file().write_all(data)?;
    t.persist(dest, name, durable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_and_their_owner() {
        let name = temp_name(OsStr::new("timestamp.json"));
        assert_eq!(temp_name_owner(&name), Some(std::process::id()));
        let long = "x".repeat(300);
        let name = temp_name(OsStr::new(&long));
        assert!(name.len() < 200, "{}", name.len());
        assert_eq!(temp_name_owner(&name), Some(std::process::id()));
        for (s, owner) in [
            (".timestamp.json.999.0.0.tmp", Some(999)),
            (".a.1.2.ff.tmp", Some(1)),
            (".a.b.1.2.3.tmp", Some(1)),
            ("a.1.2.3.tmp", None),
            (".1.2.3.tmp", None),
            (".a.1.2.zz.tmp", None),
            (".a.x.2.3.tmp", None),
            (".a.1.x.3.tmp", None),
            (".a.1.2.3.tmpx", None),
            (".a.-1.2.3.tmp", None),
            (".a.99999999999.2.3.tmp", None),
            ("notes.tmp", None),
            (".tmp", None),
        ] {
            assert_eq!(temp_name_owner(OsStr::new(s)), owner, "{s}");
        }
    }

    #[test]
    fn file_names_only() {
        for bad in ["", ".", "..", "a/b", "/x", "a\0b"] {
            assert!(check_name(OsStr::new(bad)).is_err(), "{bad:?}");
        }
        assert!(check_name(OsStr::new("..x")).is_ok());
    }

    #[test]
    fn this_process_is_not_gone() {
        assert!(!process_is_gone(std::process::id()));
        // Above every pid_max Linux allows.
        assert!(process_is_gone(999_999_999));
        assert!(process_is_gone(0));
    }
}
