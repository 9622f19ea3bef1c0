//! Backend selection. CPU uses burn's `flex` backend; GPU backends sit behind cargo features.
//! [`Engine`] is what trains a study's members: the host engines, or the lock-step trainers on
//! a burn device (`--device`, see docs/devices.md).

use burn_tensor::Device;

/// Environment variable giving the device when `--device` is not given (same names).
pub const DEVICE_ENV: &str = "SIM2REAL_DEVICE";

/// What trains the members of an ensemble.
#[derive(Debug, Clone)]
pub enum Engine {
    /// The host engines: members one by one over the CPU threads (`member.rs`; pairwise models
    /// `pair_member.rs`, on flex).
    Host,
    /// The lock-step trainers (`lockstep`, `lockstep::pair`) on a burn device; `name` is the
    /// `--device` name.
    Lockstep { device: Device, name: &'static str },
}

impl Engine {
    /// The `--device` names this build accepts, best first.
    pub fn available() -> Vec<&'static str> {
        let mut names = Vec::new();
        if cfg!(feature = "cuda") {
            names.push("cuda");
        }
        if cfg!(feature = "wgpu") {
            names.push("wgpu");
        }
        names.extend(["cpu", "cpu-lockstep"]);
        names
    }

    /// The error for a device whose backend this build lacks.
    #[cfg(not(all(feature = "cuda", feature = "wgpu")))]
    fn not_built(name: &str) -> DeviceError {
        DeviceError::NotBuilt { name: name.to_string(), available: Self::available() }
    }

    /// The engine for `--device NAME`; without a name, `$SIM2REAL_DEVICE`, else the best
    /// available in this build (cuda, then wgpu, then cpu). A name this build lacks is an error
    /// that lists the ones it has.
    pub fn select(name: Option<&str>) -> Result<Engine, DeviceError> {
        let env = std::env::var(DEVICE_ENV).ok().filter(|v| !v.is_empty());
        let name = name.or(env.as_deref()).unwrap_or(Self::available()[0]);
        match name {
            "cpu" => Ok(Engine::Host),
            "cpu-lockstep" => Ok(Engine::Lockstep { device: Device::flex(), name: "cpu-lockstep" }),
            #[cfg(feature = "cuda")]
            "cuda" => Ok(Engine::Lockstep { device: Device::cuda(0), name: "cuda" }),
            #[cfg(feature = "wgpu")]
            "wgpu" => Ok(Engine::Lockstep { device: Device::wgpu(burn_tensor::DeviceKind::default()), name: "wgpu" }),
            #[cfg(not(feature = "cuda"))]
            "cuda" => Err(Self::not_built(name)),
            #[cfg(not(feature = "wgpu"))]
            "wgpu" => Err(Self::not_built(name)),
            other => Err(DeviceError::Unknown { name: other.to_string(), available: Self::available() }),
        }
    }

    /// The `--device` name of this engine.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Host => "cpu",
            Engine::Lockstep { name, .. } => name,
        }
    }

    /// The burn device of burn's own operations (the lock-step trainers, the bench's peak;
    /// pairwise models on the host engine): the lock-step device, or flex for the host engine.
    pub fn device(&self) -> Device {
        match self {
            Engine::Host => Device::flex(),
            Engine::Lockstep { device, .. } => device.clone(),
        }
    }

    /// Whether this engine runs on a GPU.
    pub fn is_gpu(&self) -> bool {
        matches!(self, Engine::Lockstep { name, .. } if *name != "cpu-lockstep")
    }
}

/// The thread pool was started earlier with another number of threads (a warning: results do not
/// depend on it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the thread pool is already running with {running} threads")]
pub struct ThreadsError {
    pub running: usize,
}

/// Why `--device NAME` names no engine of this build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// A backend this build was compiled without.
    #[error(
        "--device {name}: this build has no `{name}` backend (build with `--features {name}`); available: {}",
        .available.join(", ")
    )]
    NotBuilt { name: String, available: Vec<&'static str> },
    /// No device of that name.
    #[error("--device {name}: unknown device; available: {}", .available.join(", "))]
    Unknown { name: String, available: Vec<&'static str> },
}

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
        return Device::wgpu(burn_tensor::DeviceKind::default());
    }
    #[allow(unreachable_code)]
    Device::flex()
}

/// Fix the number of CPU threads used by the tensor kernels (rayon's global pool). Results do
/// not depend on it (a member's result depends only on its seed; tests/reliability_determinism.rs
/// compares a 1-thread and a 2-thread run byte for byte). Can only be set once per process; later
/// calls with another count report it.
pub fn init_threads(threads: usize) -> Result<usize, ThreadsError> {
    let threads = threads.max(1);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build_global() {
        Ok(()) => Ok(threads),
        Err(_) => {
            let current = rayon::current_num_threads();
            if current == threads { Ok(threads) } else { Err(ThreadsError { running: current }) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DeviceError, ThreadsError};

    #[test]
    fn device_errors_render() {
        let e = DeviceError::NotBuilt { name: "cuda".into(), available: vec!["cpu", "cpu-lockstep"] };
        assert_eq!(
            e.to_string(),
            "--device cuda: this build has no `cuda` backend (build with `--features cuda`); available: cpu, cpu-lockstep"
        );
        let e = DeviceError::Unknown { name: "tpu".into(), available: vec!["cpu"] };
        assert_eq!(e.to_string(), "--device tpu: unknown device; available: cpu");
        assert_eq!(ThreadsError { running: 4 }.to_string(), "the thread pool is already running with 4 threads");
    }
}
