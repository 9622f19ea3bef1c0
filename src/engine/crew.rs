//! The threads that train one ensemble, and how a member borrows an idle one.
//!
//! Every thread of the pool takes members from a shared counter and trains them one after
//! another. A thread that finds no member left does not go to sleep: it becomes a *helper* and
//! spins, waiting for a member to offer work ([`Crew::join`]: "run `a` here and, if a helper is
//! free, `b` there"). So a lone member (one pretraining, or the last member of an ensemble)
//! gets the machine's other threads for its wide products, which are tens of microseconds each:
//! too short for a sleeping thread to wake up in time, which is why rayon's own `join` did not
//! help here (measured: pretraining 73 → 75–80 GFLOP/s, against ~130 with spinning helpers).
//!
//! What a member computes never depends on who ran which half (see `mlp.rs`), so this changes
//! the speed only.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A task offered to the helpers: a borrowed closure and its state. It lives on the offering
/// member's stack until the member has seen it finish.
struct Task {
    run: *const (dyn Fn() + Sync),
    state: AtomicU8,
}

// A task is queued or running while its state is 0.
const DONE: u8 = 2;
const PANICKED: u8 = 3;

/// A pointer to an offered task (see [`Crew::join`] for why it stays valid).
#[derive(Clone, Copy)]
struct TaskPtr(*const Task);

// SAFETY: a task is only reached through the queue under its lock, and its owner waits for it
// to finish before it goes away (see `Crew::join`).
unsafe impl Send for TaskPtr {}

/// Members to train, offered tasks and helpers of one training run.
pub struct Crew {
    /// Next member to hand out.
    next: AtomicUsize,
    members: usize,
    /// Members finished (or failed).
    finished: AtomicUsize,
    /// Threads serving as helpers.
    helpers: AtomicUsize,
    queue: Mutex<VecDeque<TaskPtr>>,
    /// Tasks in `queue`: helpers spin on this, not on the lock.
    queued: AtomicUsize,
    /// Threads without a member left become helpers (else they return).
    lend: bool,
    pacing: Mutex<Pacing>,
    /// The pacer has decided against offering for a while: helpers sleep instead of spinning
    /// (on a shared machine a spinning helper takes a core from the member it cannot help).
    resting: AtomicBool,
}

/// How long a resting helper sleeps between looks at the queue.
const REST: Duration = Duration::from_micros(50);

impl Crew {
    /// A crew for `members` members. With `lend`, threads without a member left serve as
    /// helpers until all members are finished; without it they return (for members that never
    /// offer work, which would only make helpers spin).
    pub fn new(members: usize, lend: bool) -> Crew {
        Crew {
            lend,
            next: AtomicUsize::new(0),
            members,
            finished: AtomicUsize::new(0),
            helpers: AtomicUsize::new(0),
            queue: Mutex::new(VecDeque::new()),
            queued: AtomicUsize::new(0),
            pacing: Mutex::new(Pacing::default()),
            resting: AtomicBool::new(false),
        }
    }

