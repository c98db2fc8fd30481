//! Text tables — CSV as Chinese Excel exports it, and tab-separated text: the encoding, the
//! records, the header and the line number of every row.
//!
//! Policies:
//!
//! - **Encoding**, unless `--encoding` names one: a byte-order mark decides (UTF-8 with BOM, the
//!   "CSV UTF-8" of Excel, or UTF-16); else a file that is valid UTF-8 is UTF-8; else the encoding
//!   is guessed with chardetng and kept only if it is Big5 (traditional characters); any other
//!   guess — GBK above all — is read as GB18030, the superset of the GBK that Chinese Windows
//!   writes as "ANSI". The run summary names the encoding read when it was
//!   not plain UTF-8.
//! - **A forced encoding** (`--encoding utf-8|gbk|gb18030|big5|…`, any WHATWG label; GBK is read as
//!   GB18030) is used as given; a BOM of that same encoding is skipped. A byte sequence that is not
//!   valid in the encoding (forced or detected) is an error naming the byte offset and line —
//!   never replaced silently.
//! - **Separator**: `,` for `.csv`, tab for `.tsv`; for `.txt`, tab when the first lines hold more
//!   tabs than commas. Quotes follow RFC 4180: a field starting with `"` may hold separators, line
//!   breaks and doubled quotes.
//! - **Line numbers**: [`crate::source::Origin::rows`] holds the line on which each record starts,
//!   as a text editor numbers lines, so a record with a quoted line break does not shift the rows
//!   after it. Lines ended by CR alone (classic Mac OS) are lines too. Blank lines, and lines of nothing but separators (the `,,,,` Excel writes for rows
//!   that once held formatting), are skipped.
//! - **Limits**, checked on the records before any cell is copied: at most [`MAX_COLUMNS`] fields
//!   on a line and [`MAX_CELL_BYTES`] bytes in a field (an unterminated quote, which swallows the
//!   rest of the file into one field, is reported here with the line it opens on). A record with
//!   more fields than the header, with text after a closing quote (`"ab"c`, `"ab" ,`), or with a
//!   quote inside a field that does not start with one (`乙"医院`, which Excel never writes and
//!   readers split differently) is an error naming its line and field.
//! - **Header**: `--header-row N` names the line of the header; else it is detected as for Excel
//!   (see [`crate::source`]), which skips title lines above it.

use std::io::Cursor;
use std::path::Path;

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, UTF_8};
use polars::prelude::*;

use super::{
    data_error, detect_header, header_names, unnamed_column_error, HeaderCell, Origin, ReadOptions,
    SourceFormat, SourceTable, HEADER_WINDOW,
};
use crate::error::{Error, Result};

/// Most fields a line may hold (Excel's column limit).
pub const MAX_COLUMNS: usize = 16_384;
/// Longest field, in bytes (Excel keeps at most 32,767 characters in a cell).
pub const MAX_CELL_BYTES: usize = 100_000;

/// How the fields of a line are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Comma,
    Tab,
    /// Tab when the first lines hold more tabs than commas, else comma.
    Sniff,
}

/// Most bytes a gzip-compressed text file (`.csv.gz`) may expand to: checked while it is
/// decompressed, so that a small file cannot claim unbounded memory.
pub const MAX_GZIP_BYTES: u64 = 512 * 1024 * 1024;

/// Whether `path` names a gzip-compressed file (`.gz`, any case).
pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The file's bytes; a `.gz` file decompressed (at most [`MAX_GZIP_BYTES`]).
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if !is_gzip(path) {
        return std::fs::read(path).map_err(io);
    }
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .take(MAX_GZIP_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            data_error(
                path,
                &format!("cannot be decompressed as gzip: {e}"),
                Some("a .gz file must be gzip-compressed text (gzip FILE.csv writes one)".into()),
            )
        })?;
    if bytes.len() as u64 > MAX_GZIP_BYTES {
        return Err(data_error(
            path,
            &format!(
                "expands to more than {} MiB, the most a compressed file may hold",
                MAX_GZIP_BYTES / (1024 * 1024)
            ),
            Some("decompress it and read the file itself, or split it".into()),
        ));
    }
    Ok(bytes)
}

