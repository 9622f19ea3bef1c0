//! Backend selection. CPU uses burn's `flex` backend; GPU backends sit behind cargo features.

use burn::tensor::Device;

/// The device training runs on (autodiff enabled).
pub fn training_device() -> Device {
    base_device().autodiff()
}

/// The device without autodiff (evaluation, optimizer arithmetic).
pub fn base_device() -> Device {
    #[cfg(feature = "cuda")]
    {
        return Device::cuda(0);
    }
    #[cfg(all(feature = "wgpu", not(feature = "cuda")))]
    {
        return Device::wgpu(burn::tensor::DeviceKind::default());
    }
    #[allow(unreachable_code)]
    Device::flex()
}

/// Fix the number of CPU threads used by the tensor kernels (rayon's global pool). Results are
/// deterministic for a given seed and thread count. Can only be set once per process; later
/// calls with another count report it.
pub fn init_threads(threads: usize) -> Result<usize, String> {
    let threads = threads.max(1);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build_global() {
        Ok(()) => Ok(threads),
        Err(_) => {
            let current = rayon::current_num_threads();
            if current == threads {
                Ok(threads)
            } else {
                Err(format!("the thread pool is already running with {current} threads"))
            }
        }
    }
}
