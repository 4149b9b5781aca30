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
use quote::{format_ident, quote, ToTokens};

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

/// The names generated code uses for one flow.
struct Names;

impl Names {
    fn state(node: NodeId) -> Ident {
        format_ident!("__op_{}", node)
    }
    fn arg(node: NodeId, index: usize) -> Ident {
        format_ident!("__arg_{}_{}", node, index)
    }
    fn ty(node: NodeId, slot: usize) -> Ident {
        format_ident!("__ty_{}_{}", node, slot)
    }
    fn back_ty(edge: usize) -> Ident {
        format_ident!("__ty_back_{}", edge)
    }
    fn run_ty(node: NodeId, slot: usize) -> Ident {
        format_ident!("__ty_run_{}_{}", node, slot)
    }
    fn buffer(edge: usize) -> Ident {
        format_ident!("__buffer_{}", edge)
    }
    fn buffer_read(edge: usize) -> Ident {
        format_ident!("__buffer_{}_read", edge)
    }
    fn defer_current(edge: usize) -> Ident {
        format_ident!("__defer_{}_current", edge)
    }
    fn defer_next(edge: usize) -> Ident {
        format_ident!("__defer_{}_next", edge)
    }
    fn handoff(node: NodeId) -> Ident {
        format_ident!("__handoff_{}", node)
    }
    fn handoff_read(node: NodeId) -> Ident {
        format_ident!("__handoff_{}_read", node)
    }
    fn junction(node: NodeId) -> Ident {
        format_ident!("__junction_{}", node)
    }
    fn reference(node: NodeId, mutable: bool) -> Ident {
        if mutable {
            format_ident!("__ref_mut_{}", node)
        } else {
            format_ident!("__ref_{}", node)
        }
    }
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
        let per_run = (0..graph.nodes.len())
            .map(|node| {
                graph.operator(node).is_some_and(|operator| {
                    !checked.specs[node].is_some_and(|spec| spec.is_source())
                        && !operator.references.is_empty()
                })
            })
            .collect();
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

    /// Build order for witnesses: a node comes after all its producers, except over back edges.
    fn witness_order(&self) -> Vec<NodeId> {
        let graph = &self.checked().graph;
        let count = graph.nodes.len();
        let mut done = vec![false; count];
        let mut order = Vec::with_capacity(count);
        while order.len() < count {
            let ready = (0..count).find(|&node| {
                !done[node] && graph.in_edges(node).all(|edge| done[graph.edges[edge].src])
            });
            let next = ready.or_else(|| {
                (0..count)
                    .filter(|&node| !done[node])
                    .find(|&node| graph.in_edges(node).any(|e| done[graph.edges[e].src]))
                    .or_else(|| (0..count).find(|&node| !done[node]))
            });
            let Some(next) = next else { break };
            done[next] = true;
            order.push(next);
        }
        order
    }

    fn find_back_edges(&self) -> BTreeSet<usize> {
        let graph = &self.checked().graph;
        let order = self.witness_order();
        let position = |node: NodeId| order.iter().position(|&n| n == node).unwrap_or(0);
        (0..graph.edges.len())
            .filter(|&edge| position(graph.edges[edge].src) >= position(graph.edges[edge].dst))
            .collect()
    }

    /// The witness of the items on edge `edge`, as its consumer sees them.
    fn edge_witness(&self, edge: usize) -> Ident {
        if self.back_edges.contains(&edge) {
            return Names::back_ty(edge);
        }
        let e = &self.checked().graph.edges[edge];
        Names::ty(e.src, self.source_slot(edge))
    }

    fn source_slot(&self, edge: usize) -> usize {
        let e = &self.checked().graph.edges[edge];
        if self.spec(e.src).is_none() {
            0
        } else {
            self.checked().output_slot[edge]
        }
    }

