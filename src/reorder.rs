//! Putting a frame's rows in another order without holding it twice. Loading (data into id order)
//! and the output table (rows into rank order) both reorder national frames of hundreds of
//! columns, where a whole-frame `take` or `sort` would need the frame's memory again, and more
//! when its columns are in several chunks.
//!
//! A float column that nothing else shares (most of a scored frame's) is reordered inside its own
//! buffer: its values are gathered into a scratch buffer, one per worker and reused for every
//! column, and copied back; only its validity bitmap is new. No column's worth of memory is
//! allocated, so neither the frame nor the allocator's free lists grow while it runs (a fresh
//! column per column, from threads of our own whose fresh malloc arenas could not reuse what the
//! originals freed, left a national run's output table about 0.4 GB above its size). Other
//! columns (text, integers, shared or chunked floats, a loaded frame's) are gathered a couple at a
//! time on polars' threads, each original dropped as soon as its copy is made.

use polars::prelude::*;
use polars_arrow::array::PrimitiveArray;
use polars_arrow::bitmap::Bitmap;

/// The threads polars computes on: `POLARS_MAX_THREADS`, else the machine's.
pub fn threads() -> usize {
    std::env::var("POLARS_MAX_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Whether `column` is text with no missing cell, each row's text at most the next one's (byte
/// order, as polars sorts text): a frame whose id column is so needs no sort into id order.
pub fn in_text_order(column: &Column) -> bool {
    let Ok(text) = column.str() else {
        return false;
    };
    text.null_count() == 0
        && text
            .iter()
            .zip(text.iter().skip(1))
            .all(|(a, b)| a.unwrap_or_default() <= b.unwrap_or_default())
}

/// How many columns other than unshared floats are gathered at once, each batch on polars'
/// threads: about this many columns are held twice at any moment.
const BATCH: usize = 2;

/// `frame`'s rows in `order` (each output row's input row), as `frame.take(order)` gives them.
pub fn gathered(frame: DataFrame, order: &IdxCa) -> PolarsResult<DataFrame> {
    let height = order.len();
    let source_height = frame.height();
    let in_place = height == source_height && order.null_count() == 0;
    let order = order.rechunk();
    let mut columns = frame.into_columns();
    let (mut floats, mut others): (Vec<&mut Column>, Vec<&mut Column>) = columns
        .iter_mut()
        .partition(|c| in_place && own_buffer_candidate(c, height));
    // Floats in their own buffers, on as many workers as polars computes on, each with a scratch
    // buffer made here.
    let workers = threads().min(floats.len()).max(1);
    let share = floats.len().div_ceil(workers).max(1);
    // Only a whole, null-free order reorders in place (`floats` is empty otherwise).
    let indices: &[IdxSize] = if in_place { order.cont_slice()? } else { &[] };
    std::thread::scope(|scope| -> PolarsResult<()> {
        let handles: Vec<_> = floats
            .chunks_mut(share)
            .map(|share| {
                let mut scratch: Vec<f64> = Vec::with_capacity(height);
                let order = &order;
                scope.spawn(move || -> PolarsResult<()> {
                    for column in share.iter_mut() {
                        if !in_own_buffer(column, indices, &mut scratch)? {
                            // Shared with another frame after all: a new column.
                            **column = column.take(order)?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| polars_err!(ComputeError: "a reordering worker panicked"))??;
        }
        Ok(())
    })?;
    // The rest a few at a time on polars' threads, whose allocator arenas hold what the frame's
    // own columns were made in (threads of our own would take fresh memory instead).
    for batch in others.chunks_mut(BATCH) {
        let batch_columns: Vec<Column> = batch.iter().map(|c| (**c).clone()).collect();
        let taken = DataFrame::new(source_height, batch_columns)?.take(&order)?;
        for (slot, column) in batch.iter_mut().zip(taken.into_columns()) {
            **slot = column;
        }
    }
    DataFrame::new(height, columns)
}

/// Whether `column` can be reordered inside its own buffer: a one-chunk float column of
/// `height` rows (that nothing else holds it is found when it is tried).
fn own_buffer_candidate(column: &Column, height: usize) -> bool {
    column.dtype() == &DataType::Float64
        && column.as_series().is_some()
        && column.n_chunks() == 1
        && column.len() == height
}

/// Reorders `column` inside its own buffer when it is a one-chunk float column nothing else
/// holds: its values gathered into `scratch` and copied back, a new validity bitmap. `order` is
/// a permutation-sized list of rows (as long as the column). False, leaving the column as it
/// was, for any other column.
fn in_own_buffer(
    column: &mut Column,
    order: &[IdxSize],
    scratch: &mut Vec<f64>,
) -> PolarsResult<bool> {
    if !own_buffer_candidate(column, order.len()) {
        return Ok(false);
    }
    let name = column.name().clone();
    let series = std::mem::replace(column, Column::new_empty(name.clone(), &DataType::Float64))
        .take_materialized_series();
    // Moved out when the series is the only holder, else a clone sharing the buffer.
    let chunked = series.take_inner::<Float64Type>();
    let mut array: PrimitiveArray<f64> = chunked
        .downcast_into_iter()
        .next()
        .ok_or_else(|| polars_err!(ComputeError: "a one-chunk column without its chunk"))?;
    let done = match array.get_mut_values() {
        Some(values) => {
            scratch.clear();
            scratch.extend(order.iter().map(|&row| values[row as usize]));
            values.copy_from_slice(scratch);
            let validity = array.validity().map(|valid| {
                order
                    .iter()
                    .map(|&row| valid.get_bit(row as usize))
                    .collect::<Bitmap>()
            });
            array.set_validity(validity);
            true
        }
        // Shared with another frame: gathered into a new column instead.
        None => false,
    };
    *column = Float64Chunked::with_chunk(name, array).into_column();
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathers_every_column_as_a_whole_frame_take_does() {
        // More columns than a batch, several chunks, nulls and text.
        let mut frame = DataFrame::empty();
        for c in 0..19 {
            let values: Vec<Option<f64>> = (0..7)
                .map(|r| (r % 3 != 1).then_some((c * 10 + r) as f64))
                .collect();
            frame
                .with_column(Column::new(format!("c{c}").into(), values))
                .unwrap();
        }
        frame
            .with_column(Column::new(
                "name".into(),
                ["a", "b", "c", "d", "e", "f", "g"],
            ))
            .unwrap();
        let frame = frame.vstack(&frame.slice(0, 7)).unwrap();
        assert!(frame.first_col_n_chunks() > 1);
        let order = IdxCa::from_vec("order".into(), vec![13, 0, 5, 5, 2, 9]);
        let expected = frame.take(&order).unwrap();
        let got = gathered(frame, &order).unwrap();
        assert_eq!(got.height(), 6);
        assert!(got.equals_missing(&expected));
        assert_eq!(got.column("c3").unwrap().f64().unwrap().get(0), Some(36.0));
        // A missing index gives a missing row, as `take` does.
        let with_null: IdxCa = [Some(2 as IdxSize), None].into_iter().collect();
        let frame = got.slice(0, 6);
        let expected = frame.take(&with_null).unwrap();
        let got = gathered(frame, &with_null).unwrap();
        assert!(got.equals_missing(&expected));
        assert_eq!(got.column("c3").unwrap().null_count(), 1);
    }

    /// A whole permutation of one-chunk columns: floats reordered in their own buffers (with and
    /// without nulls), one float column shared with another frame (left intact there), integers
    /// and text gathered; the same frame as `take`, and no float buffer reallocated.
    #[test]
    fn reorders_unshared_floats_in_their_own_buffers() {
        let n = 1000usize;
        let order: Vec<IdxSize> = (0..n as IdxSize)
            .map(|i| (i * 7919) % n as IdxSize)
            .collect();
        let order = IdxCa::from_vec("order".into(), order);
        let floats: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 3.0).collect();
        let with_nulls: Vec<Option<f64>> =
            (0..n).map(|i| (i % 11 != 3).then_some(i as f64)).collect();
        let frame = DataFrame::new(
            n,
            vec![
                Column::new("plain".into(), floats.clone()),
                Column::new("nulls".into(), with_nulls),
                Column::new("shared".into(), floats),
                Column::new("count".into(), (0..n as i64).collect::<Vec<_>>()),
                Column::new(
                    "name".into(),
                    (0..n).map(|i| format!("医院{i}")).collect::<Vec<_>>(),
                ),
            ],
        )
        .unwrap();
        let expected = frame.take(&order).unwrap();
        let shared = frame.column("shared").unwrap().clone();
        let shared_before = shared.clone();
        // Where a float column's values live: the same place after reordering in place.
        let address = |frame: &DataFrame, name: &str| {
            let column = frame.column(name).unwrap().f64().unwrap();
            column.downcast_iter().next().unwrap().values().as_ptr()
        };
        let before = (address(&frame, "plain"), address(&frame, "nulls"));
        let got = gathered(frame, &order).unwrap();
        assert!(got.equals_missing(&expected));
        assert_eq!((address(&got, "plain"), address(&got, "nulls")), before);
        assert_eq!(got.column("nulls").unwrap().null_count(), 91);
        assert!(shared.equals_missing(&shared_before));
        // Row 1 of the result is input row 919: 919 × 0.5 − 3.
        assert_eq!(
            got.column("plain").unwrap().f64().unwrap().get(1),
            Some(456.5)
        );
    }
}