    /// The body of one thread: train members (`train(index)`) while any is left, then help the
    /// others until every member is finished. Returns (index, result) for the members this
    /// thread trained.
    pub fn work<R>(&self, train: impl Fn(usize) -> R) -> Vec<(usize, R)> {
        let mut done = Vec::new();
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.members {
                break;
            }
            // Counted as finished even if `train` panics, so helpers never wait forever.
            let _finish = Finish(&self.finished);
            done.push((i, train(i)));
        }
        if self.lend {
            self.help();
        }
        done
    }

    /// Serve offered tasks until every member is finished.
    fn help(&self) {
        self.helpers.fetch_add(1, Ordering::AcqRel);
        while self.finished.load(Ordering::Acquire) < self.members {
            if self.queued.load(Ordering::Acquire) == 0 {
                if self.resting.load(Ordering::Relaxed) {
                    std::thread::sleep(REST);
                } else {
                    std::hint::spin_loop();
                }
                continue;
            }
            if let Some(TaskPtr(ptr)) = self.pop() {
                // SAFETY: popped under the lock, so the owner has not taken it back and is
                // waiting for DONE/PANICKED; the task and its closure outlive that wait.
                let task = unsafe { &*ptr };
                // SAFETY: `task.run` points at the owner's closure, which lives until the owner
                // sees the state stored below.
                let outcome = catch_unwind(AssertUnwindSafe(|| unsafe { (*task.run)() }));
                // The last touch of the task: after this store the owner may free it.
                task.state.store(if outcome.is_ok() { DONE } else { PANICKED }, Ordering::Release);
            }
        }
        self.helpers.fetch_sub(1, Ordering::AcqRel);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<TaskPtr>> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, task: TaskPtr) {
        let mut queue = self.lock();
        queue.push_back(task);
        self.queued.store(queue.len(), Ordering::Release);
    }

    fn pop(&self) -> Option<TaskPtr> {
        let mut queue = self.lock();
        let task = queue.pop_front();
        self.queued.store(queue.len(), Ordering::Release);
        task
    }

    /// Removes `task` from the queue; false when it is not there (a helper took it).
    fn remove(&self, task: &Task) -> bool {
        let mut queue = self.lock();
        let Some(at) = queue.iter().position(|p| std::ptr::eq(p.0, task)) else {
            return false;
        };
        queue.remove(at);
        self.queued.store(queue.len(), Ordering::Release);
        true
    }

    /// Run `a` on this thread and `b` on a helper if one is serving, else `b` here after `a`.
    /// Returns when both have run.
    pub fn join(&self, a: impl FnOnce(), b: impl FnOnce() + Send) {
        if self.helpers.load(Ordering::Acquire) == 0 || !self.offer() {
            a();
            b();
            return;
        }
        let b = Mutex::new(Some(b));
        let run = || {
            let f = b.lock().ok().and_then(|mut g| g.take());
            if let Some(f) = f {
                f();
            }
        };
        let run_ref: &(dyn Fn() + Sync) = &run;
        // SAFETY: (lifetime erasure) the task is removed from the queue or finished before this
        // function returns or unwinds past `guard` (below), so no helper reaches `run` later.
        let run_ptr: *const (dyn Fn() + Sync + 'static) =
            unsafe { std::mem::transmute(run_ref as *const (dyn Fn() + Sync)) };
        let task = Task { run: run_ptr, state: AtomicU8::new(0) };
        let ptr = TaskPtr(&task);
        self.push(ptr);
        let guard = Reclaim { crew: self, task: &task };
        a();
        if !guard.reclaim() {
            run();
        }
    }

    /// Asks the pacer whether to offer this join's second half, and tells the helpers whether
    /// to rest.
    fn offer(&self) -> bool {
        let mut pacing = self.pacing();
        let offer = pacing.offer(Instant::now());
        self.resting.store(pacing.resting(), Ordering::Relaxed);
        offer
    }

    fn pacing(&self) -> std::sync::MutexGuard<'_, Pacing> {
        self.pacing.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Decides whether members offer work at all, by measuring. Helping is not always faster: on
/// this kind of virtual machine the two threads may sit on cores that share no cache, or one of
/// them may be preempted, and then a member waiting for its helper's half (and fetching the
/// data the helper wrote) runs slower than alone (measured: 33–62 GFLOP/s helped in such runs,
/// against ~73 alone and 100–117 helped in good runs). So the crew alternates short phases with
/// and without offering, times them (the wall time of [`PHASE`] consecutive joins, including
/// everything the member does between them), and then keeps the faster way for [`EXPLOIT`]
/// joins before measuring again; while it keeps "without", the helpers sleep between looks at
/// the queue instead of spinning, so that they do not take a core from the member (or the
/// machine's other work). Timing decides only who computes a half, never what is computed.
struct Pacing {
    /// Offer work in the current phase.
    offering: bool,
    /// Joins left in the current phase, and when it started.
    left: u32,
    started: Option<Instant>,
    /// Measured wall time of the last phase with and without offering.
    with: Option<Duration>,
    without: Option<Duration>,
}

/// Joins per measuring phase.
const PHASE: u32 = 96;
/// Joins run the faster way before measuring again.
const EXPLOIT: u32 = 3072;

impl Default for Pacing {
    fn default() -> Self {
        Pacing { offering: true, left: PHASE, started: None, with: None, without: None }
    }
}

impl Pacing {
    /// Whether to offer the second half of a join starting at `now`; advances the phases.
    fn offer(&mut self, now: Instant) -> bool {
        let started = *self.started.get_or_insert(now);
        if self.left == 0 {
            let elapsed = now - started;
            match (self.with, self.without) {
                // Measuring: record this phase, then measure the other way or decide.
                _ if self.measuring() => {
                    if self.offering {
                        self.with = Some(elapsed);
                    } else {
                        self.without = Some(elapsed);
                    }
                    match (self.with, self.without) {
                        (Some(w), Some(wo)) => {
                            self.offering = w <= wo;
                            self.left = EXPLOIT;
                        }
                        _ => {
                            self.offering = !self.offering;
                            self.left = PHASE;
                        }
                    }
                }
                // Done exploiting: measure again, starting with the way not in use.
                _ => {
                    self.with = None;
                    self.without = None;
                    self.offering = !self.offering;
                    self.left = PHASE;
                }
            }
            self.started = Some(now);
        }
        self.left -= 1;
        self.offering
    }

    /// In a measuring phase (not exploiting a decision).
    fn measuring(&self) -> bool {
        self.with.is_none() || self.without.is_none()
    }

    /// Decided against offering until the next measurement.
    fn resting(&self) -> bool {
        !self.offering && !self.measuring()
    }
}

/// Takes an offered task back from the queue, or waits for the helper that took it; also on
/// unwinding, so a helper never runs a task whose owner is gone.
struct Reclaim<'a> {
    crew: &'a Crew,
    task: &'a Task,
}

