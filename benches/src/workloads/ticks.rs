//! S8–S10: the per-tick and per-graph costs of the runtime.
//!
//! Tideflow's per-tick input comes from `tideflow::util::iter_batches_stream(items, n)`, the
//! utility made for this: a stream that yields `n` items, then wakes the flow and returns
//! `Pending`, so `run_available_sync()` runs one tick per batch. `tideflow-chan` feeds S8 through
//! an `unbounded_channel` instead (send one item, `run_tick_sync()`), which adds a tokio channel
//! send and receive and a waker round trip to every tick. timely advances its input's epoch
//! and steps the worker until a probe has seen the epoch. The raw loops do the same item work
//! with no runtime at all, so their ratios only show the absolute per-tick cost in units of
//! "one item through map → filter".

use std::cell::Cell;
use std::collections::VecDeque;
use std::hint::black_box;
use std::rc::Rc;

use tideflow::util::{iter_batches_stream, unbounded_channel};
use timely::dataflow::operators::core::input::Input;
use timely::dataflow::operators::vec::{Filter, Map};
use timely::dataflow::operators::{Inspect, Probe, ToStream};
use timely::dataflow::{InputHandle, ProbeHandle};

use super::{absorb, absorb_cell, timely_run, timely_worker};
use crate::{Config, Target, Variant, Workload};

pub const S8_TITLE: &str = "200,000 ticks of one item each through map → filter → sink";
pub const S9A_TITLE: &str = "2,000 ticks of 1,000 items through map → filter → sink";
pub const S9B_TITLE: &str = "200,000 empty ticks (the S8 flow with no input)";
pub const S10_TITLE: &str = "build, run and drop a 22-operator graph carrying one item, × 1,000";

/// The map of S8/S9.
#[inline(always)]
fn step(x: u64) -> u64 {
    x.wrapping_mul(3)
}

/// The filter of S8/S9: keeps half of the items.
#[inline(always)]
fn keep(x: &u64) -> bool {
    x % 2 == 0
}

/// timely: `ticks` epochs of `per_tick` items (`0..ticks * per_tick` in order) through map →
/// filter → inspect, stepping the worker until each epoch is complete. Returns the checksum
/// plus the number of epochs completed.
fn timely_epochs(ticks: u64, per_tick: u64) -> u64 {
    let sum = Rc::new(Cell::new(0));
    let mut worker = timely_worker();
    let mut input = InputHandle::new();
    let probe = ProbeHandle::new();
    let sink = sum.clone();
    worker.dataflow::<u64, _, _>(|scope| {
        scope
            .input_from(&mut input)
            .container::<Vec<u64>>()
            .map(step)
            .filter(keep)
            .inspect(move |&x| absorb_cell(&sink, x))
            .probe_with(&probe);
    });
    let mut item = 0;
    let mut epochs = 0;
    for tick in 0..ticks {
        for _ in 0..per_tick {
            input.send(item);
            item += 1;
        }
        input.advance_to(tick + 1);
        while probe.less_than(input.time()) {
            worker.step();
        }
        epochs += 1;
    }
    drop(input);
    timely_run(&mut worker);
    sum.get().wrapping_add(epochs)
}

pub fn s8(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(200_000, 1_000);
    Ok(Workload {
        id: "S8",
        title: S8_TITLE,
        unit: "tick",
        units: n,
        target: Some(Target::NsPerUnitAtMost(30.0)),
        notes: vec![
            "tideflow: source_stream(iter_batches_stream(0..n, 1)) and one run_available_sync(); \
             tideflow-chan: an unbounded_channel send and a run_tick_sync() per item"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for i in 0..n {
                    let x = step(black_box(i));
                    if keep(&x) {
                        absorb(&mut sum, x);
                    }
                }
                sum.wrapping_add(n)
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_stream(iter_batches_stream(0..n, 1))
                        -> map(step)
                        -> filter(keep)
                        -> for_each(|x| absorb(&mut sum, x));
                };
                let ticks = flow.run_available_sync();
                drop(flow);
                assert!(
                    ticks >= n,
                    "expected one tick per item, ran {ticks} ticks for {n} items"
                );
                sum.wrapping_add(n)
            }),
            Variant::new("tideflow-chan", move || {
                let mut sum = 0;
                let (input, items) = unbounded_channel::<u64>();
                let mut flow = tideflow::flow! {
                    source_stream(items)
                        -> map(step)
                        -> filter(keep)
                        -> for_each(|x| absorb(&mut sum, x));
                };
                for i in 0..n {
                    input.send(i).unwrap();
                    flow.run_tick_sync();
                }
                let ticks = flow.current_tick();
                drop(flow);
                assert_eq!(ticks, n, "one tick per item");
                sum.wrapping_add(ticks)
            }),
            Variant::new("timely", move || timely_epochs(n, 1)),
        ],
    })
}

