//! The shipped schemes' indicators are the national catalogue's (`../shared/reference/indicators-2020.csv`):
//! the full national schemes hold every catalogued indicator with the same id, name, dimension,
//! sub-dimension, direction, unit and ▲ (national monitoring) flag; the default scheme holds a
//! subset with the same id, name, dimension, sub-dimension, direction and ▲ flag.

use std::collections::BTreeSet;

use jixiao::scheme::IndicatorSpec;

mod common;
use common::{catalogue, catalogue_direction, shipped_scheme, CatalogueRow};

/// Asserts `indicator` matches its catalogue row; `full` also compares the unit as catalogued.
fn assert_matches(indicator: &IndicatorSpec, row: &CatalogueRow, full: bool) {
    let id = &indicator.id;
    assert_eq!(indicator.name, row.name, "{id} name");
    assert_eq!(indicator.dimension, row.dimension, "{id} dimension");
    assert_eq!(
        indicator.subdimension.as_deref(),
        Some(row.subdimension.as_str()),
        "{id} sub-dimension"
    );
    assert_eq!(
        indicator.direction,
        catalogue_direction(&row.direction),
        "{id} direction"
    );
    if full {
        assert_eq!(
            indicator.unit.as_deref(),
            Some(row.unit.as_str()),
            "{id} unit"
        );
        assert_eq!(
            indicator.national_monitoring, row.national_monitoring,
            "{id} ▲ national monitoring"
        );
    }
}

/// Every catalogue row of `catalogue_scheme` is in the shipped scheme `folder`, and nothing else is.
fn assert_complete(folder: &str, catalogue_scheme: &str, expected: usize) {
    let rows: Vec<CatalogueRow> = catalogue()
        .into_values()
        .filter(|r| r.scheme == catalogue_scheme)
        .collect();
    assert_eq!(rows.len(), expected, "catalogue rows of {catalogue_scheme}");
    let scheme = shipped_scheme(folder);
    for row in &rows {
        let indicator = scheme
            .spec
            .indicators
            .iter()
            .find(|i| i.id == row.id)
            .unwrap_or_else(|| {
                panic!("{} ({}) is missing from scoring/{folder}", row.id, row.name)
            });
        assert_matches(indicator, row, true);
    }
    let catalogued: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let extra: Vec<&str> = scheme
        .spec
        .indicators
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| !catalogued.contains(id))
        .collect();
    assert!(extra.is_empty(), "not in the catalogue: {extra:?}");
}

#[test]
fn tertiary_2020_holds_every_national_indicator() {
    assert_complete("tertiary-2020", "tertiary-2020", 56);
}

#[test]
fn secondary_2020_holds_every_national_indicator() {
    assert_complete("secondary-2020", "secondary-2020", 28);
}

#[test]
fn default_scheme_follows_the_national_catalogue() {
    let catalogue = catalogue();
    let scheme = shipped_scheme("tertiary-core");
    assert!(scheme.spec.indicators.len() >= 20);
    for indicator in &scheme.spec.indicators {
        let row = catalogue
            .get(&indicator.id)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", indicator.id));
        assert_matches(indicator, row, false);
    }
}
