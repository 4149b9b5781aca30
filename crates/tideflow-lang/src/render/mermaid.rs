//! The Mermaid renderer: a `flowchart TD` with one `subgraph` per subgraph, fixpoint
//! component and `loop { }` block, shapes and `classDef` colours per node kind, and `linkStyle` colours for delay and
//! reference edges.

use std::collections::BTreeSet;

use super::{
    edge_text, node_text, Cluster, EdgeKind, GraphView, Layout, Lines, NodeKind, NodeRole,
    NodeView, SubgraphCluster,
};

/// The style class of a node; also decides its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Op,
    Root,
    Junction,
    Buffer,
    Defer,
    State,
}

impl Class {
    fn of(node: &NodeView) -> Class {
        match node.kind {
            NodeKind::Operator => match node.role {
                Some(NodeRole::Root) => Class::Root,
                Some(NodeRole::Junction) => Class::Junction,
                Some(NodeRole::Inline) | None => Class::Op,
            },
            NodeKind::Buffer => Class::Buffer,
            NodeKind::DeferBuffer => Class::Defer,
            NodeKind::Handoff | NodeKind::Singleton | NodeKind::Optional => Class::State,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Class::Op => "op",
            Class::Root => "root",
            Class::Junction => "junction",
            Class::Buffer => "buffer",
            Class::Defer => "defer",
            Class::State => "state",
        }
    }

    fn style(self) -> &'static str {
        match self {
            Class::Op => "fill:#ffffff,stroke:#333333",
            Class::Root => "fill:#fff2b3,stroke:#b38f00",
            Class::Junction => "fill:#cfe2ff,stroke:#3366cc",
            Class::Buffer => "fill:#e6e6e6,stroke:#666666",
            Class::Defer => "fill:#ffb3b3,stroke:#cc0000",
            Class::State => "fill:#d9f2d9,stroke:#339933",
        }
    }

    /// Opening and closing brackets of the shape: rectangle, parallelogram (root), inverted
    /// trapezoid (junction), cylinder (buffer), hexagon (defer buffer), stadium (state).
    fn brackets(self) -> (&'static str, &'static str) {
        match self {
            Class::Op => ("[", "]"),
            Class::Root => ("[/", "/]"),
            Class::Junction => ("[\\", "/]"),
            Class::Buffer => ("[(", ")]"),
            Class::Defer => ("{{", "}}"),
            Class::State => ("([", "])"),
        }
    }
}

/// Renders `view` as a Mermaid flowchart.
pub(super) fn render(view: &GraphView) -> String {
    let layout = Layout::new(view);
    let mut lines = Lines::default();
    lines.line(0, "flowchart TD");

    let classes: BTreeSet<Class> = view.nodes.iter().map(Class::of).collect();
    for class in classes {
        lines.line(1, &format!("classDef {} {}", class.name(), class.style()));
    }

    let mut styled = Styled::default();
    for cluster in &layout.clusters {
        write_cluster(&mut lines, 1, cluster, &mut styled);
    }
    for node in &layout.loose {
        lines.line(1, &node_line(node));
    }

    let mut delay = Vec::new();
    let mut reference = Vec::new();
    for (index, edge) in view.edges.iter().enumerate() {
        let arrow = match edge.kind {
            EdgeKind::Data => "-->",
            EdgeKind::Delay => {
                delay.push(index.to_string());
                "-.->"
            }
            EdgeKind::Blocking => "==>",
            EdgeKind::Reference => {
                reference.push(index.to_string());
                "-.->"
            }
        };
        let text = edge_text(edge)
            .map(|text| format!("|\"{}\"|", escape(&text)))
            .unwrap_or_default();
        lines.line(1, &format!("n{} {arrow}{text} n{}", edge.src, edge.dst));
    }
    if !delay.is_empty() {
        let style = "stroke:#cc0000,stroke-dasharray:6 4,color:#cc0000";
        lines.line(1, &format!("linkStyle {} {style}", delay.join(",")));
    }
    if !reference.is_empty() {
        let style = "stroke:#3366cc,color:#3366cc";
        lines.line(1, &format!("linkStyle {} {style}", reference.join(",")));
    }
    for id in styled.components {
        let style = "fill:#fff8ee,stroke:#cc6600,stroke-dasharray:5 5";
        lines.line(1, &format!("style fp_{id} {style}"));
    }
    for id in styled.loops {
        let style = "fill:#faf5ff,stroke:#8e44ad,stroke-dasharray:8 4,color:#8e44ad";
        lines.line(1, &format!("style loop_{id} {style}"));
    }
    lines.out
}

/// The component and loop clusters drawn so far, in drawing order, to style at the end.
#[derive(Default)]
struct Styled {
    components: Vec<usize>,
    loops: Vec<usize>,
}

/// Writes a subgraph, a fixpoint component (`subgraph fp_N`) or a loop (`subgraph loop_N`, with
/// its clusters and then its own nodes) at `depth`.
fn write_cluster(lines: &mut Lines, depth: usize, cluster: &Cluster<'_>, styled: &mut Styled) {
    match cluster {
        Cluster::Component(id, subgraphs) => {
            styled.components.push(*id);
            lines.line(depth, &format!("subgraph fp_{id} [\"fixpoint {id}\"]"));
            for subgraph in subgraphs {
                write_subgraph(lines, depth + 1, subgraph);
            }
            lines.line(depth, "end");
        }
        Cluster::Subgraph(subgraph) => write_subgraph(lines, depth, subgraph),
        Cluster::Loop(block) => {
            let id = block.id;
            styled.loops.push(id);
            lines.line(depth, &format!("subgraph loop_{id} [\"loop {id}\"]"));
            for inner in &block.clusters {
                write_cluster(lines, depth + 1, inner, styled);
            }
            for node in &block.nodes {
                lines.line(depth + 1, &node_line(node));
            }
            lines.line(depth, "end");
        }
    }
}

/// Writes `subgraph sg_N ["subgraph N"]` with its nodes at `depth`.
fn write_subgraph(lines: &mut Lines, depth: usize, subgraph: &SubgraphCluster<'_>) {
    let id = subgraph.id;
    lines.line(depth, &format!("subgraph sg_{id} [\"subgraph {id}\"]"));
    for node in &subgraph.nodes {
        lines.line(depth + 1, &node_line(node));
    }
    lines.line(depth, "end");
}

/// `nN["text"]:::class` with the shape brackets of the node's class.
fn node_line(node: &NodeView) -> String {
    let class = Class::of(node);
    let (open, close) = class.brackets();
    let text = escape(&node_text(node));
    format!("n{}{open}\"{text}\"{close}:::{}", node.id, class.name())
}

/// Escapes text for a quoted Mermaid label: Mermaid entity codes for the characters its parser
/// or the HTML label would take (`"`, `#`, `&`, `<`, `>`, backtick), `<br>` for line breaks, and
/// non-breaking spaces for indentation so that it survives HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = false;
    for c in text.chars() {
        if line_start && c == ' ' {
            out.push_str("#160;");
            continue;
        }
        line_start = c == '\n' || (line_start && c == '\r');
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
