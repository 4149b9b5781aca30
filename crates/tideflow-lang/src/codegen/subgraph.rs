//! One subgraph run: draining its input buffers, binding `#references`, defining its junction
//! closures, and its start, push and flush phases.

use quote::format_ident;

use super::*;

impl Generator<'_> {
    /// Incoming edges of a subgraph: the buffers it drains.
    pub(super) fn incoming_edges(&self, subgraph: usize) -> Vec<usize> {
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
    pub(super) fn edge_has_items(&self, edge: usize) -> Option<TokenStream> {
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

    /// `bool` expression: the subgraph has work this run.
    pub(super) fn has_work(&self, subgraph: usize) -> TokenStream {
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
    pub(super) fn reference_bindings(&self, subgraph: usize, discard: &TokenStream) -> TokenStream {
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

    pub(super) fn subgraph_run(&self, subgraph: usize) -> TokenStream {
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
}
