//! The rhai engine as scripts see it: limits, no file or network access, imports kept inside the scheme.
//!
//! Scripts are untrusted. The engine is configured once per scheme and then only shared:
//! operation, call-depth, expression-depth, string, array, map, module and variable limits are set
//! explicitly (rhai's defaults differ between debug and release builds), `eval` is disabled,
//! undeclared variables are compile errors, and `print`/`debug` go to stderr. rhai itself has no
//! file or network functions; the only way to read a file is `import`, which [`SchemeModuleResolver`]
//! restricts to `.rhai` files inside the scheme folder.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope};

/// A compiled module shared between importers (rhai's `Shared` is `Arc` with the `sync` feature).
type SharedModule = Arc<Module>;

/// Most operations one script run may take. Building formulas takes a few thousand; an endless
/// loop hits this in well under a second.
pub const MAX_OPERATIONS: u64 = 2_000_000;
pub const MAX_CALL_LEVELS: usize = 32;
pub const MAX_STRING_SIZE: usize = 10_000;
pub const MAX_ARRAY_SIZE: usize = 10_000;
pub const MAX_MAP_SIZE: usize = 10_000;
pub const MAX_MODULES: usize = 64;
pub const MAX_VARIABLES: usize = 5_000;
pub const MAX_FUNCTIONS: usize = 1_000;

/// Largest script file read, in bytes: a scheme's scripts hold a few hundred lines.
pub const MAX_SCRIPT_BYTES: u64 = 1_000_000;

/// Checks a `scripts:` entry before it is read: a relative path without `..`, naming a file inside
/// the scheme folder (links resolved) of at most [`MAX_SCRIPT_BYTES`]. Nothing of a refused file
/// is read, so no content from outside the scheme reaches a message.
pub fn check_script_path(root: &Path, entry: &str, path: &Path) -> Result<(), String> {
    let escapes = Path::new(entry)
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if entry.is_empty() || escapes {
        return Err(format!(
            "script \"{entry}\" is not allowed: a scheme's scripts are files inside its folder, named relative to it, without `..` or a leading `/`"
        ));
    }
    if let (Ok(root), Ok(canonical)) = (root.canonicalize(), path.canonicalize()) {
        if !canonical.starts_with(&root) {
            return Err(format!(
                "script \"{entry}\" is not allowed: {} lies outside the scheme folder",
                path.display()
            ));
        }
        let size = std::fs::metadata(&canonical).map(|m| m.len()).unwrap_or(0);
        if size > MAX_SCRIPT_BYTES {
            return Err(format!(
                "script \"{entry}\" is {size} bytes, more than the {MAX_SCRIPT_BYTES} a script may hold"
            ));
        }
    }
    Ok(())
}

/// Script texts by source name, shared with the module resolver so errors in imported modules can
/// show their source line.
pub type SourceTexts = Arc<Mutex<HashMap<String, String>>>;

/// Functions of rhai's standard library replaced by a refusal (the clock), so that a call names
/// why; they are not functions of formulas, and `jixiao functions` leaves them out.
pub const REFUSED: [&str; 1] = ["timestamp"];

/// Builds the engine scripts of the scheme in `root` run on.
pub fn engine_for_scheme(root: &Path, texts: SourceTexts) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(128, 64)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_max_modules(MAX_MODULES)
        .set_max_variables(MAX_VARIABLES)
        .set_max_functions(MAX_FUNCTIONS)
        .set_strict_variables(true);
    engine.disable_symbol("eval");
    // The clock: a scheme's results may not depend on when it runs (rhai has no random source).
    engine.register_fn(
        REFUSED[0],
        || -> Result<rhai::Dynamic, Box<EvalAltResult>> {
            Err("timestamp() is not available to schemes: the same data must give the same results whenever they are scored".into())
        },
    );
    engine.on_print(|text| eprintln!("script: {text}"));
    engine.on_debug(|text, source, pos| {
        eprintln!("script debug {}:{pos}: {text}", source.unwrap_or("?"))
    });
    engine.set_module_resolver(SchemeModuleResolver::new(root, texts));
    super::formula::register(&mut engine);
    engine
}

/// Resolves `import "name"` to `<scheme>/name.rhai`, refusing anything outside the scheme folder.
pub struct SchemeModuleResolver {
    root: PathBuf,
    texts: SourceTexts,
    cache: Mutex<HashMap<PathBuf, SharedModule>>,
}

