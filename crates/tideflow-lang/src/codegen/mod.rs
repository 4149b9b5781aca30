//! Code generation: a [`PartitionedGraph`] to the Rust tokens of a `tideflow::Flow`.
//!
//! The generated block has three parts:
//! 1. **build** (runs once): type witnesses, operator arguments and state, in topological order
//!    so Rust infers closure parameter types; buffers for the cut edges;
//! 2. **tick** (a `move` closure): the schedule as a fixed sequence of subgraph runs, each
//!    guarded by "has work", fixpoint components as loops; each subgraph run is straight-line
//!    code that drains its input buffers and pushes each item through its fused operators;
//! 3. **tick end**: `'tick` resets, `defer_tick()` buffer swaps.
//!
//! Operator-specific code comes only from the operators' [`Writer`]s.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::check::Persistence;
use crate::graph::{HandoffKind, LoopId, NodeContent, NodeId};
use crate::ops::{Delay, LoopTrigger, OpContext, OperatorKind, OperatorSpec, PortSpec, Writer};
use crate::parse::REFERENCE_PLACEHOLDER_PREFIX;
use crate::partition::{PartitionedGraph, ScheduleItem, Scope};

/// How an edge is realised in generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    /// Fused: the producer calls the consumer's code directly.
    Internal,
    /// Through a buffer between subgraphs.
    Buffer,
    /// Through a `defer_tick()` double buffer.
    Defer(Delay),
    /// Into a handoff node.
    IntoHandoff(NodeId),
    /// Out of a handoff node.
    FromHandoff(NodeId),
}

/// Options for code generation.
#[derive(Debug, Clone)]
pub struct CodegenOptions {
    /// Path of the runtime crate, usually `::tideflow`.
    pub root: TokenStream,
    /// The serialized graph view embedded in the flow.
    pub graph_json: String,
}

/// Generates the Rust expression that builds the flow.
pub fn generate_flow(partitioned: &PartitionedGraph, options: &CodegenOptions) -> TokenStream {
    Generator::new(partitioned, options).flow()
}

struct Generator<'a> {
    partitioned: &'a PartitionedGraph,
    root: &'a TokenStream,
    graph_json: &'a str,
    edge_kinds: Vec<EdgeKind>,
    /// Metrics index of each buffer-like edge or handoff node.
    buffer_index: Vec<(BufferKey, usize)>,
    /// Edges whose input witness is a fresh variable unified later (back edges).
    back_edges: BTreeSet<usize>,
    /// Operators whose arguments are evaluated at every run (they read `#references`).
    per_run: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BufferKey {
    Edge(usize),
    Handoff(NodeId),
}

mod build;
mod emit;
mod names;
mod schedule;
mod subgraph;

use names::Names;

impl<'a> Generator<'a> {
    fn new(partitioned: &'a PartitionedGraph, options: &'a CodegenOptions) -> Self {
        let checked = &partitioned.checked;
        let graph = &checked.graph;
        let edge_kinds: Vec<EdgeKind> = (0..graph.edges.len())
            .map(|edge| {
                let e = &graph.edges[edge];
                if let Some(delay) = checked.specs[e.dst].and_then(|spec| spec.delay) {
                    EdgeKind::Defer(delay)
                } else if checked.specs[e.dst].is_none() {
                    EdgeKind::IntoHandoff(e.dst)
                } else if checked.specs[e.src].is_none() {
                    EdgeKind::FromHandoff(e.src)
                } else if partitioned.is_internal_edge(edge) {
                    EdgeKind::Internal
                } else {
                    EdgeKind::Buffer
                }
            })
            .collect();
        let mut buffer_index = Vec::new();
        for (edge, kind) in edge_kinds.iter().enumerate() {
            if matches!(kind, EdgeKind::Buffer | EdgeKind::Defer(_)) {
                buffer_index.push((BufferKey::Edge(edge), buffer_index.len()));
            }
        }
        for node in 0..graph.nodes.len() {
            if checked.specs[node].is_none() {
                buffer_index.push((BufferKey::Handoff(node), buffer_index.len()));
            }
        }
        // Arguments with `#references` read per-run values, so they are evaluated at each run;
        // so is everything fed (within the subgraph) by a source that reads a reference
        // (`iter_ref`), whose items borrow from the run.
        let mut per_run: Vec<bool> = (0..graph.nodes.len())
            .map(|node| {
                graph
                    .operator(node)
                    .is_some_and(|operator| !operator.references.is_empty())
            })
            .collect();
        let mut borrowed: Vec<NodeId> = (0..graph.nodes.len())
            .filter(|&node| {
                per_run[node] && checked.specs[node].is_some_and(|spec| spec.is_source())
            })
            .collect();
        while let Some(node) = borrowed.pop() {
            for edge in graph.out_edges(node) {
                let next = graph.edges[edge].dst;
                if partitioned.is_internal_edge(edge) && !per_run[next] {
                    per_run[next] = true;
                    borrowed.push(next);
                }
            }
        }
        let mut generator = Self {
            partitioned,
            root: &options.root,
            graph_json: &options.graph_json,
            edge_kinds,
            buffer_index,
            back_edges: BTreeSet::new(),
            per_run,
        };
        generator.back_edges = generator.find_back_edges();
        generator
    }

    fn checked(&self) -> &crate::check::CheckedGraph {
        &self.partitioned.checked
    }

