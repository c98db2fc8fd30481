//! AHP (层次分析法) weights from a pairwise comparison matrix, with Saaty's consistency check.
//!
//! A is n × n on the 1–9 scale: a_ij says how much more important criterion i is than j, and
//! a_ji = 1/a_ij, a_ii = 1. Weights ([`AhpMethod`]):
//! * **eigenvector** (Saaty): the principal eigenvector of A, by power iteration (w ← Aw/ΣAw from
//!   the geometric-mean weights, until no weight moves by more than 1e-15; A is positive, so the
//!   iteration converges by Perron–Frobenius);
//! * **geometric mean** (方根法): w_i ∝ (Π_j a_ij)^{1/n};
//! * **column-normalised mean** (和积法): w_i = mean_j(a_ij / Σ_k a_kj).
//!
//! Consistency, with each method's own w: λmax = mean_i((Aw)_i / w_i); CI = (λmax − n)/(n − 1);
//! CR = CI/RI with Saaty's random index RI (n = 1..10: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41,
//! 1.45, 1.49; extended to 15 with Saaty's 1.51, 1.48, 1.56, 1.57, 1.59 — some Chinese textbooks
//! print 1.52, 1.54, 1.56, 1.58, 1.59 for 11–14).
//!
//! Policies: n ≤ 2 is always consistent (RI = 0; CR is reported as 0). CR ≥ 0.10 is refused by
//! [`weights`] with an [`Error::Method`] naming the judgement furthest from what the weights
//! imply (the largest |ln(a_ij·w_j/w_i)|) and the ratio the others suggest; [`analyse`] reports
//! without refusing. More than 15 criteria is refused (no RI; split them into a hierarchy). The
//! matrix must be positive with a unit diagonal and reciprocal (a_ij·a_ji within 1% of 1, so that
//! 0.333 passes for 1/3); cells may be written as fractions (`1/3`).

use std::path::Path;

use crate::error::{Error, Result};

/// Saaty's random consistency index for n = 1..15.
pub const RANDOM_INDEX: [f64; 15] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// The CR at or above which judgements are refused.
pub const CR_LIMIT: f64 = 0.10;

/// How the weights are taken from the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AhpMethod {
    Eigenvector,
    GeometricMean,
    /// 和积法: the mean of the column-normalised rows.
    ColumnMean,
}

impl AhpMethod {
    pub fn name(self) -> &'static str {
        match self {
            AhpMethod::Eigenvector => "eigenvector",
            AhpMethod::GeometricMean => "geometric",
            AhpMethod::ColumnMean => "column-mean",
        }
    }

    pub fn from_name(name: &str) -> Option<AhpMethod> {
        [
            AhpMethod::Eigenvector,
            AhpMethod::GeometricMean,
            AhpMethod::ColumnMean,
        ]
        .into_iter()
        .find(|m| m.name() == name)
    }
}

/// A checked pairwise comparison matrix with the criterion of each row and column.
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseMatrix {
    names: Vec<String>,
    values: Vec<Vec<f64>>,
}

/// The weights and consistency figures of a matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Ahp {
    pub method: AhpMethod,
    pub names: Vec<String>,
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    pub ci: f64,
    pub ri: f64,
    pub cr: f64,
}

fn method_error(message: String, help: &str) -> Error {
    Error::Method {
        message,
        help: Some(help.to_string()),
    }
}

impl PairwiseMatrix {
    /// Checks the matrix: square, as many names as rows, positive, unit diagonal, reciprocal.
    pub fn new(names: Vec<String>, values: Vec<Vec<f64>>) -> Result<Self> {
        let n = names.len();
        let help = "a pairwise matrix holds a_ij > 0 (how much more important row i is than column j, 1–9), a_ii = 1 and a_ji = 1/a_ij";
        if n == 0 || values.len() != n || values.iter().any(|r| r.len() != n) {
            return Err(method_error(
                format!("the pairwise matrix must be {n} × {n}, one row and column per criterion"),
                help,
            ));
        }
        if n > RANDOM_INDEX.len() {
            return Err(method_error(
                format!("AHP with {n} criteria: the random index is tabulated up to 15"),
                "group the criteria into a hierarchy of at most 15 (Saaty advises at most 9) per matrix",
            ));
        }
        for (i, row) in values.iter().enumerate() {
            for (j, &a) in row.iter().enumerate() {
                let at = format!(
                    "row {} ({}), column {} ({})",
                    i + 1,
                    names[i],
                    j + 1,
                    names[j]
                );
                if !a.is_finite() || a <= 0.0 {
                    return Err(method_error(
                        format!("pairwise matrix {at}: {a} is not a positive number"),
                        help,
                    ));
                }
                if i == j && (a - 1.0).abs() > 1e-9 {
                    return Err(method_error(
                        format!("pairwise matrix {at}: the diagonal must be 1, not {a}"),
                        help,
                    ));
                }
                if (a * values[j][i] - 1.0).abs() > 0.01 {
                    return Err(method_error(
                        format!(
                            "pairwise matrix {at}: {a} and its mirror {} are not reciprocal",
                            values[j][i]
                        ),
                        help,
                    ));
                }
            }
        }
        Ok(PairwiseMatrix { names, values })
    }

