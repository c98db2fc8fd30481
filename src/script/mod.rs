//! The scheme's rhai scripts: compiled and run once, leaving named formulas behind.
//!
//! Each file listed under `scripts:` in `scheme.yaml` is compiled (strict variables: a typo is a
//! compile error) and run in order in one scope, so later files see earlier bindings. A binding
//! whose name is an indicator id (or the name given by `formula:`) is that indicator's formula;
//! vetoes, bonus and deduction rules name their bindings the same way. Custom scoring methods are
//! script functions `fn name(value)`, called once with the indicator's formula to build its
//! score formula. Nothing here touches rows.

pub mod decision;
pub mod diagnostics;
pub mod formula;
pub mod grading;
pub mod methods;
pub mod reference;
pub mod sandbox;
pub mod shared;
pub mod types;

use rhai::{CallFnOptions, Dynamic, Engine, Scope, AST};

pub use formula::{ColumnRef, Formula, Growth, PartOfWhole, Period};
use sandbox::SourceTexts;
pub use types::Kind;

use crate::error::{closest, Error, Result};
use crate::scheme::Scheme;

/// The compiled scripts of one scheme and the bindings they left.
pub struct ScriptSet {
    engine: Engine,
    scope: Scope<'static>,
    files: Vec<(String, AST)>,
    texts: SourceTexts,
}

impl ScriptSet {
    /// Compiles and runs every script of `scheme`, in order.
    pub fn load(scheme: &Scheme) -> Result<ScriptSet> {
        let mut sources = Vec::new();
        for file in &scheme.spec.scripts {
            let path = scheme.dir.join(file);
            sandbox::check_script_path(&scheme.dir, file, &path)
                .map_err(|message| Error::invalid(message, scheme.span(file, Some("scripts:"))))?;
            let text = std::fs::read_to_string(&path).map_err(|source| {
                let span = scheme.span(file, Some("scripts:"));
                match source.kind() {
                    std::io::ErrorKind::NotFound => Error::invalid(
                        format!(
                            "script {} listed in scheme.yaml does not exist",
                            path.display()
                        ),
                        span,
                    ),
                    _ => Error::Io {
                        path: path.clone(),
                        source,
                    },
                }
            })?;
            sources.push((path.display().to_string(), text));
        }
        Self::from_sources(scheme, sources)
    }

    /// Compiles and runs script texts given as `(source name, text)` pairs.
    pub fn from_sources(scheme: &Scheme, sources: Vec<(String, String)>) -> Result<ScriptSet> {
        let texts = SourceTexts::default();
        let engine = sandbox::engine_for_scheme(&scheme.dir, texts.clone());
        let mut scope = Scope::new();
        let mut files = Vec::new();
        for (source, text) in sources {
            texts.lock().unwrap().insert(source.clone(), text.clone());
            let mut ast = engine
                .compile_with_scope(&scope, &text)
                .map_err(|e| diagnostics::parse_error(&texts, &source, &e))?;
            ast.set_source(source.as_str());
            engine
                .run_ast_with_scope(&mut scope, &ast)
                .map_err(|e| diagnostics::runtime_error(&texts, &source, &e))?;
            files.push((source, ast));
        }
        Ok(ScriptSet {
            engine,
            scope,
            files,
            texts,
        })
    }

    /// Names of all top-level bindings the scripts left.
    pub fn binding_names(&self) -> Vec<String> {
        self.scope
            .iter_raw()
            .map(|(name, _, _)| name.to_string())
            .collect()
    }

    /// The formula bound to `name`; `what` describes the binding in errors (e.g. "indicator T4").
    pub fn formula(&self, name: &str, what: &str) -> Result<Formula> {
        let Some(value) = self.scope.get(name) else {
            let names = self.binding_names();
            let help = match closest(name, names.iter().map(String::as_str)) {
                Some(best) => format!(
                    "add `let {name} = …;` to a script of the scheme (did you mean `{best}`?)"
                ),
                None => format!("add `let {name} = …;` to a script of the scheme"),
            };
            return Err(Error::Script {
                message: format!("{what} has no formula: no script binds `{name}`"),
                span: None,
                help: Some(help),
            });
        };
        Formula::from_dynamic(value.clone()).map_err(|e| Error::Script {
            message: format!("{what}: `{name}` is not a formula: {e}"),
            span: self.binding_span(name),
            help: None,
        })
    }

