//! Emission: the code that hands an item from one operator to the next, fused inline or through
//! a junction closure, and each operator's start and flush phases.

use quote::format_ident;

use super::*;

impl Generator<'_> {
    /// Code that hands `item` to whatever is connected to `node`'s output `slot`.
    pub(super) fn emit_code(&self, node: NodeId, slot: usize, item: TokenStream) -> TokenStream {
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
    pub(super) fn call_code(
        &self,
        node: NodeId,
        push_index: usize,
        item: TokenStream,
    ) -> TokenStream {
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

    pub(super) fn push_code(
        &self,
        node: NodeId,
        push_index: usize,
        item: TokenStream,
    ) -> TokenStream {
        let Some(push) = self.writer(node).and_then(|writer| writer.push) else {
            return quote!(let _ = #item;);
        };
        let cx = self.op_context(node, false);
        push(&cx, push_index, item, &|slot, item| {
            self.emit_code(node, slot, item)
        })
    }

    pub(super) fn phase_code(&self, node: NodeId, phase: Phase) -> TokenStream {
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
    pub(super) fn step_of_node(&self, node: NodeId) -> usize {
        let subgraph = self.partitioned.node_subgraph[node];
        self.partitioned
            .schedule
            .iter()
            .position(|item| subgraph.is_some_and(|sg| item.subgraphs().contains(&sg)))
            .unwrap_or(0)
    }

    /// Whether any operator of the flow can suspend a tick.
    pub(super) fn has_suspending_operators(&self) -> bool {
        self.checked()
            .specs
            .iter()
            .any(|spec| spec.is_some_and(|spec| spec.kind == OperatorKind::Suspending))
    }

    pub(super) fn is_junction(&self, node: NodeId) -> bool {
        self.partitioned.node_subgraph[node].is_some_and(|sg| {
            self.partitioned.subgraphs[sg]
                .fusion
                .junctions
                .contains(&node)
        })
    }

    /// Code of one phase for everything in `scope`: the junction itself, the operators it owns,
    /// then its child junctions.
    pub(super) fn scope_phase(&self, subgraph: usize, scope: Scope, phase: Phase) -> TokenStream {
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

    pub(super) fn junction_closure(&self, subgraph: usize, node: NodeId) -> TokenStream {
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
}
