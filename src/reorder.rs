//! Putting a frame's rows in another order without holding it twice: the columns are gathered a
//! few at a time and each original dropped as soon as its copy is made. Loading (data into id
//! order) and the output table (rows into rank order) both reorder national frames of hundreds
//! of columns, where a whole-frame `take` or `sort` would need the frame's memory again, and more
//! when its columns are in several chunks.

use polars::prelude::*;

/// How many columns are gathered at once, each batch on polars' threads: about this many columns
/// are held twice at any moment.
const BATCH: usize = 8;

/// `frame`'s rows in `order` (each output row's input row), as `frame.take(order)` gives them.
pub fn gathered(frame: DataFrame, order: &IdxCa) -> PolarsResult<DataFrame> {
    let height = order.len();
    let source_height = frame.height();
    let mut columns = frame.into_columns();
    for batch in columns.chunks_mut(BATCH) {
        let taken = DataFrame::new(source_height, batch.to_vec())?.take(order)?;
        for (slot, column) in batch.iter_mut().zip(taken.into_columns()) {
            *slot = column;
        }
    }
    DataFrame::new(height, columns)
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
    }
}