/// Reads a text table; see the module documentation.
pub fn read(path: &Path, options: &ReadOptions, separator: Separator) -> Result<SourceTable> {
    let bytes = read_bytes(path)?;
    let (text, encoding) = decode(path, bytes, options.encoding.as_deref())?;
    // Lines ended by CR alone (classic Mac OS): unambiguous, read as lines.
    let text = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    };
    let separator = match separator {
        Separator::Comma => b',',
        Separator::Tab => b'\t',
        Separator::Sniff => sniff(&text),
    };
    let records = records(&text, separator);
    let mut origin = Origin {
        file: path.to_path_buf(),
        format: Some(if separator == b'\t' {
            SourceFormat::Tsv
        } else {
            SourceFormat::Csv
        }),
        sheet: None,
        encoding: Some(encoding),
        header_row: 1,
        rows: Vec::new(),
        layout: None,
        units: Default::default(),
        cells: Default::default(),
    };
    if records.iter().all(|r| r.blank) {
        return Err(data_error(path, "the file is empty", None));
    }
    let shapes: Vec<Shape> = records
        .iter()
        .map(|r| shape(&text[r.start..r.end], separator))
        .collect();
    for (record, shape) in records.iter().zip(&shapes) {
        let line = record.line;
        if shape.fields > MAX_COLUMNS {
            return Err(data_error(
                path,
                &format!(
                    "line {line} holds {} fields, more than the {MAX_COLUMNS} columns jixiao reads",
                    shape.fields
                ),
                None,
            ));
        }
        if shape.longest > MAX_CELL_BYTES {
            return Err(data_error(
                path,
                &format!("line {line} holds a field of {} bytes, more than the {MAX_CELL_BYTES} a cell may hold", shape.longest),
                Some(if shape.unterminated {
                    "a quote (\") opens a field on this line and is never closed; close it or delete it".into()
                } else {
                    "check the line; a cell holds at most 32,767 characters in Excel".into()
                }),
            ));
        }
        if let Some(column) = shape.stray_quote {
            return Err(data_error(
                path,
                &format!("line {line}, field {column}: text after a closing quote (spaces included)"),
                Some("a field that starts with a quote must end with it, right before the separator; write a quote inside a quoted field as \"\"".into()),
            ));
        }
        if let Some(column) = shape.inner_quote {
            return Err(data_error(
                path,
                &format!("line {line}, field {column}: a quote (\") inside a field that does not start with one"),
                Some("put the whole field in quotes and double the quote inside it (乙\"医院 becomes \"乙\"\"医院\"), or delete the quote".into()),
            ));
        }
    }
    let cells = |record: &Record| -> Vec<Option<HeaderCell>> {
        fields(&text[record.start..record.end], separator)
            .iter()
            .map(|f| HeaderCell::from_text(f))
            .collect()
    };
    let header = match options.header_row {
        Some(line) => {
            let at = records
                .iter()
                .position(|r| r.line as usize == line)
                .ok_or_else(|| {
                    let last = records.last().map_or(0, |r| r.line);
                    data_error(
                        path,
                        &format!("--header-row {line}: no record starts on line {line} (the file's records start on lines 1 to {last})"),
                        Some("give the line number of the header as a text editor shows it".into()),
                    )
                })?;
            if records[at].blank {
                return Err(data_error(
                    path,
                    &format!("--header-row {line}: line {line} is empty"),
                    Some("give the line number of the header as a text editor shows it".into()),
                ));
            }
            at
        }
        None => {
            let window: Vec<Vec<Option<HeaderCell>>> =
                records.iter().take(HEADER_WINDOW).map(cells).collect();
            detect_header(&window, &options.expected_columns)
        }
    };
    origin.header_row = records[header].line as usize;
    let names = header_names(&origin, &cells(&records[header]), 0)?;

    for (record, shape) in records.iter().zip(&shapes).skip(header + 1) {
        if !record.blank && shape.fields > names.len() {
            return Err(data_error(
                path,
                &format!(
                    "line {}: {} fields, more than the {} columns of the header (line {})",
                    record.line,
                    shape.fields,
                    names.len(),
                    origin.header_row
                ),
                Some("a value holding the separator needs quotes; delete the extra fields or name their columns in the header".into()),
            ));
        }
    }
    let data: Vec<&Record> = records[header + 1..].iter().filter(|r| !r.blank).collect();
    let mut body = String::with_capacity(data.iter().map(|r| r.end - r.start + 1).sum());
    for record in &data {
        body.push_str(&text[record.start..record.end]);
        body.push('\n');
    }
    origin.rows = data.iter().map(|r| r.line).collect();
    drop(text);

    let placeholder = |index: usize| format!("\u{1}unnamed {index}");
    let schema = Schema::from_iter(names.iter().enumerate().map(|(index, name)| {
        let name = name.clone().unwrap_or_else(|| placeholder(index));
        Field::new(name.into(), DataType::String)
    }));
    let frame = if data.is_empty() {
        DataFrame::empty_with_schema(&schema)
    } else {
        CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(Arc::new(schema)))
            .with_parse_options(CsvParseOptions::default().with_separator(separator))
            .into_reader_with_file_handle(Cursor::new(body.into_bytes()))
            .finish()
            .map_err(|e| data_error(path, &format!("cannot read: {e}"), None))?
    };
    if frame.height() != origin.rows.len() {
        return Err(Error::internal(format!(
            "{}: read {} rows but counted {} records",
            path.display(),
            frame.height(),
            origin.rows.len()
        )));
    }
    let mut frame = frame;
    let mut unnamed = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if name.is_none() {
            let column = placeholder(index);
            if frame.column(&column)?.null_count() == frame.height() {
                frame = frame.drop(&column)?;
            } else {
                unnamed.push(super::column_letter(index));
            }
        }
    }
    if !unnamed.is_empty() {
        return Err(unnamed_column_error(&origin, &unnamed));
    }
    Ok(SourceTable { frame, origin })
}

