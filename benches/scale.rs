//! National scale, whole process: `jixiao score` from Parquet to Parquet on generated
//! institutions of a shipped scheme, against the polars floor measured in the same run.
//!
//! The floor is what no scoring engine can avoid: polars reading the same two input files and
//! writing a table of the same shape as jixiao's output (same rows, same column names and types,
//! filled from the input's own columns so the encoder sees real numbers), with polars' default
//! Parquet settings. Both are separate processes (this binary re-executes itself for the floor),
//! run alternately `--runs` times; each process's wall time, CPU time (user + system) and peak
//! resident memory come from `wait4`. The input frame is the in-memory size of the data as read
//! (current and previous period, `DataFrame::estimated_size`).
//!
//! ```sh
//! cargo bench --bench scale -- --kind tertiary-2020 --institutions 1000000 --runs 3
//! cargo bench --bench scale -- --kind primary-care --institutions 1000000 --threads 1,2
//! ```
//!
//! Generated data are kept under the target directory (`scale/<kind>-<n>/`) and reused. Prints a
//! Markdown table for BENCHMARKS.md: medians, ratios to the floor, peak memory / input frame.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use jixiao::synthetic::SampleKind;
use polars::prelude::*;

struct Args {
    kind: SampleKind,
    institutions: usize,
    runs: usize,
    threads: Vec<Option<usize>>,
    floor: Option<Vec<String>>,
    /// Internal: generate the data into this folder (a child process, see `main`).
    generate: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        kind: SampleKind::Tertiary2020,
        institutions: 1_000_000,
        runs: 3,
        threads: vec![None],
        floor: None,
        generate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--kind" => {
                let name = it.next().expect("--kind NAME");
                args.kind = SampleKind::from_name(&name)
                    .unwrap_or_else(|| panic!("--kind {name}: not a shipped scheme's data"));
            }
            "--institutions" => {
                args.institutions = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--institutions N")
            }
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--threads" => {
                args.threads = it
                    .next()
                    .expect("--threads 1,2")
                    .split(',')
                    .map(|t| Some(t.trim().parse().expect("--threads: numbers")))
                    .collect()
            }
            "--floor" => args.floor = Some(it.by_ref().take(4).collect()),
            "--generate" => args.generate = it.next(),
            // cargo bench passes --bench; criterion-style filters are ignored.
            _ => {}
        }
    }
    args
}

/// One process's cost.
#[derive(Clone, Copy)]
struct Cost {
    wall: f64,
    cpu: f64,
    peak_bytes: u64,
}

// The child is reaped by `wait4` (for its rusage), which clippy does not see.
#[allow(clippy::zombie_processes)]
fn run(mut command: Command) -> Cost {
    let start = Instant::now();
    let child = command.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned and reaps it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed (status {status})"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Cost {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        peak_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn write_parquet(frame: &mut DataFrame, path: &Path) {
    ParquetWriter::new(File::create(path).expect("create"))
        .finish(frame)
        .expect("write parquet");
}

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(File::open(path).expect("open"))
        .finish()
        .expect("read parquet")
}

/// The floor: read both inputs, write a table shaped like `shape_of` (its schema only is read).
fn floor(args: &[String]) {
    let [current, previous, shape_of, out] = args else {
        panic!("--floor CURRENT PREVIOUS SHAPE_OF OUT")
    };
    let current_frame = read_parquet(Path::new(current));
    let previous_frame = read_parquet(Path::new(previous));
    let schema = ParquetReader::new(File::open(shape_of).expect("open"))
        .schema()
        .expect("schema");
    let numeric: Vec<&Column> = current_frame
        .columns()
        .iter()
        .chain(previous_frame.columns())
        .filter(|c| c.dtype().is_primitive_numeric() && c.len() == current_frame.height())
        .collect();
    let text: Vec<&Column> = current_frame
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .collect();
    let mut columns = Vec::with_capacity(schema.len());
    for (i, (name, field)) in schema.iter().enumerate() {
        let dtype = DataType::from_arrow_field(field);
        let source = if dtype == DataType::String && !text.is_empty() {
            text[i % text.len()]
        } else {
            numeric[i % numeric.len()]
        };
        let column = if dtype == DataType::Boolean {
            source.is_not_null().into_column()
        } else {
            source.cast(&dtype).expect("cast")
        };
        columns.push(column.with_name(name.clone()));
    }
    let mut table = DataFrame::new(current_frame.height(), columns).expect("frame");
    write_parquet(&mut table, Path::new(out));
}