    /// Reads a CSV matrix: a header row of criterion names, then one row per criterion in the same
    /// order, optionally led by the row's name. Cells are numbers or fractions (`1/3`).
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|e| match e {
            Error::Method { message, help } => Error::Data {
                file: path.to_path_buf(),
                message,
                help,
            },
            other => other,
        })
    }

    /// Parses the CSV text of [`PairwiseMatrix::read`].
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim_start_matches('\u{feff}');
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let split = |line: &str| -> Vec<String> {
            line.split(',')
                .map(|c| c.trim().trim_matches('"').to_string())
                .collect()
        };
        let Some(header) = lines.next() else {
            return Err(method_error(
                "the pairwise matrix is empty".into(),
                "write a header row of criterion names, then one row per criterion",
            ));
        };
        let mut names = split(header);
        let rows: Vec<Vec<String>> = lines.map(split).collect();
        let n_rows = rows.len();
        // A leading label column: the header has an extra (often empty) first cell.
        let labelled = names.len() == n_rows + 1;
        if labelled {
            names.remove(0);
        }
        let mut values = Vec::with_capacity(n_rows);
        for (i, row) in rows.iter().enumerate() {
            let cells = if labelled {
                if row.first().map(String::as_str) != names.get(i).map(String::as_str) {
                    return Err(method_error(
                        format!(
                            "pairwise matrix row {} is labelled \"{}\" but column {} is \"{}\"",
                            i + 1,
                            row.first().map(String::as_str).unwrap_or(""),
                            i + 1,
                            names.get(i).map(String::as_str).unwrap_or("")
                        ),
                        "list the rows in the order of the header",
                    ));
                }
                &row[1..]
            } else {
                &row[..]
            };
            let parsed: Result<Vec<f64>> = cells
                .iter()
                .enumerate()
                .map(|(j, cell)| {
                    parse_judgement(cell).ok_or_else(|| {
                        method_error(
                            format!(
                                "pairwise matrix row {}, column {}: \"{cell}\" is not a number",
                                i + 1,
                                j + 1
                            ),
                            "write numbers like 3, 0.5 or fractions like 1/3",
                        )
                    })
                })
                .collect();
            values.push(parsed?);
        }
        Self::new(names, values)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The same judgements with rows and columns in the order of `names` (each name once).
    pub fn reordered(&self, names: &[&str]) -> Result<Self> {
        let mut index = Vec::with_capacity(names.len());
        for name in names {
            match self.names.iter().position(|n| n == name) {
                Some(i) => index.push(i),
                None => {
                    return Err(method_error(
                        format!("the pairwise matrix has no row for criterion \"{name}\""),
                        &format!("its criteria are: {}", self.names.join(", ")),
                    ))
                }
            }
        }
        if names.len() != self.names.len() {
            let extra: Vec<&str> = self
                .names
                .iter()
                .filter(|n| !names.contains(&n.as_str()))
                .map(String::as_str)
                .collect();
            return Err(method_error(
                format!(
                    "the pairwise matrix compares criteria not in --criteria: {}",
                    extra.join(", ")
                ),
                "compare exactly the criteria being weighted",
            ));
        }
        Ok(PairwiseMatrix {
            names: index.iter().map(|&i| self.names[i].clone()).collect(),
            values: index
                .iter()
                .map(|&i| index.iter().map(|&j| self.values[i][j]).collect())
                .collect(),
        })
    }
}

/// `3`, `0.5`, `1/3`.
fn parse_judgement(cell: &str) -> Option<f64> {
    let value = match cell.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => cell.parse::<f64>().ok()?,
    };
    value.is_finite().then_some(value)
}

fn normalised(mut w: Vec<f64>) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    for x in &mut w {
        *x /= total;
    }
    w
}

