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
    let internal_in = |node: NodeId| internal_inputs(checked, members, node);
    let external_in = |node: NodeId| external_input_count(checked, members, node);
    let internal_out = |node: NodeId| -> Vec<NodeId> {
        graph
            .out_edges(node)
            .filter(|&edge| {
                !checked.is_delay_edge(edge) && members.contains(&graph.edges[edge].dst)
            })
            .map(|edge| graph.edges[edge].dst)
            .collect()
    };
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
    let order = topological_members(checked, members)?;
    // Code size of each operator inlined at one place, everything below it inlined too.
    let mut inlined_size = vec![0usize; graph.nodes.len()];
    for &node in order.iter().rev() {
        let below = internal_out(node)
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
        let plan = scoped_plan(checked, members, junctions);
        // An inlined operator whose callers sit in different scopes must be a junction after all.
        let split = order.iter().copied().find(|&node| {
            !plan.junctions.contains(&node) && callers(checked, members, &plan, node).len() > 1
        });
        if let Some(node) = split {
            forced.insert(node);
            continue;
        }
        // Each junction closure is called from one scope, not its own.
        let valid = plan.junctions.iter().all(|&junction| {
            let scopes = callers(checked, members, &plan, junction);
            scopes.len() == 1 && !scopes.contains(&Scope::Junction(junction))
        });
        return valid.then_some(plan);
    }
}

/// `members` in a topological order of their internal edges; `None` if those are cyclic.
fn topological_members(checked: &CheckedGraph, members: &[NodeId]) -> Option<Vec<NodeId>> {
    let order = topological_order(&internal_adjacency(checked, members))?;
    Some(order.into_iter().map(|index| members[index]).collect())
}

/// The edges into `node` from other members of the subgraph (delay edges excluded).
fn internal_inputs(checked: &CheckedGraph, members: &[NodeId], node: NodeId) -> Vec<usize> {
    let graph = &checked.graph;
    graph
        .in_edges(node)
        .filter(|&edge| !checked.is_delay_edge(edge) && members.contains(&graph.edges[edge].src))
        .collect()
}

/// How many edges into `node` come from outside the subgraph (buffers, delays, handoffs).
fn external_input_count(checked: &CheckedGraph, members: &[NodeId], node: NodeId) -> usize {
    checked.graph.in_edges(node).count() - internal_inputs(checked, members, node).len()
}

/// The scopes whose code calls `node`: its internal producers' scopes, and the top for an
/// input from outside the subgraph.
fn callers(
    checked: &CheckedGraph,
    members: &[NodeId],
    plan: &FusionPlan,
    node: NodeId,
) -> BTreeSet<Scope> {
    let graph = &checked.graph;
    let mut scopes = BTreeSet::new();
    for edge in graph.in_edges(node) {
        let src = graph.edges[edge].src;
        if !checked.is_delay_edge(edge) && members.contains(&src) {
            scopes.insert(plan.scope(src));
        } else {
            scopes.insert(Scope::Top);
        }
    }
    scopes
}

/// The fusion plan with the given junctions: every operator's scope, and every junction's
/// calling scope (the scope of its first caller; [`fusion_plan`] checks that there is one).
fn scoped_plan(
    checked: &CheckedGraph,
    members: &[NodeId],
    junctions: BTreeSet<NodeId>,
) -> FusionPlan {
    let graph = &checked.graph;
    let internal_in = |node: NodeId| internal_inputs(checked, members, node);
    let external_in = |node: NodeId| external_input_count(checked, members, node);
    // Scopes, resolved by walking first-caller chains up to a junction or the top.
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
    let mut plan = FusionPlan {
        junctions: junctions.clone(),
        ..FusionPlan::default()
    };
    for &node in members {
        plan.scope_of.push((node, scope(node)));
    }
    for &junction in &junctions {
        let parent = match internal_in(junction).first() {
            Some(&edge) if external_in(junction) == 0 => scope(graph.edges[edge].src),
            _ => Scope::Top,
        };
        plan.parent_of.push((junction, parent));
    }
    plan
}
