//! `single-node`: transducers that run on one machine over files.
//!
//! ```text
//! single-node --role reachability --edges FILE --from NODE   # nodes reachable from NODE
//! single-node --role word-count --input FILE                 # `word count`, sorted by word
//! single-node --role ... --graph mermaid|dot                 # print the flow graph and exit
//! ```
//!
//! A file that cannot be read is reported on standard error, with exit code 1.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, ValueEnum};
use tideflow::GraphFormat;
use tideflow_example_services::common::{parse_graph_format, print_graph, say, warn};
use tideflow_example_services::single_node::{
    reachability_flow, read_edges, read_lines, word_count_flow,
};

/// Graph reachability and word count over files, each a one-tick flow.
#[derive(Debug, Parser)]
#[command(name = "single-node", version)]
struct Args {
    /// What to compute.
    #[arg(long, value_enum)]
    role: Role,
    /// Reachability: the edge list, one `FROM TO` per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    edges: Option<PathBuf>,
    /// Reachability: the start node.
    #[arg(long, value_name = "NODE")]
    from: Option<String>,
    /// Word count: the text file.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Print the role's compiled flow graph (mermaid, dot or json) and exit.
    #[arg(long, value_name = "FORMAT", value_parser = parse_graph_format)]
    graph: Option<GraphFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Role {
    /// Print the nodes reachable from --from over the edges in --edges.
    Reachability,
    /// Print how often each word of --input occurs.
    WordCount,
}

/// Exits with a usage error (code 2), as for any other bad argument.
fn usage_error(message: &str) -> ! {
    Args::command()
        .error(clap::error::ErrorKind::MissingRequiredArgument, message)
        .exit()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.role {
        Role::Reachability => reachability(&args),
        Role::WordCount => word_count(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            warn("single-node", message);
            ExitCode::FAILURE
        }
    }
}

fn reachability(args: &Args) -> Result<(), String> {
    if let Some(format) = args.graph {
        print_graph(&reachability_flow(Vec::new(), String::new(), say), format);
        return Ok(());
    }
    let (Some(path), Some(from)) = (&args.edges, &args.from) else {
        usage_error("reachability needs --edges FILE and --from NODE");
    };
    let edges = read_edges(path)?;
    reachability_flow(edges, from.clone(), say).run_available_sync();
    Ok(())
}

fn word_count(args: &Args) -> Result<(), String> {
    if let Some(format) = args.graph {
        print_graph(&word_count_flow(Vec::new(), say), format);
        return Ok(());
    }
    let Some(path) = &args.input else {
        usage_error("word-count needs --input FILE");
    };
    word_count_flow(read_lines(path)?, say).run_available_sync();
    Ok(())
}
