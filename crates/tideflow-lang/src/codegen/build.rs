//! Build code: type witnesses, arguments, operator state and buffers, created once when the flow
//! is built, in an order that lets Rust infer closure parameter types.

use super::*;

impl Generator<'_> {
    /// Build order for witnesses: a node comes after all its producers, except over back edges.
    pub(super) fn witness_order(&self) -> Vec<NodeId> {
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

    pub(super) fn find_back_edges(&self) -> BTreeSet<usize> {
        let graph = &self.checked().graph;
        let order = self.witness_order();
        let position = |node: NodeId| order.iter().position(|&n| n == node).unwrap_or(0);
        (0..graph.edges.len())
            .filter(|&edge| position(graph.edges[edge].src) >= position(graph.edges[edge].dst))
            .collect()
    }

    /// The witness of the items on edge `edge`, as its consumer sees them.
    pub(super) fn edge_witness(&self, edge: usize) -> Ident {
        if self.back_edges.contains(&edge) {
            return Names::back_ty(edge);
        }
        let e = &self.checked().graph.edges[edge];
        Names::ty(e.src, self.source_slot(edge))
    }

    pub(super) fn source_slot(&self, edge: usize) -> usize {
        let e = &self.checked().graph.edges[edge];
        if self.spec(e.src).is_none() {
            0
        } else {
            self.checked().output_slot[edge]
        }
    }

    pub(super) fn output_count(&self, node: NodeId) -> usize {
        self.checked().graph.out_edges(node).count()
    }

    pub(super) fn build_code(&self) -> TokenStream {
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
}
