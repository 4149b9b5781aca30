//! S1–S4: item pipelines, fan-in, fan-out and fork-join over integers.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;

use timely::dataflow::operators::vec::{Filter, Map};
use timely::dataflow::operators::{Concat, Concatenate, Inspect, ToStream};

use super::{absorb, absorb_cell, timely_run, timely_worker};
use crate::{Config, Target, Variant, Workload};

pub const S1_TITLE: &str = "0..1_000_000 through 20 × map(black_box) into a sink";
pub const S2_TITLE: &str = "20 sources of 0..1_000_000 → one union → sink";
pub const S3_TITLE: &str = "0..1_000_000 → tee → 20 sinks";
pub const S4_TITLE: &str =
    "0..100_000, 20 levels of (tee → filter(x%2==0) / filter(x%2==1) → union)";

/// Maps, tees, sources and fork-join levels per workload.
const DEPTH: u64 = 20;

pub fn s1(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(1_000_000, 1_000);
    Ok(Workload {
        id: "S1",
        title: S1_TITLE,
        unit: "item-op",
        units: n * DEPTH,
        target: Some(Target::RatioAtMost(1.10)),
        notes: vec![],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for x in 0..n {
                    let mut x = x;
                    for _ in 0..DEPTH {
                        x = black_box(x);
                    }
                    absorb(&mut sum, x);
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_iter(0..n)
                        -> map(black_box) -> map(black_box) -> map(black_box) -> map(black_box)
                        -> map(black_box) -> map(black_box) -> map(black_box) -> map(black_box)
                        -> map(black_box) -> map(black_box) -> map(black_box) -> map(black_box)
                        -> map(black_box) -> map(black_box) -> map(black_box) -> map(black_box)
                        -> map(black_box) -> map(black_box) -> map(black_box) -> map(black_box)
                        -> for_each(|x| absorb(&mut sum, x));
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let mut stream = (0..n).to_stream(scope).container::<Vec<u64>>();
                    for _ in 0..DEPTH {
                        stream = stream.map(black_box);
                    }
                    stream.inspect(move |x| absorb_cell(&sink, *x));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    })
}

pub fn s2(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(1_000_000, 1_000);
    Ok(Workload {
        id: "S2",
        title: S2_TITLE,
        unit: "item",
        units: n * DEPTH,
        target: Some(Target::RatioAtMost(2.0)),
        notes: vec![],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for _source in 0..DEPTH {
                    for x in 0..n {
                        absorb(&mut sum, x);
                    }
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    all = union() -> for_each(|x| absorb(&mut sum, x));
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                    source_iter(0..n) -> all; source_iter(0..n) -> all;
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let sources: Vec<_> = (0..DEPTH)
                        .map(|_| (0..n).to_stream(scope).container::<Vec<u64>>())
                        .collect();
                    scope
                        .concatenate(sources)
                        .inspect(move |x| absorb_cell(&sink, *x));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    })
}

pub fn s3(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(1_000_000, 1_000);
    Ok(Workload {
        id: "S3",
        title: S3_TITLE,
        unit: "delivery",
        units: n * DEPTH,
        target: Some(Target::RatioAtMost(1.10)),
        notes: vec!["each of the 20 sinks keeps its own checksum; the result is their sum".into()],
        variants: vec![
            Variant::new("raw", move || {
                let mut sums = [0u64; DEPTH as usize];
                for x in 0..n {
                    for sum in &mut sums {
                        absorb(sum, x);
                    }
                }
                sums.iter().fold(0, |a, b| a.wrapping_add(*b))
            }),
            Variant::new("tideflow", move || {
                let [mut s0, mut s1, mut s2, mut s3, mut s4] = [0u64; 5];
                let [mut s5, mut s6, mut s7, mut s8, mut s9] = [0u64; 5];
                let [mut s10, mut s11, mut s12, mut s13, mut s14] = [0u64; 5];
                let [mut s15, mut s16, mut s17, mut s18, mut s19] = [0u64; 5];
                let mut flow = tideflow::flow! {
                    items = source_iter(0..n) -> tee();
                    items -> for_each(|x| absorb(&mut s0, x));
                    items -> for_each(|x| absorb(&mut s1, x));
                    items -> for_each(|x| absorb(&mut s2, x));
                    items -> for_each(|x| absorb(&mut s3, x));
                    items -> for_each(|x| absorb(&mut s4, x));
                    items -> for_each(|x| absorb(&mut s5, x));
                    items -> for_each(|x| absorb(&mut s6, x));
                    items -> for_each(|x| absorb(&mut s7, x));
                    items -> for_each(|x| absorb(&mut s8, x));
                    items -> for_each(|x| absorb(&mut s9, x));
                    items -> for_each(|x| absorb(&mut s10, x));
                    items -> for_each(|x| absorb(&mut s11, x));
                    items -> for_each(|x| absorb(&mut s12, x));
                    items -> for_each(|x| absorb(&mut s13, x));
                    items -> for_each(|x| absorb(&mut s14, x));
                    items -> for_each(|x| absorb(&mut s15, x));
                    items -> for_each(|x| absorb(&mut s16, x));
                    items -> for_each(|x| absorb(&mut s17, x));
                    items -> for_each(|x| absorb(&mut s18, x));
                    items -> for_each(|x| absorb(&mut s19, x));
                };
                flow.run_available_sync();
                drop(flow);
                [
                    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17,
                    s18, s19,
                ]
                .iter()
                .fold(0, |a, b| a.wrapping_add(*b))
            }),
            Variant::new("timely", move || {
                let sums: Rc<Vec<Cell<u64>>> = Rc::new((0..DEPTH).map(|_| Cell::new(0)).collect());
                let mut worker = timely_worker();
                let sinks = sums.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let items = (0..n).to_stream(scope).container::<Vec<u64>>();
                    for i in 0..DEPTH as usize {
                        let sinks = sinks.clone();
                        items.clone().inspect(move |x| absorb_cell(&sinks[i], *x));
                    }
                });
                timely_run(&mut worker);
                sums.iter().fold(0, |a, b| a.wrapping_add(b.get()))
            }),
        ],
    })
}