impl Reclaim<'_> {
    /// True when a helper ran the task (it has finished), false when it was still queued (it
    /// is removed and the caller runs it). Resumes a helper's panic.
    fn reclaim(self) -> bool {
        let helped = self.take_back();
        std::mem::forget(self);
        helped
    }

    fn take_back(&self) -> bool {
        if self.crew.remove(self.task) {
            return false;
        }
        loop {
            match self.task.state.load(Ordering::Acquire) {
                DONE => return true,
                PANICKED => resume_unwind(Box::new("a helper thread panicked in a training task")),
                _ => std::hint::spin_loop(),
            }
        }
    }
}

impl Drop for Reclaim<'_> {
    fn drop(&mut self) {
        // Unwinding out of `a`: make sure no helper still holds the task. A helper's panic is
        // not resumed here (one panic is already in flight).
        if self.crew.remove(self.task) {
            return;
        }
        while self.task.state.load(Ordering::Acquire) < DONE {
            std::hint::spin_loop();
        }
    }
}

/// Counts a member as finished when dropped.
struct Finish<'a>(&'a AtomicUsize);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_is_trained_once_and_its_joins_complete() {
        let crew = Crew::new(3, true);
        let results = std::thread::scope(|s| {
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        crew.work(|i| {
                            let mut sum = 0u64;
                            for step in 0..2000u64 {
                                let (mut x, y) = (0u64, Mutex::new(0u64));
                                crew.join(|| x = step, || *y.lock().unwrap() = step * 2);
                                sum += x + *y.lock().unwrap();
                            }
                            (i, sum)
                        })
                    })
                })
                .collect();
            let mut all: Vec<(usize, (usize, u64))> = workers.into_iter().flat_map(|w| w.join().unwrap()).collect();
            all.sort_by_key(|r| r.0);
            all
        });
        // Each member exactly once (by index), and both halves of every join ran before it returned,
        // wherever they ran; the next test checks that a lone member's halves do move.
        assert_eq!(results.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0, 1, 2]);
        for (i, (member, sum)) in results {
            assert_eq!(i, member);
            assert_eq!(sum, (0..2000u64).map(|s| 3 * s).sum::<u64>());
        }
    }

    #[test]
    fn a_lone_member_gets_help_from_the_idle_threads() {
        let crew = Crew::new(1, true);
        let helped = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    crew.work(|_| {
                        // Wait for the other thread to become a helper (it may start late).
                        while crew.helpers.load(Ordering::Acquire) == 0 {
                            std::hint::spin_loop();
                        }
                        let me = std::thread::current().id();
                        // The first join offers (measuring starts with offering); its first half
                        // waits until the helper has taken the second.
                        crew.join(
                            || {
                                let deadline = Instant::now() + Duration::from_secs(10);
                                while crew.queued.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
                                    std::hint::spin_loop();
                                }
                            },
                            || {
                                if std::thread::current().id() != me {
                                    helped.fetch_add(1, Ordering::Relaxed);
                                }
                            },
                        );
                    })
                });
            }
        });
        assert!(helped.load(Ordering::Relaxed) > 0, "no half ever ran on the idle thread");
    }

    /// Drives `Pacing` with a fake clock: each join takes `with` or `without` depending on the
    /// decision; returns the decisions.
    fn paced(joins: u32, with: Duration, without: Duration) -> Vec<bool> {
        let mut p = Pacing::default();
        let mut now = Instant::now();
        (0..joins)
            .map(|_| {
                let offered = p.offer(now);
                now += if offered { with } else { without };
                offered
            })
            .collect()
    }

    #[test]
    fn pacing_keeps_the_faster_way_and_measures_again() {
        let (fast, slow) = (Duration::from_micros(10), Duration::from_micros(17));
        // Helping slower: after one phase each way, EXPLOIT joins without offering.
        let d = paced(2 * PHASE + EXPLOIT, slow, fast);
        assert!(d[..PHASE as usize].iter().all(|&o| o) && d[PHASE as usize..2 * PHASE as usize].iter().all(|&o| !o));
        assert!(d[2 * PHASE as usize..].iter().all(|&o| !o));
        // Helping faster: offering wins, and after EXPLOIT joins both ways are measured again.
        let d = paced(4 * PHASE + EXPLOIT, fast, slow);
        let exploit = &d[2 * PHASE as usize..(2 * PHASE + EXPLOIT) as usize];
        assert!(exploit.iter().all(|&o| o));
        let again = &d[(2 * PHASE + EXPLOIT) as usize..];
        assert!(again.iter().any(|&o| !o) && again.iter().any(|&o| o));
    }

    #[test]
    fn helpers_rest_only_while_the_pacer_declines() {
        let (fast, slow) = (Duration::from_micros(10), Duration::from_micros(17));
        let mut p = Pacing::default();
        let mut now = Instant::now();
        let mut rested = Vec::new();
        for _ in 0..(2 * PHASE + EXPLOIT + 2 * PHASE) {
            let offered = p.offer(now);
            rested.push(p.resting());
            now += if offered { slow } else { fast };
        }
        // Measuring: never resting; exploiting "without": resting throughout; measuring again: not.
        assert!(rested[..2 * PHASE as usize - 1].iter().all(|&r| !r));
        assert!(rested[2 * PHASE as usize..(2 * PHASE + EXPLOIT) as usize].iter().all(|&r| r));
        assert!(rested[(2 * PHASE + EXPLOIT) as usize..].iter().all(|&r| !r));
    }

    #[test]
    fn a_panicking_member_does_not_leave_helpers_spinning() {
        let crew = Crew::new(2, true);
        let outcome = std::thread::scope(|s| {
            let a = s.spawn(|| crew.work(|i| if i == 0 { panic!("member 0 fails") } else { i }));
            let b = s.spawn(|| crew.work(|i| if i == 0 { panic!("member 0 fails") } else { i }));
            (a.join().is_err() as usize) + (b.join().is_err() as usize)
        });
        assert_eq!(outcome, 1);
    }
}
