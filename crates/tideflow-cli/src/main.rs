//! `tideflow`: the Tideflow command-line tool.
//!
//! `tideflow graph FILE.rs` finds every `flow!` block in a Rust source file, compiles it with
//! `tideflow-lang` exactly as the macro does, and renders its graph as Mermaid, Graphviz DOT, SVG
//! (through Graphviz's `dot`) or JSON. Errors in a block are printed the way `rustc` prints the
//! macro's errors.
//!
//! Exit codes: 0 success, 1 a flow block has errors (the other blocks are still rendered),
//! 2 a usage, I/O or tool error (unreadable or non-Rust file, no `flow!` block, Graphviz missing).

mod find;
mod graph;
mod report;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "tideflow",
    version,
    about = "Tools for Tideflow dataflow programs",
    long_about = "Tools for Tideflow dataflow programs.\n\n\
                  Exit codes: 0 success, 1 a flow block has errors, 2 usage, I/O or tool errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Render the graph of every `flow!` block in a Rust source file
    #[command(long_about = graph::LONG_ABOUT, after_help = graph::AFTER_HELP)]
    Graph(graph::GraphArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Graph(args) => graph::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
