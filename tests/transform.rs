//! The transform stage: fitted column pipelines, their inverses, and Yeo–Johnson against scipy.

use sim2real::data::Matrix;
use sim2real::ir::TransformKind::{self, Log, Log1p, Log10, MinMax, Standardize, YeoJohnson};
use sim2real::transform::{Pipeline, Step, TransformError, yeo_johnson};

fn column(values: &[f64]) -> Matrix {
    Matrix::from_rows(values.len(), 1, values.to_vec())
}

fn all_rows(m: &Matrix) -> Vec<usize> {
    (0..m.rows).collect()
}

fn lambda_of(p: &Pipeline, col: usize, step: usize) -> f64 {
    match p.steps(col).expect("column")[step] {
        Step::YeoJohnson { lambda } => lambda,
        other => panic!("expected a Yeo–Johnson step, got {other:?}"),
    }
}

fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
    let tol = rel * want.abs().max(1e-300);
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want} (rel tol {rel})");
}

// ---------------------------------------------------------------------------------------------
// Yeo–Johnson reference values.
//
// Provenance: scipy 1.17.1, numpy 2.4.6 (python3 -m venv /tmp/venv-ref; pip install scipy numpy).
// For each vector `v` below: `t, l = scipy.stats.yeojohnson(np.array(v))` (λ = l, values = t,
// printed with repr(float(...))); the fixed-λ rows are `scipy.stats.yeojohnson(np.array(MIXED),
// lmbda=L)` for L in [0.0, 2.0, 0.5, -1.3, 3.1].
// ---------------------------------------------------------------------------------------------

struct Reference {
    name: &'static str,
    x: &'static [f64],
    lambda: f64,
    transformed: &'static [f64],
}

const MIXED: &[f64] = &[-3.0, -1.2, -0.5, 0.0, 0.3, 0.8, 1.7, 2.5, 4.0, 9.0];

const REFERENCES: &[Reference] = &[
    Reference {
        name: "skewed positive",
        x: &[0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 40.0],
        lambda: -0.335281953407674,
        transformed: &[
            0.09380341666149013,
            0.3791121922082072,
            0.6184967132194017,
            0.7889124162707856,
            0.9189921120772915,
            1.108735276766012,
            1.346916708517938,
            1.5548230232001936,
            1.7514063917053302,
            2.123842522584265,
        ],
    },
    Reference {
        name: "mixed signs",
        x: MIXED,
        lambda: 0.6523606176248592,
        transformed: &[
            -4.06398711753465,
            -1.4052413168526108,
            -0.5395066120581529,
            0.0,
            0.28615459884024624,
            0.7163775917059164,
            1.397438642238249,
            1.937995344876333,
            2.8472936802563784,
            5.351613083652163,
        ],
    },
    Reference {
        name: "all negative",
        x: &[-20.0, -7.5, -4.0, -2.2, -1.0, -0.6, -0.1, -0.05],
        lambda: 2.3985993525274085,
        transformed: &[
            -1.7633191238785708,
            -1.4397357647613631,
            -1.1879320115214036,
            -0.9307704266332786,
            -0.6056346743868395,
            -0.4286028839199928,
            -0.09352244599425151,
            -0.04831879587871193,
        ],
    },
    Reference {
        name: "large values (λ near 0)",
        x: &[1e3, 5e4, 2e5, 1e6, 3e6, 1e7, 4e8, 2e9],
        lambda: 0.002484278042262996,
        transformed: &[
            6.968383838211663,
            10.966524747656935,
            12.393026718146995,
            14.055332406327521,
            15.193857595928199,
            16.44514540453551,
            20.30237863253235,
            21.996375656051146,
        ],
    },
    Reference {
        name: "left skewed (λ > 2)",
        x: &[1.0, 7.0, 8.0, 8.5, 9.0, 9.2, 9.5, 9.7, 9.9, 10.0],
        lambda: 3.3039108210106476,
        transformed: &[
            2.6864800072442687,
            291.2388821571709,
            429.93044488965836,
            514.0763915399051,
            609.0693419829948,
            650.2713319342977,
            715.6594711534135,
            761.7129694462166,
            809.7930083592514,
            834.6084478097322,
        ],
    },
];

