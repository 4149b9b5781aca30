//! Recursion within a tick: cycles through `union -> join -> unique` reach their fixpoint in one
//! tick, checked against brute-force closures; blocking operators after a cycle see all of it.

use std::collections::BTreeSet;

use tideflow::util::{collect_ready, unbounded_channel};

type Edge = (u32, u32);

// ----- brute-force references -----

/// All pairs `(a, c)` with a path of length >= 1 from `a` to `c`.
fn brute_closure(edges: &[Edge]) -> BTreeSet<Edge> {
    let mut closure: BTreeSet<Edge> = edges.iter().copied().collect();
    loop {
        let mut next = closure.clone();
        for &(a, b) in &closure {
            for &(c, d) in edges {
                if b == c {
                    next.insert((a, d));
                }
            }
        }
        if next.len() == closure.len() {
            return closure;
        }
        closure = next;
    }
}

/// Nodes reachable from `start` (including `start`) by breadth-first search.
fn brute_reachable(edges: &[Edge], start: u32) -> BTreeSet<u32> {
    let mut reached = BTreeSet::from([start]);
    let mut frontier = vec![start];
    while let Some(node) = frontier.pop() {
        for &(a, b) in edges {
            if a == node && reached.insert(b) {
                frontier.push(b);
            }
        }
    }
    reached
}

/// Pairs joined by a path of odd length and of even length (>= 2).
fn brute_odd_even(edges: &[Edge]) -> (BTreeSet<Edge>, BTreeSet<Edge>) {
    let mut odd: BTreeSet<Edge> = edges.iter().copied().collect();
    let mut even: BTreeSet<Edge> = BTreeSet::new();
    loop {
        let (before_odd, before_even) = (odd.len(), even.len());
        let extend = |paths: &BTreeSet<Edge>| -> Vec<Edge> {
            paths
                .iter()
                .flat_map(|&(a, b)| {
                    edges
                        .iter()
                        .filter(move |&&(c, _)| c == b)
                        .map(move |&(_, d)| (a, d))
                })
                .collect()
        };
        let new_even = extend(&odd);
        let new_odd = extend(&even);
        even.extend(new_even);
        odd.extend(new_odd);
        if odd.len() == before_odd && even.len() == before_even {
            return (odd, even);
        }
    }
}

/// A deterministic pseudo-random graph: `edge_count` edges over `nodes` nodes from a 64-bit
/// linear congruential generator (Knuth's MMIX constants) seeded with `seed`.
fn lcg_graph(seed: u64, nodes: u32, edge_count: usize) -> Vec<Edge> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        u32::try_from(state >> 33).unwrap()
    };
    (0..edge_count)
        .map(|_| (next() % nodes, next() % nodes))
        .collect()
}

fn chain(len: u32) -> Vec<Edge> {
    (0..len - 1).map(|i| (i, i + 1)).collect()
}

// ----- transitive closure -----

/// Runs the transitive-closure flow on `edges` with `run_available_sync` and returns its output
/// (unsorted) and the number of ticks it ran.
fn closure_flow(edges: Vec<Edge>) -> (Vec<Edge>, u64) {
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_iter(edges) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    let ticks = flow.run_available_sync();
    (collect_ready(out_recv), ticks)
}

fn assert_closure_in_one_tick(edges: Vec<Edge>) {
    let expected: Vec<Edge> = brute_closure(&edges).into_iter().collect();
    let (mut got, ticks) = closure_flow(edges);
    assert_eq!(ticks, 1, "a pure in-tick fixpoint runs exactly one tick");
    got.sort();
    assert_eq!(got, expected, "every path exactly once");
}

#[test]
fn transitive_closure_of_a_cycle_finishes_in_one_tick() {
    assert_closure_in_one_tick(vec![(0, 1), (1, 2), (2, 0), (2, 3)]);
}

#[test]
fn transitive_closure_of_a_self_loop_and_disjoint_components() {
    assert_closure_in_one_tick(vec![(0, 0), (0, 1), (5, 6), (6, 7), (7, 5), (9, 10)]);
}

#[test]
fn transitive_closure_of_a_chain_of_50_nodes_finishes_in_one_tick() {
    let edges = chain(50);
    assert_eq!(brute_closure(&edges).len(), 50 * 49 / 2);
    assert_closure_in_one_tick(edges);
}

