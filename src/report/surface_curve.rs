//! The fitted Eq. 1 surface as the figures use it: read back from the results' `surface` fit
//! record, or the reason it is not drawn.

use crate::fit::Surface;
use crate::results::Results;

/// The surface fit of a run, as far as figures are concerned.
pub enum SurfaceState {
    /// A usable fit, with its equation for legends.
    Usable(Surface, String),
    /// A fit exists but is not drawn; the text says why.
    NotDrawn(String),
    /// The results hold no surface fit (`fit surface` was not declared).
    Absent,
}

/// The state of the transfer arm's surface fit in `results`.
pub fn surface_state(results: &Results) -> SurfaceState {
    let Some(fit) = results.fits.iter().find(|f| f.law == "surface" && f.arm.uses_source()) else {
        return SurfaceState::Absent;
    };
    if let Some(why) = &fit.degenerate {
        return SurfaceState::NotDrawn(format!("Eq. 1 surface not drawn: the fit is degenerate ({why})"));
    }
    match fit.surface() {
        Some(s) => SurfaceState::Usable(s, super::format::equation(fit)),
        None => SurfaceState::NotDrawn("Eq. 1 surface not drawn: its parameters are not finite".into()),
    }
}
