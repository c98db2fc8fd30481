//! The `jixiao` command: parses flags and glues library calls together; all the work is in the library.
//!
//! Exit codes: 0 success, 1 bad user input (scheme, data, flags), 2 a bug in jixiao.
//!
//! Output files are written before anything is printed, and standard output closed early
//! (`| head`, `| true`) ends the printing quietly with exit 0, as other Unix tools do; a standard
//! output that cannot be written (`> /dev/full`) is exit 1 naming it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use jixiao::error::{Error, Result};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::layout::{Layout, LayoutOptions};
use jixiao::source::{self, DataFile, ReadOptions, SourceFormat};
use jixiao::{check, diff, explain, init, matrix, mcda, pipeline, report, shipped, synthetic};

/// The scheme scored when no --scheme is given: the repository's folder when run from its root,
/// else the copy built into jixiao.
const DEFAULT_SCHEME: &str = "scoring/tertiary-core";

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "Score and rank health institutions (绩效考核) from a rhai + YAML scheme"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bars (they are drawn on standard error only when it is a terminal and a
    /// run lasts over a second).
    #[arg(long, global = true)]
    quiet: bool,
}

/// Which scheme and data a command works on.
#[derive(Args)]
struct Inputs {
    /// Scheme folder (scheme.yaml + .rhai scripts), or the name of a scheme built into jixiao:
    /// tertiary-core, tertiary-2020, secondary-2020, primary-care (a folder of that name wins).
    #[arg(long, default_value = DEFAULT_SCHEME)]
    scheme: PathBuf,
    /// Institution data (.csv, .xlsx, .xls, .parquet, .json, .ndjson); default: the scheme's dataset.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Previous period's data, for prev("…") in formulas; default: the workbook of --data when
    /// --prev-sheet is given, else the scheme's.
    #[arg(long)]
    prev: Option<PathBuf>,
    /// Excel: the sheet of the previous period's data (default: the first sheet).
    #[arg(long)]
    prev_sheet: Option<String>,
    /// The data's layout: wide (one row per institution), form (a fill-in form: items as rows,
    /// periods as columns) or long (institution, item, period, value); default: detected.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Layout::NAMES))]
    layout: Option<String>,
    /// A form or long table holding several periods: the current one (e.g. 2020).
    #[arg(long)]
    period: Option<String>,
    /// The previous period (e.g. 2019), read from --prev, else from the --data file.
    #[arg(long)]
    prev_period: Option<String>,
    /// A fill-in form's institution id (default: its 机构编码 row, else the file name).
    #[arg(long)]
    institution: Option<String>,
    #[command(flatten)]
    read: ReadFlags,
}

/// How to read data files; --format, --header-row and --encoding apply to the previous period's
/// file too.
#[derive(Args)]
struct ReadFlags {
    /// The data's format when its extension does not say: csv, tsv, txt, xlsx, xls, excel, parquet, json, ndjson.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(SourceFormat::NAMES))]
    format: Option<String>,
    /// Excel: the sheet to read (default: the first sheet).
    #[arg(long)]
    sheet: Option<String>,
    /// CSV and Excel: the row of the header, numbered as Excel or a text editor shows it
    /// (default: detected; title rows above it are skipped).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    header_row: Option<u64>,
    /// CSV: the encoding (utf-8, gbk, gb18030, big5, …); default: detected (UTF-8, UTF-8 with BOM, GBK/GB18030).
    #[arg(long)]
    encoding: Option<String>,
}

impl ReadFlags {
    /// The options for the file these flags name; `sheet` replaces --sheet.
    fn options(&self, sheet: Option<String>) -> ReadOptions {
        ReadOptions {
            format: self.format.as_deref().and_then(SourceFormat::from_name),
            sheet,
            header_row: self.header_row.map(|n| n as usize),
            encoding: self.encoding.clone(),
            expected_columns: Vec::new(),
        }
    }
}

