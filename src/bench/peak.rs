//! The machine's matmul peak as the engine sees it: large square fp32 matmuls on the same burn
//! backend and thread pool the training runs on, best over a few sizes and repetitions.
//!
//! One product is not enough. On this machine a single 2048² product (48 MiB of operands, far
//! beyond the caches, split by gemm over both threads) ran at ~90 GFLOP/s, and the training's own
//! matmuls — one member per thread, each gemm single-threaded — then measured *above* "peak"
//! (efficiency > 1). So the peak is the best of two ways of using the threads, each over the
//! sizes `size/4`, `size/2` and `size`: one product split over the pool, and one independent
//! product per thread at once (how the engine trains its members). That is the rate the backend
//! can actually reach here, which is what efficiency is relative to.

use std::time::Instant;

use burn_tensor::{Device, Tensor, TensorData};

/// The best achieved GFLOP/s over square fp32 matmuls of sides `size/4`, `size/2` and `size`
/// (at least 64), each run both as one product split over the pool and as one independent product
/// per thread at once; `reps` timed runs each after one warm-up.
pub fn matmul_peak_gflops(size: usize, reps: usize, device: &Device) -> f64 {
    let size = size.max(64);
    let threads = rayon::current_num_threads().max(1);
    [size / 4, size / 2, size]
        .into_iter()
        .filter(|&s| s >= 64)
        .map(|s| square_matmul_gflops(s, reps, device).max(concurrent_matmul_gflops(s, reps, threads, device)))
        .fold(0.0, f64::max)
}

/// The peak of a GPU: one fp32 product at a time (the device runs it on all its cores), of
/// sides 4096 and 8192 — large enough that the read-back waiting for each result costs well
/// under 1 % — best of 5 timed products per side after one warm-up. Whether the backend uses
/// TF32 or other reduced-precision units for f32 products is the backend's choice; the training
/// runs on the same one.
pub fn device_peak_gflops(device: &Device) -> f64 {
    [4096, 8192].into_iter().map(|s| square_matmul_gflops(s, 5, device)).fold(0.0, f64::max)
}

/// Best achieved total GFLOP/s of `copies` independent `size²` products running at once, one per
/// task of the thread pool (each gemm then runs on its own thread, as a training member's do).
/// Timed over the whole parallel region, so copies that happen not to overlap cannot inflate it.
pub fn concurrent_matmul_gflops(size: usize, reps: usize, copies: usize, device: &Device) -> f64 {
    use rayon::prelude::*;
    let size = size.max(1);
    let copies = copies.max(1);
    let operands: Vec<(Tensor<2>, Tensor<2>)> =
        (0..copies).map(|c| (fill(size, 1 + c, device), fill(size, 5 + c, device))).collect();
    let inner = batch_len(size);
    let round = |count: usize| {
        operands.par_iter().with_max_len(1).for_each(|(a, b)| {
            for _ in 0..count {
                sync(a.clone().matmul(b.clone()));
            }
        })
    };
    round(1); // warm-up
    let flops = copies as f64 * inner as f64 * 2.0 * (size as f64).powi(3);
    let mut best = 0.0f64;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        round(inner);
        let s = t.elapsed().as_secs_f64();
        if s > 0.0 {
            best = best.max(flops / s / 1e9);
        }
    }
    best
}

/// A `size × size` operand with small repeating values.
fn fill(size: usize, salt: usize, device: &Device) -> Tensor<2> {
    let v: Vec<f32> = (0..size * size).map(|i| (((i * 7 + salt) % 13) as f32 - 6.0) / 13.0).collect();
    Tensor::<2>::from_data(TensorData::new(v, [size, size]), device)
}

/// Products per timing: small products are timed in batches so one timing is not dominated by
/// clock resolution.
fn batch_len(size: usize) -> usize {
    (1usize << 30).div_ceil(size * size * size).clamp(1, 64)
}

/// Best achieved GFLOP/s of `size × size` by `size × size` fp32 matmuls over `reps` runs.
pub fn square_matmul_gflops(size: usize, reps: usize, device: &Device) -> f64 {
    let size = size.max(1);
    let a = fill(size, 1, device);
    let b = fill(size, 5, device);
    // Warm-up (thread pool start, page faults of the output buffer).
    sync(a.clone().matmul(b.clone()));
    let flops = 2.0 * (size as f64).powi(3);
    let inner = batch_len(size);
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

/// Wait for the whole product: read back its sum. Reading back one element was not enough on
/// lazy GPU backends: measured on an H100 through wgpu, the "peak" came out at 21 PFLOP/s, because
/// only what the read needed was computed. The sum needs every element, and costs `size²` adds
/// against the product's `2·size³` FLOPs (0.006 % at 8192).
fn sync(c: Tensor<2>) {
    let _ = c.sum().into_data();
}
