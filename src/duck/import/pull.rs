//! The optional copies from the copy host, all made before the import
//! transaction starts, so no caller code runs while the database is held.
//!
//! go-store's order and remote specs: the golden set
//! (`<host>:/Volumes/Data/lem/responses/gold-15k.jsonl`), every training
//! file (`<host>:/Volumes/Data/lem/<rel>`, parent directories created),
//! the four question files and the four result directories (`ScpDir`
//! with `<host>:/Volumes/Data/lem/benchmarks/<dir>/` into `<local dir>/`),
//! then the standalone result files that are missing locally. Copy errors
//! are ignored; only the golden set's prints a WARNING line.

use super::sources::*;
use super::tables::{is_file, OP};
use super::ImportConfig;
use crate::{Error, ErrorKind, Result};

fn ensure_dir(dir: &str, what: &str) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorKind::Io, format!("{OP}: {what}: {e}")))
}

/// Runs every copy the configuration asks for and creates go-store's
/// directories; `say` receives the printed lines.
pub(crate) fn pull(cfg: &mut ImportConfig<'_>, host: &str, say: &mut dyn FnMut(String)) -> Result<()> {
    let data_dir = cfg.data_dir.clone();
    let active = !cfg.skip_m3;
    if let (true, Some(scp)) = (active, cfg.scp.as_mut()) {
        say("  Pulling golden set from M3...".into());
        let remote = remote(host, &format!("responses/{GOLDEN_FILE}"));
        if let Err(e) = scp(&remote, &join(&data_dir, GOLDEN_FILE)) {
            say(format!("  WARNING: could not pull golden set from M3: {e}"));
        }
    }
    if let (true, Some(scp)) = (active, cfg.scp.as_mut()) {
        say("  Pulling training sets from M3...".into());
        for (_, files) in TRAINING_SOURCES {
            for rel in files {
                let local = join(&data_dir, rel);
                let parent = std::path::Path::new(&local).parent().map(|p| p.to_string_lossy().into_owned());
                ensure_dir(parent.as_deref().unwrap_or("."), "ensure training directory")?;
                let _ = scp(&remote(host, rel), &local);
            }
        }
    }
    let bench_dir = join(&data_dir, "benchmarks");
    ensure_dir(&bench_dir, &format!("ensure benchmark directory {bench_dir}"))?;
    if active {
        say("  Pulling benchmarks from M3...".into());
        if let Some(scp) = cfg.scp.as_mut() {
            for name in QUESTION_BENCHMARKS {
                let _ = scp(
                    &remote(host, &format!("benchmarks/{name}.jsonl")),
                    &join(&bench_dir, &format!("{name}.jsonl")),
                );
            }
        }
        if let Some(scp_dir) = cfg.scp_dir.as_mut() {
            for sub in RESULT_DIRS {
                let local = join(&bench_dir, sub);
                ensure_dir(&local, &format!("ensure benchmark subdirectory {local}"))?;
                let _ = scp_dir(&remote(host, &format!("benchmarks/{sub}/")), &format!("{local}/"));
            }
        }
        if let Some(scp) = cfg.scp.as_mut() {
            for name in STANDALONE_RESULTS {
                let local = join(&bench_dir, &format!("{name}.jsonl"));
                if !is_file(&local) {
                    let _ = scp(&remote(host, &format!("benchmarks/{name}.jsonl")), &local);
                }
            }
        }
    }
    Ok(())
}