#[test]
fn transitive_closure_of_a_reversed_chain_of_50_nodes_finishes_in_one_tick() {
    let edges: Vec<Edge> = chain(50).into_iter().rev().collect();
    assert_closure_in_one_tick(edges);
}

#[test]
fn transitive_closure_of_random_graphs_matches_brute_force() {
    for (seed, nodes, edge_count) in [(1, 30, 45), (7, 40, 40), (42, 12, 60), (2024, 60, 80)] {
        assert_closure_in_one_tick(lcg_graph(seed, nodes, edge_count));
    }
}

#[test]
fn transitive_closure_of_no_edges_is_empty() {
    let (got, ticks) = closure_flow(Vec::new());
    assert_eq!(ticks, 1);
    assert_eq!(got, Vec::<Edge>::new());
}

#[test]
fn nonlinear_transitive_closure_joining_the_recursive_relation_with_itself() {
    for edges in [
        vec![(0, 1), (1, 2), (2, 0), (2, 3)],
        chain(40),
        lcg_graph(17, 25, 40),
    ] {
        let expected: Vec<Edge> = brute_closure(&edges).into_iter().collect();
        let (out_send, out_recv) = unbounded_channel();
        let graph = edges.clone();
        let mut flow = tideflow::flow! {
            paths = union() -> unique() -> tee();
            source_iter(graph) -> paths;
            paths -> map(|(a, b)| (b, a)) -> [0]compose;
            paths -> [1]compose;
            compose = join() -> map(|(_mid, (a, c))| (a, c)) -> paths;
            paths -> for_each(|path| out_send.send(path).unwrap());
        };
        assert_eq!(flow.run_available_sync(), 1);
        let mut got: Vec<Edge> = collect_ready(out_recv);
        got.sort();
        assert_eq!(got, expected, "{edges:?}");
    }
}

// ----- reachability -----

#[test]
fn reachability_from_a_source_node_matches_breadth_first_search() {
    let edges = lcg_graph(99, 40, 50);
    for start in [0, 3, 17] {
        let (out_send, out_recv) = unbounded_channel();
        let graph = edges.clone();
        let mut flow = tideflow::flow! {
            reached = union() -> unique() -> tee();
            source_iter([start]) -> reached;
            reached -> map(|node| (node, ())) -> [0]step;
            source_iter(graph) -> [1]step;
            step = join() -> map(|(_from, ((), to))| to) -> reached;
            reached -> for_each(|node| out_send.send(node).unwrap());
        };
        assert_eq!(flow.run_available_sync(), 1);
        let mut got: Vec<u32> = collect_ready(out_recv);
        got.sort();
        let expected: Vec<u32> = brute_reachable(&edges, start).into_iter().collect();
        assert_eq!(got, expected, "reachable from {start}");
    }
}

