//! jixiao (绩效): score and rank health institutions for performance assessment (绩效考核).
//!
//! A scheme (`scheme.yaml` plus rhai scripts) declares indicators, directions, weights, scoring
//! methods, vetoes, bonus and deduction rules and grades. The scripts run once to build polars
//! expressions; polars evaluates them over the institutions' data, vectorised. The stages, in the
//! order [`pipeline`] runs them: [`load`] (files read by [`source`], checked by [`validate`]) →
//! [`indicators`] → [`normalise`] → [`weight`] / [`aggregate`] → [`adjust`] → [`rank`] →
//! [`grade`] → [`points`] (where the scheme has a point-based assessment) → [`summary`] and
//! [`table`]; [`report`] writes them. [`check`] validates a scheme and dataset without scoring.
//! `jixiao mcda` is [`matrix`]: one decision-matrix method of [`mcda`] on a table read from a file.
//!
//! The modules stack in layers, each importing only from those below (the README's "Where things
//! are" lists them): foundations ([`error`], [`columns`], [`display`], [`message`], [`problem`], [`scheme`]) →
//! methods → the DSL ([`script`]) → input → plan and stages → output ([`report`]) → commands.
//!
//! ```no_run
//! use std::path::Path;
//! let scheme = jixiao::scheme::Scheme::load(Path::new("scoring/tertiary-core"))?;
//! let plan = jixiao::plan::Plan::compile(scheme)?;
//! let data = jixiao::source::DataFile::from(Path::new("datasets/tertiary-core/current.csv"));
//! let run = jixiao::pipeline::score(&plan, &data, None)?;
//! println!("{}", run.summary);
//! # Ok::<(), jixiao::error::Error>(())
//! ```

pub mod adjust;
pub mod aggregate;
pub mod check;
pub mod columns;
pub mod concordance;
pub mod contribution;
pub mod diff;
pub mod display;
pub mod eligibility;
pub mod error;
pub mod explain;
pub mod grade;
pub mod inclusion;
pub mod indicators;
pub mod init;
pub mod load;
pub mod matrix;
pub mod mcda;
pub mod memory;
pub mod message;
pub mod normalise;
pub mod outcomes;
pub mod panel;
pub mod pipeline;
pub mod plan;
pub mod points;
pub mod problem;
pub mod progress;
pub mod rank;
pub mod reorder;
pub mod report;
pub mod scheme;
pub mod script;
pub mod sensitivity;
pub mod shipped;
pub mod small_groups;
pub mod source;
pub mod summary;
pub mod synthetic;
pub mod table;
pub mod trace;
pub mod unit;
pub mod validate;
pub mod watch;
pub mod weight;
pub mod weighting;

pub use error::{Error, Result};