impl SchemeModuleResolver {
    pub fn new(root: &Path, texts: SourceTexts) -> Self {
        SchemeModuleResolver {
            root: root.to_path_buf(),
            texts,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn locate(&self, path: &str) -> Result<PathBuf, String> {
        let relative = Path::new(path);
        let escapes = relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)));
        if path.is_empty() || escapes {
            return Err(format!(
                "import \"{path}\" is not allowed: a scheme may only import its own .rhai files, named relative to the scheme folder, without `..` or a leading `/`"
            ));
        }
        let file = self.root.join(format!("{path}.rhai"));
        let (Ok(root), Ok(canonical)) = (self.root.canonicalize(), file.canonicalize()) else {
            return Err(format!(
                "module \"{path}\" not found: no file {}",
                file.display()
            ));
        };
        if !canonical.starts_with(&root) {
            return Err(format!(
                "import \"{path}\" is not allowed: {} lies outside the scheme folder",
                file.display()
            ));
        }
        Ok(file)
    }
}

impl ModuleResolver for SchemeModuleResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        // rhai replaces the text of ErrorModuleNotFound with the bare path; a runtime error keeps ours.
        let file = self
            .locate(path)
            .map_err(|message| Box::new(EvalAltResult::ErrorRuntime(message.into(), pos)))?;
        if let Some(module) = self.cache.lock().unwrap().get(&file) {
            return Ok(module.clone());
        }
        let text = std::fs::read_to_string(&file).map_err(|e| {
            Box::new(EvalAltResult::ErrorRuntime(
                format!("cannot read module {}: {e}", file.display()).into(),
                pos,
            ))
        })?;
        let source = file.display().to_string();
        self.texts
            .lock()
            .unwrap()
            .insert(source.clone(), text.clone());
        let in_module = |err: Box<EvalAltResult>| {
            Box::new(EvalAltResult::ErrorInModule(source.clone(), err, pos))
        };
        let mut ast = engine
            .compile(&text)
            .map_err(|e| in_module(Box::new(e.into())))?;
        ast.set_source(source.as_str());
        let mut module = Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(in_module)?;
        module.build_index();
        let shared: SharedModule = module.into();
        self.cache.lock().unwrap().insert(file, shared.clone());
        Ok(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_stay_inside_the_scheme_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/common.rhai"), "fn twice(x) { x * 2 }").unwrap();
        std::fs::write(dir.path().join("common.rhai"), "fn one() { 1 }").unwrap();
        let resolver = SchemeModuleResolver::new(dir.path(), SourceTexts::default());
        assert!(resolver.locate("common").is_ok());
        assert!(resolver.locate("lib/common").is_ok());
        for bad in ["../common", "lib/../../x", "/etc/passwd", "./common", ""] {
            assert!(resolver.locate(bad).is_err(), "{bad} must be refused");
        }
        assert!(resolver
            .locate("missing")
            .unwrap_err()
            .contains("not found"));
    }

    #[test]
    fn imported_functions_run_and_limits_hold() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("common.rhai"), "fn twice(x) { x * 2 }").unwrap();
        let engine = engine_for_scheme(dir.path(), SourceTexts::default());
        assert_eq!(
            engine
                .eval::<rhai::INT>(r#"import "common" as c; c::twice(21)"#)
                .unwrap(),
            42
        );
        let endless = engine
            .eval::<()>("let n = 0; loop { n += 1; }")
            .unwrap_err();
        assert!(
            matches!(*endless, EvalAltResult::ErrorTooManyOperations(_)),
            "{endless}"
        );
        let deep = engine.eval::<()>("fn f(n) { f(n + 1) } f(0)").unwrap_err();
        assert!(
            matches!(
                *deep,
                EvalAltResult::ErrorStackOverflow(_) | EvalAltResult::ErrorInFunctionCall(..)
            ),
            "{deep}"
        );
        let big = engine
            .eval::<()>(r#"let s = "ab"; loop { s += s; }"#)
            .unwrap_err();
        assert!(
            matches!(*big, EvalAltResult::ErrorDataTooLarge(..)),
            "{big}"
        );
        assert!(engine.compile(r#"eval("1")"#).is_err(), "eval is disabled");
    }
}
