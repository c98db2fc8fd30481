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
use jixiao::source::{DataFile, ReadOptions, SourceFormat};
use jixiao::{check, diff, explain, init, pipeline, report, shipped, synthetic};

#[path = "commands/mcda.rs"]
mod mcda_command;
use mcda_command::{run_mcda, McdaArgs};

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
    /// tertiary-core, tertiary-2020, secondary-2020, primary-care, cms-stars-2025, cms-stars-2026
    /// (a folder of that name wins).
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
        /// Score several periods of one file (a fill-in form, a long table, or a table with a
        /// period column) in one run, each with the period before it as its previous period:
        /// `all`, or a list such as 2018,2019,2020. --out gains a `period` column.
        #[arg(long, conflicts_with_all = ["period", "prev_period", "prev", "prev_sheet"])]
        periods: Option<String>,
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
    /// Sensitivity analysis: each institution's rank interval (median, Q5, Q95) and grade
    /// probabilities over draws of the declared uncertain inputs (weight noise, Dirichlet
    /// weights, means, missing-data policies, one indicator or dimension left out), and with
    /// --indices each input's first-order and total sensitivity indices (Saltelli, Jansen).
    Sensitivity(SensitivityArgs),
    /// Score, then score again whenever scheme.yaml, a script or a data file is saved, printing
    /// what changed against the previous run (movers, grade changes, ρ) or the error; Ctrl-C
    /// stops. Loaded data, and the indicator scores when only weights, grades or rules changed,
    /// are kept between runs.
    Watch {
        #[command(flatten)]
        inputs: Inputs,
        /// Movers listed each way.
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
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
        /// What to start from: tertiary-core, tertiary-2020, secondary-2020, primary-care,
        /// cms-stars-2025, cms-stars-2026 or blank.
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
        /// Write the data as the shipped datasets were generated: names may repeat, and each
        /// institution's items grow at one rate (default: names of their own, and outpatient
        /// and inpatient sides growing at rates of their own).
        #[arg(long)]
        as_shipped: bool,
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
    /// text (fits 100 columns) or json (the whole report, every number unrounded, one entry per
    /// institution under "rows").
    #[arg(long = "output-format", default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(["text", "json"]))]
    output_format: String,
    /// Write the .csv with a UTF-8 byte-order mark, so Excel opens Chinese text correctly.
    #[arg(long)]
    excel_csv: bool,
}

