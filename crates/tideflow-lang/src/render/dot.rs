//! The Graphviz DOT renderer: a `digraph` with one `cluster_sg_N` per subgraph inside one
//! `cluster_fp_N` per fixpoint component, one dashed purple `cluster_loop_N` per `loop { }` block
//! (nested in its parent loop's), shapes and fill colours per node kind, and edge styles
//! per edge kind.

use super::{
    edge_text, node_text, Cluster, EdgeKind, GraphView, Layout, Lines, NodeKind, NodeRole,
    NodeView, SubgraphCluster,
};

/// Renders `view` as a DOT digraph.
pub(super) fn render(view: &GraphView) -> String {
    let layout = Layout::new(view);
    let mut lines = Lines::default();
    lines.line(0, "digraph flow {");
    lines.line(
        1,
        "node [fontname=\"monospace\", style=filled, fillcolor=\"#ffffff\"];",
    );
    lines.line(1, "edge [fontname=\"monospace\"];");

    for cluster in &layout.clusters {
        write_cluster(&mut lines, 1, cluster);
    }
    for node in &layout.loose {
        lines.line(1, &node_line(node));
    }

    for edge in &view.edges {
        let mut attrs = Vec::new();
        if let Some(text) = edge_text(edge) {
            attrs.push(format!("label=\"{}\"", escape(&text)));
        }
        match edge.kind {
            EdgeKind::Data => {}
            EdgeKind::Delay => attrs.push("style=dashed, color=red, fontcolor=red".to_owned()),
            EdgeKind::Blocking => attrs.push("penwidth=2".to_owned()),
            EdgeKind::Reference => attrs.push("style=dotted, color=\"#3366cc\"".to_owned()),
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        lines.line(1, &format!("n{} -> n{}{attrs};", edge.src, edge.dst));
    }
    lines.line(0, "}");
    lines.out
}

/// Writes a subgraph, a fixpoint component (`cluster_fp_N`) or a loop (`cluster_loop_N`, with its
/// clusters and then its own nodes) at `depth`.
fn write_cluster(lines: &mut Lines, depth: usize, cluster: &Cluster<'_>) {
    match cluster {
        Cluster::Component(id, subgraphs) => {
            lines.line(depth, &format!("subgraph cluster_fp_{id} {{"));
            let style = "style=dashed, color=\"#cc6600\"";
            lines.line(
                depth + 1,
                &format!("graph [label=\"fixpoint {id}\", {style}];"),
            );
            for subgraph in subgraphs {
                write_subgraph(lines, depth + 1, subgraph);
            }
            lines.line(depth, "}");
        }
        Cluster::Subgraph(subgraph) => write_subgraph(lines, depth, subgraph),
        Cluster::Loop(block) => {
            let id = block.id;
            lines.line(depth, &format!("subgraph cluster_loop_{id} {{"));
            let style = "style=dashed, color=\"#8e44ad\", fontcolor=\"#8e44ad\", penwidth=1.5";
            lines.line(depth + 1, &format!("graph [label=\"loop {id}\", {style}];"));
            for inner in &block.clusters {
                write_cluster(lines, depth + 1, inner);
            }
            for node in &block.nodes {
                lines.line(depth + 1, &node_line(node));
            }
            lines.line(depth, "}");
        }
    }
}

/// Writes `subgraph cluster_sg_N` with its nodes at `depth`.
fn write_subgraph(lines: &mut Lines, depth: usize, subgraph: &SubgraphCluster<'_>) {
    let id = subgraph.id;
    lines.line(depth, &format!("subgraph cluster_sg_{id} {{"));
    let style = "style=filled, fillcolor=\"#f5f5f5\", color=\"#999999\"";
    lines.line(
        depth + 1,
        &format!("graph [label=\"subgraph {id}\", {style}];"),
    );
    for node in &subgraph.nodes {
        lines.line(depth + 1, &node_line(node));
    }
    lines.line(depth, "}");
}

/// `nN [label="text", shape=..., ...];` with the shape and colours of the node's kind and role.
fn node_line(node: &NodeView) -> String {
    let style = match node.kind {
        NodeKind::Operator => match node.role {
            Some(NodeRole::Root) => "shape=house, fillcolor=\"#fff2b3\"",
            Some(NodeRole::Junction) => "shape=invtrapezium, fillcolor=\"#cfe2ff\"",
            Some(NodeRole::Inline) | None => "shape=box",
        },
        NodeKind::Buffer => "shape=parallelogram, fillcolor=\"#e6e6e6\"",
        NodeKind::DeferBuffer => "shape=hexagon, fillcolor=\"#ffb3b3\", color=\"#cc0000\"",
        NodeKind::Handoff | NodeKind::Singleton | NodeKind::Optional => {
            "shape=box, style=\"rounded,filled\", fillcolor=\"#d9f2d9\""
        }
    };
    let text = escape(&node_text(node));
    format!("n{} [label=\"{text}\", {style}];", node.id)
}

/// Escapes text for a quoted DOT label: `\` and `"` get a backslash (so `\n` in source code stays
/// literal text). Multi-line text is left-justified: every line ends in `\l`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\l"),
            '\r' => {}
            c => out.push(c),
        }
    }
    if text.contains('\n') {
        out.push_str("\\l");
    }
    out
}
