//! The machine's matmul peak as the engine sees it: large square fp32 matmuls on the same burn
//! backend and thread pool the training runs on, best over a few sizes and repetitions.
//!
//! One size is not enough: on this machine's kernels a 2048² product (48 MiB of operands, far
//! beyond the caches) ran at ~90 GFLOP/s while 512²–1024² products ran faster, and the training's
//! own matmuls then measured *above* "peak" (efficiency > 1). The best over `size/4`, `size/2`
//! and `size` is the rate the backend can actually reach, which is what efficiency is relative to.

use std::time::Instant;

use burn::tensor::{Device, Tensor, TensorData};

/// The best achieved GFLOP/s over square fp32 matmuls of sides `size/4`, `size/2` and `size`
/// (at least 64), `reps` timed runs each after one warm-up.
pub fn matmul_peak_gflops(size: usize, reps: usize, device: &Device) -> f64 {
    let size = size.max(64);
    [size / 4, size / 2, size]
        .into_iter()
        .filter(|&s| s >= 64)
        .map(|s| square_matmul_gflops(s, reps, device))
        .fold(0.0, f64::max)
}

/// Best achieved GFLOP/s of `size × size` by `size × size` fp32 matmuls over `reps` runs.
pub fn square_matmul_gflops(size: usize, reps: usize, device: &Device) -> f64 {
    let size = size.max(1);
    let fill = |salt: usize| -> Tensor<2> {
        let v: Vec<f32> = (0..size * size).map(|i| (((i * 7 + salt) % 13) as f32 - 6.0) / 13.0).collect();
        Tensor::<2>::from_data(TensorData::new(v, [size, size]), device)
    };
    let a = fill(1);
    let b = fill(5);
    // Warm-up (thread pool start, page faults of the output buffer).
    sync(a.clone().matmul(b.clone()));
    let flops = 2.0 * (size as f64).powi(3);
    // Small products are timed in batches so one timing is not dominated by clock resolution.
    let inner = (1usize << 30).div_ceil(size * size * size).clamp(1, 64);
    let mut best = 0.0f64;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        for _ in 0..inner {
            sync(a.clone().matmul(b.clone()));
        }
        let s = t.elapsed().as_secs_f64();
        if s > 0.0 {
            best = best.max(inner as f64 * flops / s / 1e9);
        }
    }
    best
}

/// Wait for the result (a no-op on the CPU backend, a read-back of one value on GPUs).
fn sync(c: Tensor<2>) {
    let _ = c.slice([0..1, 0..1]).into_data();
}