#[derive(Subcommand)]
// Parsed once per process: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Score and rank every institution; prints the ranking and a run summary.
    Score {
        #[command(flatten)]
        inputs: Inputs,
        /// Write every institution's row here; the format comes from the extension: .csv, .json,
        /// .parquet, .xlsx (an Excel report: cover, ranking, one sheet per dimension, indicators,
        /// run summary) or .html (a self-contained report with charts, for a browser).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The language of the .xlsx and .html reports: zh (default) or en.
        #[arg(long, default_value = "zh", value_parser = clap::builder::PossibleValuesParser::new(report::Lang::NAMES))]
        lang: String,
        /// The previous period's results (a .csv, .json or .parquet written by `jixiao score
        /// --out`, scored by the same scheme): the HTML report shows each institution's rank and
        /// score movement against it.
        #[arg(long)]
        prev_result: Option<PathBuf>,
        /// Write the .csv with a UTF-8 byte-order mark, so Excel opens Chinese text correctly.
        #[arg(long)]
        excel_csv: bool,
        /// Rows of the ranking to print.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Add `<node>.points` columns to --out: each dimension's, sub-dimension's and
        /// indicator's points of the weighted total (they add up to `weighted`).
        #[arg(long)]
        contributions: bool,
    },
    /// Explain one institution's score: the weight tree with its own weights, points and points
    /// lost, missing indicators, rules fired, strengths and weaknesses against its peer group.
    Explain {
        #[command(flatten)]
        inputs: Inputs,
        /// The institution's id (repeat for several).
        #[arg(long, required_unless_present = "rank", conflicts_with = "rank")]
        id: Vec<String>,
        /// Explain the institution(s) holding this overall rank instead.
        #[arg(long)]
        rank: Option<u32>,
        /// text (fits 100 columns), json (every number unrounded) or md.
        #[arg(long = "output-format", alias = "as", default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(report::explain::ExplainFormat::NAMES))]
        output_format: String,
    },
    /// Compare this run against a baseline: institutions entered and left, rank agreement
    /// (Spearman ρ, Kendall τ-b, overall and per peer group), rank changes, the grade transition
    /// matrix, the top movers with the dimensions and indicators whose points moved them, and the
    /// institutions whose grade changed. Baseline: --against-scheme (same data, another scheme),
    /// --against-data (same scheme, another period), or --file with --against-file (two tables
    /// written by `jixiao score --out`).
    Diff(DiffArgs),
    /// Validate a scheme (and a dataset against it) without scoring.
    Check {
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Rank alternatives of a decision matrix (one row per alternative) by TOPSIS, VIKOR, RSR,
    /// WRSR, WSM or WPM, with equal, fixed, entropy, CRITIC, SD or AHP weights.
    Mcda(McdaArgs),
    /// Write a new scheme folder — a shipped scheme with its sample data, or a commented blank
    /// template — that `jixiao score --scheme DIR` scores at once.
    Init {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
        /// What to start from: tertiary-core, tertiary-2020, secondary-2020, primary-care or blank.
        #[arg(long, default_value = "blank")]
        from: String,
    },
    /// List the functions formulas may call, with their argument and result types; or one.
    Functions {
        /// A function's name (default: all).
        name: Option<String>,
    },
    /// Print a shell completion script: `jixiao completions bash > /etc/bash_completion.d/jixiao`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Write a deterministic sample dataset (current and previous period) for a shipped scheme.
    Sample {
        /// Which scheme's data: tertiary-core, tertiary-2020, secondary-2020, primary-care.
        #[arg(long, default_value = "tertiary-core")]
        kind: String,
        /// Number of institutions.
        #[arg(long, default_value_t = 320)]
        institutions: usize,
        /// Random seed; the same seed gives the same files.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// Folder to write current.csv and previous.csv into.
        #[arg(long)]
        out_dir: PathBuf,
    },
}