pub fn s9a(config: &Config) -> Result<Workload, String> {
    let (ticks, per_tick): (u64, u64) = config.size((2_000, 1_000), (20, 50));
    let n = ticks * per_tick;
    Ok(Workload {
        id: "S9a",
        title: S9A_TITLE,
        unit: "item",
        units: n,
        target: None,
        notes: vec![],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                let mut item = 0;
                for _tick in 0..ticks {
                    for _ in 0..per_tick {
                        let x = step(black_box(item));
                        if keep(&x) {
                            absorb(&mut sum, x);
                        }
                        item += 1;
                    }
                }
                sum.wrapping_add(ticks)
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_stream(iter_batches_stream(0..n, per_tick as usize))
                        -> map(step)
                        -> filter(keep)
                        -> for_each(|x| absorb(&mut sum, x));
                };
                let ran = flow.run_available_sync();
                drop(flow);
                assert!(ran >= ticks, "expected {ticks} ticks, ran {ran}");
                sum.wrapping_add(ticks)
            }),
            Variant::new("timely", move || timely_epochs(ticks, per_tick)),
        ],
    })
}

pub fn s9b(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(200_000, 1_000);
    Ok(Workload {
        id: "S9b",
        title: S9B_TITLE,
        unit: "tick",
        units: n,
        target: Some(Target::NsPerUnitAtMost(10.0)),
        notes: vec![
            "tideflow: run_tick_sync() on a flow whose source_stream (a channel) stays empty; \
             raw: a loop that drains an empty queue each tick"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut queue: VecDeque<u64> = VecDeque::new();
                let mut sum = 0;
                let mut ticks = 0;
                for _ in 0..n {
                    while let Some(item) = black_box(&mut queue).pop_front() {
                        let x = step(item);
                        if keep(&x) {
                            absorb(&mut sum, x);
                        }
                    }
                    ticks += 1;
                }
                sum.wrapping_add(ticks)
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let (_input, items) = unbounded_channel::<u64>();
                let mut flow = tideflow::flow! {
                    source_stream(items)
                        -> map(step)
                        -> filter(keep)
                        -> for_each(|x| absorb(&mut sum, x));
                };
                for _ in 0..n {
                    flow.run_tick_sync();
                }
                let ticks = flow.current_tick();
                drop(flow);
                sum.wrapping_add(ticks)
            }),
            Variant::new("timely", move || timely_epochs(n, 0)),
        ],
    })
}

pub fn s10(config: &Config) -> Result<Workload, String> {
    let graphs: u64 = config.size(1_000, 20);
    Ok(Workload {
        id: "S10",
        title: S10_TITLE,
        unit: "graph",
        units: graphs,
        target: Some(Target::NsPerUnitAtMost(1_000.0)),
        notes: vec![
            "the graph: source_iter([i]) → 20 × map(x + 1) → for_each sink (22 operators); \
             timely builds each graph as a new dataflow in one worker"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for i in 0..graphs {
                    let mut x = black_box(i);
                    for _ in 0..20 {
                        x = black_box(x + 1);
                    }
                    absorb(&mut sum, x);
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                for i in 0..graphs {
                    let mut flow = tideflow::flow! {
                        source_iter([i])
                            -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1)
                            -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1)
                            -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1)
                            -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1)
                            -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1) -> map(|x| x + 1)
                            -> for_each(|x| absorb(&mut sum, x));
                    };
                    flow.run_available_sync();
                }
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                for i in 0..graphs {
                    let sink = sum.clone();
                    worker.dataflow::<u64, _, _>(move |scope| {
                        let mut stream = [i].to_stream(scope).container::<Vec<u64>>();
                        for _ in 0..20 {
                            stream = stream.map(|x| x + 1);
                        }
                        stream.inspect(move |&x| absorb_cell(&sink, x));
                    });
                    timely_run(&mut worker);
                }
                sum.get()
            }),
        ],
    })
}
