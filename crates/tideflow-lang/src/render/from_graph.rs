//! Views of the compiler's graphs: [`flat_view`] right after building, [`partitioned_view`]
//! after partitioning (with buffers on the cut edges, subgraphs and fixpoint components).

use crate::check::CheckedGraph;
use crate::graph::{FlatGraph, HandoffKind, NodeContent};
use crate::partition::{PartitionedGraph, ScheduleItem};

use super::view::{
    ComponentView, EdgeKind, EdgeView, GraphView, LoopView, NodeKind, NodeRole, NodeView,
    SubgraphView,
};

/// One [`LoopView`] per `loop { }` block, each listing the nodes written directly in it.
fn loop_views(graph: &FlatGraph) -> Vec<LoopView> {
    let mut loops: Vec<LoopView> = graph
        .loops
        .iter()
        .enumerate()
        .map(|(id, block)| LoopView {
            id,
            parent: block.parent,
            ..LoopView::default()
        })
        .collect();
    for (id, node) in graph.nodes.iter().enumerate() {
        if let Some(view) = node.loop_id.and_then(|l| loops.get_mut(l)) {
            view.nodes.push(id);
        }
    }
    loops
}

/// Adds the subgraphs of `schedule` to `loops`: those directly in a `Loop` step go to that
/// loop, the others to `current` (if any).
fn add_loop_subgraphs(loops: &mut [LoopView], schedule: &[ScheduleItem], current: Option<usize>) {
    for item in schedule {
        let subgraphs = match item {
            ScheduleItem::Subgraph(subgraph) => vec![*subgraph],
            ScheduleItem::Fixpoint(subgraphs) => subgraphs.clone(),
            ScheduleItem::Loop { id, body, .. } => {
                add_loop_subgraphs(loops, body, Some(*id));
                continue;
            }
        };
        if let Some(view) = current.and_then(|l| loops.get_mut(l)) {
            view.subgraphs.extend(subgraphs);
        }
    }
}

fn node_views(graph: &FlatGraph) -> Vec<NodeView> {
    graph
        .nodes
        .iter()
        .enumerate()
        .map(|(id, node)| {
            let (kind, label) = match &node.content {
                NodeContent::Operator(operator) => {
                    (NodeKind::Operator, operator.source_text.clone())
                }
                NodeContent::Handoff(kind) => (
                    match kind {
                        HandoffKind::Handoff => NodeKind::Handoff,
                        HandoffKind::Singleton => NodeKind::Singleton,
                        HandoffKind::Optional => NodeKind::Optional,
                    },
                    format!("{}()", kind.name()),
                ),
            };
            NodeView {
                id,
                kind,
                name: graph.node_name(id).to_string(),
                label,
                varname: node.varname.clone(),
                subgraph: None,
                role: None,
            }
        })
        .collect()
}

fn port_text(port: &Option<(crate::parse::Port, proc_macro2::Span)>) -> Option<String> {
    port.as_ref().map(|(port, _)| port.to_string())
}

/// Reference edges: from each referenced handoff node to each operator referencing it.
fn reference_edges(graph: &FlatGraph) -> Vec<EdgeView> {
    let mut edges = Vec::new();
    for (node, content) in graph.nodes.iter().enumerate() {
        if let NodeContent::Operator(operator) = &content.content {
            for (_, target) in &operator.references {
                if let Some(target) = target {
                    edges.push(EdgeView {
                        src: *target,
                        src_port: None,
                        dst: node,
                        dst_port: None,
                        kind: EdgeKind::Reference,
                    });
                }
            }
        }
    }
    edges
}

/// The view of a flat graph: operators, handoff nodes and their edges, no subgraphs.
pub fn flat_view(graph: &FlatGraph) -> GraphView {
    let mut edges: Vec<EdgeView> = graph
        .edges
        .iter()
        .map(|edge| EdgeView {
            src: edge.src,
            src_port: port_text(&edge.src_port),
            dst: edge.dst,
            dst_port: port_text(&edge.dst_port),
            kind: EdgeKind::Data,
        })
        .collect();
    edges.extend(reference_edges(graph));
    GraphView {
        nodes: node_views(graph),
        edges,
        subgraphs: Vec::new(),
        components: Vec::new(),
        loops: loop_views(graph),
    }
}