/// The flags of `jixiao diff`: this run (the scoring flags), and what differs in the baseline.
#[derive(Args)]
struct DiffArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// The baseline's scheme (default: --scheme): what an edit of the scheme changes.
    #[arg(long)]
    against_scheme: Option<PathBuf>,
    /// The baseline's data (default: this run's data): what a new period changes. The read flags
    /// (--format, --sheet, --header-row, --encoding) apply to it too.
    #[arg(long)]
    against_data: Option<PathBuf>,
    /// The baseline's previous period (default: this run's with the same data, none with
    /// --against-data).
    #[arg(long)]
    against_prev: Option<PathBuf>,
    /// This run as a table written by `jixiao score --out` (.csv, .json, .parquet); with
    /// --against-file. --scheme (and --against-scheme) name the scheme each was scored with.
    #[arg(long, requires = "against_file", conflicts_with_all = ["data", "prev", "prev_sheet", "against_data", "against_prev"])]
    file: Option<PathBuf>,
    /// The baseline as a table written by `jixiao score --out`; with --file.
    #[arg(long, requires = "file")]
    against_file: Option<PathBuf>,
    /// Movers listed each way.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Write one row per institution (both runs' rank, peer-group rank, score and grade, and the
    /// changes) here: .csv, .json, .parquet or .xlsx.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the .csv with a UTF-8 byte-order mark, so Excel opens Chinese text correctly.
    #[arg(long)]
    excel_csv: bool,
}

/// The flags of `jixiao mcda`; method-specific flags are refused for other methods.
#[derive(Args)]
struct McdaArgs {
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

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error (a bug in jixiao): {info}");
        eprintln!("  = help: please report it with the scheme and data that triggered it");
        std::process::exit(2);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let progress = jixiao::progress::Progress::on_stderr(cli.quiet);
    let result = run(cli.command, &progress);
    progress.finish();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = write!(std::io::stderr(), "{error}");
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

/// Prints `text` on standard output; a closed pipe ends the process quietly with exit 0 (all
/// files are written by then), any other failure is an error naming standard output.
fn say(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(source) => Err(Error::Io {
            path: PathBuf::from("standard output"),
            source,
        }),
    }
}

/// Refuses an `--out` that is an input of the run or not a regular file, before any work.
fn check_out(out: &Path, inputs: &[Option<&Path>]) -> Result<()> {
    let inputs: Vec<&Path> = inputs.iter().flatten().copied().collect();
    report::atomic::check_output(out, &inputs)
}

/// Loads the scheme and picks the data: the flags if given, else the scheme's dataset.
fn open(inputs: Inputs) -> Result<(Scheme, Option<DataFile>, Option<DataFile>)> {
    let scheme = Scheme::load(&scheme_folder(&inputs.scheme)?)?;
    let declared = scheme.spec.dataset.as_ref();
    let given_data = inputs.data.is_some();
    let data = match inputs.data {
        Some(data) => Some(data),
        None => declared
            .map(|d| scheme.dataset_file(&d.current).map(|p| tidy(&p)))
            .transpose()?,
    };
    let prev = match (inputs.prev, &inputs.prev_sheet) {
        (Some(prev), _) => Some(prev),
        // Another sheet of the same workbook.
        (None, Some(_)) => data.clone(),
        // Another period of the same form or long table.
        (None, None) if inputs.prev_period.is_some() => data.clone(),
        // The scheme's previous period goes with its own dataset, never with --data: a period
        // is not guessed.
        (None, None) if given_data => None,
        (None, None) => declared
            .and_then(|d| d.previous.as_ref())
            .map(|p| scheme.dataset_file(p).map(|p| tidy(&p)))
            .transpose()?,
    };
    let read = &inputs.read;
    let layout = inputs.layout.as_deref().and_then(Layout::from_name);
    let arranged = |path: PathBuf, sheet: Option<String>, period: Option<String>| DataFile {
        layout: LayoutOptions {
            layout,
            period,
            institution: inputs.institution.clone(),
        },
        ..DataFile::new(path, read.options(sheet))
    };
    let data = data.map(|path| arranged(path, read.sheet.clone(), inputs.period.clone()));
    let prev =
        prev.map(|path| arranged(path, inputs.prev_sheet.clone(), inputs.prev_period.clone()));
    Ok((scheme, data, prev))
}