fn geometric_mean(a: &[Vec<f64>]) -> Vec<f64> {
    let n = a.len() as f64;
    normalised(
        a.iter()
            .map(|row| (row.iter().map(|x| x.ln()).sum::<f64>() / n).exp())
            .collect(),
    )
}

fn column_mean(a: &[Vec<f64>]) -> Vec<f64> {
    let n = a.len();
    let column_sums: Vec<f64> = (0..n).map(|j| a.iter().map(|r| r[j]).sum()).collect();
    (0..n)
        .map(|i| (0..n).map(|j| a[i][j] / column_sums[j]).sum::<f64>() / n as f64)
        .collect()
}

fn times(a: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    a.iter()
        .map(|row| row.iter().zip(w).map(|(x, y)| x * y).sum())
        .collect()
}

fn eigenvector(a: &[Vec<f64>]) -> Vec<f64> {
    let mut w = geometric_mean(a);
    for _ in 0..10_000 {
        let next = normalised(times(a, &w));
        let moved = next
            .iter()
            .zip(&w)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        w = next;
        if moved < 1e-15 {
            break;
        }
    }
    w
}

/// Weights and consistency figures, without refusing an inconsistent matrix.
pub fn analyse(matrix: &PairwiseMatrix, method: AhpMethod) -> Ahp {
    let a = &matrix.values;
    let n = a.len();
    let weights = match method {
        AhpMethod::Eigenvector => eigenvector(a),
        AhpMethod::GeometricMean => geometric_mean(a),
        AhpMethod::ColumnMean => column_mean(a),
    };
    let aw = times(a, &weights);
    let lambda_max = aw.iter().zip(&weights).map(|(x, w)| x / w).sum::<f64>() / n as f64;
    let ri = RANDOM_INDEX[n - 1];
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        (ci, ci / ri)
    };
    Ahp {
        method,
        names: matrix.names.clone(),
        weights,
        lambda_max,
        ci,
        ri,
        cr,
    }
}

/// Weights of a consistent matrix; CR ≥ 0.10 is an error naming the judgement to revisit.
pub fn weights(matrix: &PairwiseMatrix, method: AhpMethod) -> Result<Ahp> {
    let ahp = analyse(matrix, method);
    if ahp.cr < CR_LIMIT {
        return Ok(ahp);
    }
    let a = &matrix.values;
    let w = &ahp.weights;
    let mut worst = (0, 1, 0.0);
    for i in 0..a.len() {
        for j in i + 1..a.len() {
            let deviation = (a[i][j] * w[j] / w[i]).ln().abs();
            if deviation > worst.2 {
                worst = (i, j, deviation);
            }
        }
    }
    let (i, j, _) = worst;
    Err(Error::Method {
        message: format!(
            "the AHP judgements are inconsistent: CR = {:.4} ≥ {CR_LIMIT:.2} (λmax = {:.4}, CI = {:.4}, RI = {:.2})",
            ahp.cr, ahp.lambda_max, ahp.ci, ahp.ri
        ),
        help: Some(format!(
            "revise the judgements, starting with {} vs {} = {} — the other judgements imply about {:.2}",
            matrix.names[i],
            matrix.names[j],
            format_judgement(a[i][j]),
            w[i] / w[j]
        )),
    })
}