fn edge_kind(checked: &CheckedGraph, edge: usize) -> EdgeKind {
    if checked.is_delay_edge(edge) {
        EdgeKind::Delay
    } else if checked.is_blocking_edge(edge) {
        EdgeKind::Blocking
    } else {
        EdgeKind::Data
    }
}

/// The view of a partitioned graph: a buffer node on every cut edge, subgraphs in schedule
/// order, each operator's fusion role, and the fixpoint components.
pub fn partitioned_view(partitioned: &PartitionedGraph) -> GraphView {
    let checked = &partitioned.checked;
    let graph = &checked.graph;
    let mut nodes = node_views(graph);
    let mut loops = loop_views(graph);
    add_loop_subgraphs(&mut loops, &partitioned.schedule, None);
    for (id, node) in nodes.iter_mut().enumerate() {
        node.subgraph = partitioned.node_subgraph[id];
        if let Some(subgraph) = node.subgraph {
            let fusion = &partitioned.subgraphs[subgraph].fusion;
            node.role = Some(if fusion.junctions.contains(&id) {
                NodeRole::Junction
            } else if graph.in_edges(id).all(|e| !partitioned.is_internal_edge(e)) {
                NodeRole::Root
            } else {
                NodeRole::Inline
            });
        }
    }
    let mut edges = Vec::new();
    for (index, edge) in graph.edges.iter().enumerate() {
        let kind = edge_kind(checked, index);
        let through_buffer = !partitioned.is_internal_edge(index)
            && checked.specs[edge.src].is_some()
            && checked.specs[edge.dst].is_some();
        if through_buffer {
            let buffer = nodes.len();
            let delayed = kind == EdgeKind::Delay;
            let src_loop = graph.nodes[edge.src].loop_id;
            if src_loop.is_some() && src_loop == graph.nodes[edge.dst].loop_id {
                if let Some(view) = src_loop.and_then(|l| loops.get_mut(l)) {
                    view.nodes.push(buffer);
                }
            }
            nodes.push(NodeView {
                id: buffer,
                kind: if delayed {
                    NodeKind::DeferBuffer
                } else {
                    NodeKind::Buffer
                },
                name: if delayed { "defer_buffer" } else { "buffer" }.to_string(),
                label: if delayed { "defer buffer" } else { "buffer" }.to_string(),
                varname: None,
                subgraph: None,
                role: None,
            });
            edges.push(EdgeView {
                src: edge.src,
                src_port: port_text(&edge.src_port),
                dst: buffer,
                dst_port: None,
                kind: if delayed {
                    EdgeKind::Delay
                } else {
                    EdgeKind::Data
                },
            });
            edges.push(EdgeView {
                src: buffer,
                src_port: None,
                dst: edge.dst,
                dst_port: port_text(&edge.dst_port),
                kind,
            });
        } else {
            edges.push(EdgeView {
                src: edge.src,
                src_port: port_text(&edge.src_port),
                dst: edge.dst,
                dst_port: port_text(&edge.dst_port),
                kind,
            });
        }
    }
    edges.extend(reference_edges(graph));
    let subgraphs = partitioned
        .subgraphs
        .iter()
        .enumerate()
        .map(|(id, subgraph)| SubgraphView {
            id,
            nodes: subgraph.nodes.clone(),
            component: subgraph.component,
        })
        .collect();
    let mut components: Vec<ComponentView> = Vec::new();
    for (id, subgraph) in partitioned.subgraphs.iter().enumerate() {
        if let Some(component) = subgraph.component {
            match components.iter_mut().find(|c| c.id == component) {
                Some(view) => view.subgraphs.push(id),
                None => components.push(ComponentView {
                    id: component,
                    subgraphs: vec![id],
                }),
            }
        }
    }
    GraphView {
        nodes,
        edges,
        subgraphs,
        components,
        loops,
    }
}