/// The text of `bytes` and the name of the encoding read; see the module documentation.
pub fn decode(path: &Path, bytes: Vec<u8>, forced: Option<&str>) -> Result<(String, String)> {
    if let Some(label) = forced {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            data_error(
                path,
                &format!("unknown encoding \"{label}\""),
                Some("name an encoding such as utf-8, gbk, gb18030 or big5".into()),
            )
        })?;
        let encoding = if encoding == GBK { GB18030 } else { encoding };
        let skip = match Encoding::for_bom(&bytes) {
            Some((bom, length)) if bom == encoding => length,
            _ => 0,
        };
        let text = match decode_strictly(path, encoding, &bytes, skip) {
            Ok(text) => text,
            Err(error) => {
                let help = match decode(path, bytes, None) {
                    Ok((_, detected)) => format!(
                        "the file is not {} (it reads as {}): leave out --encoding to have it detected",
                        name_of(encoding),
                        detected.trim_end_matches(" detected")
                    ),
                    Err(_) => format!(
                        "the file is not {}: name the encoding it was saved in (utf-8, gbk, big5, …)",
                        name_of(encoding)
                    ),
                };
                return Err(error.with_help(help));
            }
        };
        return Ok((
            text,
            format!("{} from --encoding {label}", name_of(encoding)),
        ));
    }
    if let Some((encoding, length)) = Encoding::for_bom(&bytes) {
        let text = decode_strictly(path, encoding, &bytes, length)?;
        return Ok((text, format!("{} with BOM", name_of(encoding))));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, "UTF-8".into())),
        Err(error) => error.into_bytes(),
    };
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes, true);
    // No `.cn` hint: with it, chardetng takes Big5 text for GBK.
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let encoding = if guess == BIG5 { BIG5 } else { GB18030 };
    let text = decode_strictly(path, encoding, &bytes, 0).map_err(|e| {
        e.with_help(format!(
            "the encoding was guessed as {}; pass --encoding with the encoding the file was saved in (utf-8, gbk, big5, …)",
            name_of(encoding)
        ))
    })?;
    Ok((text, format!("{} detected", name_of(encoding))))
}

/// Decodes `bytes[skip..]`, refusing (with the offset and line) a sequence `encoding` cannot read.
fn decode_strictly(
    path: &Path,
    encoding: &'static Encoding,
    bytes: &[u8],
    skip: usize,
) -> Result<String> {
    let body = &bytes[skip..];
    let malformed = |offset: usize| {
        let offset = skip + offset;
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        data_error(
            path,
            &format!(
                "byte {offset} (line {line}) is not valid {}: {:02X?}",
                name_of(encoding),
                &bytes[offset..bytes.len().min(offset + 4)]
            ),
            None,
        )
    };
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(text) => Ok(text.to_string()),
            Err(error) => Err(malformed(error.valid_up_to())),
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len() * 3),
    );
    let mut read = 0;
    loop {
        let (result, consumed) =
            decoder.decode_to_string_without_replacement(&body[read..], &mut text, true);
        read += consumed;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => text.reserve(body.len() - read + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(malformed(read - after as usize - bad as usize))
            }
        }
    }
}

/// An encoding's name as people write it: "UTF-8", "GB18030", "BIG5".
fn name_of(encoding: &'static Encoding) -> String {
    encoding.name().to_uppercase()
}