/// (λ, scipy.stats.yeojohnson(np.array(MIXED), lmbda=λ)), pasted verbatim (one happens to be ln 10).
#[allow(clippy::approx_constant)]
const FIXED_LAMBDA: &[(f64, &[f64])] = &[
    (
        0.0,
        &[
            -7.499999999999999,
            -1.92,
            -0.625,
            0.0,
            0.26236426446749106,
            0.5877866649021191,
            0.9932517730102833,
            1.252762968495368,
            1.6094379124341003,
            2.302585092994046,
        ],
    ),
    (
        2.0,
        &[
            -1.3862943611198906,
            -0.7884573603642702,
            -0.4054651081081644,
            0.0,
            0.34500000000000003,
            1.12,
            3.1449999999999996,
            5.625000000000001,
            11.999999999999998,
            49.50000000000002,
        ],
    ),
    (
        0.5,
        &[
            -4.666666666666665,
            -1.5087515562147278,
            -0.5580782047249224,
            0.0,
            0.280350850198276,
            0.6832815729997477,
            1.2863353450309967,
            1.7416573867739416,
            2.472135954999579,
            4.324555320336759,
        ],
    ),
    (
        -1.3,
        &[
            -29.092684926262258,
            -3.784687503191934,
            -0.85198360823239,
            0.0,
            0.2223026029617877,
            0.4109674121916818,
            0.5577437314327348,
            0.6183033346719279,
            0.67430248265846,
            0.7306779051055945,
        ],
    ),
    (
        3.1,
        &[
            -0.7112385083417899,
            -0.5271973216934889,
            -0.32711242376229205,
            0.0,
            0.4049691090243219,
            1.6726038996041799,
            6.689807955092203,
            15.353924294881022,
            47.04108641483945,
            405.7823909013445,
        ],
    ),
];

#[test]
fn yeo_johnson_lambda_and_values_match_scipy() {
    for r in REFERENCES {
        let m = column(r.x);
        let p = Pipeline::fit(&[YeoJohnson], &m, &all_rows(&m)).expect("fit");
        let lambda = lambda_of(&p, 0, 0);
        assert_rel(lambda, r.lambda, 1e-4, &format!("{}: λ", r.name));
        let t = p.apply(&m).expect("apply");
        for (i, (&got, &want)) in t.data.iter().zip(r.transformed).enumerate() {
            let tol = 1e-6 * want.abs().max(1.0);
            assert!((got - want).abs() <= tol, "{} [{i}]: got {got}, want {want}", r.name);
        }
    }
}

#[test]
fn yeo_johnson_at_fixed_lambda_matches_scipy_including_0_and_2() {
    for &(lambda, want) in FIXED_LAMBDA {
        for (i, (&x, &w)) in MIXED.iter().zip(want).enumerate() {
            let got = yeo_johnson::transform(x, lambda);
            assert!((got - w).abs() <= 1e-12 * w.abs().max(1.0), "λ={lambda} [{i}]: got {got}, want {w}");
            let back = yeo_johnson::inverse(got, lambda);
            assert!((back - x).abs() <= 1e-12 * x.abs().max(1.0), "λ={lambda} [{i}]: inverse gave {back}, want {x}");
        }
    }
}

