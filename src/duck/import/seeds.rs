//! Step 5: the seed files under `<DataDir>/seeds` (go-store `importSeeds`
//! and `walkDir`): every `*.json` file, depth first, entries sorted by name.

use super::rows::{seed_list, seed_row};
use super::tables::{recreate, with_appender, SEEDS_DDL};
use crate::duck::raw::{Appender, Connection};
use crate::{Error, ErrorKind, Result};
use std::path::Path;

const F: &str = "store.importSeeds";

/// Calls `each` for every non-directory entry under `root` (symbolic links
/// are not followed into), in name order, like go-store's `walkDir`.
fn walk_dir(root: &str, each: &mut dyn FnMut(&str) -> Result<()>) -> Result<()> {
    let list = |e: std::io::Error| Error::new(ErrorKind::Io, format!("store.walkDir: list {root}: {e}"));
    let mut entries = std::fs::read_dir(root)
        .map_err(list)?
        .map(|e| e.and_then(|e| Ok((e.file_name().to_string_lossy().into_owned(), e.file_type()?.is_dir()))))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(list)?;
    entries.sort();
    for (name, is_dir) in entries {
        let full = format!("{root}/{name}");
        if is_dir {
            walk_dir(&full, each)?;
        } else {
            each(&full)?;
        }
    }
    Ok(())
}

fn import_seed_file(app: &mut Appender, seed_dir: &str, path: &str) -> Result<i64> {
    if !path.ends_with(".json") {
        return Ok(0);
    }
    let rel = path.strip_prefix(&format!("{seed_dir}/")).unwrap_or(path);
    let file_name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let region = file_name.strip_suffix(".json").unwrap_or(&file_name);
    let data = std::fs::read(path).map_err(|e| Error::new(ErrorKind::Io, format!("{F}: read seed file {rel}: {e}")))?;
    let doc: serde_json::Value =
        serde_json::from_slice(&data).map_err(|e| Error::invalid(format!("{F}: parse seed file {rel}: {e}")))?;
    let mut count = 0;
    for item in seed_list(&doc) {
        if let Some((seed_id, domain, prompt)) = seed_row(item) {
            app.row(&[rel, region, &seed_id, &domain, &prompt]).map_err(|e| e.wrap(format!("{F}: insert seed")))?;
            count += 1;
        }
    }
    Ok(count)
}

/// Every seed file under `seed_dir` (go-store `importSeeds`): a directory
/// that cannot be listed fails with `store.walkDir: list <dir>: …`.
pub(crate) fn import_seeds(app: &mut Appender, seed_dir: &str) -> Result<i64> {
    let mut count = 0;
    walk_dir(seed_dir, &mut |path| {
        count += import_seed_file(app, seed_dir, path)?;
        Ok(())
    })?;
    Ok(count)
}

/// Step 5: recreate `seeds` and import `<data_dir>/seeds` when it is a directory.
pub(crate) fn seeds(conn: &Connection, seed_dir: &str) -> Result<i64> {
    recreate(conn, "seeds", SEEDS_DDL)?;
    if !Path::new(seed_dir).is_dir() {
        return Ok(0);
    }
    with_appender(conn, "seeds", |app| {
        import_seeds(app, seed_dir).map_err(|e| e.wrap(format!("store.ImportAll: import seeds {seed_dir}")))
    })
}
