//! What a durable replacement of a small file costs on this machine's disk, by the order of
//! its steps: the cache writes `root.json` durably after a root rotation (a file flushed
//! before the rename and its directory after it), and every other file with no flush.
//!
//!     cargo bench --bench durable_write             # in a directory of the target's disk
//!     DIR=/path/on/other/disk cargo bench --bench durable_write
//!
//! For each way it prints the median and range over `RUNS` (default 31) replacements of a
//! 2 KB file, each after a `sync()` so that a flush waits for its own writes only:
//! - fsync file, rename, fsync dir: what the cache does (old or new content after a crash,
//!   on any POSIX file system);
//! - fdatasync file, rename, fsync dir: the same guarantee (the data and the size that reads
//!   need are flushed; the times are not);
//! - rename, fsync file, fsync dir: durable once both return, but a crash between the rename
//!   and the flush may leave an empty or torn file where the old one was (file systems
//!   without ext4's replace-by-rename heuristic);
//! - create a new file, no flush: what every other cache write costs.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn runs() -> usize {
    std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(31)
}

#[derive(Clone, Copy)]
enum Way {
    FsyncRenameFsyncDir,
    FdatasyncRenameFsyncDir,
    RenameThenFsyncBoth,
    NewFileNoFlush,
}

impl Way {
    fn name(self) -> &'static str {
        match self {
            Way::FsyncRenameFsyncDir => "fsync file, rename, fsync dir",
            Way::FdatasyncRenameFsyncDir => "fdatasync file, rename, fsync dir",
            Way::RenameThenFsyncBoth => "rename, fsync file, fsync dir",
            Way::NewFileNoFlush => "create a new file, no flush",
        }
    }
}

fn write_once(dir: &Path, way: Way, n: usize, data: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(".root.json.tmp");
    let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    file.write_all(data)?;
    let dest = match way {
        Way::NewFileNoFlush => dir.join(format!("{n}.json")),
        _ => dir.join("root.json"),
    };
    match way {
        Way::FsyncRenameFsyncDir => {
            file.sync_all()?;
            fs::rename(&tmp, &dest)?;
            File::open(dir)?.sync_all()?;
        }
        Way::FdatasyncRenameFsyncDir => {
            file.sync_data()?;
            fs::rename(&tmp, &dest)?;
            File::open(dir)?.sync_all()?;
        }
        Way::RenameThenFsyncBoth => {
            fs::rename(&tmp, &dest)?;
            file.sync_all()?;
            File::open(dir)?.sync_all()?;
        }
        Way::NewFileNoFlush => fs::rename(&tmp, &dest)?,
    }
    Ok(())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this harness with no
    // argument and gets a quick check only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("durable write benchmark: run with `cargo bench --bench durable_write`");
        return;
    }
    let base = std::env::var("DIR").map_or_else(|_| PathBuf::from("target"), PathBuf::from);
    let dir = base.join(format!("durable-write-bench.{}", std::process::id()));
    fs::create_dir_all(&dir).expect("creating the scratch directory");
    let data = vec![b'x'; 2048];
    let ways = [
        Way::FsyncRenameFsyncDir,
        Way::FdatasyncRenameFsyncDir,
        Way::RenameThenFsyncBoth,
        Way::NewFileNoFlush,
    ];
    let mut times = vec![Vec::new(); ways.len()];
    // Interleaved, so that each way meets the same disk conditions.
    for n in 0..runs() + 1 {
        for (i, way) in ways.iter().enumerate() {
            rustix::fs::sync();
            let t = Instant::now();
            write_once(&dir, *way, n, &data).expect("writing in the scratch directory");
            if n > 0 {
                times[i].push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    println!("durable replacement of a 2 KB file in {}:", dir.display());
    for (way, mut t) in ways.iter().zip(times) {
        t.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "  {:<36} median {:7.3} ms  [{:.3}-{:.3}]",
            way.name(),
            t[t.len() / 2],
            t[0],
            t[t.len() - 1]
        );
    }
    fs::remove_dir_all(&dir).expect("removing the scratch directory");
}