/// Tab when the first lines hold more tabs than commas.
fn sniff(text: &str) -> u8 {
    let head: String = text.lines().take(HEADER_WINDOW).collect();
    let count = |c: char| head.chars().filter(|&x| x == c).count();
    if count('\t') > count(',') {
        b'\t'
    } else {
        b','
    }
}

/// One record of a text table: its byte range (without the line ending) and first line.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    start: usize,
    end: usize,
    line: u32,
    /// Nothing but separators, quotes and spaces.
    blank: bool,
}

/// Splits `text` into records, following quotes; see the module documentation.
fn records(text: &str, separator: u8) -> Vec<Record> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut state = State::FieldStart;
    let (mut start, mut start_line, mut line) = (0usize, 1u32, 1u32);
    let mut push = |start: usize, end: usize, line: u32| {
        let end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let blank = text[start..end]
            .chars()
            .all(|c| c == separator as char || c == '"' || c.is_whitespace());
        records.push(Record {
            start,
            end,
            line,
            blank,
        });
    };
    for (at, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            line += 1;
        }
        state = match (state, byte) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => State::Quoted,
            (_, b'\n') => {
                push(start, at, start_line);
                start = at + 1;
                start_line = line;
                State::FieldStart
            }
            (_, b) if b == separator => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    if start < bytes.len() {
        push(start, bytes.len(), start_line);
    }
    records
}

/// The fields of one record, unquoted.
/// What [`shape`] finds in a record without copying it.
struct Shape {
    fields: usize,
    /// Bytes of the longest field.
    longest: usize,
    /// A quoted field runs to the end of the record.
    unterminated: bool,
    /// The field (1-based) with text after its closing quote.
    stray_quote: Option<usize>,
    /// The field (1-based) with a quote inside it that does not open it (`乙"医院`).
    inner_quote: Option<usize>,
}

/// The number of fields of a record, its longest field and its quoting faults, parsed as
/// [`fields`] parses them.
fn shape(record: &str, separator: u8) -> Shape {
    let bytes = record.as_bytes();
    let mut shape = Shape {
        fields: 1,
        longest: 0,
        unterminated: false,
        stray_quote: None,
        inner_quote: None,
    };
    let (mut quoted, mut at_start, mut closed) = (false, true, false);
    let mut length = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        match b {
            b'"' if at_start => quoted = true,
            b'"' if quoted => {
                if bytes.get(at + 1) == Some(&b'"') {
                    length += 1;
                    at += 1;
                } else {
                    quoted = false;
                    closed = true;
                }
            }
            b if b == separator && !quoted => {
                shape.longest = shape.longest.max(length);
                shape.fields += 1;
                (length, at_start, closed) = (0, true, false);
                at += 1;
                continue;
            }
            b'\r' | b'\n' if !quoted => {}
            _ => {
                if closed && shape.stray_quote.is_none() {
                    shape.stray_quote = Some(shape.fields);
                }
                if b == b'"' && !quoted && shape.inner_quote.is_none() {
                    shape.inner_quote = Some(shape.fields);
                }
                length += 1;
            }
        }
        at_start = false;
        at += 1;
    }
    shape.longest = shape.longest.max(length);
    shape.unterminated = quoted;
    shape
}

