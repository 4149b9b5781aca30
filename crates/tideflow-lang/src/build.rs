//! From syntax to a [`FlatGraph`]: every operator becomes a node, every `->` an edge, and names
//! are resolved (in any statement order) to the nodes at their pipelines' ends.

use std::collections::HashMap;

use proc_macro2::Ident;
use quote::ToTokens;

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::graph::{
    Edge, FlatGraph, HandoffKind, LoopBlock, LoopId, Node, NodeContent, NodeId, OperatorNode,
};
use crate::parse::{Element, Operator, Pipeline, PortIndex, Program, Statement};

/// Where one end of a pipeline attaches: a node, or a name resolved later.
#[derive(Debug, Clone)]
enum Target {
    Node(NodeId),
    Name(Ident),
}

#[derive(Debug, Clone)]
struct End {
    target: Target,
    port: Option<PortIndex>,
}

#[derive(Debug, Clone)]
struct Ends {
    input: End,
    output: End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
}

/// Limit on alias chains like `a = b; b = c; ...`.
const MAX_ALIAS_DEPTH: usize = 1024;

/// Builds the flat graph of a parsed program, with every name and `#reference` resolved.
pub fn build_flat_graph(program: &Program) -> (FlatGraph, Vec<Diagnostic>) {
    let mut builder = Builder::default();
    for statement in &program.statements {
        builder.statement(statement);
    }
    builder.finish()
}

