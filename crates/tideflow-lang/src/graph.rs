//! The flat graph: operators and handoff nodes connected by ported edges, names resolved.
//!
//! This is what both front doors produce: [`crate::build`] from parsed tokens, and
//! [`crate::GraphBuilder`] from code. Later passes never look at syntax again.

use proc_macro2::{Span, TokenStream};

use crate::parse::{Port, Reference};

/// Index of a node in [`FlatGraph::nodes`].
pub type NodeId = usize;

/// A flow as operators and edges.
#[derive(Debug, Clone, Default)]
pub struct FlatGraph {
    /// Every node; a [`NodeId`] indexes this.
    pub nodes: Vec<Node>,
    /// Every edge, in the order the program wrote them.
    pub edges: Vec<Edge>,
    /// `use` items to put at the top of the generated code.
    pub uses: Vec<TokenStream>,
    /// `loop { }` blocks; a [`LoopId`] indexes this.
    pub loops: Vec<LoopBlock>,
}

/// Index of a loop in [`FlatGraph::loops`].
pub type LoopId = usize;

/// A `loop { }` block: its operators run once per iteration, and it iterates (when nested in
/// another loop) until no items enter it and none are deferred to its next iteration.
#[derive(Debug, Clone)]
pub struct LoopBlock {
    /// The loop this one is written in, if any.
    pub parent: Option<LoopId>,
    /// The `loop` keyword.
    pub span: Span,
}

/// One node of a [`FlatGraph`].
#[derive(Debug, Clone)]
pub struct Node {
    /// Operator or handoff.
    pub content: NodeContent,
    /// The name of the statement `name = ...;` that created this node, if any.
    pub varname: Option<String>,
    /// The span diagnostics about this node point at.
    pub span: Span,
    /// The innermost `loop { }` block the node is written in.
    pub loop_id: Option<LoopId>,
}

/// What a [`Node`] is.
#[derive(Debug, Clone)]
pub enum NodeContent {
    /// An operator call.
    Operator(OperatorNode),
    /// A referenceable buffer: `handoff()`, `singleton()` or `optional()`.
    Handoff(HandoffKind),
}

/// The referenceable buffer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffKind {
    /// `handoff()`: a `Vec<T>`, `#name` is `&Vec<T>`.
    Handoff,
    /// `singleton()`: one value, `#name` is `&T`.
    Singleton,
    /// `optional()`: zero or one value, `#name` is `&Option<T>`.
    Optional,
}

impl HandoffKind {
    /// The pseudo-operator name for this kind.
    pub fn name(self) -> &'static str {
        match self {
            HandoffKind::Handoff => "handoff",
            HandoffKind::Singleton => "singleton",
            HandoffKind::Optional => "optional",
        }
    }

    /// The kind a pseudo-operator name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "handoff" => Some(HandoffKind::Handoff),
            "singleton" => Some(HandoffKind::Singleton),
            "optional" => Some(HandoffKind::Optional),
            _ => None,
        }
    }
}

/// An operator call in the graph.
#[derive(Debug, Clone)]
pub struct OperatorNode {
    /// Operator name, e.g. `map`.
    pub name: String,
    /// Persistence lifetimes, as written (`'tick` / `'static` / anything else, checked later).
    pub persistence: Vec<(String, Span)>,
    /// Type arguments.
    pub type_args: Vec<syn::Type>,
    /// First and last tokens of the turbofish, if any.
    pub generics_span: Option<(Span, Span)>,
    /// Arguments, with `#references` as placeholder identifiers.
    pub args: Vec<syn::Expr>,
    /// Span of the argument list.
    pub args_span: Span,
    /// `#references` in the arguments, with their targets once resolved.
    pub references: Vec<(Reference, Option<NodeId>)>,
    /// Source text for labels.
    pub source_text: String,
}

/// A ported edge.
#[derive(Debug, Clone)]
pub struct Edge {
    /// Producer.
    pub src: NodeId,
    /// Output port on the producer, if given.
    pub src_port: Option<(Port, Span)>,
    /// Consumer.
    pub dst: NodeId,
    /// Input port on the consumer, if given.
    pub dst_port: Option<(Port, Span)>,
}

impl FlatGraph {
    /// Adds a node and returns its id.
    pub fn add_node(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Adds an edge.
    pub fn add_edge(&mut self, edge: Edge) {
        self.edges.push(edge);
    }

    /// The operator at `node`, if it is one.
    pub fn operator(&self, node: NodeId) -> Option<&OperatorNode> {
        match &self.nodes.get(node)?.content {
            NodeContent::Operator(operator) => Some(operator),
            NodeContent::Handoff(_) => None,
        }
    }

    /// The loops `node` is in, innermost first.
    pub fn loop_ancestry(&self, node: NodeId) -> Vec<LoopId> {
        let mut chain = Vec::new();
        let mut current = self.nodes[node].loop_id;
        while let Some(id) = current {
            chain.push(id);
            current = self.loops.get(id).and_then(|block| block.parent);
        }
        chain
    }

    /// The display name of a node: its operator name or handoff kind.
    pub fn node_name(&self, node: NodeId) -> &str {
        match &self.nodes[node].content {
            NodeContent::Operator(operator) => &operator.name,
            NodeContent::Handoff(kind) => kind.name(),
        }
    }

    /// Indices of the edges into `node`.
    pub fn in_edges(&self, node: NodeId) -> impl Iterator<Item = usize> + '_ {
        self.edges
            .iter()
            .enumerate()
            .filter(move |(_, edge)| edge.dst == node)
            .map(|(index, _)| index)
    }

    /// Indices of the edges out of `node`.
    pub fn out_edges(&self, node: NodeId) -> impl Iterator<Item = usize> + '_ {
        self.edges
            .iter()
            .enumerate()
            .filter(move |(_, edge)| edge.src == node)
            .map(|(index, _)| index)
    }
}
