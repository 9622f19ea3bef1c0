//! Host matrix products for a training member: `dst = a · b` on f32 slices, single-threaded per
//! call, into a caller-owned buffer. Where the CPU has AVX-512F and the right operand's rows are
//! contiguous, the product runs on the engine's own kernel (`microkernel.rs`, no packing);
//! `dz · wᵀ` is turned into that form through a transposed copy of `dz`; everything else goes
//! through the `gemm` crate (the kernels burn's flex backend uses).
//!
//! Calling the kernels directly instead of going through backend tensors saves what the tensor
//! API costs for the small products of mini-batch training: a fresh zeroed output per product
//! that is then copied to an aligned buffer, and materialised transposes. Transposed operands
//! here are strided views (`MatRef::t`).
//!
//! A given call (same shapes, strides and values) always gives the same bits: no threads inside
//! a call, no reordering by the caller's circumstances. Column blocks ([`matmul_cols`]) are a
//! fixed decomposition, whichever thread runs each block.
//!
//! The portable route can be forced on a CPU that has the kernel, so that every machine can run
//! both ([`Route`]): for the whole process with `SIM2REAL_MATMUL=portable` in the environment, or
//! for the products one thread starts with [`with_route`] (the tests).

use std::cell::Cell;
use std::sync::OnceLock;

use gemm::{Parallelism, gemm};

use super::crew::Crew;
use super::microkernel;

/// The two ways a product is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The engine's AVX-512 kernel (`microkernel.rs`): CPUs with AVX-512F.
    Kernel,
    /// The gemm crate: any CPU.
    Portable,
}

impl Route {
    pub const ALL: [Route; 2] = [Route::Kernel, Route::Portable];

    pub fn name(self) -> &'static str {
        match self {
            Route::Kernel => "AVX-512 kernel",
            Route::Portable => "portable gemm",
        }
    }

    /// Whether this CPU can run the route.
    pub fn available(self) -> bool {
        match self {
            Route::Kernel => microkernel::available(),
            Route::Portable => true,
        }
    }
}

thread_local! {
    /// The route [`with_route`] forces on this thread.
    static FORCED: Cell<Option<Route>> = const { Cell::new(None) };
}

/// Runs `f` with every product that this thread starts computed on `route` (also the blocks a
/// crew's helpers compute for it). The route must be [`Route::available`].
///
/// # Panics
/// When the CPU cannot run `route` (a test must check and say so instead).
pub fn with_route<R>(route: Route, f: impl FnOnce() -> R) -> R {
    assert!(route.available(), "the {} route is not available on this CPU", route.name());
    let before = FORCED.replace(Some(route));
    struct Restore(Option<Route>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FORCED.set(self.0);
        }
    }
    let _restore = Restore(before);
    f()
}

/// The route a product started on this thread takes: the forced one, else the kernel where the
/// CPU has it, unless `SIM2REAL_MATMUL=portable` (read once per process).
pub fn current_route() -> Route {
    static PORTABLE_ENV: OnceLock<bool> = OnceLock::new();
    if let Some(r) = FORCED.get() {
        return r;
    }
    let portable = *PORTABLE_ENV.get_or_init(|| std::env::var("SIM2REAL_MATMUL").is_ok_and(|v| v == "portable"));
    if !portable && microkernel::available() { Route::Kernel } else { Route::Portable }
}