#[derive(Default)]
struct Builder {
    graph: FlatGraph,
    /// The `loop { }` block being built, if any.
    current_loop: Option<LoopId>,
    bindings: HashMap<String, (Ident, Ends)>,
    links: Vec<(End, End)>,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Use(item) => self.graph.uses.push(item.to_token_stream()),
            Statement::Named { name, pipeline } => {
                let first_node = self.graph.nodes.len();
                let ends = self.pipeline(pipeline);
                for node in &mut self.graph.nodes[first_node..] {
                    node.varname.get_or_insert_with(|| name.to_string());
                }
                if let Some((previous, _)) = self.bindings.get(&name.to_string()) {
                    self.diagnostics.push(
                        Diagnostic::error(name.span(), format!("name `{name}` is assigned twice"))
                            .with_note(previous.span(), format!("`{name}` is first assigned here"))
                            .with_help("rename one of them"),
                    );
                } else {
                    self.bindings.insert(name.to_string(), (name.clone(), ends));
                }
            }
            Statement::Pipe(pipeline) => {
                let ends = self.pipeline(pipeline);
                if let Some(port) = &ends.input.port {
                    self.diagnostics.push(
                        Diagnostic::error(port.span, "input port index is unused")
                            .with_help("nothing flows into this end of the pipeline; is the port on the correct side of the name?"),
                    );
                }
                if let Some(port) = &ends.output.port {
                    self.diagnostics.push(
                        Diagnostic::error(port.span, "output port index is unused")
                            .with_help("nothing flows out of this end of the pipeline; is the port on the correct side of the name?"),
                    );
                }
            }
            Statement::Loop { span, body } => {
                let parent = self.current_loop;
                self.graph.loops.push(LoopBlock {
                    parent,
                    span: *span,
                });
                self.current_loop = Some(self.graph.loops.len() - 1);
                for statement in body {
                    self.statement(statement);
                }
                self.current_loop = parent;
            }
        }
    }

    fn pipeline(&mut self, pipeline: &Pipeline) -> Ends {
        let mut ends: Option<Ends> = None;
        for element in &pipeline.elements {
            let next = self.element(element);
            ends = Some(match ends {
                None => next,
                Some(previous) => {
                    self.links.push((previous.output, next.input.clone()));
                    Ends {
                        input: previous.input,
                        output: next.output,
                    }
                }
            });
        }
        ends.unwrap_or_else(|| unreachable!("the parser never produces an empty pipeline"))
    }

    fn element(&mut self, element: &Element) -> Ends {
        match element {
            Element::Operator(operator) => {
                let node = self.operator(operator);
                Ends {
                    input: End {
                        target: Target::Node(node),
                        port: None,
                    },
                    output: End {
                        target: Target::Node(node),
                        port: None,
                    },
                }
            }
            Element::Name {
                input_port,
                name,
                output_port,
            } => Ends {
                input: End {
                    target: Target::Name(name.clone()),
                    port: input_port.clone(),
                },
                output: End {
                    target: Target::Name(name.clone()),
                    port: output_port.clone(),
                },
            },
            Element::Group {
                input_port,
                pipeline,
                output_port,
                ..
            } => {
                let mut ends = self.pipeline(pipeline);
                self.set_port(&mut ends.input, input_port);
                self.set_port(&mut ends.output, output_port);
                ends
            }
        }
    }

    fn set_port(&mut self, end: &mut End, port: &Option<PortIndex>) {
        let Some(port) = port else { return };
        match &end.port {
            Some(existing) => self.diagnostics.push(
                Diagnostic::error(port.span, "this end already has a port")
                    .with_note(existing.span, "the port given here"),
            ),
            None => end.port = Some(port.clone()),
        }
    }

    fn operator(&mut self, operator: &Operator) -> NodeId {
        let name = operator.name.to_string();
        let span = operator.name.span();
        let content = match HandoffKind::from_name(&name) {
            Some(kind) => {
                if !operator.args.is_empty() || operator.generics_span.is_some() {
                    self.diagnostics.push(Diagnostic::error(
                        operator.args_span,
                        format!("`{name}()` takes no arguments"),
                    ));
                }
                NodeContent::Handoff(kind)
            }
            None => NodeContent::Operator(OperatorNode {
                name,
                persistence: operator
                    .persistence
                    .iter()
                    .map(|lifetime| (lifetime.ident.to_string(), lifetime.span()))
                    .collect(),
                type_args: operator.type_args.clone(),
                generics_span: operator.generics_span,
                args: operator.args.clone(),
                args_span: operator.args_span,
                references: operator
                    .references
                    .iter()
                    .map(|reference| (reference.clone(), None))
                    .collect(),
                source_text: operator.source_text.clone(),
            }),
        };
        self.graph.add_node(Node {
            content,
            varname: None,
            span,
            loop_id: self.current_loop,
        })
    }

    /// Follows names to the node and port at one end.
    fn resolve(&mut self, end: &End, side: Side) -> Option<(NodeId, Option<PortIndex>)> {
        let mut port = end.port.clone();
        let mut target = end.target.clone();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let name = match target {
                Target::Node(node) => return Some((node, port)),
                Target::Name(name) => name,
            };
            let key = name.to_string();
            if seen.contains(&key) || seen.len() > MAX_ALIAS_DEPTH {
                self.diagnostics.push(Diagnostic::error(
                    name.span(),
                    format!("name `{name}` forms or references an illegal self-referential cycle"),
                ));
                return None;
            }
            seen.push(key.clone());
            let Some((_, ends)) = self.bindings.get(&key) else {
                let help = did_you_mean(&key, self.bindings.keys().map(String::as_str));
                let mut diagnostic = Diagnostic::error(
                    name.span(),
                    format!("cannot find name `{name}`; name was never assigned"),
                );
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                self.diagnostics.push(diagnostic);
                return None;
            };
            let inner = match side {
                Side::Input => ends.input.clone(),
                Side::Output => ends.output.clone(),
            };
            match (&port, &inner.port) {
                (Some(outer), Some(existing)) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            outer.span,
                            format!("`{name}` already selects a port in its definition"),
                        )
                        .with_note(existing.span, "the port given here"),
                    );
                    return None;
                }
                (None, Some(_)) => port = inner.port.clone(),
                _ => {}
            }
            target = inner.target;
        }
    }

    fn finish(mut self) -> (FlatGraph, Vec<Diagnostic>) {
        let links = std::mem::take(&mut self.links);
        for (output, input) in links {
            let src = self.resolve(&output, Side::Output);
            let dst = self.resolve(&input, Side::Input);
            if let (Some((src, src_port)), Some((dst, dst_port))) = (src, dst) {
                self.graph.add_edge(Edge {
                    src,
                    src_port: src_port.map(|p| (p.port, p.span)),
                    dst,
                    dst_port: dst_port.map(|p| (p.port, p.span)),
                });
            }
        }
        self.resolve_references();
        (self.graph, self.diagnostics)
    }

    fn resolve_references(&mut self) {
        for node in 0..self.graph.nodes.len() {
            let references = match &self.graph.nodes[node].content {
                NodeContent::Operator(operator) => operator.references.clone(),
                NodeContent::Handoff(_) => continue,
            };
            let mut resolved = Vec::with_capacity(references.len());
            for (reference, _) in references {
                let end = End {
                    target: Target::Name(reference.name.clone()),
                    port: None,
                };
                let target = self.resolve(&end, Side::Output).map(|(target, _)| target);
                if let Some(target) = target {
                    if let NodeContent::Operator(operator) = &self.graph.nodes[target].content {
                        self.diagnostics.push(
                            Diagnostic::error(
                                reference.name.span(),
                                format!("cannot reference operator `{}`", operator.name),
                            )
                            .with_help(format!(
                                "end the pipeline of `{}` with `singleton()`, `optional()` or `handoff()` to make it referenceable",
                                reference.name
                            )),
                        );
                    }
                }
                resolved.push((reference, target));
            }
            if let NodeContent::Operator(operator) = &mut self.graph.nodes[node].content {
                operator.references = resolved;
            }
        }
    }
}