#[test]
fn reachability_with_negation_of_a_relation_computed_before_the_cycle() {
    // Reachability that never enters a blocked node. `blocked` is complete before the cycle
    // runs, so the anti-join's blocking `[neg]` input is not on the cycle.
    let edges = vec![(0, 1), (1, 2), (2, 3), (0, 4), (4, 5), (5, 3), (3, 6)];
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_iter([0]) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join() -> map(|(_from, ((), to))| (to, ())) -> [pos]allowed;
        source_iter([1, 5]) -> [neg]allowed;
        allowed = anti_join() -> map(|(to, ())| to) -> reached;
        reached -> for_each(|node| out_send.send(node).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut got: Vec<u32> = collect_ready(out_recv);
    got.sort();
    assert_eq!(got, vec![0, 4]);
}

// ----- mutual recursion -----

#[test]
fn mutually_recursive_odd_and_even_paths_reach_their_joint_fixpoint() {
    for edges in [
        vec![(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)],
        chain(12),
        lcg_graph(5, 15, 25),
    ] {
        let (expected_odd, expected_even) = brute_odd_even(&edges);
        let (odd_send, odd_recv) = unbounded_channel();
        let (even_send, even_recv) = unbounded_channel();
        let graph = edges.clone();
        let mut flow = tideflow::flow! {
            edges = source_iter(graph) -> tee();
            odd = union() -> unique() -> tee();
            even = unique() -> tee();
            edges -> odd;
            even -> map(|(a, b)| (b, a)) -> [0]odd_step;
            edges -> [1]odd_step;
            odd_step = join() -> map(|(_mid, (a, c))| (a, c)) -> odd;
            odd -> map(|(a, b)| (b, a)) -> [0]even_step;
            edges -> [1]even_step;
            even_step = join() -> map(|(_mid, (a, c))| (a, c)) -> even;
            odd -> for_each(|path| odd_send.send(path).unwrap());
            even -> for_each(|path| even_send.send(path).unwrap());
        };
        assert_eq!(flow.run_available_sync(), 1);
        let mut odd: Vec<Edge> = collect_ready(odd_recv);
        let mut even: Vec<Edge> = collect_ready(even_recv);
        odd.sort();
        even.sort();
        assert_eq!(
            odd,
            expected_odd.into_iter().collect::<Vec<_>>(),
            "{edges:?}"
        );
        assert_eq!(
            even,
            expected_even.into_iter().collect::<Vec<_>>(),
            "{edges:?}"
        );
    }
}

/// Same generation over `(child, parent)` pairs: siblings (including a node with itself), and
/// `(x, y)` whose parents are of the same generation.
fn brute_same_generation(parent: &[Edge]) -> BTreeSet<Edge> {
    let mut sg: BTreeSet<Edge> = BTreeSet::new();
    for &(x, p) in parent {
        for &(y, q) in parent {
            if p == q {
                sg.insert((x, y));
            }
        }
    }
    loop {
        let mut next = sg.clone();
        for &(x, a) in parent {
            for &(y, b) in parent {
                if sg.contains(&(a, b)) {
                    next.insert((x, y));
                }
            }
        }
        if next.len() == sg.len() {
            return sg;
        }
        sg = next;
    }
}

#[test]
fn same_generation_with_two_joins_on_one_cycle() {
    // A tree with uneven depth plus a second parent for node 9 and a cycle 12 -> 13 -> 12.
    let parents: Vec<Edge> = vec![
        (1, 0),
        (2, 0),
        (3, 1),
        (4, 1),
        (5, 2),
        (6, 5),
        (7, 3),
        (8, 4),
        (9, 6),
        (9, 8),
        (10, 7),
        (12, 13),
        (13, 12),
        (14, 13),
    ];
    let expected: Vec<Edge> = brute_same_generation(&parents).into_iter().collect();
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        parent = source_iter(parents) -> tee();
        sg = union() -> unique() -> tee();
        parent -> map(|(c, p)| (p, c)) -> [0]siblings;
        parent -> map(|(c, p)| (p, c)) -> [1]siblings;
        siblings = join() -> map(|(_p, (x, y))| (x, y)) -> sg;
        parent -> map(|(x, a)| (a, x)) -> [0]up;
        sg -> [1]up;
        up = join() -> map(|(_a, (x, b))| (b, x)) -> [0]down;
        parent -> map(|(y, b)| (b, y)) -> [1]down;
        down = join() -> map(|(_b, (x, y))| (x, y)) -> sg;
        sg -> for_each(|pair| out_send.send(pair).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut got: Vec<Edge> = collect_ready(out_recv);
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn a_cycle_negating_the_result_of_an_earlier_cycle_sees_its_complete_fixpoint() {
    // `poisoned`: nodes reachable from 0 over `bad` edges (a chain, so it takes many rounds).
    // `safe`: nodes reachable from 100 over `good` edges without entering a poisoned node.
    let bad: Vec<Edge> = chain(30);
    let good: Vec<Edge> = vec![
        (100, 29),
        (29, 101),
        (100, 102),
        (102, 15),
        (102, 103),
        (103, 104),
    ];
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        poisoned = union() -> unique() -> tee();
        source_iter([0]) -> poisoned;
        poisoned -> map(|node| (node, ())) -> [0]spread;
        source_iter(bad) -> [1]spread;
        spread = join() -> map(|(_from, ((), to))| to) -> poisoned;

        safe = union() -> unique() -> tee();
        source_iter([100]) -> safe;
        safe -> map(|node| (node, ())) -> [0]walk;
        source_iter(good) -> [1]walk;
        walk = join() -> map(|(_from, ((), to))| (to, ())) -> [pos]avoid;
        poisoned -> [neg]avoid;
        avoid = anti_join() -> map(|(node, ())| node) -> safe;
        safe -> for_each(|node| out_send.send(node).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut got: Vec<u32> = collect_ready(out_recv);
    got.sort();
    assert_eq!(got, vec![100, 102, 103, 104]);
}

// ----- blocking operators downstream of a cycle -----

#[test]
fn fold_downstream_of_a_cycle_counts_the_complete_fixpoint_once_per_tick() {
    let edges = lcg_graph(11, 30, 45);
    let expected = brute_reachable(&edges, 0).len();
    let (count_send, mut count_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_iter([0]) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join() -> map(|(_from, ((), to))| to) -> reached;
        reached
            -> fold(|| 0usize, |n: &mut usize, _| *n += 1)
            -> for_each(|n| count_send.send(n).unwrap());
    };
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(&mut count_recv), vec![expected]);
    // No new input: the 'tick fold still emits, once, its initial value.
    flow.run_tick_sync();
    assert_eq!(collect_ready::<Vec<_>, _>(&mut count_recv), vec![0]);
}

#[test]
fn sort_downstream_of_a_cycle_emits_the_whole_fixpoint_in_order() {
    let edges = vec![(5, 3), (3, 9), (9, 1), (1, 5), (9, 7), (7, 2)];
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_iter([5]) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join() -> map(|(_from, ((), to))| to) -> reached;
        reached -> sort() -> for_each(|node| out_send.send(node).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(
        collect_ready::<Vec<u32>, _>(out_recv),
        vec![1, 2, 3, 5, 7, 9]
    );
}

#[test]
fn reachable_count_per_tick_with_start_nodes_arriving_over_ticks() {
    // The edges arrive in tick 0 only and are kept by the join's 'static side; the reached set
    // is 'tick, so each tick counts the nodes reachable from that tick's start nodes.
    let edges = vec![(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (6, 6)];
    let (start_send, start_recv) = unbounded_channel::<u32>();
    let (count_send, mut count_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_stream(start_recv) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join::<'tick, 'static>() -> map(|(_from, ((), to))| to) -> reached;
        reached
            -> fold(|| 0usize, |n: &mut usize, _| *n += 1)
            -> for_each(|n| count_send.send(n).unwrap());
    };
    let mut counts = Vec::new();
    for starts in [vec![0], vec![3], vec![], vec![4, 6], vec![1, 3]] {
        for start in starts {
            start_send.send(start).unwrap();
        }
        flow.run_tick_sync();
        counts.push(collect_ready::<Vec<usize>, _>(&mut count_recv));
    }
    assert_eq!(counts, vec![vec![3], vec![3], vec![0], vec![3], vec![6]]);
}

#[test]
fn static_fold_downstream_of_a_cycle_accumulates_complete_fixpoints_across_ticks() {
    let edges = vec![(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 0)];
    let (start_send, start_recv) = unbounded_channel::<u32>();
    let (count_send, mut count_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        reached = union() -> unique::<'static>() -> tee();
        source_stream(start_recv) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join::<'tick, 'static>() -> map(|(_from, ((), to))| to) -> reached;
        reached
            -> fold::<'static>(|| 0usize, |n: &mut usize, _| *n += 1)
            -> for_each(|n| count_send.send(n).unwrap());
    };
    let mut counts = Vec::new();
    for starts in [vec![1], vec![], vec![4], vec![2, 5], vec![9]] {
        for start in starts {
            start_send.send(start).unwrap();
        }
        flow.run_tick_sync();
        counts.push(collect_ready::<Vec<usize>, _>(&mut count_recv));
    }
    assert_eq!(
        counts,
        vec![vec![3], vec![3], vec![5], vec![5], vec![6]],
        "nodes ever reached: {{0, 1, 2}}, then 4 adds {{4, 5}}, then 9 adds itself"
    );
}

// ----- cycles fed over several ticks -----

/// Sends `edges`, runs one tick, returns the sorted output.
fn feed_tick(
    flow: &mut tideflow::Flow<'_>,
    send: &tokio::sync::mpsc::UnboundedSender<Edge>,
    out: &mut tokio_stream::wrappers::UnboundedReceiverStream<Edge>,
    edges: &[Edge],
) -> Vec<Edge> {
    for &edge in edges {
        send.send(edge).unwrap();
    }
    flow.run_tick_sync();
    let mut got: Vec<Edge> = collect_ready(&mut *out);
    got.sort();
    got
}

#[test]
fn closure_with_static_join_and_static_unique_emits_exactly_the_new_paths_each_tick() {
    let (edge_send, edge_recv) = unbounded_channel::<Edge>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_stream(edge_recv) -> tee();
        paths = union() -> unique::<'static>() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join::<'static>() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    let batches: [&[Edge]; 5] = [&[(1, 2), (2, 3)], &[(3, 4)], &[(0, 1)], &[], &[(4, 1)]];
    let mut seen_edges = Vec::new();
    let mut all_paths = BTreeSet::new();
    for (tick, batch) in batches.iter().enumerate() {
        let got = feed_tick(&mut flow, &edge_send, &mut out_recv, batch);
        seen_edges.extend_from_slice(batch);
        let closure = brute_closure(&seen_edges);
        let expected: Vec<Edge> = closure.difference(&all_paths).copied().collect();
        assert_eq!(
            got, expected,
            "tick {tick}: exactly the paths new this tick"
        );
        all_paths = closure;
    }
    assert_eq!(
        all_paths.len(),
        20,
        "1..=4 form a cycle and 0 reaches all of them"
    );
}

#[test]
fn nonlinear_closure_with_static_state_emits_exactly_the_new_paths_each_tick() {
    let (edge_send, edge_recv) = unbounded_channel::<Edge>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        paths = union() -> unique::<'static>() -> tee();
        source_stream(edge_recv) -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]compose;
        paths -> [1]compose;
        compose = join::<'static>() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    let random = lcg_graph(23, 20, 30);
    let batches: Vec<&[Edge]> = vec![&random[..10], &[], &random[10..20], &random[20..]];
    let mut seen_edges = Vec::new();
    let mut all_paths = BTreeSet::new();
    for (tick, batch) in batches.into_iter().enumerate() {
        let got = feed_tick(&mut flow, &edge_send, &mut out_recv, batch);
        seen_edges.extend_from_slice(batch);
        let closure = brute_closure(&seen_edges);
        let expected: Vec<Edge> = closure.difference(&all_paths).copied().collect();
        assert_eq!(
            got, expected,
            "tick {tick}: exactly the paths new this tick"
        );
        all_paths = closure;
    }
}

#[test]
fn closure_with_static_join_and_tick_unique_re_emits_the_replayed_join_result() {
    // Each tick emits this tick's edges plus the whole join result: every path of length >= 2
    // over all edges so far (the 'static join replays the old matches, and new edges extend
    // the paths kept on its 'static left side). Old edges are not re-emitted.
    let (edge_send, edge_recv) = unbounded_channel::<Edge>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_stream(edge_recv) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join::<'static>() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(1, 2), (2, 3)]),
        vec![(1, 2), (1, 3), (2, 3)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(3, 4)]),
        vec![(1, 3), (1, 4), (2, 4), (3, 4)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(0, 1)]),
        vec![(0, 1), (0, 2), (0, 3), (0, 4), (1, 3), (1, 4), (2, 4)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[]),
        vec![(0, 2), (0, 3), (0, 4), (1, 3), (1, 4), (2, 4)]
    );
}

#[test]
fn closure_with_tick_paths_and_static_edges_only_extends_this_ticks_edges() {
    // Paths are 'tick and edges 'static: a tick derives the paths that start with one of its
    // own edges, continued along all edges ever seen. An edge prepended to an old chain extends
    // it; an edge appended to one only yields itself.
    let (edge_send, edge_recv) = unbounded_channel::<Edge>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_stream(edge_recv) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join::<'tick, 'static>() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(1, 2), (2, 3)]),
        vec![(1, 2), (1, 3), (2, 3)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(3, 4)]),
        vec![(3, 4)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(0, 1)]),
        vec![(0, 1), (0, 2), (0, 3), (0, 4)]
    );
    assert_eq!(feed_tick(&mut flow, &edge_send, &mut out_recv, &[]), vec![]);
}