/// A read-only matrix view of a slice: element (r, c) is `data[r * rs + c * cs]`.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a> MatRef<'a> {
    /// The first `rows * cols` values of `data`, row-major.
    ///
    /// # Panics
    /// When `data` is shorter than `rows * cols` (a bug in the caller, not bad input).
    pub fn row_major(data: &'a [f32], rows: usize, cols: usize) -> MatRef<'a> {
        assert!(data.len() >= rows * cols, "matrix view of {rows}×{cols} over {} values", data.len());
        MatRef { data, rows, cols, rs: cols, cs: 1 }
    }

    /// The transpose, as a view of the same values.
    pub fn t(self) -> MatRef<'a> {
        MatRef { data: self.data, rows: self.cols, cols: self.rows, rs: self.cs, cs: self.rs }
    }

    /// Columns `start..start + len` (a view).
    pub fn columns(self, start: usize, len: usize) -> MatRef<'a> {
        assert!(start + len <= self.cols, "columns {start}..{} of {}", start + len, self.cols);
        let offset = if len == 0 || self.rows == 0 { 0 } else { start * self.cs };
        MatRef { data: &self.data[offset..], cols: len, ..self }
    }

    /// Rows `start..start + len` (a view).
    pub fn rows_from(self, start: usize, len: usize) -> MatRef<'a> {
        self.t().columns(start, len).t()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn ncols(&self) -> usize {
        self.cols
    }
}

/// Checks the shapes of `dst (len values, row stride ld) = a · b` and that both views stay
/// inside their slices.
fn check(len: usize, ld: usize, a: MatRef, b: MatRef) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(k, b.rows, "inner dimensions of a {m}×{k} · {}×{n} product", b.rows);
    assert!(ld >= n, "row stride {ld} below {n} columns");
    if m == 0 || n == 0 {
        return;
    }
    assert!(len >= (m - 1) * ld + n, "output of {m}×{n} (stride {ld}) over {len} values");
    for v in [&a, &b] {
        if v.rows > 0 && v.cols > 0 {
            let last = (v.rows - 1) * v.rs + (v.cols - 1) * v.cs;
            assert!(
                last < v.data.len(),
                "view {}×{} (strides {}, {}) over {} values",
                v.rows,
                v.cols,
                v.rs,
                v.cs,
                v.data.len()
            );
        }
    }
}

/// The output of one product as a raw pointer, so that column blocks of one row-major output
/// can be written from two threads (their elements are disjoint, their memory ranges are not).
#[derive(Clone, Copy)]
struct Out(*mut f32);

// SAFETY: an `Out` is only used for blocks that write disjoint elements (see `matmul_cols`).
unsafe impl Send for Out {}
// SAFETY: as for Send: shared `Out`s write disjoint elements only.
unsafe impl Sync for Out {}

impl Out {
    /// The pointer `offset` elements further (still inside the output: the caller's blocks).
    fn at(self, offset: usize) -> Out {
        Out(self.0.wrapping_add(offset))
    }
}

/// `out[r * ld + c] = (a · b)[r, c]` for r < a.rows, c < b.cols.
///
/// # Safety
/// Every such element must be inside the allocation `out` points into and written by nobody
/// else meanwhile; the views are in bounds (see [`check`]).
unsafe fn product(out: Out, ld: usize, a: MatRef, b: MatRef, route: Route) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        for r in 0..m {
            // SAFETY: row r's first n elements are inside the output (caller's contract).
            unsafe { std::slice::from_raw_parts_mut(out.0.add(r * ld), n).fill(0.0) };
        }
        return;
    }
    if b.cs == 1 && route == Route::Kernel {
        // SAFETY: AVX-512F is there; bounds as promised by the caller.
        unsafe { microkernel::matmul(m, n, k, a.data.as_ptr(), a.rs, a.cs, b.data.as_ptr(), b.rs, out.0, ld) };
        return;
    }
    // SAFETY: as promised by the caller.
    unsafe { general_product(out, ld, a, b) }
}

/// [`product`] through the gemm crate (any strides, any CPU).
///
/// # Safety
/// As [`product`], with m, n, k ≥ 1.
unsafe fn general_product(out: Out, ld: usize, a: MatRef, b: MatRef) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    // SAFETY: bounds as promised by the caller; read_dst = false, so the old values are never
    // read (alpha is ignored) and beta = 1 gives dst = a · b.
    unsafe {
        gemm(
            m,
            n,
            k,
            out.0,
            1,
            ld as isize,
            false,
            a.data.as_ptr(),
            a.cs as isize,
            a.rs as isize,
            b.data.as_ptr(),
            b.cs as isize,
            b.rs as isize,
            0.0f32,
            1.0f32,
            false,
            false,
            false,
            Parallelism::None,
        );
    }
}

