//! Progress output: an indicatif bar with ETA on a terminal, one plain line per finished
//! ensemble otherwise (CI logs, notebooks), nothing when disabled.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    total: usize,
    done: usize,
    quick: bool,
}

impl Progress {
    pub fn new(total: usize, enabled: bool, quick: bool) -> Progress {
        let tty = enabled && std::io::stderr().is_terminal();
        let bar = tty.then(|| {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template("{prefix}[{elapsed_precise}] {bar:30} {pos}/{len} jobs, ETA {eta}  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            if quick {
                b.set_prefix("QUICK ");
            }
            b
        });
        Progress { bar, plain: enabled && !tty, total, done: 0, quick }
    }

    pub fn already_done(&mut self, n: usize) {
        self.done += n;
        if let Some(b) = &self.bar {
            b.set_position(self.done as u64);
        }
        if n > 0 {
            self.note(&format!("resuming: {n} of {} jobs already in the store", self.total));
        }
    }

    pub fn note(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.println(msg),
            None if self.plain => eprintln!("{msg}"),
            None => {}
        }
    }

    pub fn group_done(&mut self, group: &str, jobs: usize, maes: &[f64], secs: f64) {
        self.done += jobs;
        let finite: Vec<f64> = maes.iter().copied().filter(|v| v.is_finite()).collect();
        let mae = if finite.is_empty() {
            String::new()
        } else {
            format!(", mean test MAE {:.4}", finite.iter().sum::<f64>() / finite.len() as f64)
        };
        let diverged = maes.len() - finite.len();
        let div = if diverged > 0 { format!(", {diverged} diverged") } else { String::new() };
        let line = format!(
            "{}[{:>5}/{}] {group}: {jobs} job(s) in {secs:.1} s{mae}{div}",
            if self.quick { "QUICK " } else { "" },
            self.done,
            self.total
        );
        match &self.bar {
            Some(b) => {
                b.set_position(self.done as u64);
                b.set_message(group.to_string());
            }
            None if self.plain => eprintln!("{line}"),
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
