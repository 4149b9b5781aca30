//! The Tideflow Flow compiler as a library.
//!
//! ```text
//! tokens --parse--> Program --build--> FlatGraph --check--> CheckedGraph
//!        --partition--> PartitionedGraph --codegen--> Rust tokens
//!                                        \--render--> GraphView (Mermaid, DOT, JSON)
//! ```
//!
//! Each arrow is one module and one function. [`GraphBuilder`] is a second front door that
//! produces a [`FlatGraph`] from code. The `flow!` macro, the `tideflow` CLI and the Dist layer all
//! drive this crate; it depends on `proc_macro2`, never on `proc_macro`, and does no I/O.
//!
//! ```
//! let compiled = tideflow_lang::compile_flow(
//!     quote::quote! { source_iter(0..3) -> map(|x| x * 2) -> for_each(|x| println!("{x}")); },
//!     &quote::quote!(::tideflow),
//! );
//! assert!(compiled.diagnostics.is_empty());
//! let view = compiled.view.expect("the program is valid");
//! assert_eq!(view.subgraphs.len(), 1);
//! ```

pub mod build;
pub mod builder;
pub mod check;
pub mod codegen;
pub mod diagnostic;
pub mod graph;
pub mod graph_algorithms;
pub mod ops;
pub mod parse;
pub mod partition;
pub mod render;

use proc_macro2::TokenStream;

pub use build::build_flat_graph;
pub use builder::GraphBuilder;
pub use check::{check_graph, CheckedGraph};
pub use codegen::{generate_flow, CodegenOptions};
pub use diagnostic::{Diagnostic, Level};
pub use graph::FlatGraph;
pub use parse::parse_program;
pub use partition::{partition_graph, PartitionedGraph};
pub use render::{flat_view, partitioned_view, GraphFormat, GraphView};

/// The result of compiling one `flow!` body.
pub struct CompiledFlow {
    /// The expression that builds the flow, or `None` if there were errors.
    pub code: Option<TokenStream>,
    /// Errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The partitioned graph's view (or the flat graph's, if partitioning failed), when the
    /// program got that far.
    pub view: Option<GraphView>,
}

/// Compiles a `flow!` body. `root` is the path to the runtime crate (`::tideflow`).
pub fn compile_flow(tokens: TokenStream, root: &TokenStream) -> CompiledFlow {
    let program = match parse_program(tokens) {
        Ok(program) => program,
        Err(error) => {
            return CompiledFlow {
                code: None,
                diagnostics: error.into_iter().map(Diagnostic::from).collect(),
                view: None,
            }
        }
    };
    let (graph, mut diagnostics) = build_flat_graph(&program);
    compile_graph(graph, root, &mut diagnostics)
}

/// Compiles a flat graph (from the parser or a [`GraphBuilder`]); `diagnostics` holds what
/// earlier passes found.
pub fn compile_graph(
    graph: FlatGraph,
    root: &TokenStream,
    diagnostics: &mut Vec<Diagnostic>,
) -> CompiledFlow {
    let flat = flat_view(&graph);
    let failed = |diagnostics: &mut Vec<Diagnostic>, view| CompiledFlow {
        code: None,
        diagnostics: std::mem::take(diagnostics),
        view,
    };
    if diagnostic::has_errors(diagnostics) {
        return failed(diagnostics, Some(flat));
    }
    let (checked, check_diagnostics) = check_graph(graph);
    diagnostics.extend(check_diagnostics);
    let Some(checked) = checked else {
        return failed(diagnostics, Some(flat));
    };
    let partitioned = match partition_graph(checked) {
        Ok(partitioned) => partitioned,
        Err(errors) => {
            diagnostics.extend(errors);
            return failed(diagnostics, Some(flat));
        }
    };
    let view = partitioned_view(&partitioned);
    let options = CodegenOptions {
        root: root.clone(),
        graph_json: serde_json::to_string(&view).unwrap_or_else(|_| "{}".to_string()),
    };
    CompiledFlow {
        code: Some(generate_flow(&partitioned, &options)),
        diagnostics: std::mem::take(diagnostics),
        view: Some(view),
    }
}
