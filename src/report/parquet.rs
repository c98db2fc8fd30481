//! Writing a table as Parquet on every thread, byte for byte the file polars' `ParquetWriter`
//! writes with its defaults (zstd, statistics, row groups of 512² rows, pages of 1 MiB).
//!
//! polars 0.55 encodes and compresses a row group's pages lazily, as its file writer pulls them,
//! so writing runs on one core — a third of a national run (1,000,000 institutions × 217
//! columns). Here workers (as many as polars computes on) encode and compress the columns of a
//! row group with the same functions and options, each column as polars would, a few columns
//! ahead of polars' own file writer, which takes them in column order: only the work is spread,
//! so the bytes are the same (checked against polars' writer in the tests below and against the
//! shipped schemes' outputs), and at most a few columns' pages per worker are held at a time.

use std::io::Write;

use polars::frame::chunk_df_for_writing;
use polars::io::parquet::write::{get_encodings, ParquetCompression, ParquetWriter};
use polars::prelude::*;
use polars_parquet::write::{
    array_to_columns, compress, CompressedPage, DynIter, DynStreamingIterator,
    FallibleStreamingIterator, StatisticsOptions, Version, WriteOptions,
};

use crate::error::{Error, Result};

/// polars' default row group size (`ParquetWriter` without `with_row_group_size`).
const ROW_GROUP: usize = 512 * 512;

/// Writes `table` to `out` as polars' `ParquetWriter::new(out).finish(table)` does.
pub fn write<W: Write>(table: &mut DataFrame, out: W) -> Result<()> {
    let chunked = chunk_df_for_writing(table, ROW_GROUP)?;
    let writer = ParquetWriter::new(out).batched(chunked.schema())?;
    let arrow_schema = chunked.schema().to_arrow(CompatLevel::newest());
    let parquet_schema = polars_parquet::arrow::write::to_parquet_schema(&arrow_schema)?;
    let encodings = get_encodings(&arrow_schema);
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        compression: ParquetCompression::default().into(),
        version: Version::V1,
        data_page_size: None,
    };
    let fields = parquet_schema.fields();
    let workers = crate::reorder::threads().min(chunked.width()).max(1);
    for batch in chunked.iter_chunks(CompatLevel::newest(), false) {
        let rows = batch.len();
        if rows == 0 {
            continue;
        }
        let arrays = batch.columns();
        // Worker w encodes columns w, w + workers, …, in order, at most LOOK_AHEAD ahead of the
        // file writer, which takes them in column order from the workers in turn.
        std::thread::scope(|scope| -> Result<()> {
            let mut queues = Vec::with_capacity(workers);
            for w in 0..workers {
                let (send, receive) = std::sync::mpsc::sync_channel(LOOK_AHEAD);
                queues.push(std::sync::Mutex::new(receive));
                let encodings = &encodings;
                scope.spawn(move || {
                    for c in (w..arrays.len()).step_by(workers) {
                        let pages = column_pages(&arrays[c], &fields[c], &encodings[c], options);
                        // The writer stopped (an error): nothing more is wanted.
                        if send.send(pages).is_err() {
                            return;
                        }
                    }
                });
            }
            let columns = (0..arrays.len()).flat_map(move |c| {
                let received = queues[c % workers]
                    .lock()
                    .map_err(|_| Error::internal("a Parquet queue was poisoned"))
                    .and_then(|queue| {
                        queue
                            .recv()
                            .map_err(|_| Error::internal("a Parquet column was not encoded"))
                    })
                    .and_then(|pages| pages);
                let leaves: Vec<PolarsResult<_>> = match received {
                    Ok(leaves) => leaves
                        .into_iter()
                        .map(|pages| Ok(DynStreamingIterator::new(Pages::new(pages))))
                        .collect(),
                    Err(error) => vec![Err(PolarsError::ComputeError(error.to_string().into()))],
                };
                leaves
            });
            let mut file = writer
                .get_writer()
                .lock()
                .map_err(|_| Error::internal("the Parquet writer was poisoned"))?;
            file.write(rows as u64, DynIter::new(columns))?;
            Ok(())
        })?;
    }
    writer.finish()?;
    Ok(())
}

/// Columns each worker encodes ahead of the file writer: bounds the pages held in memory to a
/// few columns per worker rather than a whole row group.
const LOOK_AHEAD: usize = 2;

/// A column's compressed pages, handed to the file writer one by one.
struct Pages {
    pages: std::vec::IntoIter<CompressedPage>,
    current: Option<CompressedPage>,
}

impl Pages {
    fn new(pages: Vec<CompressedPage>) -> Pages {
        Pages {
            pages: pages.into_iter(),
            current: None,
        }
    }
}

impl FallibleStreamingIterator for Pages {
    type Item = CompressedPage;
    type Error = PolarsError;

    fn advance(&mut self) -> PolarsResult<()> {
        self.current = self.pages.next();
        Ok(())
    }

    fn get(&self) -> Option<&CompressedPage> {
        self.current.as_ref()
    }
}

/// One column of a row group: each of its leaf columns' pages, encoded and compressed as
/// polars' writer does (`array_to_columns`, then `compress` page by page).
fn column_pages(
    array: &ArrayRef,
    field: &polars_parquet::write::ParquetType,
    encoding: &[polars_parquet::write::Encoding],
    options: WriteOptions,
) -> Result<Vec<Vec<CompressedPage>>> {
    let leaves = array_to_columns(array, field.clone(), options, encoding)?;
    let mut out = Vec::with_capacity(leaves.len());
    for pages in leaves {
        let mut compressed = Vec::new();
        for page in pages {
            let page =
                compress(page?, Vec::new(), options.compression).map_err(PolarsError::from)?;
            compressed.push(page);
        }
        out.push(compressed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polars_bytes(table: &mut DataFrame) -> Vec<u8> {
        let mut out = Vec::new();
        ParquetWriter::new(&mut out).finish(table).unwrap();
        out
    }

    fn our_bytes(table: &mut DataFrame) -> Vec<u8> {
        let mut out = Vec::new();
        write(table, &mut out).unwrap();
        out
    }

    /// Floats with nulls, integers, text with repeats (dictionary pages), booleans; rows enough
    /// for two row groups and several pages per column, in several chunks.
    #[test]
    fn bytes_equal_polars_writer() {
        let n = ROW_GROUP + 70_001;
        let float: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 17 != 0).then(|| (i as f64 * 0.37).sin() * 100.0))
            .collect();
        let int: Vec<u32> = (0..n as u32).map(|i| i * 7 % 1000).collect();
        let text: Vec<Option<String>> = (0..n)
            .map(|i| (i % 29 != 0).then(|| format!("医院{}", i % 311)))
            .collect();
        let flag: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let mut table = DataFrame::new(
            n,
            vec![
                Column::new("score".into(), float),
                Column::new("rank".into(), int),
                Column::new("名称".into(), text),
                Column::new("vetoed".into(), flag),
            ],
        )
        .unwrap();
        let expected = polars_bytes(&mut table.clone());
        assert_eq!(our_bytes(&mut table), expected);
        // Many small chunks, accumulated into row groups the same way.
        let mut chunked = table.slice(0, 1000);
        for start in (1000..n).step_by(40_000) {
            chunked
                .vstack_mut(&table.slice(start as i64, 40_000))
                .unwrap();
        }
        let expected = polars_bytes(&mut chunked.clone());
        assert_eq!(our_bytes(&mut chunked), expected);
        // Empty.
        let mut empty = table.head(Some(0));
        assert_eq!(our_bytes(&mut empty.clone()), polars_bytes(&mut empty));
    }
}