// ----- isolation and scheduling -----

#[test]
fn an_independent_subgraph_in_the_same_flow_runs_once_per_tick() {
    let (path_send, path_recv) = unbounded_channel();
    let (side_send, side_recv) = unbounded_channel();
    let (sum_send, sum_recv) = unbounded_channel();
    let edges = chain(20);
    let expected = brute_closure(&edges);
    let mut flow = tideflow::flow! {
        edges = source_iter(edges) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| path_send.send(path).unwrap());

        side = source_iter(0..5) -> map(|x| x * 10) -> tee();
        side -> for_each(|x| side_send.send(x).unwrap());
        side -> fold(|| 0, |acc: &mut u32, x| *acc += x) -> for_each(|x| sum_send.send(x).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut paths: Vec<Edge> = collect_ready(path_recv);
    paths.sort();
    assert_eq!(paths, expected.into_iter().collect::<Vec<_>>());
    assert_eq!(
        collect_ready::<Vec<u32>, _>(side_recv),
        vec![0, 10, 20, 30, 40]
    );
    assert_eq!(collect_ready::<Vec<u32>, _>(sum_recv), vec![100]);
}

#[test]
fn two_independent_cycles_in_one_flow_both_reach_their_fixpoints() {
    let first = vec![(0, 1), (1, 2), (2, 0)];
    let second = lcg_graph(3, 20, 30);
    let (first_send, first_recv) = unbounded_channel();
    let (second_send, second_recv) = unbounded_channel();
    let (expected_first, expected_second) = (brute_closure(&first), brute_closure(&second));
    let mut flow = tideflow::flow! {
        e1 = source_iter(first) -> tee();
        p1 = union() -> unique() -> tee();
        e1 -> p1;
        p1 -> map(|(a, b)| (b, a)) -> [0]j1;
        e1 -> [1]j1;
        j1 = join() -> map(|(_mid, (a, c))| (a, c)) -> p1;
        p1 -> for_each(|path| first_send.send(path).unwrap());

        e2 = source_iter(second) -> tee();
        p2 = union() -> unique() -> tee();
        e2 -> p2;
        p2 -> map(|(a, b)| (b, a)) -> [0]j2;
        e2 -> [1]j2;
        j2 = join() -> map(|(_mid, (a, c))| (a, c)) -> p2;
        p2 -> for_each(|path| second_send.send(path).unwrap());
    };
    assert_eq!(flow.run_available_sync(), 1);
    let mut got_first: Vec<Edge> = collect_ready(first_recv);
    let mut got_second: Vec<Edge> = collect_ready(second_recv);
    got_first.sort();
    got_second.sort();
    assert_eq!(got_first, expected_first.into_iter().collect::<Vec<_>>());
    assert_eq!(got_second, expected_second.into_iter().collect::<Vec<_>>());
}

#[test]
fn run_available_sync_runs_exactly_one_tick_for_an_in_tick_fixpoint() {
    let (out_send, out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_iter(chain(30)) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    assert_eq!(flow.current_tick(), 0);
    assert_eq!(flow.run_available_sync(), 1);
    assert_eq!(flow.current_tick(), 1);
    assert_eq!(collect_ready::<Vec<Edge>, _>(out_recv).len(), 30 * 29 / 2);
}

#[test]
fn recursion_state_does_not_leak_into_the_next_tick_with_tick_persistence() {
    // Everything is 'tick: a second batch of edges gets its own closure, unaffected by the
    // first batch.
    let (edge_send, edge_recv) = unbounded_channel::<Edge>();
    let (out_send, mut out_recv) = unbounded_channel();
    let mut flow = tideflow::flow! {
        edges = source_stream(edge_recv) -> tee();
        paths = union() -> unique() -> tee();
        edges -> paths;
        paths -> map(|(a, b)| (b, a)) -> [0]step;
        edges -> [1]step;
        step = join() -> map(|(_mid, (a, c))| (a, c)) -> paths;
        paths -> for_each(|path| out_send.send(path).unwrap());
    };
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(1, 2), (2, 3)]),
        vec![(1, 2), (1, 3), (2, 3)]
    );
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(3, 4), (4, 5)]),
        vec![(3, 4), (3, 5), (4, 5)]
    );
    assert_eq!(feed_tick(&mut flow, &edge_send, &mut out_recv, &[]), vec![]);
    assert_eq!(
        feed_tick(&mut flow, &edge_send, &mut out_recv, &[(1, 2), (2, 1)]),
        vec![(1, 1), (1, 2), (2, 1), (2, 2)]
    );
}
