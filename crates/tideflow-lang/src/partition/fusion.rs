//! Fusion plans: which operators of a subgraph are inlined and which become junction closures,
//! and the rules that keep the closures borrow-checkable.

use std::collections::BTreeMap;

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
    pub scope_of: BTreeMap<NodeId, Scope>,
    /// For every junction, the scope that calls it.
    pub parent_of: BTreeMap<NodeId, Scope>,
}

impl FusionPlan {
    /// The scope `node`'s code lives in.
    pub fn scope(&self, node: NodeId) -> Scope {
        self.scope_of.get(&node).copied().unwrap_or(Scope::Top)
    }

    /// The scope that calls junction `node`.
    pub fn parent(&self, node: NodeId) -> Scope {
        self.parent_of.get(&node).copied().unwrap_or(Scope::Top)
    }
}

/// The operators of one prospective subgraph, with constant-time membership.
struct Members<'a> {
    checked: &'a CheckedGraph,
    nodes: &'a [NodeId],
    is_member: Vec<bool>,
}

impl<'a> Members<'a> {
    fn new(checked: &'a CheckedGraph, nodes: &'a [NodeId]) -> Self {
        let mut is_member = vec![false; checked.graph.nodes.len()];
        for &node in nodes {
            is_member[node] = true;
        }
        Self {
            checked,
            nodes,
            is_member,
        }
    }

    /// Whether `edge` runs inside the subgraph (delay edges never do).
    fn is_internal(&self, edge: usize) -> bool {
        let e = &self.checked.graph.edges[edge];
        !self.checked.is_delay_edge(edge) && self.is_member[e.src] && self.is_member[e.dst]
    }

    /// The edges into `node` from other members.
    fn internal_inputs(&self, node: NodeId) -> Vec<usize> {
        self.checked
            .graph
            .in_edges(node)
            .filter(|&edge| self.is_internal(edge))
            .collect()
    }

    /// How many edges into `node` come from outside the subgraph (buffers, delays, handoffs).
    fn external_input_count(&self, node: NodeId) -> usize {
        self.checked
            .graph
            .in_edges(node)
            .filter(|&edge| !self.is_internal(edge))
            .count()
    }

    /// The members fed by `node` inside the subgraph.
    fn internal_outputs(&self, node: NodeId) -> Vec<NodeId> {
        let graph = &self.checked.graph;
        graph
            .out_edges(node)
            .filter(|&edge| self.is_internal(edge))
            .map(|edge| graph.edges[edge].dst)
            .collect()
    }

    /// The members in a topological order of their internal edges; `None` if those are cyclic.
    fn topological(&self) -> Option<Vec<NodeId>> {
        let order = topological_order(&internal_adjacency(self.checked, self.nodes))?;
        Some(order.into_iter().map(|index| self.nodes[index]).collect())
    }

