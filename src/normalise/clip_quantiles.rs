//! Quantile clipping (`treat: {method: clip_quantiles, low: 0.01, high: 0.99}`): values below the
//! `low` quantile are raised to it and values above the `high` quantile lowered to it — the
//! percentile winsorising of most statistics packages, unlike COINr's rule which moves only as
//! many points as the skew and kurtosis need. Quantiles interpolate linearly between order
//! statistics (R's type 7, Excel's PERCENTILE.INC), over all institutions or within the peer
//! group; defaults 1% and 99%.
//!
//! Policy: a constant column, a single institution and every value inside the quantiles are left
//! as they are (the quantiles are then the values themselves or wider). Missing values stay
//! missing and do not enter the quantiles.

use polars::prelude::*;

use super::within;
use crate::scheme::Within;

pub fn treated(x: Expr, low: f64, high: f64, over: Within) -> Expr {
    let floor = within(x.clone().quantile(lit(low), QuantileMethod::Linear), over);
    let ceiling = within(x.clone().quantile(lit(high), QuantileMethod::Linear), over);
    x.clip(floor, ceiling)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn values_beyond_the_quantiles_are_pulled_in() {
        // [10, 20, 30, 40, 100]: q0.1 at position 0.4 → 14; q0.9 at 3.6 → 40 + 0.6 × 60 = 76
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            treated(x, 0.1, 0.9, Within::All)
        });
        approx(&out, &some(&[14.0, 20.0, 30.0, 40.0, 76.0]));
    }

    #[test]
    fn constant_single_and_missing() {
        let out = apply(&[Some(3.0), None, Some(3.0)], None, |x| {
            treated(x, 0.01, 0.99, Within::All)
        });
        approx(&out, &[Some(3.0), None, Some(3.0)]);
        let out = apply(&some(&[8.0]), None, |x| treated(x, 0.01, 0.99, Within::All));
        approx(&out, &some(&[8.0]));
        let out = apply(&[None, None], None, |x| treated(x, 0.01, 0.99, Within::All));
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // quartiles; group a [0, 4, 8]: q.25 = 2, q.75 = 6 → 2, 4, 6; group b [10, 20]: 12.5, 17.5
        let out = apply(
            &some(&[0.0, 10.0, 4.0, 20.0, 8.0]),
            Some(&["a", "b", "a", "b", "a"]),
            |x| treated(x, 0.25, 0.75, Within::PeerGroup),
        );
        approx(&out, &some(&[2.0, 12.5, 4.0, 17.5, 6.0]));
    }
}
