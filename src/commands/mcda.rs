//! `jixiao mcda`: its flags and the glue from them to `jixiao::matrix` — read the decision
//! matrix, run the chosen method, print the ranking and write `--out`. Part of the command layer
//! (`main.rs`); the methods themselves are in the library.

use std::path::{Path, PathBuf};

use clap::Args;
use jixiao::error::Result;
use jixiao::{matrix, mcda, report, source};

use super::{check_out, known, say, ReadFlags};

/// The flags of `jixiao mcda`; method-specific flags are refused for other methods.
#[derive(Args)]
pub(crate) struct McdaArgs {
    /// The decision matrix (.csv, .xlsx, .xls, .parquet, .json, .ndjson): one row per alternative.
    #[arg(long)]
    data: PathBuf,
    #[command(flatten)]
    read: ReadFlags,
    /// The column naming the alternatives.
    #[arg(long)]
    id: String,
    /// Criteria with their direction: "col1:+,col2:-" (+ higher is better, - lower is better).
    #[arg(long, allow_hyphen_values = true)]
    criteria: String,
    /// equal, entropy (after min-max), entropy-raw, critic, std, ahp:FILE, or w1,w2,… (one per criterion).
    #[arg(long, default_value = "equal")]
    weights: String,
    /// topsis, vikor (lower Q is better), rsr (unweighted), wrsr, wsm (weighted sum), wpm (weighted product).
    #[arg(long, value_parser = ["topsis", "vikor", "rsr", "wrsr", "wsm", "wpm"])]
    method: String,
    /// TOPSIS: vector (default), minmax, sum, reciprocal (1/x for cost); WSM: minmax (default), reciprocal.
    #[arg(long, value_parser = ["vector", "minmax", "sum", "reciprocal"])]
    normalize: Option<String>,
    /// TOPSIS: weights in the matrix (v = w·r, default) or inside the distance.
    #[arg(long, value_parser = ["matrix", "distance"])]
    topsis_weights: Option<String>,
    /// VIKOR: weight of group utility S against individual regret R (default 0.5).
    #[arg(long)]
    vikor_v: Option<f64>,
    /// RSR/WRSR: integer ranks (ties averaged, default) or fractional (non-integer) ranks.
    #[arg(long, value_parser = ["integer", "fractional"])]
    rsr_ranks: Option<String>,
    /// RSR/WRSR: number of grades (分档) by probit cut-points (default 3).
    #[arg(long)]
    grades: Option<usize>,
    /// AHP: eigenvector (default), geometric, column-mean (和积法).
    #[arg(long, value_parser = ["eigenvector", "geometric", "column-mean"])]
    ahp_method: Option<String>,
    /// Ranking of ties: min (1,1,3), dense (1,1,2), average (1.5,1.5,3), ordinal (by id).
    #[arg(long, default_value = "min", value_parser = ["min", "dense", "average", "ordinal"])]
    ties: String,
    /// Rank within the peer groups of this column: each group is run as its own matrix (own
    /// weights); the output gains the group column and group_rank.
    #[arg(long)]
    group: Option<String>,
    /// Write id, score, rank and the method's columns here (.csv, .json, .parquet, or .xlsx with
    /// a second sheet of criteria weights).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the .csv with a UTF-8 byte-order mark, so Excel opens Chinese text correctly.
    #[arg(long)]
    excel_csv: bool,
    /// Also print the intermediate tables (normalised matrix, ideal points, S/R/Q, probit table…).
    #[arg(long)]
    explain: bool,
}

pub(crate) fn run_mcda(args: McdaArgs) -> Result<()> {
    use jixiao::mcda::{ahp::AhpMethod, normalise::Normalisation, ranking::Ties};
    use jixiao::mcda::{rsr::RankKind, topsis::WeightPlacement, weights::Weighting};
    let options = report::OutputOptions {
        excel_csv: args.excel_csv,
        ..Default::default()
    };
    if let Some(out) = &args.out {
        options.format_of(out)?;
        let ahp = args.weights.strip_prefix("ahp:").map(Path::new);
        check_out(out, &[Some(&args.data), ahp])?;
    }
    let criteria = mcda::Criterion::parse_list(&args.criteria)?;
    let ahp_method = known(args.ahp_method, AhpMethod::from_name)?;
    let spec = matrix::McdaSpec {
        id: args.id,
        weighting: Weighting::parse(&args.weights, &criteria, ahp_method)?,
        criteria,
        method: known(Some(args.method), matrix::Method::from_name)?.expect("given"),
        normalisation: known(args.normalize, Normalisation::from_name)?,
        placement: known(args.topsis_weights, |v| match v {
            "matrix" => Some(WeightPlacement::WeightedMatrix),
            "distance" => Some(WeightPlacement::WeightedDistance),
            _ => None,
        })?,
        vikor_v: args.vikor_v,
        rsr_ranks: known(args.rsr_ranks, |v| match v {
            "integer" => Some(RankKind::Integer),
            "fractional" => Some(RankKind::Fractional),
            _ => None,
        })?,
        grades: args.grades,
        ties: known(Some(args.ties), Ties::from_name)?.expect("given"),
        source: args.data.clone(),
    };
    let mut read_options = args.read.options(args.read.sheet.clone());
    read_options.expected_columns = std::iter::once(spec.id.clone())
        .chain(spec.criteria.iter().map(|c| c.name.clone()))
        .collect();
    let frame = matrix::matrix_of(source::read(&args.data, &read_options)?)?;
    jixiao::trace::mark("read decision matrix");
    let wrote = |rows: usize, out: &Path| format!("wrote {rows} rows to {}\n", out.display());
    let mut text = String::new();
    match &args.group {
        None => {
            let result = matrix::run(&spec, frame)?;
            jixiao::trace::mark("weights, method, ranks");
            text.push_str(&match args.explain {
                true => result.explain(),
                false => result.to_string(),
            });
            jixiao::trace::mark("format ranking");
            if let Some(out) = &args.out {
                report::write_mcda_output(&result, out, &options)?;
                text.push_str(&wrote(result.table.height(), out));
                jixiao::trace::mark("write --out");
            }
        }
        Some(group) => {
            let result = matrix::run_grouped(&spec, group, frame)?;
            text.push_str(&match args.explain {
                true => result.explain(),
                false => result.to_string(),
            });
            if let Some(out) = &args.out {
                report::write_table_with(&result.table, out, &options)?;
                text.push_str(&wrote(result.table.height(), out));
            }
        }
    }
    let said = say(&text);
    jixiao::trace::mark("print");
    said
}
