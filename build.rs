//! Embeds the shipped schemes (`scoring/`), their sample datasets (`datasets/`) and the `jixiao
//! init` templates (`templates/`) in the library, so an installed binary has them without the
//! repository: writes `$OUT_DIR/shipped_files.rs`, a sorted list of (path, bytes) with a content
//! hash that names the folder they are unpacked to.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((relative, path));
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for folder in ["scoring", "datasets", "templates"] {
        println!("cargo:rerun-if-changed={folder}");
        walk(&root, &root.join(folder), &mut files);
    }
    files.sort();
    // FNV-1a over paths and contents: the unpacked copy of one build never serves another.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let mut code = String::from(
        "/// Every embedded file: its path under the repository root, and its bytes.\n",
    );
    code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (relative, path) in &files {
        let bytes = std::fs::read(path).expect("readable");
        feed(relative.as_bytes());
        feed(&[0]);
        feed(&bytes);
        writeln!(
            code,
            // Relative to the crate root, not absolute: a target folder shared by two checkouts
            // (a CI clone and a working copy) keeps this file from the other's build when the
            // folders' times say nothing changed, and an absolute path then names the other one.
            "    ({relative:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/\", {relative:?}))),"
        )
        .unwrap();
    }
    code.push_str("];\n");
    writeln!(code, "/// FNV-1a hash of the embedded paths and bytes.\npub const CONTENT_HASH: u64 = {hash:#x};").unwrap();
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("shipped_files.rs");
    std::fs::write(out, code).expect("OUT_DIR writable");
}
