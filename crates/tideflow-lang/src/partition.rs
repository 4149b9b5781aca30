//! Partitioning: groups operators into fused subgraphs and orders them into a schedule.
//!
//! A subgraph is a set of operators compiled into one block of straight-line Rust. Items enter it
//! from buffers (on cut edges) or sources and are *pushed* through: an operator with one place
//! that calls it is inlined into that place; an operator called from several places (a `union`,
//! both sides of a `join`) is a *junction*, compiled once as a local closure. For the closures to
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

/// The scope whose code calls an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The subgraph's top-level block (buffer drains and sources).
    Top,
    /// The closure of a junction operator.
    Junction(NodeId),
}

/// How the operators of one subgraph are fused.
#[derive(Debug, Clone, Default)]
pub struct FusionPlan {
    /// Operators compiled as junction closures.
    pub junctions: BTreeSet<NodeId>,
    /// For every operator, the scope its code lives in (a junction lives in its own scope).
    pub scope_of: Vec<(NodeId, Scope)>,
    /// For every junction, the scope that calls it.
    pub parent_of: Vec<(NodeId, Scope)>,
}

impl FusionPlan {
    /// The scope `node`'s code lives in.
    pub fn scope(&self, node: NodeId) -> Scope {
        self.scope_of
            .iter()
            .find(|(n, _)| *n == node)
            .map_or(Scope::Top, |(_, scope)| *scope)
    }

    /// The scope that calls junction `node`.
    pub fn parent(&self, node: NodeId) -> Scope {
        self.parent_of
            .iter()
            .find(|(n, _)| *n == node)
            .map_or(Scope::Top, |(_, scope)| *scope)
    }
}

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

/// One step of a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleItem {
    /// Run this subgraph if it has work.
    Subgraph(usize),
    /// Run these subgraphs, in order, until none of them has work.
    Fixpoint(Vec<usize>),
    /// A `loop { }` block: its steps run once (a top-level loop, when items enter it) or, for a
    /// loop nested in another, repeatedly until nothing enters and nothing is deferred.
    Loop {
        /// Which loop.
        id: LoopId,
        /// Whether it is nested in another loop (and so iterates).
        nested: bool,
        /// Its steps.
        body: Vec<ScheduleItem>,
    },
}

