//! Issue 16, hardening: every bad input is exit 1 with a located message, never exit 2, a signal
//! or a hang, and untrusted files cannot exhaust the machine. One test per finding, its reproducer
//! generated here when it is large (fixtures in tests/fixtures/hardening otherwise).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use polars::prelude::*;

mod common;
use common::{jixiao, transcript, Outcome};

const TINY: &str = "tests/fixtures/tiny";

/// Memory a run may take (virtual, as `ulimit -v` counts it, in KiB): 2 GiB.
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;

/// Runs jixiao under a 2 GiB address-space limit, so a run that tries to spend more fails.
fn jixiao_limited(args: &[&str]) -> Outcome {
    let mut quoted = String::new();
    for arg in args {
        quoted.push_str(" '");
        quoted.push_str(&arg.replace('\'', r"'\''"));
        quoted.push('\'');
    }
    let script = format!(
        "ulimit -v {MEMORY_LIMIT_KIB} && exec '{}'{quoted}",
        env!("CARGO_BIN_EXE_jixiao")
    );
    let output = Command::new("sh")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sh runs");
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The tiny fixture's current table, as rows of cells.
fn tiny_rows() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(Path::new(TINY).join("current.csv")).unwrap();
    text.lines()
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

/// Writes the tiny table to an xlsx (numbers as numbers), then lets `more` add cells.
fn tiny_workbook(path: &Path, more: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cells) in tiny_rows().iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(number) if row > 0 => sheet.write_number(row as u32, column as u16, number),
                _ => sheet.write_string(row as u32, column as u16, cell),
            }
            .unwrap();
        }
    }
    more(sheet);
    book.save(path).unwrap();
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

// Finding 1: an xlsx declaring a huge dimension, or with a stray cell far below the table, is
// read by its used cells.

#[test]
fn xlsx_with_a_cell_at_xfd1048576_is_refused_without_allocating_the_dimension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    tiny_workbook(&path, |sheet| {
        sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    });
    let o = jixiao_limited(&["score", "--scheme", TINY, "--data", path_str(&path)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .contains("column XFD has values but no name in the header (row 1)"),
        "{}",
        o.stderr
    );
}

#[test]
fn xlsx_with_a_stray_note_in_a1048576_reads_only_its_used_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stray.xlsx");
    tiny_workbook(&path, |sheet| {
        sheet
            .write_string(1_048_575, 3, "数据来源：统计科")
            .unwrap();
    });
    let started = std::time::Instant::now();
    let o = jixiao_limited(&["check", "--scheme", TINY, "--data", path_str(&path)]);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    // A row without an id, at the row number Excel shows.
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("row 1048576"), "{}", o.stderr);
    // The note is a row of its own, at its own row number, not a million empty rows.
    let table = jixiao::source::read(&path, &Default::default()).unwrap();
    assert_eq!(table.origin.rows, [2, 3, 4, 5, 1_048_576]);
}

/// An OpenDocument sheet: `rows` as written cells (numbers as floats), then `extra` XML rows.
fn ods(path: &Path, rows: &[Vec<String>], extra: &str) {
    use std::io::Write;
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">"#,
    );
    for row in rows {
        xml.push_str("<table:table-row>");
        for cell in row {
            match cell.parse::<f64>() {
                Ok(number) => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{number}"><text:p>{cell}</text:p></table:table-cell>"#
                )),
                Err(_) => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>"#
                )),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str(extra);
    xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let mut zip = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#)
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn ods_repeating_one_filled_cell_into_millions_is_refused_before_it_is_expanded() {
    let dir = tempfile::tempdir().unwrap();
    // The table as it is reads as it is.
    let plain = dir.path().join("plain.ods");
    ods(&plain, &tiny_rows(), "");
    let table = jixiao::source::read(&plain, &Default::default()).unwrap();
    assert_eq!(table.origin.rows, [2, 3, 4, 5]);
    // A few kilobytes (stored, not even compressed) that declare 6,000 rows × 6,000 filled
    // columns (2.4 GB once expanded).
    let bomb = dir.path().join("bomb.ods");
    ods(
        &bomb,
        &tiny_rows(),
        r#"<table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="6000" office:value-type="float" office:value="1"/></table:table-row>"#,
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 20_000);
    let o = jixiao_limited(&["check", "--scheme", TINY, "--data", path_str(&bomb)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.starts_with(&format!(
            "error: {}: sheet Sheet1 spans 6005 rows × 6000 columns (36030000 cells)",
            bomb.display()
        )),
        "{}",
        o.stderr
    );
}

// Finding 3: a closed or full standard output.

#[test]
fn stdout_closed_early_ends_quietly_with_exit_0_and_out_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", "--scheme", TINY, "--out", path_str(&out)])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| true`: the reader goes away before jixiao writes a byte.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "quiet: {:?}", output.stderr);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 5, "{written}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_exit_1_naming_it_and_out_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", "--scheme", TINY, "--out", path_str(&out)])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: standard output: No space left on device (os error 28)\n"
    );
    assert!(out.is_file());
}

