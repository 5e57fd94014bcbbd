//! `tuf-client`: a TUF client speaking the standard TUF client test CLI (the one
//! ../shared/bench uses), built on libtuf's updater.
//!
//! ```text
//! tuf-client --metadata-dir DIR init TRUSTED_ROOT
//! tuf-client --metadata-dir DIR --metadata-url URL refresh
//! tuf-client --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
//!            --target-base-url URL --target-dir DIR download
//! ```
//!
//! Exit status 0 on success, 1 on any failure (with the reason on stderr), 2 on bad usage
//! (unknown option or command, or a command without the options it needs; the usage is printed).
//! `--help` prints the usage on stdout and exits 0.
//! Like the other benchmark clients it raises the metadata length limits to 1 GiB and the
//! delegation limit to 1024 so that large benchmark repositories load; everything else is the
//! updater's default.

use std::path::PathBuf;
use std::process::ExitCode;

use tuf::updater::{Updater, UpdaterConfig};

#[derive(Default)]
struct Args {
    metadata_dir: Option<PathBuf>,
    metadata_url: Option<String>,
    target_names: Vec<String>,
    target_base_url: Option<String>,
    target_dir: Option<PathBuf>,
    command: Option<String>,
    trusted_root: Option<PathBuf>,
}

const USAGE: &str = "usage:
  tuf-client --metadata-dir DIR init TRUSTED_ROOT
  tuf-client --metadata-dir DIR --metadata-url URL refresh
  tuf-client --metadata-dir DIR --metadata-url URL --target-name NAME [--target-name NAME ...]
             --target-base-url URL --target-dir DIR download";

/// The arguments, or `None` for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let mut a = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--metadata-dir" => a.metadata_dir = Some(value(&arg)?.into()),
            "--metadata-url" => a.metadata_url = Some(value(&arg)?),
            "--target-name" => a.target_names.push(value(&arg)?),
            "--target-base-url" => a.target_base_url = Some(value(&arg)?),
            "--target-dir" => a.target_dir = Some(value(&arg)?.into()),
            "-h" | "--help" => return Ok(None),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s if a.command.is_none() => a.command = Some(s.to_string()),
            s if a.trusted_root.is_none() => a.trusted_root = Some(s.into()),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    check_usage(&a)?;
    Ok(Some(a))
}

/// Usage errors (exit 2): no or an unknown command, or a command without what it needs.
fn check_usage(a: &Args) -> Result<(), String> {
    let command = a.command.as_deref().ok_or("a command is required")?;
    let mut required: Vec<(&str, bool)> = vec![("--metadata-dir", a.metadata_dir.is_some())];
    match command {
        "init" => required.push(("TRUSTED_ROOT", a.trusted_root.is_some())),
        "refresh" | "download" => {
            required.push(("--metadata-url", a.metadata_url.is_some()));
            if command == "download" {
                required.push(("--target-name", !a.target_names.is_empty()));
                required.push(("--target-base-url", a.target_base_url.is_some()));
                required.push(("--target-dir", a.target_dir.is_some()));
            }
            if let Some(extra) = &a.trusted_root {
                return Err(format!("unexpected argument {}", extra.display()));
            }
        }
        other => return Err(format!("unknown command {other}")),
    }
    match required.iter().find(|(_, present)| !present) {
        Some((name, _)) => Err(format!("{command} needs {name}")),
        None => Ok(()),
    }
}

fn config(a: &Args) -> Result<UpdaterConfig, String> {
    let dir = a.metadata_dir.clone().ok_or("--metadata-dir is required")?;
    let url = a.metadata_url.clone().ok_or("--metadata-url is required")?;
    let mut c = UpdaterConfig::new(dir, url);
    let big = 1 << 30;
    c.max_delegations = 1024;
    c.root_max_length = big;
    c.timestamp_max_length = big;
    c.snapshot_max_length = big;
    c.targets_max_length = big;
    c.targets_dir = a.target_dir.clone();
    c.targets_base_url = a.target_base_url.clone();
    Ok(c)
}

fn run(a: &Args) -> Result<(), Box<dyn std::error::Error>> {
    match a.command.as_deref() {
        Some("init") => {
            let root_path = a.trusted_root.as_ref().ok_or("init needs TRUSTED_ROOT")?;
            let dir = a.metadata_dir.clone().ok_or("--metadata-dir is required")?;
            let root =
                std::fs::read(root_path).map_err(|e| format!("{}: {e}", root_path.display()))?;
            // Verifies the root's own signatures and stores it; no network request.
            let mut c = UpdaterConfig::new(dir, "file:///nonexistent/");
            c.bootstrap_root = Some(root);
            Updater::new(c)?;
            Ok(())
        }
        Some("refresh") => {
            let mut u = Updater::new(config(a)?)?;
            u.refresh()?;
            Ok(())
        }
        Some("download") => {
            let dir = a.target_dir.as_ref().ok_or("--target-dir is required")?;
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut u = Updater::new(config(a)?)?;
            u.refresh()?;
            for name in &a.target_names {
                let info = u
                    .get_target_info(name)?
                    .ok_or_else(|| format!("target {name} not found"))?;
                if u.find_cached_target(&info, None)?.is_none() {
                    u.download_target(&info, None, None)?;
                }
            }
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other}").into()),
        None => Err("a command is required".into()),
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("tuf-client: {msg}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tuf-client: {e}");
            ExitCode::FAILURE
        }
    }
}
