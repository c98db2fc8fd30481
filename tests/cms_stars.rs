//! The CMS Overall Hospital Quality Star Rating of July 2025 (`../shared/data/cms/2025jul/`):
//! the stars clustered from CMS's own published summary scores, per peer group.
//!
//! `published.csv.gz` is the SAS pack's output at full precision. Clustering its summary scores
//! with `sas_fastclus` (the method of the SAS packs) gives every rated hospital its published
//! star; R's Hartigan–Wong (the 2026 R pack's method) gives some of them another.

use jixiao::grade::kmeans;
use jixiao::scheme::KmeansAlgorithm;

mod common;
use common::{cms_file, read_gz_csv};

/// (peer group, summary score, published star) of every rated hospital, in id order.
fn published() -> Vec<(String, f64, u32)> {
    read_gz_csv(&cms_file("published.csv.gz"))
        .into_iter()
        .filter(|r| r["report"] == "1")
        .map(|r| {
            (
                r["peer_group"].clone(),
                r["summary_score"].parse().unwrap(),
                r["star"].parse().unwrap(),
            )
        })
        .collect()
}

/// Stars (5 = best) of the published summary scores, clustered per peer group by `algorithm`.
fn stars(rows: &[(String, f64, u32)], algorithm: KmeansAlgorithm) -> Vec<u32> {
    let mut out = vec![0; rows.len()];
    let groups: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for group in groups {
        let members: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].0 == group).collect();
        let scores: Vec<f64> = members.iter().map(|&i| rows[i].1).collect();
        for (&i, band) in members.iter().zip(kmeans::bands(&scores, 5, algorithm)) {
            out[i] = 5 - band;
        }
    }
    out
}

#[test]
fn sas_fastclus_reproduces_published_cms_stars() {
    let rows = published();
    assert_eq!(rows.len(), 2891, "rated hospitals of the July 2025 release");
    let got = stars(&rows, KmeansAlgorithm::SasFastclus);
    let misses = rows
        .iter()
        .zip(&got)
        .filter(|(r, &star)| r.2 != star)
        .count();
    assert_eq!(
        misses, 0,
        "hospitals whose star differs from the published one"
    );
}

#[test]
fn hartigan_wong_and_exact_differ_from_the_published_stars() {
    // The published stars come from SAS; R's and the optimal clustering give some hospitals
    // another star, which is why `sas_fastclus` exists.
    let rows = published();
    for algorithm in [KmeansAlgorithm::HartiganWong, KmeansAlgorithm::Exact] {
        let got = stars(&rows, algorithm);
        let misses = rows.iter().zip(&got).filter(|(r, &s)| r.2 != s).count();
        assert!(misses > 0, "{algorithm:?} matches every published star");
    }
}