impl ScheduleItem {
    /// The subgraphs this step runs, in order (including those of nested loops).
    pub fn subgraphs(&self) -> Vec<usize> {
        match self {
            ScheduleItem::Subgraph(subgraph) => vec![*subgraph],
            ScheduleItem::Fixpoint(subgraphs) => subgraphs.clone(),
            ScheduleItem::Loop { body, .. } => {
                body.iter().flat_map(ScheduleItem::subgraphs).collect()
            }
        }
    }
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
    candidates.sort_by_key(|&edge| (rank[graph.edges[edge].src], edge));
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

/// Reports blocking inputs and `#references` on cycles.
fn check_cycles(
    checked: &CheckedGraph,
    flow: &[Vec<usize>],
    cycle_of: &[Option<usize>],
    references: &[(NodeId, NodeId)],
) -> Vec<Diagnostic> {
    let graph = &checked.graph;
    let mut diagnostics = Vec::new();
    for (index, edge) in graph.edges.iter().enumerate() {
        if checked.is_delay_edge(index) || !checked.is_blocking_edge(index) {
            continue;
        }
        if cycle_of[edge.src].is_some() && cycle_of[edge.src] == cycle_of[edge.dst] {
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[edge.dst].span,
                    format!(
                        "`{}` has a blocking input inside a cycle: {}",
                        graph.node_name(edge.dst),
                        cycle_text(checked, flow, cycle_of, edge.dst, edge.src)
                    ),
                )
                .with_help("a blocking operator needs its whole input for the tick; put a `defer_tick()` on the cycle to feed the result back in the next tick"),
            );
        }
    }
    let mut reported_loop_cycles = BTreeSet::new();
    for (node, cycle) in cycle_of.iter().enumerate() {
        let Some(cycle) = *cycle else { continue };
        let crosses = graph
            .out_edges(node)
            .map(|edge| graph.edges[edge].dst)
            .find(|&next| {
                cycle_of[next] == Some(cycle)
                    && graph.nodes[next].loop_id != graph.nodes[node].loop_id
            });
        if let Some(next) = crosses {
            if reported_loop_cycles.insert(cycle) {
                diagnostics.push(
                    Diagnostic::error(
                        graph.nodes[next].span,
                        format!(
                            "a cycle crosses a `loop {{ }}` boundary: {}",
                            cycle_text(checked, flow, cycle_of, next, node)
                        ),
                    )
                    .with_help("feed a loop's results back with `defer_tick()` inside the loop, or across ticks"),
                );
            }
        }
    }
    for (node, spec) in checked.specs.iter().enumerate() {
        let suspends = spec.is_some_and(|spec| spec.kind == OperatorKind::Suspending);
        if suspends && graph.nodes[node].loop_id.is_some() {
            diagnostics.push(Diagnostic::error(
                graph.nodes[node].span,
                format!(
                    "`{}` waits for asynchronous work within the tick, so it cannot be inside a `loop {{ }}` block",
                    graph.node_name(node)
                ),
            ));
        }
        if suspends && cycle_of[node].is_some() {
            let input = graph
                .in_edges(node)
                .find(|&edge| cycle_of[graph.edges[edge].src] == cycle_of[node]);
            let cycle = input.map_or_else(String::new, |edge| {
                cycle_text(checked, flow, cycle_of, node, graph.edges[edge].src)
            });
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[node].span,
                    format!(
                        "`{}` waits for asynchronous work within the tick, so it cannot sit inside a cycle: {cycle}",
                        graph.node_name(node)
                    ),
                )
                .with_help("use the non-blocking form (e.g. `resolve_futures()`), or put a `defer_tick()` on the cycle"),
            );
        }
    }
    for &(before, after) in references {
        if cycle_of[before].is_some() && cycle_of[before] == cycle_of[after] {
            diagnostics.push(
                Diagnostic::error(
                    graph.nodes[after].span,
                    format!(
                        "a `#reference` is read inside the cycle it depends on: {}",
                        cycle_text(checked, flow, cycle_of, after, before)
                    ),
                )
                .with_help("a referenced value must be complete before it is read; put a `defer_tick()` on the cycle to read last tick's value"),
            );
            break;
        }
    }
    diagnostics
}

/// The cycle through the edge `last -> first`, as `first -> ... -> last -> first`.
fn cycle_text(
    checked: &CheckedGraph,
    flow: &[Vec<usize>],
    cycle_of: &[Option<usize>],
    first: NodeId,
    last: NodeId,
) -> String {
    // Breadth-first search from `first` to `last` inside the cycle's component.
    let mut previous = vec![None; flow.len()];
    let mut queue = std::collections::VecDeque::from([first]);
    let mut seen = vec![false; flow.len()];
    seen[first] = true;
    while let Some(node) = queue.pop_front() {
        if node == last {
            break;
        }
        for &next in &flow[node] {
            if !seen[next] && cycle_of[next] == cycle_of[first] {
                seen[next] = true;
                previous[next] = Some(node);
                queue.push_back(next);
            }
        }
    }
    let mut path = vec![last];
    while let Some(node) = path.last().and_then(|&n| previous[n]) {
        path.push(node);
    }
    path.reverse();
    path.push(first);
    let names: Vec<String> = path
        .iter()
        .map(|&node| format!("`{}`", node_text(checked, node)))
        .collect();
    names.join(" -> ")
}