pub fn s4(config: &Config) -> Result<Workload, String> {
    let n: u64 = config.size(100_000, 1_000);
    Ok(Workload {
        id: "S4",
        title: S4_TITLE,
        unit: "item-level",
        units: n * DEPTH,
        target: Some(Target::RatioAtMost(1.5)),
        notes: vec![
            "the two filters are complementary and visible to the compiler, so code that fuses \
             the levels (raw, Tideflow) folds them away and sinks each item once; what remains \
             is the cost of the plumbing"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut sum = 0;
                for x in 0..n {
                    // At each level both filters test the item; it goes on if one keeps it.
                    let mut kept = true;
                    for _level in 0..DEPTH {
                        kept = kept && (x % 2 == 0 || x % 2 == 1);
                    }
                    if kept {
                        absorb(&mut sum, x);
                    }
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    l0 = source_iter(0..n) -> tee();
                    l0 -> filter(|x| x % 2 == 0) -> l1; l0 -> filter(|x| x % 2 == 1) -> l1;
                    l1 = union() -> tee();
                    l1 -> filter(|x| x % 2 == 0) -> l2; l1 -> filter(|x| x % 2 == 1) -> l2;
                    l2 = union() -> tee();
                    l2 -> filter(|x| x % 2 == 0) -> l3; l2 -> filter(|x| x % 2 == 1) -> l3;
                    l3 = union() -> tee();
                    l3 -> filter(|x| x % 2 == 0) -> l4; l3 -> filter(|x| x % 2 == 1) -> l4;
                    l4 = union() -> tee();
                    l4 -> filter(|x| x % 2 == 0) -> l5; l4 -> filter(|x| x % 2 == 1) -> l5;
                    l5 = union() -> tee();
                    l5 -> filter(|x| x % 2 == 0) -> l6; l5 -> filter(|x| x % 2 == 1) -> l6;
                    l6 = union() -> tee();
                    l6 -> filter(|x| x % 2 == 0) -> l7; l6 -> filter(|x| x % 2 == 1) -> l7;
                    l7 = union() -> tee();
                    l7 -> filter(|x| x % 2 == 0) -> l8; l7 -> filter(|x| x % 2 == 1) -> l8;
                    l8 = union() -> tee();
                    l8 -> filter(|x| x % 2 == 0) -> l9; l8 -> filter(|x| x % 2 == 1) -> l9;
                    l9 = union() -> tee();
                    l9 -> filter(|x| x % 2 == 0) -> l10; l9 -> filter(|x| x % 2 == 1) -> l10;
                    l10 = union() -> tee();
                    l10 -> filter(|x| x % 2 == 0) -> l11; l10 -> filter(|x| x % 2 == 1) -> l11;
                    l11 = union() -> tee();
                    l11 -> filter(|x| x % 2 == 0) -> l12; l11 -> filter(|x| x % 2 == 1) -> l12;
                    l12 = union() -> tee();
                    l12 -> filter(|x| x % 2 == 0) -> l13; l12 -> filter(|x| x % 2 == 1) -> l13;
                    l13 = union() -> tee();
                    l13 -> filter(|x| x % 2 == 0) -> l14; l13 -> filter(|x| x % 2 == 1) -> l14;
                    l14 = union() -> tee();
                    l14 -> filter(|x| x % 2 == 0) -> l15; l14 -> filter(|x| x % 2 == 1) -> l15;
                    l15 = union() -> tee();
                    l15 -> filter(|x| x % 2 == 0) -> l16; l15 -> filter(|x| x % 2 == 1) -> l16;
                    l16 = union() -> tee();
                    l16 -> filter(|x| x % 2 == 0) -> l17; l16 -> filter(|x| x % 2 == 1) -> l17;
                    l17 = union() -> tee();
                    l17 -> filter(|x| x % 2 == 0) -> l18; l17 -> filter(|x| x % 2 == 1) -> l18;
                    l18 = union() -> tee();
                    l18 -> filter(|x| x % 2 == 0) -> l19; l18 -> filter(|x| x % 2 == 1) -> l19;
                    l19 = union() -> tee();
                    l19 -> filter(|x| x % 2 == 0) -> l20; l19 -> filter(|x| x % 2 == 1) -> l20;
                    l20 = union() -> for_each(|x| absorb(&mut sum, x));
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let mut level = (0..n).to_stream(scope).container::<Vec<u64>>();
                    for _ in 0..DEPTH {
                        let evens = level.clone().filter(|x| x % 2 == 0);
                        let odds = level.filter(|x| x % 2 == 1);
                        level = evens.concat(odds);
                    }
                    level.inspect(move |x| absorb_cell(&sink, *x));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    })
}