/// The folder `--scheme` names: a folder on disk if there is one, else a scheme built into
/// jixiao by its name (the default scheme falls back to its built-in copy too).
fn scheme_folder(given: &Path) -> Result<PathBuf> {
    if given.join("scheme.yaml").is_file() {
        return Ok(given.to_path_buf());
    }
    let name = match given.to_str() {
        Some(name) if shipped::is_scheme(name) => name,
        Some(DEFAULT_SCHEME) => "tertiary-core",
        _ => return Ok(given.to_path_buf()),
    };
    shipped::scheme_dir(name).map_err(|e| Error::Io {
        path: e.path,
        source: e.source,
    })
}

/// `a/b/../c` → `a/c`, so messages show the path a user would type.
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn run(command: Command, progress: &jixiao::progress::Progress) -> Result<()> {
    match command {
        Command::Score {
            inputs,
            out,
            lang,
            prev_result,
            excel_csv,
            top,
            contributions,
        } => {
            let options = report::OutputOptions {
                excel_csv,
                lang: report::Lang::from_name(&lang).unwrap_or_default(),
            };
            let format = match &out {
                Some(out) => Some(options.format_of(out)?),
                None => None,
            };
            let html = format == Some(report::OutputFormat::Html);
            if prev_result.is_some() && !html {
                return Err(Error::Usage {
                    message: "--prev-result shows the movement against the previous period in the HTML report; write one with --out FILE.html, or compare two runs with `jixiao diff`".into(),
                });
            }
            let period = inputs.period.clone();
            let (scheme, data, prev) = open(inputs)?;
            let data = data.ok_or_else(|| Error::Usage {
                message: "no data to score: pass --data FILE (the scheme declares no dataset)"
                    .into(),
            })?;
            if let Some(out) = &out {
                check_out(
                    out,
                    &[Some(&data.path), prev.as_ref().map(|p| p.path.as_path())],
                )?;
            }
            let plan = Plan::compile(scheme)?;
            // The HTML report's panels show points and own weights where the total allows them.
            let supported =
                jixiao::contribution::check_supported(&plan.scheme.spec.aggregation).is_ok();
            let scoring = pipeline::ScoreOptions {
                contributions: contributions || (html && supported),
                keep_scored: html,
            };
            if contributions {
                jixiao::contribution::check_supported(&plan.scheme.spec.aggregation)?;
            }
            progress.stage("reading", None);
            let loaded = pipeline::load_for(&plan, &data, prev.as_ref())?;
            progress.stage("scoring", None);
            let run = pipeline::score_loaded_with(&plan, loaded, scoring)?;
            let movement = match &prev_result {
                Some(path) => {
                    check_out(out.as_deref().expect("html"), &[Some(path.as_path())])?;
                    let against = diff::read_output(&plan, path)?;
                    let this = diff::Side::new("this period", &plan, run.table.clone());
                    let against = diff::Side::new(path.display().to_string(), &plan, against);
                    Some(diff::diff(&this, &against, report::html::MOVERS)?)
                }
                None => None,
            };
            if let Some(out) = &out {
                let extras = report::ReportExtras {
                    movement: movement.as_ref(),
                    period,
                    progress: progress.clone(),
                };
                report::write_report(&plan, &run, out, &options, &extras)?;
            }
            progress.finish();
            let mut text = report::format_ranking(&plan, &run.table, top)?;
            text.push('\n');
            text.push_str(&run.summary.to_string());
            if let Some(out) = out {
                text.push_str(&format!(
                    "wrote {} rows to {}\n",
                    run.table.height(),
                    out.display()
                ));
            }
            say(&text)
        }
        Command::Explain {
            inputs,
            id,
            rank,
            output_format,
        } => {
            let format = known(
                Some(output_format),
                report::explain::ExplainFormat::from_name,
            )?
            .expect("given");
            let (scheme, data, prev) = open(inputs)?;
            let data = data.ok_or_else(|| Error::Usage {
                message: "no data to explain: pass --data FILE (the scheme declares no dataset)"
                    .into(),
            })?;
            let plan = Plan::compile(scheme)?;
            progress.stage("scoring", None);
            let run =
                pipeline::score_with(&plan, &data, prev.as_ref(), pipeline::ScoreOptions::EXPLAIN)?;
            progress.finish();
            let selection = match rank {
                Some(n) => explain::Selection::Rank(n),
                None => explain::Selection::Ids(id),
            };
            let explanations = explain::explain(&plan, &run, &selection)?;
            say(&report::explain::render(&explanations, format)?)
        }
        Command::Diff(args) => {
            progress.stage("comparing", None);
            let result = run_diff(args);
            progress.finish();
            result
        }
        Command::Check { inputs } => {
            let (scheme, data, prev) = open(inputs)?;
            let plan = Plan::compile(scheme)?;
            let report = check::check(&plan, data.as_ref(), prev.as_ref())?;
            say(&report.text)
        }
        Command::Mcda(args) => run_mcda(args),
        Command::Init { dir, from } => {
            let mut text = String::new();
            for path in init::init(&dir, &from)? {
                text.push_str(&format!("wrote {}\n", path.display()));
            }
            text.push_str(&format!(
                "score it with: jixiao score --scheme {}\n",
                dir.display()
            ));
            say(&text)
        }
        Command::Functions { name } => {
            let text = jixiao::script::reference::reference(name.as_deref())
                .map_err(|message| Error::Usage { message })?;
            say(&text)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "jixiao", &mut script);
            say(&String::from_utf8_lossy(&script))
        }
        Command::Sample {
            kind,
            institutions,
            seed,
            out_dir,
        } => {
            if institutions == 0 {
                return Err(Error::Usage {
                    message: "--institutions must be at least 1".into(),
                });
            }
            if institutions > synthetic::MAX_INSTITUTIONS {
                return Err(Error::Usage {
                    message: format!(
                        "--institutions must be at most {}",
                        synthetic::MAX_INSTITUTIONS
                    ),
                });
            }
            let Some(kind) = synthetic::SampleKind::from_name(&kind) else {
                let names: Vec<&str> = synthetic::SampleKind::ALL
                    .iter()
                    .map(|k| k.name())
                    .collect();
                return Err(Error::Usage {
                    message: format!(
                        "no sample data of kind \"{kind}\"; kinds: {}",
                        names.join(", ")
                    ),
                });
            };
            std::fs::create_dir_all(&out_dir).map_err(|source| Error::Io {
                path: out_dir.clone(),
                source,
            })?;
            let sample = kind.generate(institutions, seed);
            let mut text = String::new();
            for (name, frame) in [
                ("current.csv", &sample.current),
                ("previous.csv", &sample.previous),
            ] {
                let path: &Path = &out_dir.join(name);
                report::write_table(frame, path)?;
                text.push_str(&format!(
                    "wrote {} institutions to {}\n",
                    frame.height(),
                    path.display()
                ));
            }
            say(&text)
        }
    }
}