// Finding 4: --out naming an input.

#[test]
fn out_naming_the_data_the_previous_period_or_the_matrix_is_refused_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["current.csv", "previous.csv"] {
        std::fs::copy(Path::new(TINY).join(name), dir.path().join(name)).unwrap();
    }
    let current = dir.path().join("current.csv");
    let previous = dir.path().join("previous.csv");
    let before = std::fs::read(&current).unwrap();
    for (out, input) in [(&current, &current), (&previous, &previous)] {
        let o = jixiao(&[
            "score",
            "--scheme",
            TINY,
            "--data",
            path_str(&current),
            "--prev",
            path_str(&previous),
            "--out",
            path_str(out),
        ]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert_eq!(
            o.stderr,
            format!(
                "error: cannot write {}: it is the input file {}, which the results would replace; choose another --out\n",
                out.display(),
                input.display()
            )
        );
    }
    // Under another name: a link to the data.
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&current, &link).unwrap();
    let o = jixiao(&[
        "score",
        "--scheme",
        TINY,
        "--data",
        path_str(&current),
        "--out",
        path_str(&link),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert_eq!(std::fs::read(&current).unwrap(), before);
    let matrix = "tests/fixtures/mcda/maternal.csv";
    let copy = dir.path().join("maternal.csv");
    std::fs::copy(matrix, &copy).unwrap();
    let o = jixiao(&[
        "mcda",
        "--data",
        path_str(&copy),
        "--id",
        "地区",
        "--criteria",
        "产前检查率:+,孕产妇死亡率:-,围产儿死亡率:-",
        "--method",
        "rsr",
        "--out",
        path_str(&copy),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("it is the input file"), "{}", o.stderr);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(matrix).unwrap()
    );
}

// Finding 5: --out through a link to a device, or onto a FIFO.

#[cfg(unix)]
#[test]
fn out_onto_a_device_link_or_a_fifo_is_refused_and_the_node_stays() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("null.csv");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let fifo = dir.path().join("fifo.csv");
    let name = std::ffi::CString::new(path_str(&fifo)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
    for out in [&link, &fifo] {
        let o = jixiao(&["score", "--scheme", TINY, "--out", path_str(out)]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert_eq!(
            o.stderr,
            format!(
                "error: cannot write {}: it is not a regular file (a device, a FIFO or a socket); name a file for --out\n",
                out.display()
            )
        );
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // The library refuses them too, whoever calls it.
    let error = jixiao::report::write_atomically(&fifo, |_| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(error.contains("is not a regular file"), "{error}");
}

// Finding 7: xlsx formulas without a saved value.

#[test]
fn xlsx_formula_cells_without_a_saved_value_are_reported_with_their_cells() {
    let o = jixiao(&[
        "score",
        "--scheme",
        TINY,
        "--data",
        "tests/fixtures/hardening/formula-no-value.xlsx",
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    insta::assert_snapshot!("hardening_formula_no_value", transcript(&o));
}

// Finding 13: an interrupted write leaves no temporary file.

#[cfg(unix)]
#[test]
fn sigterm_or_ctrl_c_while_out_is_written_leaves_no_temporary_file() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir: PathBuf = dir.path().join("sample");
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["sample", "--institutions", "200000", "--out-dir"])
            .arg(&out_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let caught = loop {
            let temporary = std::fs::read_dir(&out_dir).ok().and_then(|entries| {
                entries
                    .flatten()
                    .find(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            });
            if temporary.is_some() {
                break true;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 60 {
                break false;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        assert!(caught, "the temporary file was never seen");
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        let left: Vec<String> = files_in(&out_dir)
            .into_iter()
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

// Findings 6 and 9: typed Parquet and JSON columns.

/// The tiny table as a typed frame: every count a float.
fn tiny_frame() -> DataFrame {
    let rows = tiny_rows();
    let columns: Vec<Column> = (0..rows[0].len())
        .map(|c| {
            let name = rows[0][c].as_str();
            if c < 3 {
                let values: Vec<&str> = rows[1..].iter().map(|r| r[c].as_str()).collect();
                Column::new(name.into(), values)
            } else {
                let values: Vec<f64> = rows[1..].iter().map(|r| r[c].parse().unwrap()).collect();
                Column::new(name.into(), values)
            }
        })
        .collect();
    DataFrame::new(rows.len() - 1, columns).unwrap()
}

#[test]
fn parquet_infinities_and_nan_are_reported_with_their_row_like_bad_text_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.parquet");
    let mut frame = tiny_frame();
    let surgeries = Column::new("手术人数".into(), [30.0, f64::INFINITY, f64::NAN, 20.0]);
    frame.with_column(surgeries).unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut frame)
        .unwrap();
    let prev = Path::new(TINY).join("previous.csv");
    let o = jixiao(&[
        "check",
        "--scheme",
        TINY,
        "--data",
        path_str(&path),
        "--prev",
        path_str(&prev),
    ]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    let file = path.display().to_string();
    for (row, text) in [(2, "inf"), (3, "NaN")] {
        let line = format!("{file}, row {row}, column 手术人数");
        assert!(o.stdout.contains(&line), "{line}\n{}", o.stdout);
        assert!(o.stdout.contains(text), "{text}\n{}", o.stdout);
    }
    assert!(o.stdout.contains("not a finite number"), "{}", o.stdout);
}

#[test]
fn parquet_decimal_columns_score_exactly_as_the_same_digits_in_a_csv_file() {
    // Databases and pandas' Decimal write money as Parquet DECIMAL; it used to abort the run.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("decimal.parquet");
    let mut frame = tiny_frame();
    for name in ["手术人数", "死亡人数", "费用"] {
        let decimal = frame
            .column(name)
            .unwrap()
            .cast(&DataType::Decimal(12, 2))
            .unwrap();
        frame.with_column(decimal).unwrap();
    }
    assert_eq!(
        frame.column("死亡人数").unwrap().dtype(),
        &DataType::Decimal(12, 2)
    );
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut frame)
        .unwrap();
    let prev = Path::new(TINY).join("previous.csv");
    let from_parquet = dir.path().join("from-parquet.csv");
    let from_csv = dir.path().join("from-csv.csv");
    for (data, out) in [
        (path.clone(), &from_parquet),
        (Path::new(TINY).join("current.csv"), &from_csv),
    ] {
        let o = jixiao(&[
            "score",
            "--scheme",
            TINY,
            "--data",
            path_str(&data),
            "--prev",
            path_str(&prev),
            "--out",
            path_str(out),
        ]);
        assert_eq!(o.code, 0, "{}", transcript(&o));
    }
    // Same ranks, scores and flags to the last byte: 丁医院's 0.5 deaths read as 0.5, not as a
    // scaled integer (50) or a truncated 0.
    assert_eq!(
        std::fs::read_to_string(&from_parquet).unwrap(),
        std::fs::read_to_string(&from_csv).unwrap()
    );
}

#[test]
fn parquet_declaring_more_than_500_million_cells_is_refused_before_reading_them() {
    // Two columns of 250,000,001 nulls: a few kilobytes of run lengths, gigabytes once read.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.parquet");
    let rows = 250_000_001;
    let mut frame = DataFrame::new(
        rows,
        vec![
            Column::full_null("编码".into(), rows, &DataType::Null),
            Column::full_null("出院人数".into(), rows, &DataType::Null),
        ],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut frame)
        .unwrap();
    drop(frame);
    assert!(std::fs::metadata(&path).unwrap().len() < 10_000_000);
    let o = jixiao_limited(&["check", "--scheme", TINY, "--data", path_str(&path)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.starts_with(&format!(
            "error: {}: the file declares 250000001 rows × 2 columns (500000002 cells), more than the 500000000 jixiao reads from a Parquet file",
            path.display()
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn json_nested_objects_and_arrays_are_refused_by_column_name() {
    let dir = tempfile::tempdir().unwrap();
    let rows = tiny_rows();
    for (name, value) in [("object", "{\"a\": 1}"), ("array", "[1, 2]")] {
        let records: Vec<String> = rows[1..]
            .iter()
            .map(|r| {
                let fields: Vec<String> = rows[0]
                    .iter()
                    .zip(r)
                    .map(|(k, v)| match k.as_str() {
                        "编码" | "名称" | "类别" => format!("\"{k}\": \"{v}\""),
                        "出院人数" => format!("\"{k}\": {value}"),
                        _ => format!("\"{k}\": {v}"),
                    })
                    .collect();
                format!("{{{}}}", fields.join(", "))
            })
            .collect();
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, format!("[{}]", records.join(",\n"))).unwrap();
        let o = jixiao(&["score", "--scheme", TINY, "--data", path_str(&path)]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(
            o.stderr.starts_with(&format!(
                "error: {}: column of a type that cannot hold a number or a name: 出院人数 (",
                path.display()
            )),
            "{}",
            o.stderr
        );
    }
}

// Finding 11: scripts only from inside the scheme folder; no clock.

fn tiny_copy(dir: &Path) -> PathBuf {
    let scheme = dir.join("scheme");
    std::fs::create_dir(&scheme).unwrap();
    for entry in std::fs::read_dir(TINY).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), scheme.join(entry.file_name())).unwrap();
    }
    scheme
}

#[test]
fn scripts_outside_the_scheme_folder_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = tiny_copy(dir.path());
    std::fs::write(dir.path().join("secret.rhai"), "SECRET LINE\n").unwrap();
    let yaml = std::fs::read_to_string(scheme.join("scheme.yaml")).unwrap();
    let outside = dir.path().join("secret.rhai");
    for entry in ["../secret.rhai", path_str(&outside)] {
        let changed = yaml.replace(
            "dimensions:",
            &format!("scripts: [indicators.rhai, \"{entry}\"]\ndimensions:"),
        );
        std::fs::write(scheme.join("scheme.yaml"), changed).unwrap();
        let o = jixiao(&["check", "--scheme", path_str(&scheme)]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(
            o.stderr
                .starts_with(&format!("error: script \"{entry}\" is not allowed")),
            "{}",
            o.stderr
        );
        assert!(!o.stderr.contains("SECRET"), "{}", o.stderr);
    }
    // A link inside the folder to a file outside it.
    std::os::unix::fs::symlink(&outside, scheme.join("link.rhai")).unwrap();
    let changed = yaml.replace(
        "dimensions:",
        "scripts: [indicators.rhai, link.rhai]\ndimensions:",
    );
    std::fs::write(scheme.join("scheme.yaml"), changed).unwrap();
    let o = jixiao(&["check", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.contains("lies outside the scheme folder"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("SECRET"), "{}", o.stderr);
}

#[test]
fn timestamp_is_not_available_to_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = tiny_copy(dir.path());
    let script = scheme.join("indicators.rhai");
    let mut text = std::fs::read_to_string(&script).unwrap();
    text.push_str("let T = timestamp();\n");
    std::fs::write(&script, text).unwrap();
    let o = jixiao(&["check", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .starts_with("error: timestamp() is not available to schemes"),
        "{}",
        o.stderr
    );
}

// Finding 14: footer rows under a table.

#[test]
fn footer_rows_are_left_out_and_listed_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = tiny_copy(dir.path());
    let data = scheme.join("current.csv");
    let mut text = std::fs::read_to_string(&data).unwrap();
    text.push_str(
        "合计,,,140,400,3.5,400,435,2700,1\n,合 计,,1,1,1,1,1,1,1\n填表人：张三,,,,,,,,,\n",
    );
    std::fs::write(&data, text).unwrap();
    let o = jixiao(&["score", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    assert!(
        o.stdout.contains("institutions: 4 in, 4 out"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains(
            "footer rows left out (not institutions): row 6 (合计), row 7 (合 计), row 8 (填表人：张三)"
        ),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("合计  "), "{}", o.stdout);
}

// Finding 2: a flat alias bomb in scheme.yaml.

#[test]
fn a_flat_yaml_alias_bomb_is_refused_before_it_is_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = tiny_copy(dir.path());
    let yaml = std::fs::read_to_string(scheme.join("scheme.yaml")).unwrap();
    let row = format!(
        "{{id: X, name: \"{}\", dimension: 质量, direction: up, weight: 1, scoring: {{method: min_max}}}}",
        "x".repeat(200)
    );
    let bomb = format!(
        "x-row: &r {row}\nbomb: [{}]\nindicators:\n",
        vec!["*r"; 20_000].join(", ")
    );
    std::fs::write(
        scheme.join("scheme.yaml"),
        yaml.replacen("indicators:\n", &bomb, 1),
    )
    .unwrap();
    let o = jixiao_limited(&["check", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.starts_with("error: scheme.yaml uses more than "),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.len() < 2_000,
        "a short message: {}",
        o.stderr.len()
    );
}

// Finding 8: upper bounds, each checked before memory is spent.

#[test]
fn sizes_past_the_documented_limits_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = jixiao(&[
        "mcda",
        "--data",
        "tests/fixtures/mcda/maternal.csv",
        "--id",
        "地区",
        "--criteria",
        "产前检查率:+,孕产妇死亡率:-,围产儿死亡率:-",
        "--method",
        "rsr",
        "--grades",
        "10000",
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert_eq!(
        o.stderr,
        "error: --grades must be at most 100 (3 is usual)\n"
    );
    let o = jixiao(&[
        "sample",
        "--institutions",
        "100000000",
        "--out-dir",
        path_str(dir.path()),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert_eq!(o.stderr, "error: --institutions must be at most 1000000\n");
    // YAML nested 100,000 deep.
    let scheme = tiny_copy(dir.path());
    let yaml = std::fs::read_to_string(scheme.join("scheme.yaml")).unwrap();
    let deep = format!(
        "x: {}{}\nindicators:\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(
        scheme.join("scheme.yaml"),
        yaml.replacen("indicators:\n", &deep, 1),
    )
    .unwrap();
    let o = jixiao_limited(&["check", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .starts_with("error: scheme.yaml nests deeper than 128 levels"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.len() < 2_000,
        "the long line is cut: {}",
        o.stderr.len()
    );
    // 10⁶ CSV columns; a 2 MB cell.
    let wide = dir.path().join("wide.csv");
    let names: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
    std::fs::write(&wide, names.join(",") + "\n").unwrap();
    let o = jixiao_limited(&["check", "--scheme", TINY, "--data", path_str(&wide)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert_eq!(
        o.stderr,
        format!(
            "error: {}: line 1 holds 1000000 fields, more than the 16384 columns jixiao reads\n",
            wide.display()
        )
    );
    let big = dir.path().join("big.csv");
    let header = &tiny_rows()[0];
    std::fs::write(
        &big,
        format!(
            "{}\nA,{},综合,30,100,1,100,110,1000,0\n",
            header.join(","),
            "x".repeat(2_000_000)
        ),
    )
    .unwrap();
    let o = jixiao_limited(&["check", "--scheme", TINY, "--data", path_str(&big)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .contains("line 2 holds a field of 2000000 bytes, more than the 100000"),
        "{}",
        o.stderr
    );
    // A script of more than 1 MB.
    let script = scheme.join("indicators.rhai");
    std::fs::write(scheme.join("scheme.yaml"), &yaml).unwrap();
    let mut text = std::fs::read_to_string(&script).unwrap();
    text.push_str(&"// padding\n".repeat(100_000));
    std::fs::write(&script, text).unwrap();
    let o = jixiao(&["check", "--scheme", path_str(&scheme)]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.contains("more than the 1000000 a script may hold"),
        "{}",
        o.stderr
    );
}

// Finding 12: CSV messages name the line, never dump the file.

#[test]
fn ragged_rows_stray_and_unterminated_quotes_name_their_line_briefly() {
    let dir = tempfile::tempdir().unwrap();
    let rows = tiny_rows();
    let header = rows[0].join(",");
    let first = rows[1].join(",");
    let many = (rows[3].join(",") + "\n").repeat(10_000);
    let cases = [
        (
            "ragged.csv",
            format!("{header}\n{first}\nB,乙医院,综合,50,100,0,100,100,800,0,9,9\n"),
            "line 3: 12 fields, more than the 10 columns of the header (line 1)",
        ),
        (
            "stray.csv",
            format!("{header}\n{first}\nB,\"乙医院\"x,综合,50,100,0,100,100,800,0\n"),
            "line 3, field 2: text after a closing quote",
        ),
        (
            "space-after-quote.csv",
            format!("{header}\n{first}\n\"B\" ,乙医院,综合,50,100,0,100,100,800,0\n"),
            "line 3, field 1: text after a closing quote (spaces included)",
        ),
        (
            "inner-quote.csv",
            format!("{header}\n{first}\nB,乙\"医院,综合,50,100,0,100,100,800,0\n"),
            "line 3, field 2: a quote (\") inside a field that does not start with one",
        ),
        (
            "unterminated.csv",
            format!("{header}\n{first}\nB,\"乙医院,综合,50,100,0,100,100,800,0\n{many}"),
            "line 3 holds a field of ",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let o = jixiao(&["check", "--scheme", TINY, "--data", path_str(&path)]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(
            o.stderr
                .starts_with(&format!("error: {}: {expected}", path.display())),
            "{}",
            o.stderr
        );
        assert!(o.stderr.len() < 1_000, "{name}: {} bytes", o.stderr.len());
    }
    // Lines ended by CR alone are read as lines.
    let cr = dir.path().join("cr.csv");
    let text = std::fs::read_to_string(Path::new(TINY).join("current.csv")).unwrap();
    std::fs::write(&cr, text.replace('\n', "\r")).unwrap();
    let prev = Path::new(TINY).join("previous.csv");
    let o = jixiao(&[
        "check",
        "--scheme",
        TINY,
        "--data",
        path_str(&cr),
        "--prev",
        path_str(&prev),
    ]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    assert!(o.stdout.contains("4 institutions"), "{}", o.stdout);
}

// Finding 10: validation gaps in the scheme.

#[test]
fn a_nan_z_score_mean_infinite_weight_sums_and_huge_budgets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = tiny_copy(dir.path());
    let yaml = std::fs::read_to_string(scheme.join("scheme.yaml")).unwrap();
    let q1 = "weight: 1, scoring: {method: min_max}}";
    let cases = [
        (
            yaml.replace(q1, "weight: 1, scoring: {method: z_score, mean: .nan}}"),
            "z_score mean must be a number, not NaN",
        ),
        (
            yaml.replace(q1, "weight: 1e308, scoring: {method: min_max}}")
                .replace(
                    "direction: down, weight: 1, scoring: {method: goalposts",
                    "direction: down, weight: 1e308, scoring: {method: goalposts",
                ),
            "weight of indicator Q1 cannot be used: 100000000000000000000000000000000000000000",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(scheme.join("scheme.yaml"), text).unwrap();
        let o = jixiao(&["check", "--scheme", path_str(&scheme)]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(o.stderr.contains(expected), "{expected}\n{}", o.stderr);
    }
    // A point-based budget of 1e308 would be paid as "inf".
    let primary = dir.path().join("primary");
    std::fs::create_dir(&primary).unwrap();
    for entry in std::fs::read_dir("scoring/primary-care").unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), primary.join(entry.file_name())).unwrap();
    }
    let yaml = std::fs::read_to_string(primary.join("scheme.yaml")).unwrap();
    std::fs::write(
        primary.join("scheme.yaml"),
        yaml.replacen("budget: 7000000000 ", "budget: 1e308 ", 1),
    )
    .unwrap();
    let data = std::path::absolute("datasets/primary-care/current.csv").unwrap();
    let o = jixiao(&[
        "check",
        "--scheme",
        path_str(&primary),
        "--data",
        path_str(&data),
        "--prev",
        path_str(&data.with_file_name("previous.csv")),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .contains("must be an amount from 0 to 10000000000000, not 100000000000000"),
        "{}",
        o.stderr
    );
}