    /// Calls the one-argument script function `kind` `name(param)`; `returns` says what it must
    /// give back, for the error when it is not defined.
    fn call_function(
        &self,
        (kind, name, param): (&str, &str, &str),
        arg: Dynamic,
        what: &str,
        returns: &str,
    ) -> Result<Dynamic> {
        let usage = format!("`fn {name}({param}) {{ … }}`, returning {returns},");
        let Some((source, ast)) = self.files.iter().find(|(_, ast)| {
            ast.iter_functions()
                .any(|f| f.name == name && f.params.len() == 1)
        }) else {
            let defined: Vec<String> = self
                .files
                .iter()
                .flat_map(|(_, ast)| {
                    ast.iter_functions()
                        .map(|f| f.name.to_string())
                        .collect::<Vec<_>>()
                })
                .collect();
            let help = match closest(name, defined.iter().map(String::as_str)) {
                Some(best) => format!("define {usage} in a script (did you mean `{best}`?)"),
                None => format!("define {usage} in a script"),
            };
            return Err(Error::Script {
                message: format!("{what}: {kind} `{name}({param})` is not defined"),
                span: None,
                help: Some(help),
            });
        };
        let mut scope = self.scope.clone();
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        self.engine
            .call_fn_with_options(options, &mut scope, ast, name, (arg,))
            .map_err(|e| diagnostics::runtime_error(&self.texts, source, &e))
    }

    /// Calls the script function `name(value)` once to build a score formula from a value formula.
    pub fn call_scoring_function(&self, name: &str, value: Formula, what: &str) -> Result<Formula> {
        let result = self.call_function(
            ("scoring function", name, "value"),
            Dynamic::from(value),
            what,
            "the score formula",
        )?;
        Formula::from_dynamic(result).map_err(|e| Error::Script {
            message: format!(
                "{what}: scoring function `{name}` must return a formula or a number: {e}"
            ),
            span: None,
            help: None,
        })
    }

    /// Calls the weighting function `name(stats)` with an indicator's score statistics; it
    /// returns the indicator's relative weight, a non-negative number.
    pub fn call_weight_function(&self, name: &str, stats: rhai::Map, what: &str) -> Result<f64> {
        let result = self.call_function(
            ("weighting function", name, "stats"),
            Dynamic::from_map(stats),
            what,
            "a weight from stats.mean, stats.sd, stats.cv, stats.min, stats.max and stats.n",
        )?;
        let weight = result
            .as_float()
            .or_else(|_| result.as_int().map(|v| v as f64))
            .map_err(|t| Error::Script {
                message: format!(
                    "{what}: weighting function `{name}` must return a number, not a {t}"
                ),
                span: None,
                help: None,
            })?;
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(Error::Script {
                message: format!("{what}: weighting function `{name}` returned {weight}; weights are non-negative numbers"),
                span: None,
                help: None,
            });
        }
        Ok(weight)
    }

    /// Where `let name` is last written (pointing at the name: the binding that counts when a
    /// later `let` shadows an earlier one), for errors about a binding.
    pub fn binding_span(&self, name: &str) -> Option<crate::error::SourceSpan> {
        let texts = self.texts.lock().unwrap();
        let needles = [format!("let {name} "), format!("let {name}=")];
        self.files.iter().rev().find_map(|(source, _)| {
            let text = texts.get(source)?;
            let (index, line_text, byte) = text
                .lines()
                .enumerate()
                .filter_map(|(index, line_text)| {
                    needles
                        .iter()
                        .find_map(|n| line_text.find(n.as_str()))
                        .map(|byte| (index, line_text, byte))
                })
                .last()?;
            Some(crate::error::SourceSpan::in_text(
                std::path::Path::new(source),
                text,
                index + 1,
                line_text[..byte].chars().count() + 5,
                name.chars().count(),
            ))
        })
    }

    /// A span at a column reference's `col(…)`/`prev(…)` call.
    pub fn reference_span(&self, reference: &ColumnRef) -> Option<crate::error::SourceSpan> {
        let source = reference.source.as_deref()?;
        diagnostics::span_at(&self.texts, source, reference.line, reference.column)
    }
}
