//! Fusion plans: which operators of a subgraph are inlined and which become junction closures,
//! and the rules that keep the closures borrow-checkable.

use super::*;

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

/// A subgraph with a suspending operator must have it as its only root (so a suspended run
/// can be repeated without re-running other inputs): every other member is fed only from
/// inside the subgraph.
pub(super) fn suspending_operator_is_the_only_root(
    checked: &CheckedGraph,
    members: &[NodeId],
) -> bool {
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
