//! Writing an output file all or nothing: the content goes to a temporary file in the same folder,
//! which is renamed over `path` only once it is complete, flushed and synced.
//!
//! Policies:
//! - **Failure leaves the old file.** Any error — before the first byte (the writer refused the
//!   data), midway (disk full, a writer error) or at the rename — removes the temporary file and
//!   leaves an existing `path` byte-identical; no half-written output ever sits at `path`.
//! - **Same folder.** The temporary file (`.NAME.jixiao-XXXXXX.tmp`) lives next to `path`, so the
//!   rename is atomic (same file system). A folder that cannot be written fails before any work,
//!   naming `path`.
//! - **Permissions.** A new file gets the permissions `File::create` would give it (0o666 less the
//!   umask on unix); a replaced file keeps its own. A read-only existing file is refused, as
//!   `File::create` would refuse it, rather than silently replaced by the rename.
//! - **Symbolic links** are followed: the file the link points to is replaced, the link stays.
//! - **Regular files only.** A `path` that is (or links to) anything but a regular file — a
//!   folder, a device such as `/dev/null`, a FIFO, a socket — is refused before any work, so the
//!   node is never replaced by a regular file; [`check_output`] also refuses to replace a file the
//!   run reads (its data, previous period, decision matrix).
//! - **Interrupted writes.** Ctrl-C (SIGINT), SIGTERM or SIGHUP while the temporary file exists
//!   removes it before the process ends with the signal's usual status: nothing is left behind.
//! - Every error names `path` (the file the user asked for), not the temporary file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The writer handed to [`write_atomically`]'s closure: buffered, over the temporary file.
pub type OutputWriter = BufWriter<File>;

/// Writes `path` by running `write` on a temporary file next to it and renaming that file into
/// place when `write` succeeded; on any error the temporary file is removed and `path` is left as
/// it was. `write`'s own errors are returned unchanged (map them to name `path`).
pub fn write_atomically<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut OutputWriter) -> Result<()>,
{
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_link(path);
    let existing = match std::fs::metadata(&target) {
        Ok(metadata) if metadata.is_dir() => {
            return Err(io(std::io::Error::other(
                "is a folder; name a file to write",
            )))
        }
        Ok(metadata) if !metadata.is_file() => {
            return Err(io(std::io::Error::other(
                "is not a regular file (a device, a FIFO or a socket); name a file to write",
            )))
        }
        Ok(metadata) if metadata.permissions().readonly() => {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only; make it writable or choose another --out",
            )))
        }
        Ok(metadata) => Some(metadata.permissions()),
        Err(_) => None,
    };
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{file_name}.jixiao-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // tempfile names the temporary file in its errors; the user asked for `path`, so only the
    // kind of failure is kept.
    let temporary = builder.tempfile_in(&folder).map_err(|e| {
        io(std::io::Error::new(
            e.kind(),
            format!("cannot create a file in {}: {}", folder.display(), e.kind()),
        ))
    })?;
    if let Some(permissions) = existing {
        temporary
            .as_file()
            .set_permissions(permissions)
            .map_err(io)?;
    }
    let (file, temporary_path) = temporary.into_parts();
    // From here on the temporary file is removed when `temporary_path` drops, on every early return,
    // and by the signal handler when the process is interrupted.
    let _guard = interrupt::remove_on_signal(&temporary_path);
    let mut writer = BufWriter::new(file);
    write(&mut writer)?;
    let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    temporary_path
        .persist(&target)
        .map_err(|error| io(error.error))?;
    Ok(())
}

