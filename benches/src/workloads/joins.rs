//! S6: equi-joins of `(key, value)` pairs. a) 200,000 × 200,000 with keys 1:1; b) 20,000 ×
//! 20,000 with Zipf-distributed keys over 2,000 keys (the hot keys multiply: millions of
//! output tuples).
//!
//! Every hash table is an `FxHashMap<u64, Vec<u64>>`: the raw join builds one from the left
//! side and probes it with the right; Tideflow's `join()` and timely's hand-written operator are
//! symmetric hash joins, which keep one such table per side. Values are distinct, so `join()`'s
//! set semantics drop nothing.

use std::cell::Cell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::{Inspect, ToStream};

use super::{absorb, absorb_cell, timely_run, timely_worker, Lcg};
use crate::{Config, Target, Variant, Workload};

pub const S6A_TITLE: &str = "equi-join 200,000 × 200,000 (k, v) pairs, keys 1:1";
pub const S6B_TITLE: &str =
    "equi-join 20,000 × 20,000 (k, v) pairs, Zipf-skewed keys over 2,000 keys";

type Pair = (u64, u64);

/// The checksum of one output tuple.
#[inline(always)]
fn triple(k: u64, a: u64, b: u64) -> u64 {
    k ^ a.rotate_left(21) ^ b.rotate_left(42)
}

/// Both sides of S6a: every key `0..n` once per side, each side in its own random order.
fn one_to_one(n: u64) -> (Vec<Pair>, Vec<Pair>) {
    let mut rng = Lcg::new(61);
    let mut left: Vec<Pair> = (0..n).map(|k| (k, k + 1)).collect();
    let mut right: Vec<Pair> = (0..n).map(|k| (k, (k + 1) << 32)).collect();
    rng.shuffle(&mut left);
    rng.shuffle(&mut right);
    (left, right)
}

/// Both sides of S6b: `n` pairs per side, keys drawn from a Zipf(1) distribution over `keys`
/// keys, values distinct.
fn zipf(n: u64, keys: usize) -> (Vec<Pair>, Vec<Pair>) {
    let mut cumulative = Vec::with_capacity(keys);
    let mut total = 0.0;
    for rank in 1..=keys {
        total += 1.0 / rank as f64;
        cumulative.push(total);
    }
    let mut rng = Lcg::new(62);
    let mut draw = move || {
        let u = rng.unit() * total;
        cumulative.partition_point(|&c| c < u).min(keys - 1) as u64
    };
    let left = (0..n).map(|i| (draw(), i + 1)).collect();
    let right = (0..n).map(|i| (draw(), (i + 1) << 32)).collect();
    (left, right)
}

fn join_workload(
    id: &'static str,
    title: &'static str,
    (left, right): (Vec<Pair>, Vec<Pair>),
) -> Workload {
    let units = (left.len() + right.len()) as u64;
    let left: &'static [Pair] = Vec::leak(left);
    let right: &'static [Pair] = Vec::leak(right);
    Workload {
        id,
        title,
        unit: "input tuple",
        units,
        target: Some(Target::RatioAtMost(1.10)),
        notes: vec![
            "raw: build an `FxHashMap<u64, Vec<u64>>` from the left side, probe it with the \
             right; tideflow: `join()` (symmetric, set semantics); tideflow-half: \
             `join_multiset_half()` (build/probe, like raw); timely: a symmetric hash-join \
             operator with the same tables"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut table: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
                for &(k, a) in left {
                    table.entry(k).or_default().push(a);
                }
                let mut sum = 0;
                for &(k, b) in right {
                    if let Some(values) = table.get(&k) {
                        for &a in values {
                            absorb(&mut sum, triple(k, a, b));
                        }
                    }
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_iter(left.iter().copied()) -> [0]pairs;
                    source_iter(right.iter().copied()) -> [1]pairs;
                    pairs = join() -> for_each(|(k, (a, b))| absorb(&mut sum, triple(k, a, b)));
                };
                flow.run_available_sync();
                drop(flow);
                sum
            }),
            Variant::new("tideflow-half", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    source_iter(left.iter().copied()) -> [build]pairs;
                    source_iter(right.iter().copied()) -> [probe]pairs;
                    pairs = join_multiset_half()
                        -> for_each(|(k, (b, a))| absorb(&mut sum, triple(k, a, b)));
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
                    let lefts = left
                        .iter()
                        .copied()
                        .to_stream(scope)
                        .container::<Vec<Pair>>();
                    let rights = right
                        .iter()
                        .copied()
                        .to_stream(scope)
                        .container::<Vec<Pair>>();
                    lefts
                        .binary(rights, Pipeline, Pipeline, "HashJoin", |_, _| {
                            let mut left_table: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
                            let mut right_table: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
                            move |left_input, right_input, output| {
                                left_input.for_each_time(|time, data| {
                                    let mut session = output.session(&time);
                                    for (k, a) in data.flat_map(|d| d.drain(..)) {
                                        if let Some(values) = right_table.get(&k) {
                                            for &b in values {
                                                session.give((k, a, b));
                                            }
                                        }
                                        left_table.entry(k).or_default().push(a);
                                    }
                                });
                                right_input.for_each_time(|time, data| {
                                    let mut session = output.session(&time);
                                    for (k, b) in data.flat_map(|d| d.drain(..)) {
                                        if let Some(values) = left_table.get(&k) {
                                            for &a in values {
                                                session.give((k, a, b));
                                            }
                                        }
                                        right_table.entry(k).or_default().push(b);
                                    }
                                });
                            }
                        })
                        .container::<Vec<(u64, u64, u64)>>()
                        .inspect(move |&(k, a, b)| absorb_cell(&sink, triple(k, a, b)));
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    }
}

pub fn s6a(config: &Config) -> Result<Workload, String> {
    let n = config.size(200_000, 1_000);
    Ok(join_workload("S6a", S6A_TITLE, one_to_one(n)))
}

pub fn s6b(config: &Config) -> Result<Workload, String> {
    let (n, keys) = config.size((20_000, 2_000), (500, 50));
    Ok(join_workload("S6b", S6B_TITLE, zipf(n, keys)))
}
