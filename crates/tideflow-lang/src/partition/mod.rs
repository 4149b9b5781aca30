//! Partitioning: groups operators into fused subgraphs and orders them into a schedule.
//!
//! A subgraph is a set of operators compiled into one block of straight-line Rust. Items enter it
//! from buffers (on cut edges) or sources and are *pushed* through: an operator with one place
//! that calls it is inlined into that place; an operator called from several places (a `union`,
//! both sides of a `join`) is inlined at each while that duplicates little code, and is otherwise
//! a *junction*, compiled once as a local closure (see [`fusion_plan`]). For the closures to
//! borrow-check, every junction must be called from a single enclosing scope; the partitioner
//! only merges operators while that holds, and cuts (buffers) the other edges.
//!
//! Rules, in order of precedence:
//! 1. delay edges (`defer_tick()` inputs), handoff nodes and `#reference` pairs are always cut;
//! 2. operators merge only within the same strongly connected component of the operator graph
//!    (or both outside any cycle), so blocking operators downstream of a cycle run once, after
//!    the cycle's fixpoint;
//! 3. a subgraph's internal edges are acyclic, and subgraphs are only cyclic among themselves
//!    where the operator graph is;
//! 4. a blocking input on a cycle is an error naming the cycle.
//!
//! The schedule is the topological order of the subgraph graph's components: a single subgraph
//! runs once per tick (when it has work); a cycle of subgraphs becomes a fixpoint loop.

use std::collections::BTreeSet;

use crate::check::CheckedGraph;
use crate::diagnostic::Diagnostic;
use crate::graph::{LoopId, NodeContent, NodeId};
use crate::graph_algorithms::{is_cycle, strongly_connected_components, topological_order};
use crate::ops::OperatorKind;

mod cycles;
mod fusion;
mod schedule;

pub use fusion::{fusion_plan, FusionPlan, Scope};
pub use schedule::ScheduleItem;

use cycles::check_cycles;
use fusion::suspending_operator_is_the_only_root;
use schedule::build_schedule;

/// One fused subgraph.
#[derive(Debug, Clone)]
pub struct Subgraph {
    /// Its operators, in topological order.
    pub nodes: Vec<NodeId>,
    /// The fixpoint component it belongs to, if it is on a cycle.
    pub component: Option<usize>,
    /// How its operators are fused.
    pub fusion: FusionPlan,
}

/// A checked graph cut into subgraphs, with its schedule.
#[derive(Debug, Clone)]
pub struct PartitionedGraph {
    /// The graph.
    pub checked: CheckedGraph,
    /// Subgraphs, numbered in schedule order.
    pub subgraphs: Vec<Subgraph>,
    /// The subgraph of each operator node (`None` for handoff nodes).
    pub node_subgraph: Vec<Option<usize>>,
    /// The tick's steps, in order.
    pub schedule: Vec<ScheduleItem>,
}

impl PartitionedGraph {
    /// Whether edge `edge` is inside one subgraph (fused), rather than through a buffer.
    pub fn is_internal_edge(&self, edge: usize) -> bool {
        let e = &self.checked.graph.edges[edge];
        !self.checked.is_delay_edge(edge)
            && self.node_subgraph[e.src].is_some()
            && self.node_subgraph[e.src] == self.node_subgraph[e.dst]
    }
}

/// Ordering constraints from `#references`: the handoff's producer runs before the referencing
/// operator, which runs before the handoff's consumers. Pairs `(before, after)` of nodes.
fn reference_orderings(checked: &CheckedGraph) -> Vec<(NodeId, NodeId)> {
    let graph = &checked.graph;
    let mut pairs = Vec::new();
    for (node, content) in graph.nodes.iter().enumerate() {
        let NodeContent::Operator(operator) = &content.content else {
            continue;
        };
        for (_, target) in &operator.references {
            let Some(handoff) = *target else { continue };
            pairs.push((handoff, node));
            for edge in graph.out_edges(handoff) {
                pairs.push((node, graph.edges[edge].dst));
            }
        }
    }
    pairs
}

