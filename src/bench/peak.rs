//! The machine's matmul peak as the engine sees it: a large square fp32 matmul on the same burn
//! backend and thread pool the training runs on, best of a few repetitions.

use std::time::Instant;

use burn::tensor::{Device, Tensor, TensorData};

/// Best achieved GFLOP/s of `size × size` by `size × size` fp32 matmuls over `reps` runs.
pub fn matmul_peak_gflops(size: usize, reps: usize, device: &Device) -> f64 {
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
    let mut best = 0.0f64;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        sync(a.clone().matmul(b.clone()));
        let s = t.elapsed().as_secs_f64();
        if s > 0.0 {
            best = best.max(flops / s / 1e9);
        }
    }
    best
}

/// Wait for the result (a no-op on the CPU backend, a read-back of one value on GPUs).
fn sync(c: Tensor<2>) {
    let _ = c.slice([0..1, 0..1]).into_data();
}