#[test]
fn yeo_johnson_degenerate_columns_get_lambda_one() {
    // All zeros: scipy's yeojohnson_normmax returns 1.0; any constant column likewise (identity).
    for values in [&[0.0, 0.0, 0.0][..], &[3.5, 3.5][..], &[-2.0][..]] {
        let m = column(values);
        let p = Pipeline::fit(&[YeoJohnson], &m, &all_rows(&m)).expect("fit");
        assert_eq!(lambda_of(&p, 0, 0), 1.0);
        // λ = 1 is the identity (up to rounding in expm1(log1p(x))).
        let t = p.apply(&m).expect("apply");
        for (g, w) in t.data.iter().zip(values) {
            assert!((g - w).abs() <= 1e-15 * w.abs(), "{g} vs {w}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Standardize / minmax / logs against hand-computed values.
// ---------------------------------------------------------------------------------------------

const EIGHT: &[f64] = &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]; // mean 5, population sd 2, min 2, max 9

#[test]
fn standardize_uses_the_population_sd() {
    let m = column(EIGHT);
    let p = Pipeline::fit(&[Standardize], &m, &all_rows(&m)).expect("fit");
    assert_eq!(p.steps(0).expect("col")[0], Step::Standardize { mean: 5.0, sd: 2.0 });
    let t = p.apply(&m).expect("apply");
    assert_eq!(t.data, vec![-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0]);
}

#[test]
fn minmax_maps_training_range_to_unit_interval() {
    let m = column(EIGHT);
    let p = Pipeline::fit(&[MinMax], &m, &all_rows(&m)).expect("fit");
    assert_eq!(p.steps(0).expect("col")[0], Step::MinMax { min: 2.0, range: 7.0 });
    let t = p.apply(&m).expect("apply");
    let want = [0.0, 2.0 / 7.0, 2.0 / 7.0, 2.0 / 7.0, 3.0 / 7.0, 3.0 / 7.0, 5.0 / 7.0, 1.0];
    for (g, w) in t.data.iter().zip(want) {
        assert!((g - w).abs() < 1e-15, "{g} vs {w}");
    }
}

#[test]
fn constant_columns_map_to_zero() {
    let m = Matrix::from_rows(3, 2, vec![4.0, -1.0, 4.0, -1.0, 4.0, -1.0]);
    for kind in [Standardize, MinMax] {
        let p = Pipeline::fit(&[kind], &m, &all_rows(&m)).expect("fit");
        assert_eq!(p.apply(&m).expect("apply").data, vec![0.0; 6], "{kind:?}");
        // sd / range fall back to 1, so other values move by their offset.
        let other = Matrix::from_rows(1, 2, vec![6.0, 0.0]);
        assert_eq!(p.apply(&other).expect("apply").data, vec![2.0, 1.0], "{kind:?}");
    }
}

#[test]
fn logs_then_standardize_by_hand() {
    // log10 of 1, 10, 100, 1000 = 0..3: mean 1.5, population sd sqrt(1.25).
    let m = column(&[1.0, 10.0, 100.0, 1000.0]);
    let p = Pipeline::fit(&[Log10, Standardize], &m, &all_rows(&m)).expect("fit");
    let sd = 1.25f64.sqrt();
    let t = p.apply(&m).expect("apply");
    for (i, g) in t.data.iter().enumerate() {
        let w = (i as f64 - 1.5) / sd;
        assert!((g - w).abs() < 1e-14, "[{i}] {g} vs {w}");
    }
    let m = column(&[0.0, std::f64::consts::E - 1.0]);
    let t = Pipeline::fit(&[Log1p], &m, &all_rows(&m)).expect("fit").apply(&m).expect("apply");
    assert_eq!(t.data[0], 0.0);
    assert!((t.data[1] - 1.0).abs() < 1e-15);
    let t = Pipeline::fit(&[Log], &column(&[1.0]), &[0])
        .expect("fit")
        .apply(&column(&[std::f64::consts::E]))
        .expect("apply");
    assert!((t.data[0] - 1.0).abs() < 1e-15);
}

// ---------------------------------------------------------------------------------------------
// Fitted on training rows only.
// ---------------------------------------------------------------------------------------------

#[test]
fn test_rows_do_not_affect_fitted_parameters() {
    // Rows 0..8 are training rows (column 0 = EIGHT, column 1 a skewed positive column);
    // rows 8 and 9 are test rows with extreme values.
    let skewed = [0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0];
    let mut data = Vec::new();
    for i in 0..8 {
        data.extend([EIGHT[i], skewed[i]]);
    }
    let training_only = Matrix::from_rows(8, 2, data.clone());
    data.extend([1e9, 1e12, -1e9, 1e-9]);
    let m = Matrix::from_rows(10, 2, data);
    let train: Vec<usize> = (0..8).collect();

    for kinds in [&[Standardize][..], &[MinMax], &[YeoJohnson], &[YeoJohnson, Standardize], &[Log1p, MinMax]] {
        let on_all_with_train_rows = Pipeline::fit(kinds, &m, &train).expect("fit");
        let on_training_only = Pipeline::fit(kinds, &training_only, &all_rows(&training_only)).expect("fit");
        assert_eq!(on_all_with_train_rows, on_training_only, "{kinds:?}");
        // And the extremes would have changed them.
        match Pipeline::fit(kinds, &m, &all_rows(&m)) {
            Ok(on_everything) => assert_ne!(on_everything, on_training_only, "{kinds:?}"),
            Err(e) => assert_eq!((e.column, e.row), (0, Some(9)), "{kinds:?}: log1p of -1e9"),
        }
    }

    // Shuffled / repeated training-row order: same parameters (up to summation order).
    let p = Pipeline::fit(&[Standardize], &m, &[7, 0, 3, 1, 6, 2, 5, 4]).expect("fit");
    assert_eq!(p.steps(0).expect("col")[0], Step::Standardize { mean: 5.0, sd: 2.0 });

    // Test rows are transformed with the training parameters.
    let t = p.apply(&m).expect("apply");
    assert_eq!(t.get(8, 0), (1e9 - 5.0) / 2.0);
    assert_eq!(t.get(9, 0), (-1e9 - 5.0) / 2.0);
}

// ---------------------------------------------------------------------------------------------
// Round trips.
// ---------------------------------------------------------------------------------------------

/// SplitMix64: a tiny deterministic generator, so the property tests need no seed plumbing.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Four columns of 200 rows: log-uniform positive in [1e-3, 1e3], uniform in [-50, 50],
/// sign × log-uniform magnitude in [1e-2, 1e2], and a right-skewed positive column (u³·100).
fn random_matrix(seed: u64) -> Matrix {
    let mut g = SplitMix(seed);
    let (rows, cols) = (200, 4);
    let mut data = Vec::with_capacity(rows * cols);
    for _ in 0..rows {
        data.push(10f64.powf(6.0 * g.unit() - 3.0));
        data.push(100.0 * g.unit() - 50.0);
        let sign = if g.unit() < 0.5 { -1.0 } else { 1.0 };
        data.push(sign * 10f64.powf(4.0 * g.unit() - 2.0));
        data.push(100.0 * g.unit().powi(3) + 1e-6);
    }
    Matrix::from_rows(rows, cols, data)
}

fn needs_positive(kinds: &[TransformKind]) -> bool {
    matches!(kinds.first(), Some(Log | Log10 | Log1p))
}

const COMBINATIONS: &[&[TransformKind]] = &[
    &[Log],
    &[Log10],
    &[Log1p],
    &[Standardize],
    &[MinMax],
    &[YeoJohnson],
    &[Log, Standardize],
    &[Log10, MinMax],
    &[YeoJohnson, Standardize],
    &[Standardize, YeoJohnson],
    &[MinMax, YeoJohnson, Standardize],
    &[Log1p, YeoJohnson, MinMax],
    &[Log, YeoJohnson],
    &[YeoJohnson, YeoJohnson],
    &[Standardize, MinMax, Log1p],
];

#[test]
fn inverse_undoes_apply_for_all_steps_and_combinations() {
    for seed in 0..5 {
        let m = random_matrix(seed);
        let train: Vec<usize> = (0..m.rows).filter(|r| r % 4 != 0).collect(); // rows ≡ 0 mod 4 are "test"
        for &kinds in COMBINATIONS {
            let m = if needs_positive(kinds) { positive_columns(&m) } else { m.clone() };
            let p = match Pipeline::fit(kinds, &m, &train) {
                Ok(p) => p,
                Err(e) => panic!("seed {seed} {kinds:?}: {e}"),
            };
            // Test rows may fall outside the domain of a later step (e.g. minmax | log1p); skip those.
            for r in 0..m.rows {
                let row = Matrix::from_rows(1, m.cols, m.row(r).to_vec());
                let Ok(t) = p.apply(&row) else {
                    assert!(r % 4 == 0, "seed {seed} {kinds:?}: training row {r} failed to apply");
                    continue;
                };
                let back = p.inverse(&t);
                for c in 0..m.cols {
                    let (x, b) = (row.get(0, c), back.get(0, c));
                    assert!(
                        (x - b).abs() <= 1e-9 * x.abs().max(1.0),
                        "seed {seed} {kinds:?} row {r} col {c}: {x} → {} → {b}",
                        t.get(0, c)
                    );
                }
            }
        }
    }
}

#[test]
fn apply_undoes_inverse_inside_the_range() {
    // Points between two transformed training values lie in the range of every step, so
    // apply(inverse(y)) must give y back.
    for seed in 10..13 {
        let mut g = SplitMix(seed);
        let m = random_matrix(seed);
        let train = all_rows(&m);
        for &kinds in COMBINATIONS {
            let m = if needs_positive(kinds) { positive_columns(&m) } else { m.clone() };
            let p = Pipeline::fit(kinds, &m, &train).expect("fit");
            let t = p.apply(&m).expect("apply");
            for _ in 0..200 {
                let (i, j, w) = ((g.unit() * m.rows as f64) as usize, (g.unit() * m.rows as f64) as usize, g.unit());
                let y: Vec<f64> = (0..m.cols).map(|c| w * t.get(i, c) + (1.0 - w) * t.get(j, c)).collect();
                let ym = Matrix::from_rows(1, m.cols, y);
                let again = p.apply(&p.inverse(&ym)).expect("apply of inverse");
                for c in 0..m.cols {
                    let (a, b) = (ym.get(0, c), again.get(0, c));
                    let scale = t.column(c).iter().fold(1.0f64, |s, v| s.max(v.abs()));
                    assert!((a - b).abs() <= 1e-9 * scale, "seed {seed} {kinds:?} col {c}: {a} → {b}");
                }
            }
        }
    }
}

/// Columns 0 and 3 of the random matrix (both positive).
fn positive_columns(m: &Matrix) -> Matrix {
    let mut data = Vec::with_capacity(m.rows * 2);
    for r in 0..m.rows {
        data.extend([m.get(r, 0), m.get(r, 3)]);
    }
    Matrix::from_rows(m.rows, 2, data)
}

#[test]
fn inverse_saturates_instead_of_nan_or_infinity() {
    // Right-skewed positive data gives λ < 0, whose transform of x ≥ 0 is bounded above by −1/λ.
    let m = column(&[0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 40.0]);
    let p = Pipeline::fit(&[YeoJohnson, Standardize], &m, &all_rows(&m)).expect("fit");
    let lambda = lambda_of(&p, 0, 0);
    assert!(lambda < 0.0);
    let out = p.inverse(&column(&[1e3, 1e300, -1e300, f64::MAX]));
    assert_eq!(out.data[0], f64::MAX);
    assert_eq!(out.data[1], f64::MAX);
    assert!(out.data[2].is_finite() && out.data[2] < 0.0, "{}", out.data[2]);
    assert_eq!(out.data[3], f64::MAX);

    let p = Pipeline::fit(&[Log, Standardize], &m, &all_rows(&m)).expect("fit");
    let out = p.inverse(&column(&[1e6, -1e6]));
    assert_eq!(out.data, vec![f64::MAX, 0.0]);

    assert!(p.inverse(&column(&[f64::NAN])).data[0].is_nan());
}

// ---------------------------------------------------------------------------------------------
// Errors, identity, describe.
// ---------------------------------------------------------------------------------------------

#[test]
fn domain_errors_in_training_rows_name_column_and_row() {
    let m = Matrix::from_rows(3, 2, vec![1.0, 2.0, 3.0, 0.0, 5.0, 6.0]);
    let e = Pipeline::fit(&[Log], &m, &[0, 1, 2]).expect_err("log of 0");
    assert_eq!((e.column, e.row), (1, Some(1)));
    assert_eq!(e.to_string(), "column 1, row 1: step 1: log needs values > 0, got 0");

    // Row 1 is not a training row: fitting succeeds; applying to it fails.
    let p = Pipeline::fit(&[Log10], &m, &[0, 2]).expect("fit");
    let e = p.apply(&m).expect_err("log10 of 0 in a test row");
    assert_eq!((e.column, e.row), (1, Some(1)));

    let m = column(&[0.5, -1.0, 3.0]);
    let e = Pipeline::fit(&[Log1p], &m, &[0, 1, 2]).expect_err("log1p of -1");
    assert_eq!((e.column, e.row), (0, Some(1)));
    assert!(e.message.contains("log1p needs values > -1"), "{e}");

    // A later step's domain: standardize makes the first value negative, then log fails.
    let m = column(&[1.0, 2.0, 3.0]);
    let e = Pipeline::fit(&[Standardize, Log], &m, &[0, 1, 2]).expect_err("log after standardize");
    assert_eq!((e.column, e.row), (0, Some(0)));
    assert!(e.message.starts_with("step 2: log"), "{e}");
}

#[test]
fn test_row_outside_domain_is_an_error_naming_it() {
    let train = Matrix::from_rows(2, 2, vec![1.0, 1.0, 2.0, 2.0]);
    let p = Pipeline::fit(&[Log, Standardize], &train, &[0, 1]).expect("fit");
    let test = Matrix::from_rows(3, 2, vec![1.0, 1.0, 4.0, 8.0, 3.0, -2.0]);
    let e = p.apply(&test).expect_err("negative test value");
    assert_eq!(e, TransformError::new("step 1: log needs values > 0, got -2", 1, Some(2)));
}

#[test]
fn other_fit_and_apply_errors() {
    let m = column(&[1.0, f64::NAN, 3.0]);
    let e = Pipeline::fit(&[Standardize], &m, &[0, 1, 2]).expect_err("NaN");
    assert_eq!((e.column, e.row), (0, Some(1)));
    assert!(Pipeline::fit(&[Standardize], &m, &[0, 2]).is_ok(), "NaN outside the training rows is fine");
    let e = Pipeline::fit(&[], &m, &[0, 1]).expect_err("non-finite even without steps");
    assert_eq!(e.row, Some(1));

    let e = Pipeline::fit(&[Standardize], &m, &[]).expect_err("no rows");
    assert_eq!(e.row, None);
    assert_eq!(e.to_string(), "column 0: no training rows to fit the transforms on");

    let e = Pipeline::fit(&[Standardize], &m, &[0, 7]).expect_err("row out of range");
    assert_eq!(e.row, Some(7));

    let p = Pipeline::fit(&[Standardize], &column(&[1.0, 2.0]), &[0, 1]).expect("fit");
    let e = p.apply(&Matrix::from_rows(1, 2, vec![1.0, 2.0])).expect_err("column count");
    assert_eq!(e.row, None);
    assert!(e.message.contains("2 columns"), "{e}");
    let e = p.apply(&column(&[f64::INFINITY])).expect_err("infinite test value");
    assert_eq!((e.column, e.row), (0, Some(0)));
}

#[test]
fn identity_pipeline_changes_nothing() {
    let m = Matrix::from_rows(2, 3, vec![-1.0, 0.0, 1e300, 5.0, -7.5, 1e-300]);
    let p = Pipeline::identity(3);
    assert_eq!(p.cols(), 3);
    assert_eq!(p.apply(&m).expect("apply"), m);
    assert_eq!(p.inverse(&m), m);
    assert_eq!(p.describe(), vec!["column 0: identity", "column 1: identity", "column 2: identity"]);
    assert_eq!(Pipeline::fit(&[], &m, &[0, 1]).expect("fit"), p);
}

#[test]
fn describe_lists_fitted_parameters_per_column() {
    let mut data = Vec::new();
    let skewed = [0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 40.0];
    for i in 0..8 {
        data.extend([EIGHT[i], skewed[i]]);
    }
    let m = Matrix::from_rows(8, 2, data);
    let p = Pipeline::fit(&[MinMax, Standardize], &m, &all_rows(&m)).expect("fit");
    assert_eq!(p.describe()[0], "column 0: minmax(min=2, range=7) | standardize(mean=0.4286, sd=0.2857)");

    let m = column(&skewed);
    let p = Pipeline::fit(&[Log1p, YeoJohnson], &m, &all_rows(&m)).expect("fit");
    // scipy: stats.yeojohnson(np.log1p(skewed))[1] = 0.018358569928634536 (scipy 1.17.1)
    assert_eq!(p.describe(), vec!["column 0: log1p | yeo_johnson(λ=0.01836)"]);

    let p = Pipeline::fit(&[YeoJohnson], &m, &all_rows(&m)).expect("fit");
    assert_eq!(p.describe(), vec!["column 0: yeo_johnson(λ=-0.3353)"]);
}

// ---------------------------------------------------------------------------------------------
// Input guards: constant columns and the default clip (Pipeline::fit_inputs).
// ---------------------------------------------------------------------------------------------

#[test]
fn negligible_spread_rule() {
    use sim2real::transform::negligible_spread;
    assert!(negligible_spread(&[5.0, 5.0, 5.0]));
    assert!(negligible_spread(&[0.0, 0.0, 0.0, 0.05]), "one non-zero row of a sparse column");
    assert!(negligible_spread(&[1000.0, 1000.0 + 1e-4]), "sd 5e-5 ≤ 1e-6 × 1000");
    assert!(!negligible_spread(&[0.0, 1.0]));
    assert!(!negligible_spread(&[0.0, 0.0, 0.05, 0.07]), "two rows off the most common value");
    assert!(!negligible_spread(&[1.0, 2.0, 3.0]));
}

/// Rows 0..10 train; row 10 is a test row far outside: col 0 sparse (one non-zero training row),
/// col 1 constant up to rounding, col 2 ordinary.
fn guarded() -> (Matrix, Vec<usize>) {
    let mut data = Vec::new();
    for i in 0..10 {
        data.extend([if i == 3 { 0.05 } else { 0.0 }, 1000.0 + 1e-7 * i as f64, i as f64]);
    }
    data.extend([0.5, 2000.0, 100.0]);
    (Matrix::from_rows(11, 3, data), (0..10).collect())
}

#[test]
fn constant_input_columns_read_zero_and_far_test_values_are_clipped() {
    let (m, train) = guarded();
    let p = Pipeline::fit_inputs(&[Standardize], &m, &train).expect("fit");
    assert_eq!(p.constant_columns(), [0, 1]);
    assert!(p.describe()[0].ends_with("constant (0)"), "{:?}", p.describe());
    let (t, clipped) = p.apply_counted(&m).expect("apply");
    assert_eq!(clipped, [0, 0, 1]);
    for r in 0..11 {
        assert_eq!((t.get(r, 0), t.get(r, 1)), (0.0, 0.0), "row {r}");
    }
    // Column 2 standardized: training z in ±1.567, width 3.133, so the bound is 1.567 + 3.133.
    let sd = (99.0f64 / 12.0).sqrt();
    let hi = 4.5 / sd * 3.0;
    assert!((t.get(10, 2) - hi).abs() < 1e-12, "{} vs {hi}", t.get(10, 2));
    for r in 0..10 {
        assert!((t.get(r, 2) - (r as f64 - 4.5) / sd).abs() < 1e-12, "training rows are not clipped");
    }

    // `noclip`: the value passes as transformed (the constant guard stays).
    let p = Pipeline::fit_inputs(&[Standardize, TransformKind::NoClip], &m, &train).expect("fit");
    let (t, clipped) = p.apply_counted(&m).expect("apply");
    assert_eq!(clipped, [0, 0, 0]);
    assert!((t.get(10, 2) - 95.5 / sd).abs() < 1e-12);
    // An explicit clip in the middle is the only one.
    let p = Pipeline::fit_inputs(&[TransformKind::Clip, Standardize], &m, &train).expect("fit");
    assert_eq!(p.steps(2).unwrap().len(), 2);
    assert!(matches!(p.steps(2).unwrap()[0], Step::Clip { lo, hi } if lo == -9.0 && hi == 18.0));
}

#[test]
fn a_yeo_johnson_overflow_goes_to_the_clip_bound_instead_of_failing() {
    // Left-skewed training values: λ > 1, and 1e300 overflows (1 + x)^λ.
    let mut values: Vec<f64> = (0..40).map(|i| 5.0 + (1.0 + i as f64 * 0.2).ln() * 2.0).collect();
    values.push(1e300);
    let m = column(&values);
    let rows: Vec<usize> = (0..40).collect();
    let lambda = lambda_of(&Pipeline::fit(&[YeoJohnson], &m, &rows).unwrap(), 0, 0);
    assert!(lambda > 1.1, "λ = {lambda}");
    let p = Pipeline::fit_inputs(&[YeoJohnson, Standardize], &m, &rows).expect("fit");
    let (t, clipped) = p.apply_counted(&m).expect("an overflow before a clip is not an error");
    let Step::Clip { hi, .. } = *p.steps(0).unwrap().last().unwrap() else { panic!("{:?}", p.steps(0)) };
    assert_eq!((t.get(40, 0), clipped[0]), (hi, 1));
    let p = Pipeline::fit_inputs(&[YeoJohnson, Standardize, TransformKind::NoClip], &m, &rows).expect("fit");
    let e = p.apply(&m).expect_err("without clip the overflow fails");
    assert_eq!(e.row, Some(40));
    assert!(e.message.contains("overflows"), "{e}");
}
