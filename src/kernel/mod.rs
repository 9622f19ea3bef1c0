//! `sim2real kernel`: a Jupyter kernel. `%%study` cells run studies in-process with the same
//! engine as `sim2real run` and display their results richly; other cells are Rust, run by
//! evcxr with this crate available. See docs/kernel.md.
//!
//! | file           | what                                                              |
//! |----------------|-------------------------------------------------------------------|
//! | `install`      | kernelspec install/uninstall                                      |
//! | `png`          | the logos (a minimal PNG encoder)                                 |
//! | `connection`   | the connection file                                               |
//! | `wire`         | messages ⇄ frames, HMAC-SHA256 signing and verification          |
//! | `server`       | the five sockets and the tasks between them                       |
//! | `executor`     | shell requests in order: execute, complete, inspect, …            |
//! | `cell`         | the `%%study` rule                                                |
//! | `study_cell`   | running a study cell                                              |
//! | `rust_cell`    | running a Rust cell in evcxr                                      |
//! | `complete`     | completion, inspection, is-complete for study cells               |
//! | `capture`      | progress lines → notebook; the kernel's log                      |
//! | `interrupt`    | stopping the running cell                                         |
//! | `outcome`      | display bundles and cell errors                                   |

#[cfg(feature = "kernel")]
mod capture;
#[cfg(feature = "kernel")]
pub mod cell;
// Completion needs nothing of the kernel's runtime: built without the feature, the language server uses it.
pub mod complete;
#[cfg(feature = "kernel")]
pub mod connection;
#[cfg(feature = "kernel")]
mod executor;
#[cfg(feature = "kernel")]
pub mod install;
#[cfg(feature = "kernel")]
mod interrupt;
#[cfg(feature = "kernel")]
mod outcome;
#[cfg(feature = "kernel")]
pub mod png;
#[cfg(feature = "kernel")]
mod rust_cell;
#[cfg(feature = "kernel")]
mod server;
#[cfg(feature = "kernel")]
mod study_cell;
#[cfg(feature = "kernel")]
pub mod wire;

#[cfg(feature = "kernel")]
pub use server::serve;

/// `sim2real kernel install | uninstall`.
#[cfg(feature = "kernel")]
#[derive(clap::Subcommand, Debug)]
pub enum KernelCommand {
    /// Install the kernelspec (kernel.json and logos) for this executable.
    Install(LocationArgs),
    /// Remove the kernelspec.
    Uninstall(LocationArgs),
}

/// Where the kernelspec goes (default: the user's Jupyter data directory).
#[cfg(feature = "kernel")]
#[derive(clap::Args, Debug)]
#[group(multiple = false)]
pub struct LocationArgs {
    /// The user's Jupyter data directory (default).
    #[arg(long)]
    pub user: bool,
    /// The active Python environment's prefix (virtualenv, conda, else python3's sys.prefix).
    #[arg(long)]
    pub sys_prefix: bool,
    /// `<DIR>/share/jupyter/kernels` (add DIR/share/jupyter to JUPYTER_PATH if it is not standard).
    #[arg(long, value_name = "DIR")]
    pub prefix: Option<std::path::PathBuf>,
}

#[cfg(feature = "kernel")]
impl LocationArgs {
    fn location(&self) -> install::Location {
        match (&self.prefix, self.sys_prefix) {
            (Some(p), _) => install::Location::Prefix(p.clone()),
            (None, true) => install::Location::SysPrefix,
            _ => install::Location::User,
        }
    }
}

/// Run `sim2real kernel [install|uninstall] [--connection-file F]`; returns the exit code.
#[cfg(feature = "kernel")]
pub fn main(action: Option<KernelCommand>, connection_file: Option<&std::path::Path>) -> i32 {
    match (action, connection_file) {
        (Some(KernelCommand::Install(loc)), _) => match install::install(&loc.location()) {
            Ok(dir) => {
                println!("installed the sim2real kernelspec in {}", dir.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                3
            }
        },
        (Some(KernelCommand::Uninstall(loc)), _) => match install::uninstall(&loc.location()) {
            Ok(dir) => {
                println!("removed {}", dir.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                3
            }
        },
        (None, Some(f)) => serve(f),
        (None, None) => {
            eprintln!("error: give --connection-file FILE (Jupyter does), or `install` / `uninstall`");
            2
        }
    }
}
