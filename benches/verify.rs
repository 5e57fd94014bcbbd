//! Load + verify benchmark on the ../shared/bench workloads (python-tuf repositories).
//!
//!     cargo bench --bench verify
//!
//! Reads repositories from `$BENCH_WORK/repos` (default `/tmp/bench-work/repos`), as written
//! by `../shared/bench/gen_repo.py` (or `../shared/bench/run.sh`):
//!
//!     python3 ../shared/bench/gen_repo.py /tmp/bench-work/repos/flat-50000 --workload flat --targets 50000
//!     python3 ../shared/bench/gen_repo.py /tmp/bench-work/repos/hashbins-16384 --workload hashbins --bins 16384 --targets 100000
//!
//! For each workload it prints the median and range over `RUNS` (default 15) runs of each
//! phase (more for a quick phase: as many as fill 300 ms), and the peak heap in use during
//! one load + verify (counted by a global allocator wrapper), next to the size of the file.
//!
//! Then, for every workload under `$BENCH_WORK/repos` (each directory with a `workload.json`),
//! the cold refresh on bytes already in memory: the trusted root v1, every newer root, the
//! timestamp, the snapshot and the top-level targets, through the same `TrustedSet` calls
//! the updater makes (5.2-5.6.6), so with no I/O, transport or cache. This is what
//! `../shared/bench/floors.py` bounds from below in its `refresh` column; give its output in
//! `FLOORS=FILE` and each line also shows the ratio to the floor:
//!
//!     ../shared/bench/floors.py limits.jsonl $BENCH_WORK/repos > floors.txt
//!     FLOORS=floors.txt cargo bench --bench verify

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tuf::json::{ToJson, Value};
use tuf::metadata::{DateTime, Metadata, Snapshot, Targets};
use tuf::verify::{Policy, TrustedSet};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates every call to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn runs() -> usize {
    std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

/// Timed runs of a phase also fill at least this many milliseconds: a phase of a fraction of
/// a millisecond gets enough runs for a pause of the machine not to move its median.
const MIN_TOTAL_MS: f64 = 300.0;

/// The most runs of one phase.
const MAX_RUNS: usize = 5000;

fn time<T>(mut setup: impl FnMut() -> T, mut f: impl FnMut(T)) -> (f64, f64, f64) {
    let mut v = Vec::new();
    let mut total = 0.0;
    while v.len() < MAX_RUNS && (v.len() < runs() + 1 || total < MIN_TOTAL_MS) {
        let input = setup();
        let t = Instant::now();
        f(input);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        total += ms;
        v.push(ms);
    }
    v.remove(0); // warm-up
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn report(name: &str, (med, min, max): (f64, f64, f64)) {
    println!("{name:<44} median {med:8.2} ms  [{min:.2}-{max:.2}]");
}

fn peak_during(f: impl FnOnce()) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - base
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

/// A set with root, timestamp and snapshot of the workload loaded.
fn set_until_snapshot(md: &Path, now: DateTime) -> TrustedSet {
    let mut set = TrustedSet::new(&read(md, "1.root.json"), now, Policy::default()).unwrap();
    set.update_timestamp(&read(md, "timestamp.json")).unwrap();
    let v = set.timestamp().unwrap().snapshot_meta.version;
    set.update_snapshot(&read(md, &format!("{v}.snapshot.json")), false)
        .unwrap();
    set
}

fn bench_flat(repos: &Path) {
    let md = repos.join("flat-50000/metadata");
    if !md.exists() {
        println!("skipping flat-50000: {} not found", md.display());
        return;
    }
    let now = DateTime::now();
    let v = set_until_snapshot(&md, now)
        .snapshot()
        .unwrap()
        .role_meta("targets")
        .unwrap()
        .version;
    let name = format!("{v}.targets.json");
    let bytes = read(&md, &name);
    println!("flat-50000 {name}: {} bytes", bytes.len());
    report(
        "  parse (typed, Metadata<Targets>)",
        time(
            || (),
            |_| drop(Metadata::<Targets>::from_bytes(&bytes).unwrap()),
        ),
    );
    let before = CURRENT.load(Ordering::Relaxed);
    let mut parsed = None;
    let parse_peak =
        peak_during(|| parsed = Some(Metadata::<Targets>::from_bytes(&bytes).unwrap()));
    let parsed = parsed.unwrap();
    println!(
        "  parse: peak heap {:.1} MB, retained {:.1} MB",
        parse_peak as f64 / 1e6,
        (CURRENT.load(Ordering::Relaxed) - before) as f64 / 1e6
    );
    report(
        "  canonical encode of signed",
        time(|| (), |_| drop(parsed.signed.to_canonical())),
    );
    let canonical = parsed.signed.to_canonical();
    println!("  canonical bytes: {}", canonical.len());
    report(
        "  load + verify (update_targets)",
        time(
            || set_until_snapshot(&md, now),
            |mut set| {
                set.update_targets(&bytes).unwrap();
            },
        ),
    );
    let mut set = set_until_snapshot(&md, now);
    let peak = peak_during(|| {
        set.update_targets(&bytes).unwrap();
    });
    println!(
        "  peak heap during load + verify: {:.1} MB ({:.2}x the file; {:.2}x counting the file itself)",
        peak as f64 / 1e6,
        peak as f64 / bytes.len() as f64,
        (peak + bytes.len()) as f64 / bytes.len() as f64
    );
}

fn bench_hashbins(repos: &Path) {
    let md = repos.join("hashbins-16384/metadata");
    if !md.exists() {
        println!("skipping hashbins-16384: {} not found", md.display());
        return;
    }
    let now = DateTime::now();
    let mut set = TrustedSet::new(&read(&md, "1.root.json"), now, Policy::default()).unwrap();
    set.update_timestamp(&read(&md, "timestamp.json")).unwrap();
    let v = set.timestamp().unwrap().snapshot_meta.version;
    let name = format!("{v}.snapshot.json");
    let bytes = read(&md, &name);
    println!("hashbins-16384 {name}: {} bytes", bytes.len());
    report(
        "  parse (typed, Metadata<Snapshot>)",
        time(
            || (),
            |_| drop(Metadata::<Snapshot>::from_bytes(&bytes).unwrap()),
        ),
    );
    let mk = || {
        let mut set = TrustedSet::new(&read(&md, "1.root.json"), now, Policy::default()).unwrap();
        set.update_timestamp(&read(&md, "timestamp.json")).unwrap();
        set
    };
    report(
        "  load + verify (update_snapshot)",
        time(mk, |mut set| {
            set.update_snapshot(&bytes, false).unwrap();
        }),
    );
    let mut set = mk();
    let peak = peak_during(|| {
        set.update_snapshot(&bytes, false).unwrap();
    });
    println!(
        "  peak heap during load + verify: {:.1} MB ({:.2}x the file)",
        peak as f64 / 1e6,
        peak as f64 / bytes.len() as f64
    );
}

/// `floors.py` output: workload -> refresh floor in ms.
fn floors() -> Vec<(String, f64)> {
    let Ok(path) = std::env::var("FLOORS") else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| {
            let mut cols = line.split_whitespace();
            let (name, refresh) = (cols.next()?, cols.next()?.parse().ok()?);
            Some((name.to_string(), refresh))
        })
        .collect()
}

/// The files of a workload's cold refresh, in the order a client verifies them.
fn refresh_files(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read(dir.join("workload.json")).ok()?;
    let value = Value::parse(&text).expect("workload.json is JSON");
    let files = match value.as_object()?.get("refresh_files")? {
        Value::Array(files) => files,
        _ => return None,
    };
    files.iter().map(|f| f.as_str().map(String::from)).collect()
}

fn bench_cold_refresh(repos: &Path) {
    let Ok(entries) = std::fs::read_dir(repos) else {
        println!("skipping cold refresh: {} not found", repos.display());
        return;
    };
    let mut workloads: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    workloads.sort();
    let floors = floors();
    let now = DateTime::now();
    println!("cold refresh, in memory (root v1, newer roots, timestamp, snapshot, targets):");
    for dir in workloads {
        let Some(files) = refresh_files(&dir) else {
            continue;
        };
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let md = dir.join("metadata");
        let trusted = read(&dir, "root.json");
        let bytes: Vec<(String, Vec<u8>)> =
            files.iter().map(|f| (f.clone(), read(&md, f))).collect();
        let refresh = || {
            let mut set = TrustedSet::new(&trusted, now, Policy::default()).unwrap();
            for (file, data) in &bytes {
                if file.ends_with(".root.json") {
                    set.update_root(data).unwrap();
                } else if file == "timestamp.json" {
                    set.update_timestamp(data).unwrap();
                } else if file.ends_with(".snapshot.json") {
                    set.update_snapshot(data, false).unwrap();
                } else {
                    set.update_targets(data).unwrap();
                }
            }
            set
        };
        let (med, min, max) = time(|| (), |_| drop(refresh()));
        let floor = floors.iter().find(|(w, _)| *w == name).map(|(_, f)| *f);
        let ratio = floor.map_or(String::new(), |f| {
            format!("  floor {f:.2} ms: {:.2}x", med / f)
        });
        println!("  {name:<30} median {med:8.2} ms  [{min:.2}-{max:.2}]{ratio}");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this harness with no
    // argument and gets a quick check only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("verify benchmark: run with `cargo bench --bench verify`");
        return;
    }
    let work = std::env::var("BENCH_WORK").unwrap_or_else(|_| "/tmp/bench-work".into());
    let repos = PathBuf::from(work).join("repos");
    bench_flat(&repos);
    bench_hashbins(&repos);
    bench_cold_refresh(&repos);
}
