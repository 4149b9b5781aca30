//! The workloads of issue 6 and what every variant shares: the checksum sink, deterministic
//! input generators and a single-threaded timely worker.
//!
//! Conventions, the same in every system:
//! - **The sink** folds each item into a `u64` checksum with [`absorb`]: a wrapping add of the
//!   item passed through [`opaque`], an identity the optimizer cannot see through, so every
//!   system must hand every item to the sink (without it a raw loop over `0..n` folds into a
//!   closed formula). Nothing else in the sink costs anything.
//! - **Hash tables** are `rustc_hash::FxHashMap`/`FxHashSet` everywhere (Tideflow's operators
//!   use them too); differential dataflow uses its own arrangements.
//! - **timely** runs on one worker thread built in place (`Allocator::Thread`), the closest
//!   match to Tideflow's single-threaded transducers; its inputs come from `to_stream`, its sink
//!   is `inspect`.

use std::cell::Cell;

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
            id: "S12a",
            title: net::S12A_TITLE,
            build: net::s12a,
        },
        Entry {
            id: "S12b",
            title: net::S12B_TITLE,
            build: net::s12b,
        },
    ]
}

/// The sink: adds `x`, passed through [`opaque`], to the checksum.
#[inline(always)]
pub fn absorb(sum: &mut u64, x: u64) {
    *sum = sum.wrapping_add(opaque(x));
}

/// An identity function the optimizer cannot see through and that touches no memory.
///
/// It keeps every system honest (the compiler cannot fold a loop over `0..n` into a formula,
/// drop items it proves unused, or merge the calls of several sinks on one item: the
/// instruction counts as a side effect), like `std::hint::black_box`, but without `black_box`'s
/// memory clobber: that clobber makes every variable whose address has escaped, such as a
/// checksum borrowed by a flow's `for_each` closure, be written back to memory around each
/// call, which a raw loop's local checksum never is. With `opaque` a sink costs the same
/// wherever its checksum lives, so the tables measure the systems and not the instrument.
#[inline(always)]
pub fn opaque(mut x: u64) -> u64 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: an empty instruction sequence that only claims to read and write a register.
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) x, options(nomem, nostack, preserves_flags));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        x = std::hint::black_box(x);
    }
    x
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
