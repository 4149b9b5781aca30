//! S7: the nodes reachable from node 0 in a random graph of 100,000 nodes and 400,000 edges.
//!
//! - raw: breadth-first search over an `FxHashMap<u32, Vec<u32>>` adjacency built from the
//!   edge list, with an `FxHashSet<u32>` of reached nodes (the tables Tideflow's `join` and
//!   `unique` keep);
//! - tideflow: the recursive flow of the README, `union -> unique -> tee` with a `join` back
//!   edge, reaching its fixpoint within one tick (the variant fails if it takes more);
//! - timely: the same graph shape, a `feedback` loop through a distinct operator and a
//!   symmetric join operator (FxHash tables), one worker;
//! - differential: `iterate` with `join_map` and `distinct`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

use differential_dataflow::operators::Iterate;
use differential_dataflow::AsCollection;
use rustc_hash::{FxHashMap, FxHashSet};
use timely::dataflow::channels::pact::Pipeline;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::{Concat, ConnectLoop, Feedback, Inspect, ToStream};

use super::{absorb, absorb_cell, timely_run, timely_worker, Lcg};
use crate::{Config, Target, Variant, Workload};

pub const S7_TITLE: &str =
    "reachability from node 0, 100,000 nodes and 400,000 edges (fixed seed); Tideflow in one tick";

type Edge = (u32, u32);

/// `edges` random edges over `nodes` nodes, from a fixed seed.
fn random_graph(nodes: u32, edges: usize) -> Vec<Edge> {
    let mut rng = Lcg::new(7);
    (0..edges)
        .map(|_| (rng.below(nodes), rng.below(nodes)))
        .collect()
}

/// The checksum contribution of one reached node.
#[inline(always)]
fn node_sum(v: u32) -> u64 {
    u64::from(v) + 1
}

pub fn s7(config: &Config) -> Result<Workload, String> {
    let (nodes, edge_count) = config.size((100_000, 400_000), (500, 2_000));
    let edges: &'static [Edge] = Vec::leak(random_graph(nodes, edge_count));
    Ok(Workload {
        id: "S7",
        title: S7_TITLE,
        unit: "edge",
        units: edge_count as u64,
        target: Some(Target::RatioAtMost(1.3)),
        notes: vec![
            "raw: BFS over an FxHashMap<u32, Vec<u32>> adjacency and an FxHashSet visited set \
             (building the adjacency is timed); timely: feedback loop through a distinct and a \
             symmetric join operator; differential: iterate(join_map + distinct)"
                .into(),
        ],
        variants: vec![
            Variant::new("raw", move || {
                let mut adjacency: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
                for &(from, to) in edges {
                    adjacency.entry(from).or_default().push(to);
                }
                let mut sum = 0;
                let mut reached: FxHashSet<u32> = FxHashSet::default();
                let mut queue = VecDeque::from([0u32]);
                reached.insert(0);
                absorb(&mut sum, node_sum(0));
                while let Some(node) = queue.pop_front() {
                    for &next in adjacency.get(&node).map_or(&[][..], Vec::as_slice) {
                        if reached.insert(next) {
                            absorb(&mut sum, node_sum(next));
                            queue.push_back(next);
                        }
                    }
                }
                sum
            }),
            Variant::new("tideflow", move || {
                let mut sum = 0;
                let mut flow = tideflow::flow! {
                    reached = union() -> unique() -> tee();
                    source_iter([0u32]) -> reached;
                    reached -> map(|v| (v, ())) -> [0]step;
                    source_iter(edges.iter().copied()) -> [1]step;
                    step = join() -> map(|(_from, ((), to))| to) -> reached;
                    reached -> for_each(|v| absorb(&mut sum, node_sum(v)));
                };
                let ticks = flow.run_available_sync();
                drop(flow);
                assert_eq!(ticks, 1, "reachability must finish within one tick");
                sum
            }),
            Variant::new("timely", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let edges = edges
                        .iter()
                        .copied()
                        .to_stream(scope)
                        .container::<Vec<Edge>>();
                    let seed = [0u32].to_stream(scope).container::<Vec<u32>>();
                    let (handle, back) = scope.feedback::<Vec<u32>>(1);
                    // reached = union -> unique
                    let reached = seed.concat(back).unary(Pipeline, "Unique", |_, _| {
                        let mut seen: FxHashSet<u32> = FxHashSet::default();
                        move |input, output| {
                            input.for_each_time(|time, data| {
                                let mut session = output.session(&time);
                                for v in data.flat_map(|d| d.drain(..)) {
                                    if seen.insert(v) {
                                        session.give(v);
                                    }
                                }
                            });
                        }
                    });
                    let reached = reached
                        .container::<Vec<u32>>()
                        .inspect(move |&v| absorb_cell(&sink, node_sum(v)));
                    // step = join(reached, edges) -> reached
                    reached
                        .binary(edges, Pipeline, Pipeline, "Join", |_, _| {
                            let mut nodes: FxHashSet<u32> = FxHashSet::default();
                            let mut adjacency: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
                            move |node_input, edge_input, output| {
                                edge_input.for_each_time(|time, data| {
                                    let mut session = output.session(&time);
                                    for (from, to) in data.flat_map(|d| d.drain(..)) {
                                        if nodes.contains(&from) {
                                            session.give(to);
                                        }
                                        adjacency.entry(from).or_default().push(to);
                                    }
                                });
                                node_input.for_each_time(|time, data| {
                                    let mut session = output.session(&time);
                                    for v in data.flat_map(|d| d.drain(..)) {
                                        if let Some(next) = adjacency.get(&v) {
                                            session.give_iterator(next.iter().copied());
                                        }
                                        nodes.insert(v);
                                    }
                                });
                            }
                        })
                        .container::<Vec<u32>>()
                        .connect_loop(handle);
                });
                timely_run(&mut worker);
                sum.get()
            }),
            Variant::new("differential", move || {
                let sum = Rc::new(Cell::new(0));
                let mut worker = timely_worker();
                let sink = sum.clone();
                worker.dataflow::<u64, _, _>(move |scope| {
                    let edges = edges
                        .iter()
                        .map(|&edge| (edge, 0u64, 1isize))
                        .to_stream(scope)
                        .container::<Vec<_>>()
                        .as_collection();
                    let roots = [(0u32, 0u64, 1isize)]
                        .to_stream(scope)
                        .container::<Vec<_>>()
                        .as_collection();
                    roots
                        .clone()
                        .iterate(|inner_scope, reached| {
                            let edges = edges.enter(inner_scope);
                            let roots = roots.enter(inner_scope);
                            reached
                                .map(|v| (v, ()))
                                .join_map(edges, |_from, &(), &to| to)
                                .concat(roots)
                                .distinct()
                        })
                        .consolidate()
                        .inspect(move |&(v, _time, diff)| {
                            let contribution = node_sum(v).wrapping_mul(diff as u64);
                            absorb_cell(&sink, contribution);
                        });
                });
                timely_run(&mut worker);
                sum.get()
            }),
        ],
    })
}