fn fields(record: &str, separator: u8) -> Vec<String> {
    let separator = separator as char;
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut at_start) = (false, true);
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => quoted = true,
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            c if c == separator && !quoted => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            c => field.push(c),
        }
        at_start = false;
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
        frame
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    #[test]
    fn records_follow_quotes_and_count_lines() {
        let text = "a,b\r\n\"x\ny\",1\n\n,,\n\"q\"\"\",2";
        let found: Vec<(u32, bool, &str)> = records(text, b',')
            .iter()
            .map(|r| (r.line, r.blank, &text[r.start..r.end]))
            .collect();
        assert_eq!(
            found,
            [
                (1, false, "a,b"),
                (2, false, "\"x\ny\",1"),
                (4, true, ""),
                (5, true, ",,"),
                (6, false, "\"q\"\"\",2"),
            ]
        );
        assert_eq!(fields("\"q\"\"\",2", b','), ["q\"", "2"]);
        assert_eq!(fields("\"a,b\",,c", b','), ["a,b", "", "c"]);
    }

    #[test]
    fn rows_keep_their_line_numbers_past_blank_lines_and_titles() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "d.csv",
            "2023年绩效考核数据,,\n\n编码,名称,人数\nA,\"甲\n院\",1\n\n,,\nB,乙,2\n".as_bytes(),
        );
        let table = read(&path, &ReadOptions::default(), Separator::Comma).unwrap();
        assert_eq!(table.origin.header_row, 3);
        assert_eq!(table.origin.rows, [4, 8]);
        assert_eq!(
            texts(&table.frame, "名称"),
            [Some("甲\n院".into()), Some("乙".into())]
        );
        assert_eq!(
            table.origin.describe(),
            format!("{} (header at row 3)", path.display())
        );
    }

    #[test]
    fn header_row_can_be_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "d.csv", b"x,y\n1,2\n3,4\n");
        let options = ReadOptions {
            header_row: Some(2),
            ..Default::default()
        };
        let table = read(&path, &options, Separator::Comma).unwrap();
        assert_eq!(texts(&table.frame, "1"), [Some("3".into())]);
        assert_eq!(table.origin.rows, [3]);
        let options = ReadOptions {
            header_row: Some(9),
            ..Default::default()
        };
        let err = read(&path, &options, Separator::Comma).unwrap_err();
        assert!(
            err.to_string().contains("no record starts on line 9"),
            "{err}"
        );
    }

    #[test]
    fn encodings_are_detected() {
        let dir = tempfile::tempdir().unwrap();
        let text = "编码,名称\nH1,北京协和医院\n";
        let (gbk, _, _) = GBK.encode(text);
        let cases: [(&str, Vec<u8>, &str); 3] = [
            ("utf8.csv", text.as_bytes().to_vec(), "UTF-8"),
            (
                "bom.csv",
                [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
                "UTF-8 with BOM",
            ),
            ("gbk.csv", gbk.into_owned(), "GB18030 detected"),
        ];
        for (name, bytes, encoding) in cases {
            let path = write(dir.path(), name, &bytes);
            let table = read(&path, &ReadOptions::default(), Separator::Comma).unwrap();
            assert_eq!(table.origin.encoding.as_deref(), Some(encoding), "{name}");
            assert_eq!(
                texts(&table.frame, "名称"),
                [Some("北京协和医院".into())],
                "{name}"
            );
        }
    }

    #[test]
    fn big5_is_told_from_gbk() {
        let dir = tempfile::tempdir().unwrap();
        let (big5, _, _) = BIG5.encode("機構編碼,名稱\nH1,臺北榮民總醫院\n");
        let path = write(dir.path(), "big5.csv", &big5);
        let table = read(&path, &ReadOptions::default(), Separator::Comma).unwrap();
        assert_eq!(table.origin.encoding.as_deref(), Some("BIG5 detected"));
        assert_eq!(texts(&table.frame, "名稱"), [Some("臺北榮民總醫院".into())]);
    }

    #[test]
    fn a_forced_encoding_is_used_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (gbk, _, _) = GBK.encode("编码,名称\nH1,医院\n");
        let path = write(dir.path(), "gbk.csv", &gbk);
        let forced = |label: &str| ReadOptions {
            encoding: Some(label.into()),
            ..Default::default()
        };
        let table = read(&path, &forced("gbk"), Separator::Comma).unwrap();
        assert_eq!(
            table.origin.encoding.as_deref(),
            Some("GB18030 from --encoding gbk")
        );
        assert_eq!(texts(&table.frame, "名称"), [Some("医院".into())]);
        let err = read(&path, &forced("utf-8"), Separator::Comma)
            .unwrap_err()
            .to_string();
        assert!(err.contains("byte 0 (line 1) is not valid UTF-8"), "{err}");
        let err = read(&path, &forced("klingon"), Separator::Comma)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown encoding \"klingon\""), "{err}");
    }

    #[test]
    fn header_problems_name_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "d.csv", "编码,人数,人数\nA,1,2\n".as_bytes());
        let err = read(&path, &ReadOptions::default(), Separator::Comma)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"人数\" (columns B and C)"), "{err}");
        let path = write(dir.path(), "e.csv", "编码,,人数,\nA,x,2,\n".as_bytes());
        let err = read(&path, &ReadOptions::default(), Separator::Comma)
            .unwrap_err()
            .to_string();
        assert!(err.contains("column B has values but no name"), "{err}");
        let path = write(dir.path(), "f.csv", "编码,人数,\nA,2,\n".as_bytes());
        let table = read(&path, &ReadOptions::default(), Separator::Comma).unwrap();
        assert_eq!(
            table.frame.width(),
            2,
            "an empty column without a name is dropped"
        );
    }

    #[test]
    fn tabs_are_sniffed_in_txt() {
        assert_eq!(sniff("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff("a,b\n1,2\n"), b',');
    }
}