    fn spec(&self, node: NodeId) -> Option<&'static OperatorSpec> {
        self.checked().specs[node]
    }

    fn metrics_index(&self, key: BufferKey) -> usize {
        self.buffer_index
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, index)| *index)
    }

    /// The context handed to `node`'s writer. `per_run_outputs` renames the output witnesses
    /// (for argument code that runs at every subgraph run).
    fn op_context(&self, node: NodeId, per_run_outputs: bool) -> OpContext {
        let checked = &self.partitioned.checked;
        let graph = &checked.graph;
        let Some(operator) = graph.operator(node) else {
            unreachable!("op_context is only called for operators")
        };
        let mut inputs: Vec<(usize, Ident)> = graph
            .in_edges(node)
            .map(|edge| (checked.input_slot[edge], self.edge_witness(edge)))
            .collect();
        inputs.sort_by_key(|(slot, _)| *slot);
        let output_count = self.output_count(node);
        // Named outputs keep their position as their slot, connected or not.
        let output_slots = match self.spec(node).map(|spec| spec.output_ports) {
            Some(PortSpec::Fixed(names) | PortSpec::Optional(names)) => names.len(),
            _ => 1,
        };
        let outputs: Vec<Ident> = (0..output_count.max(output_slots))
            .map(|slot| {
                if per_run_outputs {
                    Names::run_ty(node, slot)
                } else {
                    Names::ty(node, slot)
                }
            })
            .collect();
        let mut output_ports = vec![None; outputs.len()];
        for edge in graph.out_edges(node) {
            if let Some(port) = output_ports.get_mut(checked.output_slot[edge]) {
                *port = graph.edges[edge].src_port.clone();
            }
        }
        let span = graph.nodes[node].span;
        let root = respan(self.root.clone(), span);
        let at_operator = |mut ident: Ident| {
            ident.set_span(span);
            ident
        };
        OpContext {
            root: root.clone(),
            span,
            state: at_operator(Names::state(node)),
            arg_vars: (0..operator.args.len())
                .map(|i| at_operator(Names::arg(node, i)))
                .collect(),
            args: operator
                .args
                .iter()
                .map(|arg| substitute_references(arg.to_token_stream(), &operator.references))
                .collect(),
            inputs: inputs
                .into_iter()
                .map(|(_, witness)| at_operator(witness))
                .collect(),
            outputs: outputs.into_iter().map(at_operator).collect(),
            persistence: checked.persistence[node]
                .iter()
                .map(|p| match p {
                    Persistence::Tick => quote!(#root::ops::Persistence::Tick),
                    Persistence::Static => quote!(#root::ops::Persistence::Static),
                })
                .collect(),
            type_args: operator.type_args.clone(),
            output_count,
            runs_repeatedly: graph.nodes[node]
                .loop_id
                .and_then(|id| graph.loops.get(id))
                .is_some_and(|block| block.parent.is_some()),
            output_ports,
        }
    }

    fn writer(&self, node: NodeId) -> Option<Writer> {
        self.spec(node).map(|spec| spec.writer)
    }

    /// Whether any operator argument names `context` (the running flow's `CurrentContext`
    /// handle); if none does, ticks skip making the flow's context current.
    fn reads_context(&self) -> bool {
        fn mentions_context(tokens: TokenStream) -> bool {
            tokens.into_iter().any(|tree| match tree {
                TokenTree::Ident(ident) => ident == "context",
                TokenTree::Group(group) => mentions_context(group.stream()),
                _ => false,
            })
        }
        let graph = &self.checked().graph;
        (0..graph.nodes.len())
            .filter_map(|node| graph.operator(node))
            .flat_map(|operator| &operator.args)
            .any(|arg| mentions_context(arg.to_token_stream()))
    }

    fn flow(&self) -> TokenStream {
        let root = self.root;
        let uses = &self.checked().graph.uses;
        let build = self.build_code();
        let schedule = self.schedule_code();
        let tick_end = self.tick_end_code();
        let graph_json = self.graph_json;
        let subgraphs = self.partitioned.subgraphs.len();
        let buffers = self.buffer_index.len();
        let reads_context = self.reads_context();
        quote! {
            {
                #(#uses)*
                #[allow(unused_mut, unused_variables, unused_labels, unreachable_code, clippy::all)]
                let __flow = {
                    #[allow(non_upper_case_globals)]
                    const context: #root::context::CurrentContext = #root::context::CurrentContext;
                    #build
                    #root::Flow::from_compiled(#graph_json, #subgraphs, #buffers, #reads_context, move |__context: &#root::Context| -> bool {
                        let mut __work_done = false;
                        #schedule
                        #tick_end
                        __work_done
                    })
                };
                __flow
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    Flush,
}

/// `tokens` with every span set to `span` (so errors in generated calls point at the operator).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut replaced =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                replaced.set_span(span);
                tree = TokenTree::Group(replaced);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// Replaces reference placeholders in `tokens` with the bindings of their targets.
fn substitute_references(
    tokens: TokenStream,
    references: &[(crate::parse::Reference, Option<NodeId>)],
) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident)
                if ident.to_string().starts_with(REFERENCE_PLACEHOLDER_PREFIX) =>
            {
                let found = references
                    .iter()
                    .find(|(reference, _)| reference.placeholder == ident);
                match found {
                    Some((reference, Some(target))) => {
                        let mut binding = Names::reference(*target, reference.mutable);
                        binding.set_span(ident.span());
                        TokenTree::Ident(binding)
                    }
                    _ => TokenTree::Ident(ident),
                }
            }
            TokenTree::Group(group) => {
                let mut replaced = proc_macro2::Group::new(
                    group.delimiter(),
                    substitute_references(group.stream(), references),
                );
                replaced.set_span(group.span());
                TokenTree::Group(replaced)
            }
            other => other,
        })
        .collect()
}
