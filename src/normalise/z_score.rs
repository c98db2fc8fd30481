//! Z-score as a standard score: `mean + sd × (x − x̄) / s`, with `s` the sample SD (n − 1, as R's
//! `sd` and Excel's STDEV.S). The defaults `mean: 50, sd: 10` give the familiar T score (标准分).
//! Lower is better flips the sign of z. Policy when s is 0 or undefined (a constant column, a
//! single institution): every institution with a value gets `mean`. The score is not bounded.

use polars::prelude::*;

use super::{within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within, mean: f64, sd: f64) -> Expr {
    let centre = within(x.clone().mean(), over);
    let spread = within(x.clone().std(1), over);
    let z = (x.clone() - centre).true_div(spread.clone());
    let z = match better {
        Better::Higher => z,
        Better::Lower => lit(0.0) - z,
    };
    when(
        x.is_not_null()
            .and(spread.clone().eq(lit(0.0)).or(spread.is_null())),
    )
    .then(lit(mean))
    .otherwise(lit(mean) + lit(sd) * z)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture_sample_sd() {
        // methods.md §1.1: z (n−1) = [−0.848528, −0.565685, −0.282843, 0, 1.697056]
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            score(x, Better::Higher, Within::All, 0.0, 1.0)
        });
        approx(
            &out,
            &some(&[-0.848528, -0.565685, -0.282843, 0.0, 1.697056]),
        );
    }

    #[test]
    fn t_score_and_lower_is_better() {
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            score(x, Better::Lower, Within::All, 50.0, 10.0)
        });
        approx(
            &out,
            &some(&[58.485281, 55.656854, 52.828427, 50.0, 33.029437]),
        );
    }

    #[test]
    fn constant_or_single_gives_the_mean() {
        let out = apply(&[Some(3.0), Some(3.0), None], None, |x| {
            score(x, Better::Higher, Within::All, 50.0, 10.0)
        });
        approx(&out, &[Some(50.0), Some(50.0), None]);
        let single = apply(&[Some(3.0)], None, |x| {
            score(x, Better::Higher, Within::All, 50.0, 10.0)
        });
        approx(&single, &[Some(50.0)]);
    }
}
