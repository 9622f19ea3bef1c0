//! A matrix-product kernel for the thin products of mini-batch training, on AVX-512.
//!
//! `C = A · B` where B's rows are contiguous (the weights `W [in, out]` in the forward pass, the
//! output gradient `dZ [batch, out]` in the weight gradient, a transposed copy of `dZ` for the
//! gradient to the layer below) and A is read one element at a time through any strides. Tiles
//! of 12 rows × 32 columns of C stay in 24 registers while k runs; every step loads one row
//! segment of B (two 16-lane vectors) and broadcasts 12 elements of A. Nothing is packed: for a
//! batch of 32 rows, packing B costs about as much memory traffic as the product itself, which
//! is where a general gemm loses on these shapes (measured single-threaded on the training's
//! products: forward 84 → 111 GFLOP/s, weight gradient 91 → 100, gradient to the layer below
//! 66 → 95 including its transposes).
//!
//! Every element of C is `Σ_p A[i, p]·B[p, j]` accumulated with fused multiply–adds in the
//! order p = 0, 1, …, k-1, starting from zero: the result does not depend on the tiling, the
//! column blocks a product is split into, or the thread that computes it.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Rows of C per tile.
const MR: usize = 12;
/// Columns of C per tile (two 16-lane vectors).
const NR: usize = 32;

/// Whether this CPU runs the kernel.
#[cfg(target_arch = "x86_64")]
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// Whether this CPU runs the kernel (never, off x86-64).
#[cfg(not(target_arch = "x86_64"))]
pub fn available() -> bool {
    false
}

/// Off x86-64 there is no kernel; [`available`] is false, so this is never called.
///
/// # Safety
/// Never to be called.
#[cfg(not(target_arch = "x86_64"))]
#[allow(clippy::too_many_arguments)]
pub unsafe fn matmul(
    _: usize,
    _: usize,
    _: usize,
    _: *const f32,
    _: usize,
    _: usize,
    _: *const f32,
    _: usize,
    _: *mut f32,
    _: usize,
) {
    unreachable!("the AVX-512 kernel does not exist on this architecture")
}

/// `C[i, j] = Σ_p A[i, p]·B[p, j]` for i < m, j < n, with A's element (i, p) at
/// `a[i * ars + p * acs]`, B's at `b[p * ldb + j]` and C's at `c[i * ldc + j]`.
///
/// # Safety
/// The CPU has AVX-512F ([`available`]); every element named above is inside its allocation;
/// C does not overlap A or B and nobody else accesses C's elements meanwhile.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
pub unsafe fn matmul(
    m: usize,
    n: usize,
    k: usize,
    a: *const f32,
    ars: usize,
    acs: usize,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    ldc: usize,
) {
    let mut j = 0;
    while j < n {
        let w = (n - j).min(NR);
        let mut i = 0;
        while i < m {
            let h = (m - i).min(MR);
            // SAFETY: tile (i.., j..) of size h × w lies inside the product (caller's contract).
            unsafe {
                let (a, b, c) = (a.add(i * ars), b.add(j), c.add(i * ldc + j));
                match h {
                    12 => tile::<12>(w, k, a, ars, acs, b, ldb, c, ldc),
                    11 => tile::<11>(w, k, a, ars, acs, b, ldb, c, ldc),
                    10 => tile::<10>(w, k, a, ars, acs, b, ldb, c, ldc),
                    9 => tile::<9>(w, k, a, ars, acs, b, ldb, c, ldc),
                    8 => tile::<8>(w, k, a, ars, acs, b, ldb, c, ldc),
                    7 => tile::<7>(w, k, a, ars, acs, b, ldb, c, ldc),
                    6 => tile::<6>(w, k, a, ars, acs, b, ldb, c, ldc),
                    5 => tile::<5>(w, k, a, ars, acs, b, ldb, c, ldc),
                    4 => tile::<4>(w, k, a, ars, acs, b, ldb, c, ldc),
                    3 => tile::<3>(w, k, a, ars, acs, b, ldb, c, ldc),
                    2 => tile::<2>(w, k, a, ars, acs, b, ldb, c, ldc),
                    _ => tile::<1>(w, k, a, ars, acs, b, ldb, c, ldc),
                }
            }
            i += h;
        }
        j += w;
    }
}

/// One tile of `R` rows × `w` ≤ 32 columns. Columns beyond `w` are masked off: masked loads
/// neither read nor fault, masked stores do not write.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)] // r indexes A's rows too
unsafe fn tile<const R: usize>(
    w: usize,
    k: usize,
    a: *const f32,
    ars: usize,
    acs: usize,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    ldc: usize,
) {
    let lanes = |w: usize| -> __mmask16 { if w >= 16 { 0xffff } else { ((1u32 << w) - 1) as __mmask16 } };
    let m0 = lanes(w);
    let m1 = lanes(w.saturating_sub(16));
    let mut acc0 = [_mm512_setzero_ps(); R];
    let mut acc1 = [_mm512_setzero_ps(); R];
    // SAFETY: (all pointer reads and writes below) rows r < R of A and C and rows p < k of B,
    // columns masked to w, lie inside the tile the caller vouched for.
    unsafe {
        if m1 == 0 {
            for p in 0..k {
                let b0 = _mm512_maskz_loadu_ps(m0, b.add(p * ldb));
                let ap = a.add(p * acs);
                for r in 0..R {
                    acc0[r] = _mm512_fmadd_ps(_mm512_set1_ps(*ap.add(r * ars)), b0, acc0[r]);
                }
            }
        } else {
            for p in 0..k {
                let bp = b.add(p * ldb);
                let b0 = _mm512_loadu_ps(bp);
                let b1 = _mm512_maskz_loadu_ps(m1, bp.add(16));
                let ap = a.add(p * acs);
                for r in 0..R {
                    let av = _mm512_set1_ps(*ap.add(r * ars));
                    acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
                    acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
                }
            }
        }
        for r in 0..R {
            _mm512_mask_storeu_ps(c.add(r * ldc), m0, acc0[r]);
            if m1 != 0 {
                _mm512_mask_storeu_ps(c.add(r * ldc + 16), m1, acc1[r]);
            }
        }
    }
}