fn main() -> ExitCode {
    // Starts the stage clock of `JIXIAO_TRACE=1` at the process's start.
    jixiao::trace::enabled();
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
            periods,
        } => {
            let options = report::OutputOptions {
                excel_csv,
                lang: report::Lang::from_name(&lang).unwrap_or_default(),
            };
            if let Some(periods) = periods {
                let periods = jixiao::panel::Periods::parse(&periods)?;
                return score_periods(inputs, &periods, out, &options, top, contributions);
            }
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
            jixiao::trace::mark("compile scheme");
            // The HTML report's panels show points and own weights where the total allows them.
            let supported = jixiao::contribution::check_scheme(&plan.scheme).is_ok();
            let scoring = pipeline::ScoreOptions {
                contributions: contributions || (html && supported),
                keep_scored: html,
            };
            if contributions {
                jixiao::contribution::check_scheme(&plan.scheme)?;
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
            jixiao::trace::mark("format ranking and summary");
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
        Command::Sensitivity(args) => run_sensitivity(args, progress),
        Command::Watch { inputs, top } => {
            let scheme_dir = scheme_folder(&inputs.scheme)?;
            let (_, data, previous) = open(inputs)?;
            let data = data.ok_or_else(|| Error::Usage {
                message: "no data to watch: pass --data FILE (the scheme declares no dataset)"
                    .into(),
            })?;
            let mut session = jixiao::watch::Session::new(jixiao::watch::Watched {
                scheme_dir,
                data,
                previous,
                movers: top,
            });
            // Never sent: Ctrl-C ends the process.
            let (_keep, stop) = std::sync::mpsc::channel::<()>();
            let mut failed = None;
            jixiao::watch::watch(&mut session, &stop, &mut |update| {
                if failed.is_none() {
                    if let Err(e) = say(&report::watch::text(&update)) {
                        failed = Some(e);
                    }
                }
            })?;
            failed.map_or(Ok(()), Err)
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
            as_shipped,
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
            let sample = match as_shipped {
                true => kind.generate(institutions, seed),
                false => kind.generate_varied(institutions, seed),
            };
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

/// `jixiao score --periods`: every period of one file, then the table over the periods and the
/// most improved.
fn score_periods(
    inputs: Inputs,
    periods: &jixiao::panel::Periods,
    out: Option<PathBuf>,
    options: &report::OutputOptions,
    top: usize,
    contributions: bool,
) -> Result<()> {
    if let Some(out) = &out {
        options.format_of(out)?;
    }
    let (scheme, data, _) = open(inputs)?;
    let data = data.ok_or_else(|| Error::Usage {
        message: "no data to score: pass --data FILE (the scheme declares no dataset)".into(),
    })?;
    if let Some(out) = &out {
        check_out(out, &[Some(&data.path)])?;
    }
    let plan = Plan::compile(scheme)?;
    let scoring = pipeline::ScoreOptions {
        contributions,
        keep_scored: false,
    };
    let panel = jixiao::panel::score_panel(&plan, &data, periods, scoring)?;
    if let Some(out) = &out {
        report::write_scored_table(&panel.table, out, options)?;
    }
    let mut text = report::panel::text(&plan, &panel, top)?;
    if let Some(out) = out {
        text.push_str(&format!(
            "wrote {} rows ({} periods) to {}\n",
            panel.table.height(),
            panel.periods.len(),
            out.display()
        ));
    }
    say(&text)
}

/// One side of `jixiao diff` scored from a scheme and data, its scored frame kept so that the
/// movers' points can be computed for them only.
fn diff_side(
    label: String,
    plan: &Plan,
    data: &DataFile,
    prev: Option<&DataFile>,
) -> Result<diff::Side> {
    let run = pipeline::score_with(plan, data, prev, pipeline::ScoreOptions::EXPLAIN)?;
    Ok(diff::Side::from_run(label, plan, run))
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
    let mut text = match args.output_format.as_str() {
        "json" => report::diff::json(&result)?,
        _ => report::diff::text(&result),
    };
    if let Some(out) = &args.out {
        report::diff::write(&result, out, &options)?;
        let wrote = format!("wrote {} rows to {}\n", result.rows.len(), out.display());
        // JSON on stdout stays one document: the note goes to stderr.
        match args.output_format.as_str() {
            "json" => eprint!("{wrote}"),
            _ => text.push_str(&wrote),
        }
    }
    say(&text)
}

/// A flag value clap already checked against its list, as the library's type.
fn known<T>(value: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>> {
    value
        .map(|v| parse(&v).ok_or_else(|| Error::internal(format!("flag value {v} not mapped"))))
        .transpose()
}

/// The flags of `jixiao sensitivity`: the scoring flags, the uncertain inputs, the draws.
#[derive(Args)]
struct SensitivityArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Draws of the uncertain inputs (rank intervals come from these).
    #[arg(long, default_value_t = 1000)]
    draws: usize,
    /// Random seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Multiply every weight by U(1 − P, 1 + P) and renormalise among its siblings (0 ≤ P < 1).
    #[arg(long, value_name = "P")]
    weight_noise: Option<f64>,
    /// Draw each sibling group's weights from Dirichlet(C × the nominal weights) (C > 0).
    #[arg(long, value_name = "C")]
    dirichlet: Option<f64>,
    /// Aggregation means to choose from: arithmetic, geometric, harmonic (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["arithmetic", "geometric", "harmonic"])]
    means: Vec<String>,
    /// Missing-data policies to choose from: renormalise, zero (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["renormalise", "zero"])]
    missing: Vec<String>,
    /// Leave one indicator and/or one dimension out (or none) in each draw: indicator, dimension.
    #[arg(long, value_delimiter = ',', value_parser = ["indicator", "dimension"])]
    leave_one_out: Vec<String>,
    /// Alternative scoring methods of an indicator (or a dimension's indicators, or all), one of
    /// them in each draw: ID=M1,M2,… (repeat the flag for more; parameters from scheme.yaml).
    #[arg(long, value_name = "ID=M1,M2")]
    methods: Vec<String>,
    /// The uncertain inputs as a YAML file (weight_noise, dirichlet, means, missing,
    /// leave_out_indicator, leave_out_dimension, methods) instead of the flags.
    #[arg(long, conflicts_with_all = ["weight_noise", "dirichlet", "means", "missing", "leave_one_out", "methods"])]
    uncertainty: Option<PathBuf>,
    /// Also estimate each input's first-order and total sensitivity indices (N × (k + 1) more
    /// runs for k inputs that vary).
    #[arg(long)]
    indices: bool,
    /// Bootstrap resamples of the indices' confidence intervals.
    #[arg(long, default_value_t = 1000)]
    resamples: usize,
    /// Institutions of the nominal ranking printed with their intervals.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Write one row per institution (nominal rank and grade, median, Q5, Q95, grade
    /// probabilities) here: .csv, .json, .parquet or .xlsx.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write one row per uncertain input (indices and intervals) here: .csv, .json, .parquet or .xlsx.
    #[arg(long, requires = "indices")]
    indices_out: Option<PathBuf>,
    /// Write every run's parameters here (CSV), to re-run one with --rerun FILE --draw K.
    #[arg(long)]
    draws_out: Option<PathBuf>,
    /// Re-run one draw of a draws.csv alone through the pipeline and print its ranking (with
    /// --draw K; --out writes its full table).
    #[arg(long, requires = "draw")]
    rerun: Option<PathBuf>,
    /// The draw to re-run (its number in draws.csv's first column).
    #[arg(long, requires = "rerun")]
    draw: Option<usize>,
    /// Write the .csv with a UTF-8 byte-order mark, so Excel opens Chinese text correctly.
    #[arg(long)]
    excel_csv: bool,
}

fn run_sensitivity(args: SensitivityArgs, shown: &jixiao::progress::Progress) -> Result<()> {
    use jixiao::sensitivity::{self, Uncertainty};
    let options = report::OutputOptions {
        excel_csv: args.excel_csv,
        ..Default::default()
    };
    for out in [&args.out, &args.indices_out].into_iter().flatten() {
        options.format_of(out)?;
    }
    let uncertainty = match &args.uncertainty {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            Uncertainty::from_yaml(path, &text)?
        }
        None => Uncertainty {
            weight_noise: args.weight_noise,
            dirichlet: args.dirichlet,
            means: args
                .means
                .iter()
                .filter_map(|m| sensitivity::inputs::mean_of(m))
                .collect(),
            missing: args
                .missing
                .iter()
                .filter_map(|m| sensitivity::inputs::policy_of(m))
                .collect(),
            leave_out_indicator: args.leave_one_out.iter().any(|l| l == "indicator"),
            leave_out_dimension: args.leave_one_out.iter().any(|l| l == "dimension"),
            methods: sensitivity::methods::from_flags(&args.methods)?,
            declared: sensitivity::methods::Declared::Flags,
        },
    };
    let scheme_name = args.inputs.scheme.display().to_string();
    let (scheme, data, prev) = open(args.inputs)?;
    let data = data.ok_or_else(|| Error::Usage {
        message: "no data to analyse: pass --data FILE (the scheme declares no dataset)".into(),
    })?;
    let read = [
        Some(data.path.as_path()),
        prev.as_ref().map(|p| p.path.as_path()),
    ];
    for out in [&args.out, &args.indices_out, &args.draws_out]
        .into_iter()
        .flatten()
    {
        check_out(out, &read)?;
    }
    let plan = Plan::compile(scheme)?;
    let loaded = pipeline::load_for(&plan, &data, prev.as_ref())?;
    pipeline::check_types(&plan, &loaded.frame)?;
    let scores = pipeline::score_indicators(&plan, loaded.frame.clone())?;
    if let (Some(file), Some(k)) = (&args.rerun, args.draw) {
        let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        let draw = sensitivity::draws::read(file, &text, k, &scores.weights)?;
        let table = sensitivity::rerun_table(&plan, &scores, &draw)?;
        if let Some(out) = &args.out {
            report::write_table_with(&table, out, &options)?;
        }
        let mut text = format!(
            "draw {k} of {} re-run through the pipeline\n",
            file.display()
        );
        text.push_str(&report::format_ranking(&plan, &table, args.top)?);
        return say(&text);
    }
    let run_options = sensitivity::Options {
        draws: args.draws,
        seed: args.seed,
        indices: args.indices,
        resamples: args.resamples,
        ..sensitivity::Options::default()
    };
    // The run's progress line (global --quiet hides it): runs done of all.
    let last = std::sync::atomic::AtomicUsize::new(0);
    let started = std::sync::atomic::AtomicBool::new(false);
    let progress = |done: usize, total: usize| {
        if !started.swap(true, std::sync::atomic::Ordering::SeqCst) {
            shown.stage("sensitivity runs", Some(total as u64));
        }
        let before = last.fetch_max(done, std::sync::atomic::Ordering::Relaxed);
        if done > before {
            shown.advance((done - before) as u64);
        }
    };
    let analysis = sensitivity::analyse(&plan, &scores, &uncertainty, &run_options, &progress)?;
    shown.finish();
    if let Some(out) = &args.out {
        report::sensitivity::write_institutions(&analysis, out, &options)?;
    }
    if let Some(out) = &args.indices_out {
        report::sensitivity::write_indices(&analysis, out, &options)?;
    }
    if let Some(out) = &args.draws_out {
        report::sensitivity::write_draws(&analysis, out)?;
    }
    let mut text = report::sensitivity::text(&analysis, &scheme_name, args.top);
    for (what, path) in [
        ("institutions", &args.out),
        ("indices", &args.indices_out),
        ("draws", &args.draws_out),
    ] {
        if let Some(path) = path {
            text.push_str(&format!("wrote {what} to {}\n", path.display()));
        }
    }
    say(&text)
}