    /// The scopes whose code calls `node`: its internal producers' scopes, and the top for an
    /// input from outside the subgraph.
    fn callers(&self, plan: &FusionPlan, node: NodeId) -> BTreeSet<Scope> {
        let graph = &self.checked.graph;
        graph
            .in_edges(node)
            .map(|edge| {
                if self.is_internal(edge) {
                    plan.scope(graph.edges[edge].src)
                } else {
                    Scope::Top
                }
            })
            .collect()
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

/// How many extra operator copies duplicating junction candidates may add to one subgraph's
/// code. Below it, an operator called from several places of one scope is inlined at each
/// place instead of becoming a closure: the optimizer then sees its state and its downstream
/// sinks as fields of the tick closure (which it keeps in registers across a loop), rather than
/// as pointers captured by a separate closure function (which it reloads on every item).
const DUPLICATION_BUDGET: usize = 48;

/// Computes how the operators `members` (one subgraph) would be fused; `None` if some junction
/// would be called from two scopes.
///
/// An operator called from two or more places becomes a junction closure unless duplicating its
/// code (and everything inlined below it) at each place stays within a small budget (48 extra
/// operator copies per subgraph, spent in topological order) and all its callers are in one
/// scope.
pub fn fusion_plan(checked: &CheckedGraph, members: &[NodeId]) -> Option<FusionPlan> {
    let graph = &checked.graph;
    let subgraph = Members::new(checked, members);
    let internal_in = |node: NodeId| subgraph.internal_inputs(node);
    let external_in = |node: NodeId| subgraph.external_input_count(node);
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
    // Places in the code that call `node`, before any duplication.
    let call_sites = |node: NodeId| -> usize {
        external_in(node)
            + internal_in(node)
                .iter()
                .map(|&edge| emission_sites(graph.edges[edge].src))
                .sum::<usize>()
    };
    let order = subgraph.topological()?;
    // Code size of each operator inlined at one place, everything below it inlined too.
    let mut inlined_size = vec![0usize; graph.nodes.len()];
    for &node in order.iter().rev() {
        let below = subgraph
            .internal_outputs(node)
            .iter()
            .map(|&child| inlined_size[child])
            .fold(0usize, usize::saturating_add);
        inlined_size[node] = emission_sites(node).saturating_mul(below).saturating_add(1);
    }
    let mut forced = BTreeSet::new();
    loop {
        // How many times each operator's code appears, and which operators are junctions.
        let mut copies = vec![0usize; graph.nodes.len()];
        let mut junctions = BTreeSet::new();
        let mut budget = DUPLICATION_BUDGET;
        for &node in &order {
            let sites = external_in(node).saturating_add(
                internal_in(node)
                    .iter()
                    .map(|&edge| {
                        let src = graph.edges[edge].src;
                        emission_sites(src).saturating_mul(copies[src])
                    })
                    .fold(0usize, usize::saturating_add),
            );
            let extra = sites.saturating_sub(1).saturating_mul(inlined_size[node]);
            // A forced operator is always a junction, so every round forces a new one and the
            // loop ends.
            if forced.contains(&node) || (call_sites(node) >= 2 && extra > budget) {
                junctions.insert(node);
                copies[node] = 1;
            } else {
                budget = budget.saturating_sub(extra);
                copies[node] = sites.max(1);
            }
        }
        let plan = scoped_plan(&subgraph, &order, junctions);
        // An inlined operator whose callers sit in different scopes must be a junction after all.
        let split = order.iter().copied().find(|&node| {
            !plan.junctions.contains(&node) && subgraph.callers(&plan, node).len() > 1
        });
        if let Some(node) = split {
            forced.insert(node);
            continue;
        }
        // Each junction closure is called from one scope, not its own.
        let valid = plan.junctions.iter().all(|&junction| {
            let scopes = subgraph.callers(&plan, junction);
            scopes.len() == 1 && !scopes.contains(&Scope::Junction(junction))
        });
        return valid.then_some(plan);
    }
}

/// The fusion plan with the given junctions: every operator's scope (walking first callers up
/// to a junction or the top, in topological `order`), and every junction's calling scope (the
/// scope of its first caller; [`fusion_plan`] checks that there is only one).
fn scoped_plan(subgraph: &Members, order: &[NodeId], junctions: BTreeSet<NodeId>) -> FusionPlan {
    let graph = &subgraph.checked.graph;
    let mut plan = FusionPlan::default();
    for &node in order {
        let inputs = subgraph.internal_inputs(node);
        let first_caller = match inputs.first() {
            Some(&edge) if subgraph.external_input_count(node) == 0 => {
                plan.scope(graph.edges[edge].src)
            }
            _ => Scope::Top,
        };
        if junctions.contains(&node) {
            plan.scope_of.insert(node, Scope::Junction(node));
            plan.parent_of.insert(node, first_caller);
        } else {
            plan.scope_of.insert(node, first_caller);
        }
    }
    plan.junctions = junctions;
    plan
}
