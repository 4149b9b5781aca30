//! The schedule: subgraphs numbered and ordered into steps, with fixpoint components and
//! `loop { }` blocks as nested steps.

use super::*;

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

/// Builds subgraphs from the final grouping and orders them.
pub(super) fn build_schedule(
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