/// `dst = a · b` with `dst` row-major `[a.rows, b.cols]` (contiguous), as one block.
pub fn matmul(dst: &mut [f32], a: MatRef, b: MatRef) {
    matmul_cols(dst, a, b, 1, None)
}

/// `dst = a · b` computed as `blocks` independent products over consecutive column ranges of
/// `b` (widths differ by at most one), which may run on different threads: with a `crew`, half
/// of the blocks are offered to its idle threads ([`Crew::join`]), else all run here. The result
/// depends on `blocks`, never on the crew or on which thread ran what.
pub fn matmul_cols(dst: &mut [f32], a: MatRef, b: MatRef, blocks: usize, crew: Option<&Crew>) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    check(dst.len(), n, a, b);
    if m == 0 || n == 0 {
        return;
    }
    let blocks = blocks.clamp(1, n);
    let bounds: Vec<(usize, usize)> = (0..blocks).map(|i| (i * n / blocks, (i + 1) * n / blocks)).collect();
    let out = Out(dst.as_mut_ptr());
    // Decided here, once, so that a crew's helpers compute their blocks the same way.
    let route = current_route();
    if !transposed_rows(b, route) {
        // SAFETY: `check` covered the whole output and both views; the blocks are disjoint
        // column ranges of it, each written by exactly one call.
        return run_blocks(&bounds, crew, &|start, end| unsafe {
            product(out.at(start), n, a, b.columns(start, end - start), route)
        });
    }
    // b is a transposed row-major matrix (the weights in `dz · wᵀ`): its columns are contiguous
    // rows of the stored matrix, which the kernel can only read as A. So compute
    // dstᵀ = bᵀ · aᵀ, with aᵀ copied to contiguous rows (small: a batch of rows), into a
    // scratch matrix, and copy each block of dstᵀ's rows back as dst's columns.
    SCRATCH.with(|cell| {
        // Reuse this thread's buffers (fresh ones in the unexpected case that they are in use).
        let mut own = Default::default();
        let mut borrowed = cell.try_borrow_mut();
        let (at, ct): &mut (Vec<f32>, Vec<f32>) = match borrowed.as_deref_mut() {
            Ok(buffers) => buffers,
            Err(_) => &mut own,
        };
        at.resize(k * m, 0.0);
        ct.resize(n * m, 0.0);
        for r in 0..m {
            let row = &a.data[r * a.rs..];
            for (p, t) in at.chunks_exact_mut(m).enumerate() {
                t[r] = row[p * a.cs];
            }
        }
        let scratch = Out(ct.as_mut_ptr());
        let bt = b.t();
        let at = MatRef::row_major(at, k, m);
        run_blocks(&bounds, crew, &|start, end| {
            // SAFETY: rows start..end of the scratch and columns start..end of dst are written
            // only by this block; bᵀ's rows start..end are inside its view (checked above).
            unsafe {
                product(scratch.at(start * m), m, bt.rows_from(start, end - start), at, route);
                let (src, dst) = (scratch.at(start * m).0 as *const f32, out.at(start).0);
                for c in 0..end - start {
                    for r in 0..m {
                        *dst.add(r * n + c) = *src.add(c * m + r);
                    }
                }
            }
        });
    });
}

thread_local! {
    /// Per thread: aᵀ and the transposed product of [`matmul_cols`]'s transposed route.
    static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<f32>)> = Default::default();
}

/// Whether `b` is a transposed row-major matrix with more than one column, for which
/// [`matmul_cols`] takes the transposed route through the kernel.
fn transposed_rows(b: MatRef, route: Route) -> bool {
    b.cs != 1 && b.rs == 1 && b.cols > 1 && route == Route::Kernel
}

