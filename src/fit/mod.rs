//! (stage: fit) Scaling-law fits: the 1-D power law `R(n) = D·n^-α + C` with bootstrap CIs and
//! the 2-D surface `R(n, m) = (A·n^-α + B)·m^-β + ε` with its marginal rate of substitution.
//!
//! Both fits are ordinary least squares on `R` (no weighting). The linear, non-negative
//! coefficients are profiled out exactly for fixed exponents ([`nnls`]); only the exponents are
//! searched, on a grid first and then with argmin (Brent for the 1-D α, Nelder–Mead for (α, β)).

pub mod budget;
mod error;
mod input;
mod nnls;
pub mod power_law;
mod power_law_ci;
mod quality;
pub mod surface;

pub use error::{BudgetInputError, FitError};
pub use power_law::{PowerLaw, PowerLawFit, PowerLawFixed, fit_power_law, fit_power_law_with};
pub use power_law_ci::{PowerLawCi, power_law_ci, power_law_ci_with};
pub use surface::{Mrs, Surface, SurfaceFit, SurfaceFixed, fit_surface, fit_surface_with, marginal_rate};

/// Upper bound of every exponent search (α, β ∈ [0, `EXPONENT_MAX`]).
pub const EXPONENT_MAX: f64 = 5.0;