/// Writes the data (when missing) and prints the in-memory sizes of both periods as read.
fn generate(args: &Args, dir: &Path) {
    let current = dir.join("current.parquet");
    let previous = dir.join("previous.parquet");
    if !current.exists() || !previous.exists() {
        let n = args.institutions;
        eprintln!("generating {n} institutions of {} …", args.kind.name());
        let mut sample = args.kind.generate(n, 42);
        write_parquet(&mut sample.previous, &previous);
        write_parquet(&mut sample.current, &current);
    }
    let size = |path: &Path| read_parquet(path).estimated_size();
    println!("{} {}", size(&current), size(&previous));
}

fn main() {
    let args = parse_args();
    if let Some(floor_args) = &args.floor {
        floor(floor_args);
        return;
    }
    let kind = args.kind;
    let n = args.institutions;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("scale")
        .join(format!("{}-{n}", kind.name()));
    if let Some(dir) = &args.generate {
        generate(&args, Path::new(dir));
        return;
    }
    std::fs::create_dir_all(&dir).expect("data dir");
    let current = dir.join("current.parquet");
    let previous = dir.join("previous.parquet");
    // Generated in a child: Linux counts the memory a parent held at fork/exec into its children's
    // peak (ru_maxrss), so this process stays small.
    let sizes = Command::new(std::env::current_exe().expect("self"))
        .args([
            "--kind",
            kind.name(),
            "--institutions",
            &n.to_string(),
            "--generate",
        ])
        .arg(&dir)
        .output()
        .expect("generate");
    assert!(
        sizes.status.success(),
        "generate: {}",
        String::from_utf8_lossy(&sizes.stderr)
    );
    let sizes = String::from_utf8(sizes.stdout).expect("sizes");
    let mut sizes = sizes
        .split_whitespace()
        .map(|v| v.parse::<f64>().expect("size"));
    let (input_current, input_previous) = (sizes.next().unwrap(), sizes.next().unwrap());
    let scheme = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scoring")
        .join(kind.name());
    let jixiao_out = dir.join("jixiao-out.parquet");
    let floor_out = dir.join("floor-out.parquet");
    let jixiao = |threads: Option<usize>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        c.args(["score", "--quiet", "--top", "0", "--scheme"])
            .arg(&scheme)
            .arg("--data")
            .arg(&current)
            .arg("--prev")
            .arg(&previous)
            .arg("--out")
            .arg(&jixiao_out)
            .stdout(std::process::Stdio::null());
        if let Some(t) = threads {
            c.env("POLARS_MAX_THREADS", t.to_string());
        }
        c
    };
    // The first run writes the output whose shape the floor copies; it is not counted.
    run(jixiao(None));
    let floor_cmd = |threads: Option<usize>| {
        let mut c = Command::new(std::env::current_exe().expect("self"));
        c.arg("--floor")
            .arg(&current)
            .arg(&previous)
            .arg(&jixiao_out)
            .arg(&floor_out);
        if let Some(t) = threads {
            c.env("POLARS_MAX_THREADS", t.to_string());
        }
        c
    };
    println!(
        "{} × {n}: input frame {:.2} GB (current {:.2} GB + previous {:.2} GB), {} runs each, alternated\n",
        kind.name(),
        (input_current + input_previous) / 1e9,
        input_current / 1e9,
        input_previous / 1e9,
        args.runs
    );
    println!("| threads | run | wall s | CPU s | peak GB | wall / floor | CPU / floor | peak / input frame |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    for &threads in &args.threads {
        let (mut ours, mut base) = (Vec::new(), Vec::new());
        for _ in 0..args.runs {
            base.push(run(floor_cmd(threads)));
            ours.push(run(jixiao(threads)));
        }
        let m = |v: &[Cost], f: fn(&Cost) -> f64| median(v.iter().map(f).collect());
        let (fw, fc, fp) = (
            m(&base, |c| c.wall),
            m(&base, |c| c.cpu),
            m(&base, |c| c.peak_bytes as f64),
        );
        let (jw, jc, jp) = (
            m(&ours, |c| c.wall),
            m(&ours, |c| c.cpu),
            m(&ours, |c| c.peak_bytes as f64),
        );
        let t = threads.map_or("default".to_string(), |t| t.to_string());
        let input = input_current + input_previous;
        println!(
            "| {t} | floor | {fw:.2} | {fc:.2} | {:.2} | 1 | 1 | {:.2} |",
            fp / 1e9,
            fp / input
        );
        println!(
            "| {t} | jixiao score | {jw:.2} | {jc:.2} | {:.2} | **{:.2}** | {:.2} | **{:.2}** |",
            jp / 1e9,
            jw / fw,
            jc / fc,
            jp / input
        );
    }
}