/// Runs `block(start, end)` for every (start, end) in `bounds`, halving the list recursively so
/// that the crew can hand half of it to another thread.
fn run_blocks(bounds: &[(usize, usize)], crew: Option<&Crew>, block: &(dyn Fn(usize, usize) + Sync)) {
    match bounds {
        [] => {}
        &[(start, end)] => block(start, end),
        _ => {
            let (left, right) = bounds.split_at(bounds.len() / 2);
            let (l, r) = (|| run_blocks(left, crew, block), || run_blocks(right, crew, block));
            match crew {
                Some(crew) => crew.join(l, r),
                None => {
                    l();
                    r();
                }
            }
        }
    }
}

/// For tests: runs `run` on every route of `routes` ((name, available on this CPU)) that this
/// CPU has, says on stderr which ran and which it lacks, and fails when a route named in
/// `SIM2REAL_REQUIRE_ROUTES` (comma-separated names, for a machine known to have them, e.g.
/// `kernel,avx512`) could not run. Returns the names that ran.
#[cfg(test)]
pub(crate) fn run_each_route(
    what: &str,
    routes: &[(&'static str, bool)],
    mut run: impl FnMut(&'static str),
) -> Vec<&'static str> {
    let required = std::env::var("SIM2REAL_REQUIRE_ROUTES").unwrap_or_default();
    let mut ran = Vec::new();
    for &(name, available) in routes {
        if available {
            run(name);
            eprintln!("{what}: route `{name}` ran");
            ran.push(name);
        } else {
            eprintln!("{what}: route `{name}` NOT RUN: this CPU does not have it");
            assert!(
                !required.split(',').any(|r| r.trim() == name),
                "{what}: route `{name}` is required by SIM2REAL_REQUIRE_ROUTES={required} but this CPU does not have it"
            );
        }
    }
    assert!(!ran.is_empty(), "{what}: no route ran");
    ran
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_named(name: &str) -> Route {
        if name == "kernel" { Route::Kernel } else { Route::Portable }
    }

    /// The matmul routes as (name, available) for [`run_each_route`].
    fn routes() -> Vec<(&'static str, bool)> {
        Route::ALL.iter().map(|r| (if *r == Route::Kernel { "kernel" } else { "portable" }, r.available())).collect()
    }

    fn naive(a: MatRef, b: MatRef) -> Vec<f64> {
        let mut out = vec![0.0f64; a.rows * b.cols];
        for r in 0..a.rows {
            for c in 0..b.cols {
                out[r * b.cols + c] =
                    (0..a.cols).map(|k| a.data[r * a.rs + k * a.cs] as f64 * b.data[k * b.rs + c * b.cs] as f64).sum();
            }
        }
        out
    }

    fn values(len: usize, salt: u32) -> Vec<f32> {
        (0..len as u32).map(|i| ((i.wrapping_mul(2654435761) ^ salt) % 1000) as f32 / 500.0 - 1.0).collect()
    }

    fn close(got: &[f32], want: &[f64]) {
        for (g, w) in got.iter().zip(want) {
            assert!((*g as f64 - w).abs() < 1e-4 * (1.0 + w.abs()), "{g} vs {w}");
        }
    }

    #[test]
    fn products_of_views_and_transposes_match_a_naive_product_on_every_route() {
        let ran =
            run_each_route("matmul", &routes(), |name| with_route(route_named(name), products_match_a_naive_product));
        // The portable route runs on every CPU, so every machine tests it.
        assert!(ran.contains(&"portable"));
        assert_eq!(ran.contains(&"kernel"), microkernel::available());
    }

    #[test]
    fn the_environment_switch_and_with_route_pick_the_route() {
        // Without a forced route: the kernel where the CPU has it (unless SIM2REAL_MATMUL=portable).
        let env_portable = std::env::var("SIM2REAL_MATMUL").is_ok_and(|v| v == "portable");
        let auto = if microkernel::available() && !env_portable { Route::Kernel } else { Route::Portable };
        assert_eq!(current_route(), auto);
        assert_eq!(with_route(Route::Portable, current_route), Route::Portable);
        assert_eq!(current_route(), auto, "the forced route ends with the closure");
        if !Route::Kernel.available() {
            let forced = std::panic::catch_unwind(|| with_route(Route::Kernel, || ()));
            assert!(forced.is_err(), "forcing the kernel without AVX-512F must fail, not fall back silently");
        }
    }

    fn products_match_a_naive_product() {
        // Shapes around the kernel's 12 × 32 tiles and 16-lane halves, and degenerate ones.
        for (m, k, n) in [(7, 13, 11), (32, 190, 512), (13, 37, 33), (25, 1, 17), (12, 64, 16), (1, 5, 1), (3, 300, 47)]
        {
            let x = values(m * k, 1);
            let w = values(k * n, 2);
            let dz = values(m * n, 3);
            let xm = MatRef::row_major(&x, m, k);
            let wm = MatRef::row_major(&w, k, n);
            let dzm = MatRef::row_major(&dz, m, n);
            for blocks in [1, 2, 3] {
                // x · w (forward)
                let mut out = vec![f32::NAN; m * n];
                matmul_cols(&mut out, xm, wm, blocks, None);
                close(&out, &naive(xm, wm));
                // xᵀ · dz (weight gradient)
                let mut out = vec![f32::NAN; k * n];
                matmul_cols(&mut out, xm.t(), dzm, blocks, None);
                close(&out, &naive(xm.t(), dzm));
                // dz · wᵀ (gradient to the layer below: the transposed route)
                let mut out = vec![f32::NAN; m * k];
                matmul_cols(&mut out, dzm, wm.t(), blocks, None);
                close(&out, &naive(dzm, wm.t()));
            }
        }
    }

    #[test]
    fn every_route_agrees_with_the_general_gemm() {
        let (m, k, n) = (29, 77, 45);
        let (x, w) = (values(m * k, 7), values(k * n, 8));
        let (a, b) = (MatRef::row_major(&x, m, k), MatRef::row_major(&w, k, n));
        let mut general = vec![f32::NAN; m * n];
        check(general.len(), n, a, b);
        // SAFETY: as in `matmul_cols` (the same checks just ran, then the gemm crate's path).
        unsafe { general_product(Out(general.as_mut_ptr()), n, a, b) };
        run_each_route("matmul vs gemm", &routes(), |name| {
            let mut got = vec![f32::NAN; m * n];
            with_route(route_named(name), || matmul(&mut got, a, b));
            for (g, h) in got.iter().zip(&general) {
                assert!((g - h).abs() <= 1e-5 * (1.0 + h.abs()), "{name}: {g} vs {h}");
            }
        });
    }

    #[test]
    fn an_empty_inner_dimension_gives_zeros() {
        let mut out = vec![f32::NAN; 6];
        matmul(&mut out, MatRef::row_major(&[], 2, 0), MatRef::row_major(&[], 0, 3));
        assert_eq!(out, vec![0.0; 6]);
    }

    #[test]
    fn column_blocks_cover_the_product_and_do_not_depend_on_threads() {
        let (m, k, n) = (9, 17, 29);
        let x = values(m * k, 4);
        let w = values(k * n, 5);
        let (a, b) = (MatRef::row_major(&x, m, k), MatRef::row_major(&w, k, n));
        let want = naive(a, b);
        for blocks in [1, 2, 3, 4, 29, 40] {
            let mut serial = vec![f32::NAN; m * n];
            matmul_cols(&mut serial, a, b, blocks, None);
            close(&serial, &want);
            // One member, three threads: two of them help with the blocks.
            let crew = Crew::new(1, true);
            let helped: Vec<Vec<f32>> = std::thread::scope(|s| {
                let threads: Vec<_> = (0..3)
                    .map(|_| {
                        s.spawn(|| {
                            crew.work(|_| {
                                let mut out = vec![f32::NAN; m * n];
                                matmul_cols(&mut out, a, b, blocks, Some(&crew));
                                out
                            })
                        })
                    })
                    .collect();
                threads.into_iter().flat_map(|t| t.join().unwrap()).map(|(_, out)| out).collect()
            });
            assert_eq!(helped, vec![serial], "blocks = {blocks}");
        }
    }
}
