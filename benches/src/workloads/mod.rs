//! The workloads of issue 6 and what every variant shares: the checksum sink, deterministic
//! input generators and a single-threaded timely worker.
//!
//! Conventions, the same in every system:
//! - **The sink** folds each item into a `u64` checksum with [`absorb`]: a wrapping add of the
//!   item passed through `black_box`. The `black_box` makes every system hand every item to the
//!   sink (without it a raw loop over `0..n` folds into a closed formula); nothing else in the
//!   sink costs anything.
//! - **Hash tables** are `rustc_hash::FxHashMap`/`FxHashSet` everywhere (Tideflow's operators
//!   use them too); differential dataflow uses its own arrangements.
//! - **timely** runs on one worker thread built in place (`Allocator::Thread`), the closest
//!   match to Tideflow's single-threaded transducers; its inputs come from `to_stream`, its sink
//!   is `inspect`.

use std::cell::Cell;
use std::hint::black_box;

use timely::communication::allocator::thread::Thread;
use timely::communication::Allocator;
use timely::worker::Worker;
use timely::WorkerConfig;

use crate::{Config, Workload};

mod codec;
mod joins;
mod net;
mod pipelines;
mod reach;
mod strings;
mod ticks;

/// A workload the harness knows about; `build` makes its inputs and variants (or says why it
/// cannot run).
pub struct Entry {
    pub id: &'static str,
    pub title: &'static str,
    pub build: fn(&Config) -> Result<Workload, String>,
}

/// Every workload, in the order.
pub fn all() -> Vec<Entry> {
    vec![
        Entry {
            id: "S1",
            title: pipelines::S1_TITLE,
            build: pipelines::s1,
        },
        Entry {
            id: "S2",
            title: pipelines::S2_TITLE,
            build: pipelines::s2,
        },
        Entry {
            id: "S3",
            title: pipelines::S3_TITLE,
            build: pipelines::s3,
        },
        Entry {
            id: "S4",
            title: pipelines::S4_TITLE,
            build: pipelines::s4,
        },
        Entry {
            id: "S5a",
            title: strings::S5A_TITLE,
            build: strings::s5a,
        },
        Entry {
            id: "S5b",
            title: strings::S5B_TITLE,
            build: strings::s5b,
        },
        Entry {
            id: "S6a",
            title: joins::S6A_TITLE,
            build: joins::s6a,
        },
        Entry {
            id: "S6b",
            title: joins::S6B_TITLE,
            build: joins::s6b,
        },
        Entry {
            id: "S7",
            title: reach::S7_TITLE,
            build: reach::s7,
        },
        Entry {
            id: "S8",
            title: ticks::S8_TITLE,
            build: ticks::s8,
        },
        Entry {
            id: "S9a",
            title: ticks::S9A_TITLE,
            build: ticks::s9a,
        },
        Entry {
            id: "S9b",
            title: ticks::S9B_TITLE,
            build: ticks::s9b,
        },
        Entry {
            id: "S10",
            title: ticks::S10_TITLE,
            build: ticks::s10,
        },
        Entry {
            id: "S11a",
            title: codec::S11A_TITLE,
            build: codec::s11a,
        },
        Entry {
            id: "S11b",
            title: codec::S11B_TITLE,
            build: codec::s11b,
        },
        Entry {
            id: "S12",
            title: net::S12_TITLE,
            build: net::s12,
        },
    ]
}

/// The sink: adds `x`, passed through `black_box`, to the checksum.
#[inline(always)]
pub fn absorb(sum: &mut u64, x: u64) {
    *sum = sum.wrapping_add(black_box(x));
}

/// Makes a checksum's address visible to `black_box`, so that every later `black_box` may read
/// or write it and the compiler keeps it in memory instead of a register: what a flow's sink
/// closure, which borrows its checksum, gets anyway. For the `raw-mem` variants.
pub fn escape<T>(value: &mut T) -> &mut T {
    black_box(value)
}

/// [`absorb`] for timely's `'static` sinks, which share their checksum through an `Rc<Cell>`.
#[inline(always)]
pub fn absorb_cell(sum: &Cell<u64>, x: u64) {
    let mut value = sum.get();
    absorb(&mut value, x);
    sum.set(value);
}

/// A 64-bit mix (the splitmix64 finalizer): spreads a tuple's fields over the checksum so that
/// swapped or dropped fields change it.
#[inline(always)]
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A deterministic generator: Knuth's MMIX linear congruential generator, upper bits.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 31 random bits.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 33)
            ^ (u64::from(self.next_u32()) << 2)
            ^ u64::from(self.next_u32())
    }

    /// Uniform in `0..n` (`n` small against 2^31).
    pub fn below(&mut self, n: u32) -> u32 {
        self.next_u32() % n
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        f64::from(self.next_u32()) / f64::from(1u32 << 31)
    }

    /// Shuffles `items` (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// A single-threaded timely worker, built in place (no threads spawned).
pub fn timely_worker() -> Worker {
    Worker::new(
        WorkerConfig::default(),
        Allocator::Thread(Thread::default()),
        None,
    )
}

/// Steps `worker` until all its dataflows have completed.
pub fn timely_run(worker: &mut Worker) {
    while worker.has_dataflows() {
        worker.step();
    }
}