/// Refuses, before any work is done, an output `path` that [`write_atomically`] would refuse (a
/// folder, a device, a FIFO: anything but a regular file, links followed) or that is one of
/// `inputs` (the same file, under any name or link): writing the results there would destroy the
/// data they come from.
pub fn check_output(path: &Path, inputs: &[&Path]) -> Result<()> {
    let refuse = |message: String| Error::Usage { message };
    let Ok(metadata) = std::fs::metadata(path) else {
        return Ok(());
    };
    if metadata.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a folder; name a file to write"),
        });
    }
    if !metadata.is_file() {
        return Err(refuse(format!(
            "cannot write {}: it is not a regular file (a device, a FIFO or a socket); name a file for --out",
            path.display()
        )));
    }
    for input in inputs {
        if same_file(path, input) {
            return Err(refuse(format!(
                "cannot write {}: it is the input file {}, which the results would replace; choose another --out",
                path.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Whether `a` and `b` name the same existing file (links followed).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(first), Ok(second)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        first.dev() == second.dev() && first.ino() == second.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (first, second);
        matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}

/// Removing the temporary file when the process is interrupted: its path is kept, as a C string
/// allocated before the write starts, where the signal handler can reach it without allocating;
/// the handler unlinks it (async-signal-safe) and then ends the process as the signal would have.
mod interrupt {
    use std::path::Path;

    #[cfg(unix)]
    mod imp {
        use std::ffi::{c_char, CString};
        use std::path::Path;
        use std::sync::atomic::{AtomicPtr, Ordering};
        use std::sync::Once;

        static TEMPORARY: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
        static INSTALL: Once = Once::new();

        /// Clears the registered path when the write ends, however it ends.
        pub struct Guard;

        impl Drop for Guard {
            fn drop(&mut self) {
                let old = TEMPORARY.swap(std::ptr::null_mut(), Ordering::SeqCst);
                if !old.is_null() {
                    // SAFETY: made by `CString::into_raw` below and taken out of the static once.
                    drop(unsafe { CString::from_raw(old) });
                }
            }
        }

        pub fn remove_on_signal(path: &Path) -> Option<Guard> {
            use std::os::unix::ffi::OsStrExt;
            let path = CString::new(path.as_os_str().as_bytes()).ok()?;
            INSTALL.call_once(|| {
                for signal in [
                    signal_hook::consts::SIGINT,
                    signal_hook::consts::SIGTERM,
                    signal_hook::consts::SIGHUP,
                ] {
                    // SAFETY: the handler only swaps an atomic, unlinks a file and re-raises the
                    // signal with its default action, all async-signal-safe.
                    let _ = unsafe {
                        signal_hook::low_level::register(signal, move || {
                            let path = TEMPORARY.swap(std::ptr::null_mut(), Ordering::SeqCst);
                            if !path.is_null() {
                                libc::unlink(path);
                            }
                            let _ = signal_hook::low_level::emulate_default_handler(signal);
                        })
                    };
                }
            });
            let old = TEMPORARY.swap(path.into_raw(), Ordering::SeqCst);
            if !old.is_null() {
                // SAFETY: as in `Guard::drop`.
                drop(unsafe { CString::from_raw(old) });
            }
            Some(Guard)
        }
    }

    #[cfg(not(unix))]
    mod imp {
        pub struct Guard;
        pub fn remove_on_signal(_: &std::path::Path) -> Option<Guard> {
            None
        }
    }

    /// Registers `path` for removal on SIGINT, SIGTERM or SIGHUP until the guard drops.
    pub fn remove_on_signal(path: &Path) -> Option<imp::Guard> {
        imp::remove_on_signal(path)
    }
}

/// `path`, or where it points when it is a symbolic link that resolves.
fn resolve_link(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Maps a writer's error (polars, rust_xlsxwriter, io) to an error naming `path`.
pub fn write_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(error.to_string()),
    }
}

/// Lets `?` pass io errors of writes through the closure: `write_all(...).map_err(io_error(path))`.
pub fn io_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_complete_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        write_atomically(&path, |w| w.write_all(b"new\n").map_err(io_error(&path))).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
        assert_eq!(files_in(dir.path()), ["out.csv"], "no temporary file left");
    }

    #[test]
    fn a_write_failing_midway_leaves_the_old_file_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let old = "rank,score\n1,90.5\n".repeat(10_000);
        std::fs::write(&path, &old).unwrap();
        let result = write_atomically(&path, |w| {
            // More than the buffer holds, so part of it reaches the temporary file.
            w.write_all(&vec![b'x'; 100_000]).map_err(io_error(&path))?;
            Err(write_error(&path, "the writer gave up halfway"))
        });
        let error = result.unwrap_err().to_string();
        assert_eq!(
            error,
            format!("error: {}: the writer gave up halfway\n", path.display())
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
        assert_eq!(files_in(dir.path()), ["out.csv"], "temporary file removed");
    }

    #[test]
    fn a_failure_before_any_byte_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.xlsx");
        let result = write_atomically(&path, |_| Err(write_error(&path, "bad data")));
        assert!(result.is_err());
        assert!(
            files_in(dir.path()).is_empty(),
            "{:?}",
            files_in(dir.path())
        );
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder/out.csv");
        let error = write_atomically(&path, |_| Ok(())).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("error: {}: ", path.display())),
            "{error}"
        );
    }

    #[test]
    fn a_folder_that_cannot_hold_the_file_is_named_without_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder/out.csv");
        let error = write_atomically(&path, |_| Ok(())).unwrap_err().to_string();
        assert!(!error.contains(".jixiao-"), "{error}");
        assert_eq!(
            error,
            format!(
                "error: {}: cannot create a file in {}: entity not found\n",
                path.display(),
                dir.path().join("no-such-folder").display()
            )
        );
    }

    #[test]
    fn a_folder_or_a_read_only_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_atomically(dir.path(), |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("is a folder"), "{error}");
        let path = dir.path().join("locked.csv");
        std::fs::write(&path, "old").unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        let error = write_atomically(&path, |w| w.write_all(b"new").map_err(io_error(&path)))
            .unwrap_err()
            .to_string();
        assert!(error.contains("read-only"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(files_in(dir.path()), ["locked.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_of_a_replaced_file_are_kept_and_links_are_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.csv");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new").map_err(io_error(&link))).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
