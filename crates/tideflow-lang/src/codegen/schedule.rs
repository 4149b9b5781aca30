//! The tick: schedule steps in order (fixpoint loops, `loop { }` blocks, resumable steps for
//! suspending operators) and the end-of-tick resets.

use super::*;

impl Generator<'_> {
    /// Whether `edge` is a `defer_tick()` edge inside a nested loop: it carries items to the
    /// loop's next iteration rather than to the next tick.
    pub(super) fn is_iteration_defer(&self, edge: usize) -> bool {
        let graph = &self.checked().graph;
        matches!(self.edge_kinds[edge], EdgeKind::Defer(_))
            && graph.nodes[graph.edges[edge].dst]
                .loop_id
                .and_then(|id| graph.loops.get(id))
                .is_some_and(|block| block.parent.is_some())
    }

    /// `bool` expression: loop `id` has a reason to run (another iteration): items entered it
    /// through a non-lazy `batch`, or were deferred to it, or it is entered eagerly.
    pub(super) fn loop_gate(&self, id: LoopId) -> TokenStream {
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

    pub(super) fn schedule_code(&self) -> TokenStream {
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
    pub(super) fn step_code(&self, item: &ScheduleItem) -> TokenStream {
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

    pub(super) fn tick_end_code(&self) -> TokenStream {
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
}