/// One side of `jixiao diff` scored from a scheme and data, with contributions where the
/// scheme's total is a weighted sum.
fn diff_side(
    label: String,
    plan: &Plan,
    data: &DataFile,
    prev: Option<&DataFile>,
) -> Result<diff::Side> {
    let supported = jixiao::contribution::check_supported(&plan.scheme.spec.aggregation);
    let options = pipeline::ScoreOptions {
        contributions: supported.is_ok(),
        keep_scored: false,
    };
    let run = pipeline::score_with(plan, data, prev, options)?;
    let mut side = diff::Side::new(label, plan, run.table);
    side.no_points = supported.err().map(|e| format!("{}: {e}", side.label));
    Ok(side)
}

fn run_diff(args: DiffArgs) -> Result<()> {
    let options = report::OutputOptions {
        excel_csv: args.excel_csv,
        ..Default::default()
    };
    if let Some(out) = &args.out {
        options.format_of(out)?;
    }
    if args.against_scheme.is_none()
        && args.against_data.is_none()
        && args.against_file.is_none()
        && args.against_prev.is_none()
    {
        return Err(Error::Usage {
            message: "nothing to compare against: pass --against-scheme DIR (same data, another \
                      scheme), --against-data FILE (same scheme, another period), or --file A \
                      --against-file B (two tables written by `jixiao score --out`)"
                .into(),
        });
    }
    let scheme_name = args.inputs.scheme.display().to_string();
    let against_scheme = args
        .against_scheme
        .clone()
        .unwrap_or(args.inputs.scheme.clone());
    let against_plan = Plan::compile(Scheme::load(&scheme_folder(&against_scheme)?)?)?;
    let against_name = against_scheme.display().to_string();
    let (this, against) = match (args.file, args.against_file) {
        (Some(file), Some(against_file)) => {
            if let Some(out) = &args.out {
                check_out(out, &[Some(&file), Some(&against_file)])?;
            }
            let plan = Plan::compile(Scheme::load(&scheme_folder(&args.inputs.scheme)?)?)?;
            let this = diff::read_output(&plan, &file)?;
            let baseline = diff::read_output(&against_plan, &against_file)?;
            (
                diff::Side::new(file.display().to_string(), &plan, this),
                diff::Side::new(against_file.display().to_string(), &against_plan, baseline),
            )
        }
        _ => {
            let (scheme, data, prev) = open(args.inputs)?;
            let data = data.ok_or_else(|| Error::Usage {
                message: "no data to compare: pass --data FILE (the scheme declares no dataset)"
                    .into(),
            })?;
            let against_data = match &args.against_data {
                Some(path) => DataFile::new(path.clone(), data.options.clone()),
                None => data.clone(),
            };
            let against_prev = match (&args.against_prev, &args.against_data) {
                (Some(path), _) => Some(DataFile::new(path.clone(), data.options.clone())),
                // A period is not guessed: another dataset brings its own previous period.
                (None, Some(_)) => None,
                (None, None) => prev.clone(),
            };
            if let Some(out) = &args.out {
                let paths = [&data, &against_data]
                    .into_iter()
                    .chain(prev.iter())
                    .chain(against_prev.iter())
                    .map(|d| Some(d.path.as_path()))
                    .collect::<Vec<_>>();
                check_out(out, &paths)?;
            }
            let label = |scheme: &str, data: &DataFile, prev: Option<&DataFile>| {
                let mut label = format!("scheme {scheme}, data {}", data.path.display());
                if let Some(prev) = prev {
                    label.push_str(&format!(", previous {}", prev.path.display()));
                }
                label
            };
            let plan = Plan::compile(scheme)?;
            (
                diff_side(
                    label(&scheme_name, &data, prev.as_ref()),
                    &plan,
                    &data,
                    prev.as_ref(),
                )?,
                diff_side(
                    label(&against_name, &against_data, against_prev.as_ref()),
                    &against_plan,
                    &against_data,
                    against_prev.as_ref(),
                )?,
            )
        }
    };
    let result = diff::diff(&this, &against, args.top)?;
    let mut text = report::diff::text(&result);
    if let Some(out) = &args.out {
        report::diff::write(&result, out, &options)?;
        text.push_str(&format!(
            "wrote {} rows to {}\n",
            result.rows.len(),
            out.display()
        ));
    }
    say(&text)
}

/// A flag value clap already checked against its list, as the library's type.
fn known<T>(value: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>> {
    value
        .map(|v| parse(&v).ok_or_else(|| Error::internal(format!("flag value {v} not mapped"))))
        .transpose()
}

fn run_mcda(args: McdaArgs) -> Result<()> {
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
    let wrote = |rows: usize, out: &Path| format!("wrote {rows} rows to {}\n", out.display());
    let mut text = String::new();
    match &args.group {
        None => {
            let result = matrix::run(&spec, frame)?;
            text.push_str(&match args.explain {
                true => result.explain(),
                false => result.to_string(),
            });
            if let Some(out) = &args.out {
                report::write_mcda_output(&result, out, &options)?;
                text.push_str(&wrote(result.table.height(), out));
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
    say(&text)
}