/// Short text of a node for messages: its source text, with the name it is bound to.
fn node_text(checked: &CheckedGraph, node: NodeId) -> String {
    let text = match checked.graph.operator(node) {
        Some(operator) => operator.source_text.clone(),
        None => format!("{}()", checked.graph.node_name(node)),
    };
    match &checked.graph.nodes[node].varname {
        Some(name) => format!("{name} = {text}"),
        None => text,
    }
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

/// A subgraph with a suspending operator must have it as its only root (so a suspended run
/// can be repeated without re-running other inputs): every other member is fed only from
/// inside the subgraph.
fn suspending_operator_is_the_only_root(checked: &CheckedGraph, members: &[NodeId]) -> bool {
    let graph = &checked.graph;
    let suspending = members
        .iter()
        .filter(|&&node| {
            checked.specs[node].is_some_and(|spec| spec.kind == OperatorKind::Suspending)
        })
        .count();
    if suspending == 0 {
        return true;
    }
    suspending == 1
        && members.iter().all(|&node| {
            let suspends =
                checked.specs[node].is_some_and(|spec| spec.kind == OperatorKind::Suspending);
            let inputs: Vec<usize> = graph.in_edges(node).collect();
            suspends
                || (!inputs.is_empty()
                    && inputs.iter().all(|&edge| {
                        !checked.is_delay_edge(edge) && members.contains(&graph.edges[edge].src)
                    }))
        })
}

/// Computes how the operators `members` (one subgraph) would be fused; `None` if some junction
/// would be called from two scopes.
pub fn fusion_plan(checked: &CheckedGraph, members: &[NodeId]) -> Option<FusionPlan> {
    let graph = &checked.graph;
    let is_member = |node: NodeId| members.contains(&node);
    let internal_in = |node: NodeId| -> Vec<usize> {
        graph
            .in_edges(node)
            .filter(|&edge| !checked.is_delay_edge(edge) && is_member(graph.edges[edge].src))
            .collect()
    };
    let external_in = |node: NodeId| graph.in_edges(node).count() - internal_in(node).len();
    let emission_sites = |node: NodeId| -> usize {
        let Some(spec) = checked.specs[node] else {
            return 0;
        };
        let ports: BTreeSet<usize> = graph
            .in_edges(node)
            .map(|e| checked.push_index(e))
            .collect();
        usize::from(spec.emits.on_push) * ports.len()
            + usize::from(spec.emits.on_start)
            + usize::from(spec.emits.on_flush)
    };
    let call_sites = |node: NodeId| -> usize {
        external_in(node)
            + internal_in(node)
                .iter()
                .map(|&edge| emission_sites(graph.edges[edge].src))
                .sum::<usize>()
    };
    let junctions: BTreeSet<NodeId> = members
        .iter()
        .copied()
        .filter(|&node| call_sites(node) >= 2)
        .collect();
    let mut plan = FusionPlan {
        junctions: junctions.clone(),
        ..FusionPlan::default()
    };
    // Scopes, resolved by walking single-caller chains up to a junction or the top.
    let scope = |mut node: NodeId| -> Scope {
        loop {
            if junctions.contains(&node) {
                return Scope::Junction(node);
            }
            let inputs = internal_in(node);
            if external_in(node) > 0 || inputs.is_empty() {
                return Scope::Top;
            }
            node = graph.edges[inputs[0]].src;
        }
    };
    for &node in members {
        plan.scope_of.push((node, scope(node)));
    }
    for &junction in &junctions {
        let mut callers: BTreeSet<Scope> = internal_in(junction)
            .iter()
            .map(|&edge| scope(graph.edges[edge].src))
            .collect();
        if external_in(junction) > 0 {
            callers.insert(Scope::Top);
        }
        if callers.len() > 1 || callers.contains(&Scope::Junction(junction)) {
            return None;
        }
        plan.parent_of
            .push((junction, callers.into_iter().next().unwrap_or(Scope::Top)));
    }
    Some(plan)
}

/// Builds subgraphs from the final grouping and orders them.
fn build_schedule(
    checked: CheckedGraph,
    group: &[usize],
    references: &[(NodeId, NodeId)],
    rank: &[usize],
) -> PartitionedGraph {
    let graph = &checked.graph;
    let node_count = graph.nodes.len();
    // Groups of operators, ordered by their first node's rank.
    let mut group_ids: Vec<usize> = (0..node_count)
        .filter(|&n| checked.specs[n].is_some())
        .map(|n| group[n])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    group_ids.sort_by_key(|&g| {
        (0..node_count)
            .filter(|&n| group[n] == g)
            .map(|n| rank[n])
            .min()
    });
    let index_of = |g: usize| group_ids.iter().position(|&id| id == g);
    let mut node_group: Vec<Option<usize>> = (0..node_count)
        .map(|n| checked.specs[n].and_then(|_| index_of(group[n])))
        .collect();

    // Subgraph-level graph: cut edges, edges through handoff nodes, reference orderings.
    let sources_of = |node: NodeId, node_group: &[Option<usize>]| -> Vec<usize> {
        match node_group[node] {
            Some(g) => vec![g],
            None => graph
                .in_edges(node)
                .filter_map(|e| node_group[graph.edges[e].src])
                .collect(),
        }
    };
    let count = group_ids.len();
    let mut adjacency = vec![BTreeSet::new(); count];
    for (index, edge) in graph.edges.iter().enumerate() {
        if checked.is_delay_edge(index) {
            continue;
        }
        if let Some(dst) = node_group[edge.dst] {
            for src in sources_of(edge.src, &node_group) {
                if src != dst || node_group[edge.src].is_none() {
                    adjacency[src].insert(dst);
                }
            }
        }
    }
    for &(before, after) in references {
        if let Some(after) = node_group[after] {
            for before in sources_of(before, &node_group) {
                if before != after {
                    adjacency[before].insert(after);
                }
            }
        }
    }
    let adjacency: Vec<Vec<usize>> = adjacency
        .into_iter()
        .map(|s| s.into_iter().collect())
        .collect();
    let group_loop: Vec<Option<LoopId>> = group_ids
        .iter()
        .map(|&g| {
            (0..node_count)
                .find(|&n| group[n] == g && checked.specs[n].is_some())
                .and_then(|n| graph.nodes[n].loop_id)
        })
        .collect();
    let all_groups: Vec<usize> = (0..count).collect();
    let mut fixpoints = 0;
    let mut component_of = vec![None; count];
    let level = Level {
        graph,
        adjacency: &adjacency,
        group_loop: &group_loop,
    };
    let old_schedule = level.schedule(None, &all_groups, &mut |members: &[usize]| {
        for &member in members {
            component_of[member] = Some(fixpoints);
        }
        fixpoints += 1;
    });

    // Renumber subgraphs in schedule order.
    let order: Vec<usize> = old_schedule
        .iter()
        .flat_map(ScheduleItem::subgraphs)
        .collect();
    let renumber = |old: usize| order.iter().position(|&o| o == old).unwrap_or(old);
    for entry in node_group.iter_mut().flatten() {
        *entry = renumber(*entry);
    }
    let schedule = renumber_schedule(&old_schedule, &renumber);
    let subgraphs = order
        .iter()
        .map(|&old| {
            let nodes = ordered_members(&checked, group, group_ids[old]);
            let fusion = fusion_plan(&checked, &nodes).unwrap_or_default();
            Subgraph {
                nodes,
                component: component_of[old],
                fusion,
            }
        })
        .collect();
    PartitionedGraph {
        checked,
        subgraphs,
        node_subgraph: node_group,
        schedule,
    }
}

/// The within-tick edges among `members`, as adjacency lists over their positions.
fn internal_adjacency(checked: &CheckedGraph, members: &[NodeId]) -> Vec<Vec<usize>> {
    let graph = &checked.graph;
    members
        .iter()
        .map(|&node| {
            graph
                .out_edges(node)
                .filter(|&edge| !checked.is_delay_edge(edge))
                .filter_map(|edge| members.iter().position(|&m| m == graph.edges[edge].dst))
                .collect()
        })
        .collect()
}

/// One unit of a schedule level: a subgraph of this level, or a whole nested loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Group(usize),
    Loop(LoopId),
}

