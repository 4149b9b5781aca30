//! Drawing flow graphs: a [`GraphView`] rendered as Mermaid, Graphviz DOT or JSON.
//!
//! Both drawings show the same things:
//!
//! * every node as `id: label`, or `id: varname = label` when the user bound it to a name;
//! * operators shaped by their role in a partitioned graph: roots (a source, or the first operator
//!   after a buffer) as yellow parallelograms/houses, junctions (`union`, `join`, ...) as blue
//!   inverted trapezoids, inline operators as plain boxes;
//! * buffers as grey cylinders/parallelograms, `defer_tick` buffers as red hexagons, and
//!   `handoff`/`singleton`/`optional` nodes as green rounded boxes;
//! * edges with their ports as `src→dst`; delay edges dashed, red and labelled `defer`; blocking
//!   edges thick; `#name` reference edges dotted and blue;
//! * subgraphs as clusters around their operators (buffers stay outside), and fixpoint components
//!   as dashed clusters around their subgraphs. An unpartitioned graph is drawn flat;
//! * `loop { }` blocks as dashed purple `loop N` clusters, nested inside their parent loop,
//!   around their subgraphs and fixpoint components (in a partitioned graph) and the nodes written
//!   directly in them that no subgraph holds (all of them, in an unpartitioned graph).
//!
//! The output is deterministic (nodes in id order, edges in insertion order), so it can be
//! snapshot-tested. JSON is the view itself, pretty-printed, and reads back with
//! [`GraphView::from_json`].

mod dot;
mod from_graph;
mod mermaid;
mod view;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

pub use from_graph::{flat_view, partitioned_view};
pub use view::*;

/// A text format a [`GraphView`] renders to; see [`GraphView::render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraphFormat {
    /// A Mermaid flowchart (paste into mermaid.live or a Markdown code block).
    Mermaid,
    /// A Graphviz DOT digraph (render with `dot -Tsvg`).
    Dot,
    /// The [`GraphView`] itself as pretty-printed JSON.
    Json,
}

impl GraphFormat {
    /// Every format, in the order error messages list them.
    pub const ALL: [GraphFormat; 3] = [GraphFormat::Mermaid, GraphFormat::Dot, GraphFormat::Json];

    /// The lowercase name [`FromStr`] accepts and [`Display`](fmt::Display) prints.
    pub fn name(self) -> &'static str {
        match self {
            GraphFormat::Mermaid => "mermaid",
            GraphFormat::Dot => "dot",
            GraphFormat::Json => "json",
        }
    }
}

impl fmt::Display for GraphFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for GraphFormat {
    type Err = ParseGraphFormatError;

    /// Parses `mermaid`, `dot` or `json`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GraphFormat::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseGraphFormatError {
                input: s.to_owned(),
            })
    }
}

/// The error [`GraphFormat::from_str`] returns for a name that is not a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseGraphFormatError {
    input: String,
}

impl fmt::Display for ParseGraphFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = GraphFormat::ALL
            .iter()
            .map(|format| format.name())
            .collect();
        write!(
            f,
            "unknown graph format `{}`: expected one of {}",
            self.input,
            names.join(", ")
        )
    }
}

impl std::error::Error for ParseGraphFormatError {}

impl GraphView {
    /// Renders the graph as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        mermaid::render(self)
    }

    /// Renders the graph as a Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        dot::render(self)
    }

    /// Serializes the graph as pretty-printed JSON; [`GraphView::from_json`] reads it back.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads a graph written by [`GraphView::to_json`].
    pub fn from_json(json: &str) -> Result<GraphView, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Renders the graph in `format`.
    pub fn render(&self, format: GraphFormat) -> String {
        match format {
            GraphFormat::Mermaid => self.to_mermaid(),
            GraphFormat::Dot => self.to_dot(),
            GraphFormat::Json => self.to_json(),
        }
    }
}

/// The text drawn inside a node: `id: label` or `id: varname = label` (the node's name when it
/// has no label).
fn node_text(node: &NodeView) -> String {
    let body = if node.label.is_empty() {
        &node.name
    } else {
        &node.label
    };
    match &node.varname {
        Some(varname) => format!("{}: {varname} = {body}", node.id),
        None => format!("{}: {body}", node.id),
    }
}

/// The text drawn on an edge: its ports as `src→dst`, and `defer` on delay edges.
fn edge_text(edge: &EdgeView) -> Option<String> {
    let ports = match (&edge.src_port, &edge.dst_port) {
        (None, None) => None,
        (src, dst) => Some(format!(
            "{}→{}",
            src.as_deref().unwrap_or(""),
            dst.as_deref().unwrap_or("")
        )),
    };
    match (edge.kind, ports) {
        (EdgeKind::Delay, Some(ports)) => Some(format!("defer {ports}")),
        (EdgeKind::Delay, None) => Some("defer".to_owned()),
        (_, ports) => ports,
    }
}

