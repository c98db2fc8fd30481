//! The default scheme's indicators are the national catalogue's: same id, name, dimension,
//! sub-dimension and direction as `../shared/reference/indicators-2020.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use jixiao::scheme::{Direction, Scheme};

/// Catalogue rows by indicator id: (name, dimension, sub-dimension, direction).
fn catalogue() -> BTreeMap<String, (String, String, String, String)> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/indicators-2020.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields = split_csv_line(line);
        if fields.len() < 7 {
            continue;
        }
        rows.insert(
            fields[0].clone(),
            (
                fields[2].clone(),
                fields[4].clone(),
                fields[5].clone(),
                fields[6].clone(),
            ),
        );
    }
    rows
}

/// Splits one CSV line, honouring double-quoted fields.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn default_scheme_follows_the_national_catalogue() {
    let catalogue = catalogue();
    assert!(
        catalogue.len() >= 80,
        "catalogue read: {} rows",
        catalogue.len()
    );
    let scheme =
        Scheme::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scoring/tertiary-core")).unwrap();
    assert!(scheme.spec.indicators.len() >= 20);
    for indicator in &scheme.spec.indicators {
        let (name, dimension, subdimension, direction) = catalogue
            .get(&indicator.id)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", indicator.id));
        assert_eq!(&indicator.name, name, "{}", indicator.id);
        assert_eq!(&indicator.dimension, dimension, "{}", indicator.id);
        assert_eq!(
            indicator.subdimension.as_ref(),
            Some(subdimension),
            "{}",
            indicator.id
        );
        let expected = match direction.as_str() {
            "逐步提高" => Direction::Up,
            "逐步降低" => Direction::Down,
            "监测比较" => Direction::Monitor,
            other => panic!(
                "{}: direction {other} is not used by this scheme",
                indicator.id
            ),
        };
        assert_eq!(indicator.direction, expected, "{}", indicator.id);
    }
}
