//! The ground floor's file-system helpers: atomic writes, bounded reads and file fingerprints.
//! Every stage writes through here so that a crash never leaves half a file, and reads user files
//! through here so that a fifo, a device or a huge file cannot hang or exhaust the machine.
//! Nothing here knows about episodes or formats.

use crate::error::{io_error, Error, Result};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Write through a temp file in the same folder and rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut buf = std::io::BufWriter::new(file);
        write(&mut buf)?;
        let file = buf.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

/// Remove what a killed writer left in `dir`: hidden temporaries named `.<file>.<pid>.tmp` or
/// `.<file>.<pid>.part` (ours: [`write_atomic`], the remux) whose process no longer runs. A
/// SIGKILL between writing and renaming leaves one; its content never showed under the real name.
/// Linux only (it asks /proc); elsewhere nothing is removed. Returns how many went.
pub fn remove_stale_temps(dir: &Path) -> usize {
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp").or_else(|| n.strip_suffix(".part"))) else { continue };
        let Some(pid) = stem.rsplit_once('.').and_then(|(_, pid)| pid.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The largest label, chapter or settings file introskip reads (64 MiB: a million chapters).
pub const MAX_TEXT_FILE: u64 = 64 << 20;

/// Check that `path` is a regular file (not a folder, fifo, socket or device) before reading or
/// decoding it: a fifo would block forever and `/dev/zero` never ends.
pub fn check_regular_file(path: &Path) -> Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(meta);
    }
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_dir() {
        "is a folder, not a file"
    } else if kind.is_fifo() {
        "is a named pipe (fifo), not a file: introskip needs a file it can seek in"
    } else if kind.is_char_device() || kind.is_block_device() {
        "is a device, not a file"
    } else if kind.is_socket() {
        "is a socket, not a file"
    } else {
        "is not a regular file"
    };
    Err(Error::input(path, what))
}

/// Read a user's file whole, refusing anything that is not a regular file or is larger than
/// `limit` bytes (checked again while reading, in case the file grows).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = check_regular_file(path)?;
    if meta.len() > limit {
        return Err(Error::input(path, format!("is {} — larger than the {} introskip reads for this kind of file", human_size(meta.len()), human_size(limit))));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(path, format!("grew past {} while being read", human_size(limit))));
    }
    Ok(bytes)
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Size, modification time and a hash of the first and last MiB: names a file's content cheaply
/// (cache keys, weights ids).
pub fn fingerprint(path: &Path) -> Result<String> {
    let meta = check_regular_file(path)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{}-{}-{:016x}", meta.len(), mtime, head_tail_hash(path, meta.len())?))
}

/// Size and a hash of the first and last MiB, without the name or the time: the same after a
/// rename or a copy (what lets saved labels follow a renamed episode).
pub fn content_id(path: &Path) -> Result<(u64, u64)> {
    let meta = check_regular_file(path)?;
    Ok((meta.len(), head_tail_hash(path, meta.len())?))
}

fn head_tail_hash(path: &Path, len: u64) -> Result<u64> {
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    const CHUNK: u64 = 1 << 20;
    let mut buf = Vec::with_capacity(2 * CHUNK as usize);
    (&mut file).take(CHUNK).read_to_end(&mut buf).map_err(|e| io_error(path, e))?;
    if len > 2 * CHUNK {
        file.seek(SeekFrom::End(-(CHUNK as i64))).map_err(|e| io_error(path, e))?;
    }
    file.take(CHUNK).read_to_end(&mut buf).map_err(|e| io_error(path, e))?;
    Ok(fnv64(&buf))
}

/// Serialise a path as text for JSON output, lossily: a name that is not UTF-8 shows replacement
/// characters instead of failing the whole document (serde refuses such paths).
pub fn serialize_path_lossy<S: serde::Serializer>(path: &Path, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// FNV-1a, 64 bit: a fast checksum for cache integrity (not for security).
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_writers_temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4,194,304) never runs.
        let dead = [".x.edl.4999999.tmp", ".x.mkv.4999999.part"];
        let kept = [format!(".x.edl.{}.tmp", std::process::id()), "x.edl".into(), ".hidden".into(), ".y.notapid.tmp".into()];
        for n in dead.iter().map(|s| s.to_string()).chain(kept.iter().cloned()) {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        assert_eq!(remove_stale_temps(dir.path()), 2);
        for n in &kept {
            assert!(dir.path().join(n).exists(), "{n} removed");
        }
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.json");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let err = read_bounded(&fifo, MAX_TEXT_FILE).unwrap_err().to_string();
        assert!(err.contains("pipe.json") && err.contains("named pipe"), "{err}");
    }

    #[test]
    fn dev_zero_is_refused() {
        let err = read_bounded(Path::new("/dev/zero"), MAX_TEXT_FILE).unwrap_err().to_string();
        assert!(err.contains("/dev/zero") && err.contains("device"), "{err}");
    }

    #[test]
    fn too_large_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.json");
        std::fs::write(&f, vec![b' '; 2048]).unwrap();
        let err = read_bounded(&f, 1024).unwrap_err().to_string();
        assert!(err.contains("larger than"), "{err}");
        assert_eq!(read_bounded(&f, 4096).unwrap().len(), 2048);
    }

    #[test]
    fn an_interrupted_atomic_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("labels.json");
        std::fs::write(&f, b"old").unwrap();
        // The writer fails between the temp file and the rename: the old file stands, no temp remains.
        let r = write_atomic(&f, |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::other("killed"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&f).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