/// What scheduling one loop level needs: the subgraph graph and each subgraph's loop.
struct Level<'a> {
    graph: &'a crate::graph::FlatGraph,
    adjacency: &'a [Vec<usize>],
    group_loop: &'a [Option<LoopId>],
}

impl Level<'_> {
    /// The unit `group` belongs to at `level`: itself, or the loop directly inside `level` that
    /// contains it.
    fn unit_of(&self, level: Option<LoopId>, group: usize) -> Unit {
        let mut current = self.group_loop[group];
        while let Some(id) = current {
            let parent = self.graph.loops.get(id).and_then(|block| block.parent);
            if parent == level {
                return Unit::Loop(id);
            }
            current = parent;
        }
        Unit::Group(group)
    }

    /// Orders `groups` (all within `level`'s subtree) into steps at `level`, scheduling nested
    /// loops recursively. `on_fixpoint` is told the members of each fixpoint component.
    fn schedule(
        &self,
        level: Option<LoopId>,
        groups: &[usize],
        on_fixpoint: &mut dyn FnMut(&[usize]),
    ) -> Vec<ScheduleItem> {
        let units: Vec<Unit> = groups
            .iter()
            .map(|&g| self.unit_of(level, g))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index = |unit: Unit| units.iter().position(|&u| u == unit);
        let mut unit_adjacency = vec![BTreeSet::new(); units.len()];
        for &g in groups {
            for &h in &self.adjacency[g] {
                if !groups.contains(&h) {
                    continue;
                }
                let (from, to) = (self.unit_of(level, g), self.unit_of(level, h));
                if let (Some(from_index), Some(to_index)) = (index(from), index(to)) {
                    if from != to || matches!(from, Unit::Group(_)) {
                        unit_adjacency[from_index].insert(to_index);
                    }
                }
            }
        }
        let unit_adjacency: Vec<Vec<usize>> = unit_adjacency
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect();
        let mut components = strongly_connected_components(&unit_adjacency);
        components.reverse();
        let mut items = Vec::new();
        for mut members in components {
            members.sort();
            let member_groups: Vec<usize> = members
                .iter()
                .filter_map(|&m| match units[m] {
                    Unit::Group(g) => Some(g),
                    Unit::Loop(_) => None,
                })
                .collect();
            if is_cycle(&unit_adjacency, &members) && member_groups.len() == members.len() {
                on_fixpoint(&member_groups);
                items.push(ScheduleItem::Fixpoint(member_groups));
                continue;
            }
            // Cycles through loops are rejected before partitioning: one step per unit.
            for &member in &members {
                items.push(match units[member] {
                    Unit::Group(g) => ScheduleItem::Subgraph(g),
                    Unit::Loop(id) => {
                        let inner: Vec<usize> = groups
                            .iter()
                            .copied()
                            .filter(|&g| self.unit_of(level, g) == Unit::Loop(id))
                            .collect();
                        ScheduleItem::Loop {
                            id,
                            nested: level.is_some(),
                            body: self.schedule(Some(id), &inner, on_fixpoint),
                        }
                    }
                });
            }
        }
        items
    }
}

/// The schedule with every subgraph number mapped through `renumber`.
fn renumber_schedule(
    schedule: &[ScheduleItem],
    renumber: &dyn Fn(usize) -> usize,
) -> Vec<ScheduleItem> {
    schedule
        .iter()
        .map(|item| match item {
            ScheduleItem::Subgraph(sg) => ScheduleItem::Subgraph(renumber(*sg)),
            ScheduleItem::Fixpoint(sgs) => {
                ScheduleItem::Fixpoint(sgs.iter().map(|&sg| renumber(sg)).collect())
            }
            ScheduleItem::Loop { id, nested, body } => ScheduleItem::Loop {
                id: *id,
                nested: *nested,
                body: renumber_schedule(body, renumber),
            },
        })
        .collect()
}

/// The operators of group `id` in topological order of their internal edges.
fn ordered_members(checked: &CheckedGraph, group: &[usize], id: usize) -> Vec<NodeId> {
    let members: Vec<NodeId> = (0..group.len())
        .filter(|&n| group[n] == id && checked.specs[n].is_some())
        .collect();
    match topological_order(&internal_adjacency(checked, &members)) {
        Some(order) => order.into_iter().map(|i| members[i]).collect(),
        None => members,
    }
}