/// Partitions `checked` into subgraphs and schedules them.
pub fn partition_graph(checked: CheckedGraph) -> Result<PartitionedGraph, Vec<Diagnostic>> {
    let graph = &checked.graph;
    let node_count = graph.nodes.len();
    let references = reference_orderings(&checked);

    // Operator-level flow graph (delay edges excluded: they cross ticks).
    let mut flow = vec![Vec::new(); node_count];
    for (index, edge) in graph.edges.iter().enumerate() {
        if !checked.is_delay_edge(index) {
            flow[edge.src].push(edge.dst);
        }
    }
    for &(before, after) in &references {
        flow[before].push(after);
    }
    let components = strongly_connected_components(&flow);
    let mut cycle_of = vec![None; node_count];
    for (id, members) in components.iter().enumerate() {
        if is_cycle(&flow, members) {
            for &member in members {
                cycle_of[member] = Some(id);
            }
        }
    }
    let diagnostics = check_cycles(&checked, &flow, &cycle_of, &references);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    let enemies = enemy_pairs(&checked, &references);
    let mut group: Vec<usize> = (0..node_count).collect();
    let rank = topological_rank(&flow);
    let mut candidates: Vec<usize> = (0..graph.edges.len())
        .filter(|&edge| {
            let e = &graph.edges[edge];
            !checked.is_delay_edge(edge)
                && checked.specs[e.src].is_some()
                && checked.specs[e.dst].is_some_and(|spec| spec.kind != OperatorKind::Suspending)
                && cycle_of[e.src] == cycle_of[e.dst]
                && graph.nodes[e.src].loop_id == graph.nodes[e.dst].loop_id
        })
        .collect();
    // Inside a cycle, edges into operators with several inputs (the cycle's `union`, a `join`)
    // are merged last: when the cycle has to be cut, it is cut there, in front of the operator
    // that combines streams, rather than after an operator that multiplies items (S7 in
    // BENCHMARKS.md: cutting after the `join` buffered every edge it produced, twice).
    let into_merge_in_cycle = |edge: usize| {
        let dst = graph.edges[edge].dst;
        cycle_of[dst].is_some() && graph.in_edges(dst).count() >= 2
    };
    candidates.sort_by_key(|&edge| (into_merge_in_cycle(edge), rank[graph.edges[edge].src], edge));
    for edge in candidates {
        let (src, dst) = (graph.edges[edge].src, graph.edges[edge].dst);
        let (keep, absorb) = (group[src], group[dst]);
        if keep == absorb {
            continue;
        }
        let tentative: Vec<usize> = group
            .iter()
            .map(|&g| if g == absorb { keep } else { g })
            .collect();
        if group_is_valid(&checked, &tentative, keep, &enemies, &cycle_of, &references) {
            group = tentative;
        }
    }
    Ok(build_schedule(checked, &group, &references, &rank))
}

/// Pairs of nodes that may never share a subgraph (`#reference` orderings, through a handoff).
fn enemy_pairs(checked: &CheckedGraph, references: &[(NodeId, NodeId)]) -> Vec<(NodeId, NodeId)> {
    let graph = &checked.graph;
    let mut pairs = Vec::new();
    for &(before, after) in references {
        if checked.specs[before].is_none() {
            // handoff -> referencer: the handoff's producers may not fuse with the referencer
            for edge in graph.in_edges(before) {
                pairs.push((graph.edges[edge].src, after));
            }
        } else {
            pairs.push((before, after));
        }
    }
    pairs
}

/// A rank per node from a topological order of the flow graph with cycles condensed.
fn topological_rank(flow: &[Vec<usize>]) -> Vec<usize> {
    let components = strongly_connected_components(flow);
    let mut rank = vec![0; flow.len()];
    let mut position = 0;
    for members in components.iter().rev() {
        for &member in members {
            rank[member] = position;
            position += 1;
        }
    }
    rank
}

/// Whether the partition `group` is valid around the group `changed`.
fn group_is_valid(
    checked: &CheckedGraph,
    group: &[usize],
    changed: usize,
    enemies: &[(NodeId, NodeId)],
    cycle_of: &[Option<usize>],
    references: &[(NodeId, NodeId)],
) -> bool {
    let graph = &checked.graph;
    let members: Vec<NodeId> = (0..group.len()).filter(|&n| group[n] == changed).collect();
    if enemies
        .iter()
        .any(|&(a, b)| group[a] == changed && group[b] == changed)
    {
        return false;
    }
    if !suspending_operator_is_the_only_root(checked, &members) {
        return false;
    }
    // Internal edges acyclic.
    if topological_order(&internal_adjacency(checked, &members)).is_none() {
        return false;
    }
    if fusion_plan(checked, &members).is_none() {
        return false;
    }
    // Cycles among groups only where the operator graph has them.
    let count = group.len();
    let mut quotient = vec![Vec::new(); count];
    for (index, edge) in graph.edges.iter().enumerate() {
        if !checked.is_delay_edge(index) && group[edge.src] != group[edge.dst] {
            quotient[group[edge.src]].push(group[edge.dst]);
        }
    }
    for &(before, after) in references {
        if group[before] != group[after] {
            quotient[group[before]].push(group[after]);
        }
    }
    for component in strongly_connected_components(&quotient) {
        if component.len() < 2 {
            continue;
        }
        let mut cycles = (0..count)
            .filter(|&n| component.contains(&group[n]))
            .map(|n| cycle_of[n]);
        let first = cycles.next().flatten();
        if first.is_none() || cycles.any(|c| c != first) {
            return false;
        }
    }
    true
}

/// The within-tick edges among `members`, as adjacency lists over their positions.
fn internal_adjacency(checked: &CheckedGraph, members: &[NodeId]) -> Vec<Vec<usize>> {
    let graph = &checked.graph;
    let mut position = vec![None; graph.nodes.len()];
    for (index, &node) in members.iter().enumerate() {
        position[node] = Some(index);
    }
    members
        .iter()
        .map(|&node| {
            graph
                .out_edges(node)
                .filter(|&edge| !checked.is_delay_edge(edge))
                .filter_map(|edge| position[graph.edges[edge].dst])
                .collect()
        })
        .collect()
}
