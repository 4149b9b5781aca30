//! [`GraphBuilder`]: the programmatic front door. Builds the same [`FlatGraph`] the parser
//! would, from operator names and argument expressions, without surface-syntax tokens.
//!
//! ```
//! use tideflow_lang::GraphBuilder;
//!
//! let mut builder = GraphBuilder::new();
//! let source = builder.operator("source_iter", &[syn::parse_quote!(0..3)]);
//! let double = builder.operator("map", &[syn::parse_quote!(|x| x * 2)]);
//! let sink = builder.operator("for_each", &[syn::parse_quote!(|x| println!("{x}"))]);
//! builder.connect(source, double);
//! builder.connect(double, sink);
//! let graph = builder.build();
//! assert_eq!(graph.nodes.len(), 3);
//! assert_eq!(graph.edges.len(), 2);
//! ```

use proc_macro2::Span;
use quote::ToTokens;

use crate::graph::{Edge, FlatGraph, HandoffKind, Node, NodeContent, NodeId, OperatorNode};
use crate::parse::{compact_source_text, Port};

/// Builds a [`FlatGraph`] operator by operator.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    graph: FlatGraph,
}

impl GraphBuilder {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an operator with `'tick` persistence and no type arguments.
    pub fn operator(&mut self, name: &str, args: &[syn::Expr]) -> NodeId {
        self.operator_with(name, &[], &[], args)
    }

    /// Adds an operator with persistence lifetimes (`"tick"`, `"static"`) and type arguments.
    pub fn operator_with(
        &mut self,
        name: &str,
        persistence: &[&str],
        type_args: &[syn::Type],
        args: &[syn::Expr],
    ) -> NodeId {
        if let Some(kind) = HandoffKind::from_name(name) {
            return self.handoff(kind);
        }
        let arg_text: Vec<String> = args
            .iter()
            .map(|arg| compact_source_text(&arg.to_token_stream()))
            .collect();
        let node = OperatorNode {
            name: name.to_string(),
            persistence: persistence
                .iter()
                .map(|p| (p.trim_start_matches('\'').to_string(), Span::call_site()))
                .collect(),
            type_args: type_args.to_vec(),
            generics_span: None,
            args: args.to_vec(),
            args_span: Span::call_site(),
            references: Vec::new(),
            source_text: format!("{name}({})", arg_text.join(", ")),
        };
        self.graph.add_node(Node {
            content: NodeContent::Operator(node),
            varname: None,
            span: Span::call_site(),
            loop_id: None,
        })
    }

    /// Adds a `handoff()`, `singleton()` or `optional()` node.
    pub fn handoff(&mut self, kind: HandoffKind) -> NodeId {
        self.graph.add_node(Node {
            content: NodeContent::Handoff(kind),
            varname: None,
            span: Span::call_site(),
            loop_id: None,
        })
    }

    /// Names a node (shown in rendered graphs).
    pub fn name(&mut self, node: NodeId, name: &str) {
        if let Some(node) = self.graph.nodes.get_mut(node) {
            node.varname = Some(name.to_string());
        }
    }

    /// Connects `src`'s output to `dst`'s input, without ports.
    pub fn connect(&mut self, src: NodeId, dst: NodeId) {
        self.connect_ports(src, None, dst, None);
    }

    /// Connects `src`'s output port to `dst`'s input port (`None`: no port).
    pub fn connect_ports(
        &mut self,
        src: NodeId,
        src_port: Option<Port>,
        dst: NodeId,
        dst_port: Option<Port>,
    ) {
        self.graph.add_edge(Edge {
            src,
            src_port: src_port.map(|port| (port, Span::call_site())),
            dst,
            dst_port: dst_port.map(|port| (port, Span::call_site())),
        });
    }

    /// Adds a `use` item to the generated code.
    pub fn use_item(&mut self, item: syn::ItemUse) {
        self.graph.uses.push(item.to_token_stream());
    }

    /// The finished graph, ready for [`crate::check_graph`].
    pub fn build(self) -> FlatGraph {
        self.graph
    }
}
