//! How `jixiao watch` learns that something it watches was saved. On Linux the kernel says so
//! (inotify, through the `inotify` crate — the one `notify` uses there): the watch sleeps until a
//! file in a watched folder is written, created, moved or removed, so a watch left open costs no
//! CPU and a save is seen at once. Folders are watched, not files, because editors save by writing
//! a new file and renaming it over the old one, which a watch on the old file's inode would miss.
//! Elsewhere, or when the kernel refuses (its limit of watches reached), it looks every [`POLL`].
//!
//! A notice only wakes the watch: whether a watched file changed is decided by comparing the
//! files' sizes and modification times (`Session::stamps`), so a notice about another file in a
//! data file's folder starts no run.

use std::path::PathBuf;
use std::time::Duration;

/// How often the files are looked at when the kernel cannot tell.
pub const POLL: Duration = Duration::from_millis(1);

/// Where notices come from.
pub struct Notices {
    #[cfg(target_os = "linux")]
    kernel: Option<kernel::Kernel>,
}

impl Notices {
    /// Notices of changes in `folders` (the kernel's, else none: the caller polls).
    pub fn new(folders: &[PathBuf]) -> Notices {
        #[cfg(target_os = "linux")]
        {
            Notices {
                kernel: kernel::Kernel::new(folders).ok(),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = folders;
            Notices {}
        }
    }

    /// Whether the kernel gives the notices (else the files are looked at every [`POLL`]).
    #[cfg(test)]
    pub fn told_by_kernel(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            self.kernel.is_some()
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }

    /// Also watches `folders` (sub-folders made since): a folder already watched is left as it is.
    pub fn add(&mut self, folders: &[PathBuf]) {
        #[cfg(target_os = "linux")]
        if let Some(kernel) = &mut self.kernel {
            kernel.add(folders);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = folders;
    }

    /// Waits at most `timeout` for a notice and says whether one came, every notice that came
    /// meanwhile read. Without the kernel: sleeps `timeout` or [`POLL`], whichever is shorter,
    /// and says yes (the caller looks at the files).
    pub fn wait(&mut self, timeout: Duration) -> bool {
        #[cfg(target_os = "linux")]
        if let Some(kernel) = &mut self.kernel {
            return kernel.wait(timeout);
        }
        std::thread::sleep(timeout.min(POLL));
        true
    }
}

#[cfg(target_os = "linux")]
mod kernel {
    use std::os::fd::AsRawFd;
    use std::path::PathBuf;
    use std::time::Duration;

    use inotify::{Inotify, WatchMask};

    /// An inotify instance watching folders.
    pub struct Kernel {
        inotify: Inotify,
        buffer: Vec<u8>,
    }

    /// Everything that can change a file's content, size, time or presence in a folder.
    fn mask() -> WatchMask {
        WatchMask::MODIFY
            | WatchMask::ATTRIB
            | WatchMask::CLOSE_WRITE
            | WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF
    }

    impl Kernel {
        pub fn new(folders: &[PathBuf]) -> std::io::Result<Kernel> {
            let inotify = Inotify::init()?;
            let mut watches = inotify.watches();
            for folder in folders {
                watches.add(folder, mask())?;
            }
            Ok(Kernel {
                inotify,
                buffer: vec![0; 16 * 1024],
            })
        }

        pub fn add(&mut self, folders: &[PathBuf]) {
            let mut watches = self.inotify.watches();
            for folder in folders {
                // Adding a watched folder again only sets its mask again; a folder gone since it
                // was listed is not an error here (the stamps will say it is gone).
                let _ = watches.add(folder, mask());
            }
        }

        pub fn wait(&mut self, timeout: Duration) -> bool {
            let mut poll = libc::pollfd {
                fd: self.inotify.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
            // SAFETY: one valid pollfd, its count 1; the descriptor is open while `self` lives.
            let ready = unsafe { libc::poll(&mut poll, 1, millis) };
            if ready <= 0 {
                // Timed out, or interrupted by a signal: nothing noticed.
                return false;
            }
            // Read every queued event (the descriptor does not block): what they say is not
            // needed, only that something happened.
            let mut noticed = false;
            while let Ok(mut events) = self.inotify.read_events(&mut self.buffer) {
                if events.next().is_none() {
                    break;
                }
                noticed = true;
            }
            noticed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_by_rename_in_a_watched_folder_is_noticed_and_silence_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scheme.yaml");
        std::fs::write(&file, "a: 1\n").unwrap();
        let mut notices = Notices::new(&[dir.path().to_path_buf()]);
        if !notices.told_by_kernel() {
            // Polling: every wait says "look".
            assert!(notices.wait(Duration::from_millis(5)));
            return;
        }
        assert!(
            !notices.wait(Duration::from_millis(20)),
            "nothing was saved"
        );
        // An editor's save: a new file renamed over the old one.
        let temporary = dir.path().join(".scheme.yaml.swp");
        std::fs::write(&temporary, "a: 2\n").unwrap();
        std::fs::rename(&temporary, &file).unwrap();
        assert!(notices.wait(Duration::from_secs(5)));
        // Every event of that save was read: silence again.
        assert!(!notices.wait(Duration::from_millis(20)));
        // A file in a sub-folder made later is noticed once the sub-folder is added.
        let sub = dir.path().join("modules");
        std::fs::create_dir(&sub).unwrap();
        assert!(
            notices.wait(Duration::from_secs(5)),
            "the folder's creation"
        );
        notices.add(std::slice::from_ref(&sub));
        std::fs::write(sub.join("common.rhai"), "let x = 1;").unwrap();
        assert!(notices.wait(Duration::from_secs(5)));
    }
}