/// 3 → "3", 0.3333 → "1/3".
fn format_judgement(a: f64) -> String {
    if a < 1.0 && ((1.0 / a) - (1.0 / a).round()).abs() < 0.01 {
        format!("1/{}", (1.0 / a).round())
    } else {
        let text = format!("{a:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: &[f64], expected: &[f64], tolerance: f64) {
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() <= tolerance, "{actual:?} vs {expected:?}");
        }
    }

    fn fixture() -> PairwiseMatrix {
        PairwiseMatrix::parse("a,b,c\n1,3,5\n1/3,1,3\n1/5,1/3,1\n").unwrap()
    }

    #[test]
    fn reference_fixture_eigenvector_and_geometric_mean() {
        // methods.md §2.3(c): w = [0.6370, 0.2583, 0.1047], λmax 3.0385, CI 0.0193, CR 0.0332;
        // to 1e-6 from the same formulas in double precision (for 3 × 3 both methods agree).
        for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean] {
            let ahp = weights(&fixture(), method).unwrap();
            close(&ahp.weights, &[0.6370, 0.2583, 0.1047], 5e-5);
            close(&ahp.weights, &[0.636986, 0.258285, 0.104729], 1e-6);
            close(
                &[ahp.lambda_max, ahp.ci, ahp.cr],
                &[3.0385, 0.0193, 0.0332],
                5e-5,
            );
            close(
                &[ahp.lambda_max, ahp.ci, ahp.cr],
                &[3.038511, 0.019256, 0.033199],
                1e-6,
            );
        }
    }

    #[test]
    fn reference_fixture_column_mean() {
        // 和积法: w = [0.6333, 0.2605, 0.1062], CR 0.0334
        let ahp = weights(&fixture(), AhpMethod::ColumnMean).unwrap();
        close(&ahp.weights, &[0.6333, 0.2605, 0.1062], 5e-5);
        close(&ahp.weights, &[0.633346, 0.260498, 0.106156], 1e-6);
        close(&[ahp.cr], &[0.0334], 5e-5);
        close(&[ahp.lambda_max, ahp.cr], &[3.038715, 0.033375], 1e-6);
    }

    #[test]
    fn a_consistent_matrix_gives_back_its_weights() {
        // a_ij = w_i/w_j for w = [0.4, 0.3, 0.2, 0.1]: λmax = n, CI = CR = 0.
        let w = [0.4, 0.3, 0.2, 0.1];
        let values = (0..4)
            .map(|i| (0..4).map(|j| w[i] / w[j]).collect())
            .collect();
        let names = ["p", "q", "r", "s"].map(String::from).to_vec();
        let matrix = PairwiseMatrix::new(names, values).unwrap();
        for method in [
            AhpMethod::Eigenvector,
            AhpMethod::GeometricMean,
            AhpMethod::ColumnMean,
        ] {
            let ahp = weights(&matrix, method).unwrap();
            close(&ahp.weights, &w, 1e-12);
            assert!(ahp.cr.abs() < 1e-12);
        }
    }

    #[test]
    fn two_criteria_are_always_consistent() {
        let matrix = PairwiseMatrix::parse("a,b\n1,7\n1/7,1\n").unwrap();
        let ahp = weights(&matrix, AhpMethod::Eigenvector).unwrap();
        close(&ahp.weights, &[0.875, 0.125], 1e-12);
        assert_eq!((ahp.ri, ahp.cr), (0.0, 0.0));
        let single = PairwiseMatrix::parse("a\n1\n").unwrap();
        assert_eq!(
            weights(&single, AhpMethod::Eigenvector).unwrap().weights,
            [1.0]
        );
    }

    #[test]
    fn inconsistent_judgements_are_refused_naming_the_pair() {
        // a ≫ b, b ≫ c, but c ≫ a: a cycle.
        let matrix = PairwiseMatrix::parse(",a,b,c\na,1,9,1/9\nb,1/9,1,9\nc,9,1/9,1\n").unwrap();
        let ahp = analyse(&matrix, AhpMethod::Eigenvector);
        assert!(ahp.cr > 1.0, "{ahp:?}");
        let err = weights(&matrix, AhpMethod::Eigenvector).unwrap_err();
        assert!(matches!(err, Error::Method { .. }));
        let text = err.to_string();
        assert!(
            text.contains("CR = ") && text.contains("revise the judgements"),
            "{text}"
        );
    }

    #[test]
    fn bad_matrices_are_refused() {
        assert!(
            PairwiseMatrix::parse("a,b\n1,3\n3,1\n").is_err(),
            "not reciprocal"
        );
        assert!(
            PairwiseMatrix::parse("a,b\n2,3\n1/3,1\n").is_err(),
            "diagonal"
        );
        assert!(
            PairwiseMatrix::parse("a,b\n1,x\n1/3,1\n").is_err(),
            "not a number"
        );
        assert!(
            PairwiseMatrix::parse("a,b\n1,-3\n-1/3,1\n").is_err(),
            "negative"
        );
        assert!(
            PairwiseMatrix::parse("a,b,c\n1,3\n1/3,1\n").is_err(),
            "not square"
        );
        // 0.333 passes for 1/3.
        assert!(PairwiseMatrix::parse("a,b\n1,3\n0.333,1\n").is_ok());
    }

    #[test]
    fn reordering_follows_the_criteria() {
        let m = fixture().reordered(&["c", "a", "b"]).unwrap();
        assert_eq!(m.names(), ["c", "a", "b"]);
        close(&m.values()[0], &[1.0, 0.2, 1.0 / 3.0], 1e-12);
        let w = weights(&m, AhpMethod::Eigenvector).unwrap().weights;
        close(&w, &[0.104729, 0.636986, 0.258285], 1e-6);
        assert!(fixture().reordered(&["a", "b"]).is_err());
        assert!(fixture().reordered(&["a", "b", "x"]).is_err());
    }
}