    fn output_count(&self, node: NodeId) -> usize {
        self.checked().graph.out_edges(node).count()
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

    // ----- build -----

    fn build_code(&self) -> TokenStream {
        let root = self.root;
        let graph = &self.checked().graph;
        let mut code = TokenStream::new();
        for &edge in &self.back_edges {
            let witness = Names::back_ty(edge);
            code.extend(quote!(let #witness = #root::ops::Ty::new();));
        }
        for node in self.witness_order() {
            let Some(writer) = self.writer(node) else {
                // handoff node: its item type is its input's
                let output = Names::ty(node, 0);
                let input = graph
                    .in_edges(node)
                    .next()
                    .map(|edge| self.edge_witness(edge));
                code.extend(match input {
                    Some(input) => quote!(let #output = #input;),
                    None => quote!(let #output = #root::ops::Ty::new();),
                });
                continue;
            };
            let cx = self.op_context(node, false);
            if self.per_run[node] {
                let outputs = &cx.outputs[..cx.output_count];
                code.extend(quote!(#( let #outputs = #root::ops::Ty::new(); )*));
            } else {
                code.extend((writer.args)(&cx));
            }
            code.extend((writer.state)(&cx));
        }
        for &edge in &self.back_edges {
            let (back, real) = (Names::back_ty(edge), {
                let e = &graph.edges[edge];
                Names::ty(e.src, self.source_slot(edge))
            });
            code.extend(quote!(let _ = #root::ops::same(#back, #real);));
        }
        for (edge, kind) in self.edge_kinds.iter().enumerate() {
            let witness = self.edge_witness(edge);
            match kind {
                EdgeKind::Buffer => {
                    let (write, read) = (Names::buffer(edge), Names::buffer_read(edge));
                    code.extend(quote! {
                        let mut #write = #root::ops::buffer(#witness);
                        let mut #read = #root::ops::buffer(#witness);
                    });
                }
                EdgeKind::Defer(_) => {
                    let (current, next) = (Names::defer_current(edge), Names::defer_next(edge));
                    code.extend(quote! {
                        let mut #current = #root::ops::buffer(#witness);
                        let mut #next = #root::ops::buffer(#witness);
                    });
                }
                _ => {}
            }
        }
        for node in 0..graph.nodes.len() {
            let NodeContent::Handoff(kind) = graph.nodes[node].content else {
                continue;
            };
            let (storage, read, witness) = (
                Names::handoff(node),
                Names::handoff_read(node),
                Names::ty(node, 0),
            );
            code.extend(match kind {
                HandoffKind::Handoff => quote! {
                    let mut #storage = #root::ops::buffer(#witness);
                    let mut #read = #root::ops::buffer(#witness);
                },
                HandoffKind::Singleton | HandoffKind::Optional => {
                    quote!(let mut #storage = #root::ops::slot(#witness);)
                }
            });
        }
        code
    }

    // ----- emission -----

    /// Code that hands `item` to whatever is connected to `node`'s output `slot`.
    fn emit_code(&self, node: NodeId, slot: usize, item: TokenStream) -> TokenStream {
        let graph = &self.checked().graph;
        let edge = graph
            .out_edges(node)
            .find(|&edge| self.checked().output_slot[edge] == slot);
        let Some(edge) = edge else {
            return quote!(let _ = #item;);
        };
        let dst = graph.edges[edge].dst;
        match self.edge_kinds[edge] {
            EdgeKind::Internal => {
                let push_index = self.checked().push_index(edge);
                self.call_code(dst, push_index, item)
            }
            EdgeKind::Buffer => {
                let buffer = Names::buffer(edge);
                quote!(#buffer.push(#item);)
            }
            EdgeKind::Defer(_) => {
                let next = Names::defer_next(edge);
                quote!(#next.push(#item);)
            }
            EdgeKind::IntoHandoff(handoff) => {
                let storage = Names::handoff(handoff);
                match graph.nodes[handoff].content {
                    NodeContent::Handoff(HandoffKind::Handoff) => quote!(#storage.push(#item);),
                    _ => {
                        let root = self.root;
                        let name = graph.nodes[handoff]
                            .varname
                            .clone()
                            .unwrap_or_else(|| graph.node_name(handoff).to_string());
                        quote!(#root::ops::fill_slot(&mut #storage, #item, #name);)
                    }
                }
            }
            EdgeKind::FromHandoff(_) => quote!(let _ = #item;),
        }
    }

    /// Code that delivers `item` to input `push_index` of `node` in the same subgraph.
    fn call_code(&self, node: NodeId, push_index: usize, item: TokenStream) -> TokenStream {
        let root = self.root;
        if self.is_junction(node) {
            let junction = Names::junction(node);
            return if push_index == 0 {
                quote!(#junction(#root::ops::Call::First(#item));)
            } else {
                quote!(#junction(#root::ops::Call::Second(#item));)
            };
        }
        let span = self.checked().graph.nodes[node].span;
        let value = format_ident!("__value_{}", node, span = span);
        let body = self.push_code(node, push_index, quote!(#value));
        quote!({ let #value = #item; #body })
    }

    fn push_code(&self, node: NodeId, push_index: usize, item: TokenStream) -> TokenStream {
        let Some(push) = self.writer(node).and_then(|writer| writer.push) else {
            return quote!(let _ = #item;);
        };
        let cx = self.op_context(node, false);
        push(&cx, push_index, item, &|slot, item| {
            self.emit_code(node, slot, item)
        })
    }

    fn phase_code(&self, node: NodeId, phase: Phase) -> TokenStream {
        let Some(writer) = self.writer(node) else {
            return TokenStream::new();
        };
        let function = match phase {
            Phase::Start => writer.start,
            Phase::Flush => writer.flush,
        };
        let Some(function) = function else {
            return TokenStream::new();
        };
        let cx = self.op_context(node, false);
        let code = function(&cx, &|slot, item| self.emit_code(node, slot, item));
        let suspends = self
            .spec(node)
            .is_some_and(|spec| spec.kind == OperatorKind::Suspending);
        if phase == Phase::Flush && suspends {
            // The writer's flush is a `bool`: `false` means its asynchronous work is pending, so
            // the tick stops at this step and resumes here once the flow is woken.
            let step = self.step_of_node(node);
            quote! {
                if !{ #code } {
                    __context.suspend_at(#step);
                    break '__run;
                }
            }
        } else {
            code
        }
    }

    /// The index of the schedule step that runs `node`'s subgraph.
    fn step_of_node(&self, node: NodeId) -> usize {
        let subgraph = self.partitioned.node_subgraph[node];
        self.partitioned
            .schedule
            .iter()
            .position(|item| subgraph.is_some_and(|sg| item.subgraphs().contains(&sg)))
            .unwrap_or(0)
    }

    /// Whether any operator of the flow can suspend a tick.
    fn has_suspending_operators(&self) -> bool {
        self.checked()
            .specs
            .iter()
            .any(|spec| spec.is_some_and(|spec| spec.kind == OperatorKind::Suspending))
    }

    fn is_junction(&self, node: NodeId) -> bool {
        self.partitioned.node_subgraph[node].is_some_and(|sg| {
            self.partitioned.subgraphs[sg]
                .fusion
                .junctions
                .contains(&node)
        })
    }

    // ----- subgraphs -----

    /// Code of one phase for everything in `scope`: the junction itself, the operators it owns,
    /// then its child junctions.
    fn scope_phase(&self, subgraph: usize, scope: Scope, phase: Phase) -> TokenStream {
        let root = self.root;
        let sg = &self.partitioned.subgraphs[subgraph];
        let mut code = TokenStream::new();
        if let Scope::Junction(junction) = scope {
            code.extend(self.phase_code(junction, phase));
        }
        for &node in &sg.nodes {
            if sg.fusion.scope(node) == scope && Scope::Junction(node) != scope {
                code.extend(self.phase_code(node, phase));
            }
        }
        for &node in &sg.nodes {
            if sg.fusion.junctions.contains(&node) && sg.fusion.parent(node) == scope {
                let junction = Names::junction(node);
                code.extend(match phase {
                    Phase::Start => quote!(#junction(#root::ops::Call::Start);),
                    Phase::Flush => quote!(#junction(#root::ops::Call::Flush);),
                });
            }
        }
        code
    }

    fn junction_closure(&self, subgraph: usize, node: NodeId) -> TokenStream {
        let root = self.root;
        let graph = &self.checked().graph;
        let name = Names::junction(node);
        let mut inputs: Vec<(usize, Ident)> = graph
            .in_edges(node)
            .map(|edge| (self.checked().push_index(edge), self.edge_witness(edge)))
            .collect();
        inputs.sort_by_key(|(index, _)| *index);
        inputs.dedup_by_key(|(index, _)| *index);
        let first = inputs
            .first()
            .map(|(_, w)| quote!(#w))
            .unwrap_or_else(|| quote!(#root::ops::Ty::<()>::new()));
        let second = inputs
            .get(1)
            .map(|(_, w)| quote!(#w))
            .unwrap_or_else(|| quote!(#root::ops::Ty::<()>::new()));
        let start = self.scope_phase(subgraph, Scope::Junction(node), Phase::Start);
        let flush = self.scope_phase(subgraph, Scope::Junction(node), Phase::Flush);
        let value = format_ident!("__value_{}", node);
        let first_push = self.push_code(node, 0, quote!(#value));
        let second_push = if inputs.len() > 1 {
            self.push_code(node, 1, quote!(#value))
        } else {
            quote!(let _ = #value;)
        };
        quote! {
            let mut #name = #root::ops::junction(#first, #second, |__call| match __call {
                #root::ops::Call::Start => { #start }
                #root::ops::Call::Flush => { #flush }
                #root::ops::Call::First(#value) => { #first_push }
                #root::ops::Call::Second(#value) => { #second_push }
            });
        }
    }

    /// Incoming edges of a subgraph: the buffers it drains.
    fn incoming_edges(&self, subgraph: usize) -> Vec<usize> {
        let graph = &self.checked().graph;
        (0..graph.edges.len())
            .filter(|&edge| {
                self.partitioned.node_subgraph[graph.edges[edge].dst] == Some(subgraph)
                    && self.edge_kinds[edge] != EdgeKind::Internal
            })
            .collect()
    }

    /// `bool` expression: items wait on `edge` (a buffer, a deferred buffer or a handoff node);
    /// `None` for a fused edge.
    fn edge_has_items(&self, edge: usize) -> Option<TokenStream> {
        match self.edge_kinds[edge] {
            EdgeKind::Buffer => {
                let buffer = Names::buffer(edge);
                Some(quote!(!#buffer.is_empty()))
            }
            EdgeKind::Defer(_) => {
                let current = Names::defer_current(edge);
                Some(quote!(!#current.is_empty()))
            }
            EdgeKind::FromHandoff(handoff) => {
                let storage = Names::handoff(handoff);
                Some(match self.checked().graph.nodes[handoff].content {
                    NodeContent::Handoff(HandoffKind::Handoff) => quote!(!#storage.is_empty()),
                    _ => quote!(#storage.is_some()),
                })
            }
            EdgeKind::Internal | EdgeKind::IntoHandoff(_) => None,
        }
    }

    /// Whether `edge` is a `defer_tick()` edge inside a nested loop: it carries items to the
    /// loop's next iteration rather than to the next tick.
    fn is_iteration_defer(&self, edge: usize) -> bool {
        let graph = &self.checked().graph;
        matches!(self.edge_kinds[edge], EdgeKind::Defer(_))
            && graph.nodes[graph.edges[edge].dst]
                .loop_id
                .and_then(|id| graph.loops.get(id))
                .is_some_and(|block| block.parent.is_some())
    }

    /// `bool` expression: loop `id` has a reason to run (another iteration): items entered it
    /// through a non-lazy `batch`, or were deferred to it, or it is entered eagerly.
    fn loop_gate(&self, id: LoopId) -> TokenStream {
        let graph = &self.checked().graph;
        let mut conditions = Vec::new();
        for (edge, e) in graph.edges.iter().enumerate() {
            if graph.nodes[e.dst].loop_id != Some(id) {
                continue;
            }
            match self.spec(e.dst).map(|spec| spec.kind) {
                Some(OperatorKind::LoopEntry(LoopTrigger::EveryTick)) => {
                    conditions.push(quote!(true))
                }
                Some(OperatorKind::LoopEntry(LoopTrigger::OnInput)) => {
                    conditions.extend(self.edge_has_items(edge));
                }
                _ if matches!(self.edge_kinds[edge], EdgeKind::Defer(_)) => {
                    conditions.extend(self.edge_has_items(edge));
                }
                _ => {}
            }
        }
        if conditions.is_empty() {
            quote!(false)
        } else {
            quote!(#(#conditions)||*)
        }
    }

    /// `bool` expression: the subgraph has work this run.
    fn has_work(&self, subgraph: usize) -> TokenStream {
        let mut conditions: Vec<TokenStream> = self
            .incoming_edges(subgraph)
            .into_iter()
            .filter_map(|edge| self.edge_has_items(edge))
            .collect();
        for &node in &self.partitioned.subgraphs[subgraph].nodes {
            if let Some(needs_run) = self.writer(node).and_then(|writer| writer.needs_run) {
                conditions.push(needs_run(&self.op_context(node, false)));
            }
        }
        if conditions.is_empty() {
            quote!(false)
        } else {
            quote!(#(#conditions)||*)
        }
    }

    /// The references used by the subgraph's operators: `let __ref_N = ...;` bindings, and
    /// whether a referenced singleton may be empty (then the run is skipped).
    fn reference_bindings(&self, subgraph: usize, discard: &TokenStream) -> TokenStream {
        let root = self.root;
        let graph = &self.checked().graph;
        let mut seen = BTreeSet::new();
        let mut code = TokenStream::new();
        for &node in &self.partitioned.subgraphs[subgraph].nodes {
            let Some(operator) = graph.operator(node) else {
                continue;
            };
            for (reference, target) in &operator.references {
                let Some(target) = *target else { continue };
                if !seen.insert((target, reference.mutable)) {
                    continue;
                }
                let name = Names::reference(target, reference.mutable);
                let storage = Names::handoff(target);
                let text = reference.name.to_string();
                code.extend(match (&graph.nodes[target].content, reference.mutable) {
                    (NodeContent::Handoff(HandoffKind::Singleton), false) => quote! {
                        let #name = match #storage.as_ref() {
                            ::std::option::Option::Some(value) => value,
                            ::std::option::Option::None => {
                                #root::__private::report_empty_singleton(#text);
                                #discard
                                break '__run;
                            }
                        };
                    },
                    (NodeContent::Handoff(HandoffKind::Singleton), true) => quote! {
                        let #name = match #storage.as_mut() {
                            ::std::option::Option::Some(value) => value,
                            ::std::option::Option::None => {
                                #root::__private::report_empty_singleton(#text);
                                #discard
                                break '__run;
                            }
                        };
                    },
                    (_, false) => quote!(let #name = &#storage;),
                    (_, true) => quote!(let #name = &mut #storage;),
                });
            }
        }
        code
    }

    fn subgraph_run(&self, subgraph: usize) -> TokenStream {
        let root = self.root;
        let graph = &self.checked().graph;
        let sg = &self.partitioned.subgraphs[subgraph];
        let mut prepare = TokenStream::new();
        let mut drains = TokenStream::new();
        let mut discard = TokenStream::new();
        for edge in self.incoming_edges(subgraph) {
            let dst = graph.edges[edge].dst;
            let push_index = self.checked().push_index(edge);
            let value = format_ident!("__value_in_{}", edge);
            let deliver = self.call_code(dst, push_index, quote!(#value));
            match self.edge_kinds[edge] {
                EdgeKind::Buffer => {
                    let (write, read) = (Names::buffer(edge), Names::buffer_read(edge));
                    let index = self.metrics_index(BufferKey::Edge(edge));
                    prepare.extend(quote! {
                        ::std::mem::swap(&mut #write, &mut #read);
                        __context.metrics().count_buffer_items(#index, #read.len());
                    });
                    drains.extend(quote!(for #value in #read.drain(..) { #deliver }));
                    discard.extend(quote!(#read.clear();));
                }
                EdgeKind::Defer(_) => {
                    let current = Names::defer_current(edge);
                    let index = self.metrics_index(BufferKey::Edge(edge));
                    prepare.extend(quote! {
                        __context.metrics().count_buffer_items(#index, #current.len());
                    });
                    drains.extend(quote!(for #value in #current.drain(..) { #deliver }));
                    discard.extend(quote!(#current.clear();));
                }
                EdgeKind::FromHandoff(handoff) => {
                    let storage = Names::handoff(handoff);
                    let index = self.metrics_index(BufferKey::Handoff(handoff));
                    match graph.nodes[handoff].content {
                        NodeContent::Handoff(HandoffKind::Handoff) => {
                            let read = Names::handoff_read(handoff);
                            prepare.extend(quote! {
                                ::std::mem::swap(&mut #storage, &mut #read);
                                __context.metrics().count_buffer_items(#index, #read.len());
                            });
                            drains.extend(quote!(for #value in #read.drain(..) { #deliver }));
                            discard.extend(quote!(#read.clear();));
                        }
                        _ => {
                            prepare.extend(quote! {
                                __context.metrics().count_buffer_items(#index, usize::from(#storage.is_some()));
                            });
                            drains.extend(quote! {
                                if let ::std::option::Option::Some(#value) = #storage.take() { #deliver }
                            });
                            discard.extend(quote!(#storage = ::std::option::Option::None;));
                        }
                    }
                }
                EdgeKind::Internal | EdgeKind::IntoHandoff(_) => {}
            }
        }
        // A run skipped for an empty referenced singleton drops its sources' items too.
        for &node in &sg.nodes {
            let Some(start) = self
                .spec(node)
                .filter(|spec| spec.is_source())
                .and_then(|spec| spec.writer.start)
            else {
                continue;
            };
            discard.extend(start(
                &self.op_context(node, false),
                &|_, item| quote!(let _ = #item;),
            ));
        }
        let mut per_run_args = TokenStream::new();
        for &node in &sg.nodes {
            if !self.per_run[node] {
                continue;
            }
            let Some(writer) = self.writer(node) else {
                continue;
            };
            let cx = self.op_context(node, true);
            per_run_args.extend((writer.args)(&cx));
            for slot in 0..cx.output_count {
                let (built, run) = (Names::ty(node, slot), Names::run_ty(node, slot));
                per_run_args.extend(quote!(let _ = #root::ops::same(#built, #run);));
            }
        }
        let mut junctions = TokenStream::new();
        for &node in sg.nodes.iter().rev() {
            if sg.fusion.junctions.contains(&node) {
                junctions.extend(self.junction_closure(subgraph, node));
            }
        }
        let references = self.reference_bindings(subgraph, &discard);
        let start = self.scope_phase(subgraph, Scope::Top, Phase::Start);
        let flush = self.scope_phase(subgraph, Scope::Top, Phase::Flush);
        let has_work = self.has_work(subgraph);
        quote! {
            if #has_work {
                let __started = __context.metrics().start_subgraph(#subgraph);
                '__run: {
                    #prepare
                    #references
                    #per_run_args
                    #junctions
                    #start
                    #drains
                    #flush
                }
                __context.metrics().end_subgraph(#subgraph, __started);
                true
            } else {
                false
            }
        }
    }

    fn schedule_code(&self) -> TokenStream {
        let resumable = self.has_suspending_operators();
        let mut code = TokenStream::new();
        if resumable {
            code.extend(quote!(let __resume_step = __context.take_resume_step();));
        }
        for (step, item) in self.partitioned.schedule.iter().enumerate() {
            let run = self.step_code(item);
            code.extend(if resumable {
                quote! {
                    if __resume_step <= #step {
                        #run
                        if __context.is_suspended() {
                            return __work_done;
                        }
                    }
                }
            } else {
                run
            });
        }
        code
    }

    /// The code of one schedule step.
    fn step_code(&self, item: &ScheduleItem) -> TokenStream {
        match item {
            ScheduleItem::Subgraph(subgraph) => {
                let run = self.subgraph_run(*subgraph);
                quote!(__work_done |= #run;)
            }
            ScheduleItem::Fixpoint(subgraphs) => {
                let runs = subgraphs.iter().map(|&sg| self.subgraph_run(sg));
                quote! {
                    loop {
                        let mut __progress = false;
                        #( __progress |= #runs; )*
                        if !__progress {
                            break;
                        }
                        __work_done = true;
                    }
                }
            }
            ScheduleItem::Loop { id, nested, body } => {
                let gate = self.loop_gate(*id);
                let body: TokenStream = body.iter().map(|item| self.step_code(item)).collect();
                if *nested {
                    let root = self.root;
                    let graph = &self.checked().graph;
                    let advance: TokenStream = (0..graph.edges.len())
                        .filter(|&edge| {
                            self.is_iteration_defer(edge)
                                && graph.nodes[graph.edges[edge].dst].loop_id == Some(*id)
                        })
                        .map(|edge| {
                            let (current, next) =
                                (Names::defer_current(edge), Names::defer_next(edge));
                            quote!(#root::ops::persist::advance_deferred(&mut #current, &mut #next);)
                        })
                        .collect();
                    quote! {
                        loop {
                            if !(#gate) {
                                break;
                            }
                            #body
                            #advance
                        }
                    }
                } else {
                    quote!(if #gate { #body })
                }
            }
        }
    }

    fn tick_end_code(&self) -> TokenStream {
        let graph = &self.checked().graph;
        let mut code = TokenStream::new();
        for (edge, kind) in self.edge_kinds.iter().enumerate() {
            let lazy_entry = matches!(
                self.spec(graph.edges[edge].dst).map(|spec| spec.kind),
                Some(OperatorKind::LoopEntry(LoopTrigger::Lazy))
            );
            if lazy_entry && *kind == EdgeKind::Buffer {
                // Lazy loop input the loop did not run for is dropped at the end of the tick.
                let buffer = Names::buffer(edge);
                code.extend(quote!(#buffer.clear();));
            }
            if self.is_iteration_defer(edge) {
                // The loop ran until nothing was deferred; nothing crosses the tick.
                continue;
            }
            if let EdgeKind::Defer(delay) = kind {
                let (current, next) = (Names::defer_current(edge), Names::defer_next(edge));
                let root = self.root;
                let advance =
                    quote!(#root::ops::persist::advance_deferred(&mut #current, &mut #next));
                code.extend(if *delay == Delay::Tick {
                    quote!(if #advance { __context.request_tick(); })
                } else {
                    quote!(#advance;)
                });
            }
        }
        for node in 0..graph.nodes.len() {
            match &graph.nodes[node].content {
                NodeContent::Handoff(kind) => {
                    let storage = Names::handoff(node);
                    code.extend(match kind {
                        HandoffKind::Handoff => quote!(#storage.clear();),
                        _ => quote!(#storage = ::std::option::Option::None;),
                    });
                }
                NodeContent::Operator(_) => {
                    if let Some(tick_end) = self.writer(node).and_then(|writer| writer.tick_end) {
                        code.extend(tick_end(&self.op_context(node, false)));
                    }
                }
            }
        }
        code
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
        quote! {
            {
                #(#uses)*
                #[allow(unused_mut, unused_variables, unused_labels, unreachable_code, clippy::all)]
                let __flow = {
                    #[allow(non_upper_case_globals)]
                    const context: #root::context::CurrentContext = #root::context::CurrentContext;
                    #build
                    #root::Flow::from_compiled(#graph_json, #subgraphs, #buffers, move |__context: &#root::Context| -> bool {
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