/// Output text built line by line, indented four spaces per level.
#[derive(Default)]
struct Lines {
    out: String,
}

impl Lines {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }
}

/// How the nodes of a view nest into clusters, resolved once for both renderers.
struct Layout<'a> {
    /// Top-level clusters, in schedule order.
    clusters: Vec<Cluster<'a>>,
    /// Nodes outside every subgraph (buffers always are), in id order.
    loose: Vec<&'a NodeView>,
}

/// A cluster of a [`Layout`]: top-level, or inside a loop.
enum Cluster<'a> {
    /// A fixpoint component with its subgraphs in schedule order.
    Component(usize, Vec<SubgraphCluster<'a>>),
    /// A subgraph that belongs to no component.
    Subgraph(SubgraphCluster<'a>),
    /// A `loop { }` block.
    Loop(LoopCluster<'a>),
}

impl Cluster<'_> {
    /// The lowest subgraph id drawn in this cluster, if any: clusters are drawn in this order.
    fn first_subgraph(&self) -> Option<usize> {
        match self {
            Cluster::Component(_, subgraphs) => subgraphs.iter().map(|s| s.id).min(),
            Cluster::Subgraph(subgraph) => Some(subgraph.id),
            Cluster::Loop(block) => block
                .clusters
                .iter()
                .filter_map(Cluster::first_subgraph)
                .min(),
        }
    }
}

/// A `loop { }` block of a [`Layout`]: its clusters (subgraphs, components and nested loops) in
/// schedule order, then the nodes written directly in it that no subgraph holds, in id order.
struct LoopCluster<'a> {
    id: usize,
    clusters: Vec<Cluster<'a>>,
    nodes: Vec<&'a NodeView>,
}

/// A subgraph of a [`Layout`] with its nodes in id order.
struct SubgraphCluster<'a> {
    id: usize,
    nodes: Vec<&'a NodeView>,
}

impl<'a> Layout<'a> {
    /// Resolves membership from both directions: a subgraph's node list (first listing wins) or
    /// else a node's own `subgraph`; a component's subgraph list or else a subgraph's own
    /// `component`. Empty subgraphs and components are left out; so are dangling ids.
    fn new(view: &'a GraphView) -> Self {
        let mut subgraphs: Vec<&SubgraphView> = view.subgraphs.iter().collect();
        subgraphs.sort_by_key(|subgraph| subgraph.id);
        let mut components: Vec<&ComponentView> = view.components.iter().collect();
        components.sort_by_key(|component| component.id);
        let mut nodes: Vec<&NodeView> = view.nodes.iter().collect();
        nodes.sort_by_key(|node| node.id);

        let subgraph_ids: BTreeSet<usize> = subgraphs.iter().map(|s| s.id).collect();
        let component_ids: BTreeSet<usize> = components.iter().map(|c| c.id).collect();

        let mut node_owner: BTreeMap<usize, usize> = BTreeMap::new();
        for subgraph in &subgraphs {
            for &node in &subgraph.nodes {
                node_owner.entry(node).or_insert(subgraph.id);
            }
        }
        let mut members: BTreeMap<usize, Vec<&NodeView>> = BTreeMap::new();
        let mut loose = Vec::new();
        for node in nodes {
            let owner = node_owner.get(&node.id).copied().or(node
                .subgraph
                .filter(|subgraph| subgraph_ids.contains(subgraph)));
            match owner {
                Some(subgraph)
                    if !matches!(node.kind, NodeKind::Buffer | NodeKind::DeferBuffer) =>
                {
                    members.entry(subgraph).or_default().push(node);
                }
                _ => loose.push(node),
            }
        }

        let mut subgraph_owner: BTreeMap<usize, usize> = BTreeMap::new();
        for component in &components {
            for &subgraph in &component.subgraphs {
                if subgraph_ids.contains(&subgraph) {
                    subgraph_owner.entry(subgraph).or_insert(component.id);
                }
            }
        }
        for subgraph in &subgraphs {
            if let Some(component) = subgraph.component.filter(|c| component_ids.contains(c)) {
                subgraph_owner.entry(subgraph.id).or_insert(component);
            }
        }

        let mut clusters = Vec::new();
        let mut drawn_components = BTreeSet::new();
        for (&id, _) in members.iter() {
            match subgraph_owner.get(&id) {
                None => clusters.push(Cluster::Subgraph(SubgraphCluster::of(id, &members))),
                Some(&component) => {
                    if drawn_components.insert(component) {
                        let inner = members
                            .keys()
                            .filter(|sg| subgraph_owner.get(sg) == Some(&component))
                            .map(|&sg| SubgraphCluster::of(sg, &members))
                            .collect();
                        clusters.push(Cluster::Component(component, inner));
                    }
                }
            }
        }
        if view.loops.is_empty() {
            return Layout { clusters, loose };
        }
        let (clusters, loose) = nest_loops(view, clusters, loose);
        Layout { clusters, loose }
    }
}

