//! [`GraphView`]: the plain-data picture of a flow graph that every renderer draws.
//!
//! The compiler produces a view of a graph at two stages: right after parsing (operators and
//! edges only) and after partitioning (with subgraphs, buffers on the cut edges, and fixpoint
//! components). The view is what `flow!` embeds in the generated code as JSON, so a running
//! [`Flow`](https://docs.rs/tideflow) can hand out its own graph without the compiler's types.

use serde::{Deserialize, Serialize};

/// A flow graph as data: nodes, edges and, when partitioned, subgraphs and components.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphView {
    /// Every node; a node's `id` is its index here.
    pub nodes: Vec<NodeView>,
    /// Every edge, in insertion order.
    pub edges: Vec<EdgeView>,
    /// Subgraphs in schedule order; empty for an unpartitioned graph.
    pub subgraphs: Vec<SubgraphView>,
    /// Strongly connected groups of subgraphs, each run as one fixpoint loop within a tick.
    pub components: Vec<ComponentView>,
    /// The `loop { }` blocks of the program, outermost first; empty when it has none (and then
    /// left out of the JSON).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loops: Vec<LoopView>,
}

/// One node of a [`GraphView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeView {
    /// Index of this node in [`GraphView::nodes`].
    pub id: usize,
    /// What the node is.
    pub kind: NodeKind,
    /// Operator name (`map`, `join`, ...) or buffer kind (`buffer`, `singleton`, ...).
    pub name: String,
    /// Source text of the operator, e.g. `map(|x| x + 1)`.
    pub label: String,
    /// The variable name the user bound this node to, if any.
    pub varname: Option<String>,
    /// The subgraph this node runs in, for operators of a partitioned graph.
    pub subgraph: Option<usize>,
    /// How the node is driven inside its subgraph, for operators of a partitioned graph.
    pub role: Option<NodeRole>,
}

/// Kinds of [`NodeView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// An operator written by the user.
    Operator,
    /// A buffer the partitioner put on a cut edge between two subgraphs.
    Buffer,
    /// A buffer on a `defer_tick()` input: its contents cross into the next tick.
    DeferBuffer,
    /// A user-declared `handoff()` node (`#name` gives `&Vec<T>`).
    Handoff,
    /// A user-declared `singleton()` node (`#name` gives `&T`).
    Singleton,
    /// A user-declared `optional()` node (`#name` gives `&Option<T>`).
    Optional,
}

/// How an operator is driven inside its fused subgraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    /// Starts a push path: a source, or the first operator after a buffer.
    Root,
    /// Called inline by its single upstream operator.
    Inline,
    /// Receives from several upstream paths (e.g. `union`, `join`): compiled once, called from
    /// each of them.
    Junction,
}

/// One edge of a [`GraphView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeView {
    /// Source node id.
    pub src: usize,
    /// Output port on the source, if the user named one.
    pub src_port: Option<String>,
    /// Destination node id.
    pub dst: usize,
    /// Input port on the destination, if the user named one.
    pub dst_port: Option<String>,
    /// What the edge means.
    pub kind: EdgeKind,
}

/// Kinds of [`EdgeView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Items flow along it within the tick.
    Data,
    /// Items flow along it into the next tick (`defer_tick()` inputs).
    Delay,
    /// The destination must wait for the source's whole input this tick (e.g. `fold`).
    Blocking,
    /// `#name` reference: the destination reads the source's buffer by reference.
    Reference,
}

/// One fused subgraph of a partitioned [`GraphView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubgraphView {
    /// Index of this subgraph in [`GraphView::subgraphs`], also its position in the schedule.
    pub id: usize,
    /// Operator node ids in this subgraph, in topological order.
    pub nodes: Vec<usize>,
    /// The fixpoint component this subgraph belongs to, if any.
    pub component: Option<usize>,
}

/// A strongly connected group of subgraphs, run in a loop until none of its buffers holds data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentView {
    /// Index of this component in [`GraphView::components`].
    pub id: usize,
    /// Subgraph ids in the component, in schedule order.
    pub subgraphs: Vec<usize>,
}

/// A `loop { }` block: its operators run once per iteration of the loop.
///
/// Membership is listed at the level the loop writes it: a node or subgraph of a nested loop
/// appears in that nested loop only, not in its ancestors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopView {
    /// Index of this loop in [`GraphView::loops`], as numbered by the compiler.
    pub id: usize,
    /// The loop this one is written in, if any.
    pub parent: Option<usize>,
    /// Subgraph ids run directly in this loop (not in a nested loop), in schedule order; empty
    /// for an unpartitioned graph. Fixpoint components sit in the loop of their subgraphs.
    #[serde(default)]
    pub subgraphs: Vec<usize>,
    /// Node ids written directly in this loop (not in a nested loop), in id order. In a
    /// partitioned graph this also lists the buffers on cut edges between two of its nodes.
    #[serde(default)]
    pub nodes: Vec<usize>,
}