/// Moves `clusters` and `loose` nodes into clusters for the loops of `view`. A subgraph belongs
/// to the first loop listing it, a component to the loop of its first subgraph, and a node outside
/// every subgraph to the first loop listing it. Loops whose parent is dangling or part of a cycle
/// are drawn at the top level; loops with nothing to draw are left out.
fn nest_loops<'a>(
    view: &'a GraphView,
    clusters: Vec<Cluster<'a>>,
    loose: Vec<&'a NodeView>,
) -> (Vec<Cluster<'a>>, Vec<&'a NodeView>) {
    let mut loops: Vec<&LoopView> = view.loops.iter().collect();
    loops.sort_by_key(|block| block.id);
    let loop_ids: BTreeSet<usize> = loops.iter().map(|block| block.id).collect();
    let mut parent: BTreeMap<usize, Option<usize>> = BTreeMap::new();
    for block in &loops {
        let declared = block.parent.filter(|p| loop_ids.contains(p));
        parent.entry(block.id).or_insert(declared);
    }
    // A parent chain that does not end within `loops.len()` steps is a cycle.
    let acyclic: BTreeMap<usize, Option<usize>> = parent
        .iter()
        .map(|(&id, &declared)| {
            let mut current = declared;
            for _ in 0..loops.len() {
                match current {
                    Some(ancestor) => current = parent[&ancestor],
                    None => return (id, declared),
                }
            }
            (id, None)
        })
        .collect();

    let mut subgraph_loop: BTreeMap<usize, usize> = BTreeMap::new();
    let mut node_loop: BTreeMap<usize, usize> = BTreeMap::new();
    for block in &loops {
        for &subgraph in &block.subgraphs {
            subgraph_loop.entry(subgraph).or_insert(block.id);
        }
        for &node in &block.nodes {
            node_loop.entry(node).or_insert(block.id);
        }
    }

    let mut placed: BTreeMap<Option<usize>, Vec<Cluster<'a>>> = BTreeMap::new();
    for cluster in clusters {
        let owner = cluster
            .first_subgraph()
            .and_then(|subgraph| subgraph_loop.get(&subgraph).copied());
        placed.entry(owner).or_default().push(cluster);
    }
    let mut nodes: BTreeMap<usize, Vec<&'a NodeView>> = BTreeMap::new();
    let mut top = Vec::new();
    for node in loose {
        match node_loop.get(&node.id) {
            Some(&block) => nodes.entry(block).or_default().push(node),
            None => top.push(node),
        }
    }
    let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (&id, &parent) in &acyclic {
        children.entry(parent).or_default().push(id);
    }
    let clusters = loop_level(None, &mut placed, &mut nodes, &children);
    (clusters, top)
}

/// The clusters drawn directly in `level` (the top level for `None`): its subgraphs and
/// components, and its non-empty child loops, ordered by their first subgraph (loops without
/// subgraphs last, by id).
fn loop_level<'a>(
    level: Option<usize>,
    placed: &mut BTreeMap<Option<usize>, Vec<Cluster<'a>>>,
    nodes: &mut BTreeMap<usize, Vec<&'a NodeView>>,
    children: &BTreeMap<Option<usize>, Vec<usize>>,
) -> Vec<Cluster<'a>> {
    let mut clusters = placed.remove(&level).unwrap_or_default();
    for &child in children.get(&level).into_iter().flatten() {
        let block = LoopCluster {
            id: child,
            clusters: loop_level(Some(child), placed, nodes, children),
            nodes: nodes.remove(&child).unwrap_or_default(),
        };
        if !block.clusters.is_empty() || !block.nodes.is_empty() {
            clusters.push(Cluster::Loop(block));
        }
    }
    clusters.sort_by_key(|cluster| cluster.first_subgraph().unwrap_or(usize::MAX));
    clusters
}

impl<'a> SubgraphCluster<'a> {
    fn of(id: usize, members: &BTreeMap<usize, Vec<&'a NodeView>>) -> Self {
        let nodes = members.get(&id).cloned().unwrap_or_default();
        SubgraphCluster { id, nodes }
    }
}

#[cfg(test)]
mod tests;
