//! `two-pc`: a two-phase commit coordinator or subordinate.
//!
//! ```text
//! two-pc --role subordinate [--address 127.0.0.1:0] [--vote yes|no] [--vote-no TX,...]
//! two-pc --role coordinator (--subordinates HOST:PORT,... | --members FILE) [--timeout-ms 2000]
//!        # then type `begin T1`, `begin T2`, ...
//! two-pc --role ... --graph mermaid|dot   # print the role's flow graph and exit
//! ```

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, ValueEnum};
use futures::StreamExt;
use tideflow::net::{bind_tcp_bytes, connect_tcp_bytes};
use tideflow::GraphFormat;
use tideflow_example_services::common::{
    parse_addresses, parse_graph_format, print_graph, read_members_file, say, stdin_lines, warn,
};
use tideflow_example_services::two_pc::{coordinator_flow, subordinate_flow, VoteRule};

/// Two-phase commit over TCP: a coordinator that decides, and subordinates that vote.
#[derive(Debug, Parser)]
#[command(name = "two-pc", version)]
struct Args {
    /// What this process is.
    #[arg(long, value_enum)]
    role: Role,
    /// Subordinate: the address to listen on (port 0 picks a free port; default 127.0.0.1:0).
    /// The coordinator only dials, and takes no address.
    #[arg(long, value_name = "HOST:PORT")]
    address: Option<String>,
    /// Coordinator: the subordinates, comma-separated.
    #[arg(long, value_name = "HOST:PORT,...", conflicts_with = "members")]
    subordinates: Option<String>,
    /// Coordinator: a file listing the subordinates, one HOST:PORT per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    members: Option<PathBuf>,
    /// Coordinator: abort a transaction when a vote takes longer than this, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    timeout_ms: u64,
    /// Subordinate: the vote on every transaction not listed in --vote-no.
    #[arg(long, value_enum, default_value = "yes")]
    vote: Vote,
    /// Subordinate: transactions to vote no on, comma-separated.
    #[arg(long, value_name = "TX,...")]
    vote_no: Option<String>,
    /// Print the role's compiled flow graph (mermaid, dot or json) and exit.
    #[arg(long, value_name = "FORMAT", value_parser = parse_graph_format)]
    graph: Option<GraphFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Role {
    /// Run transactions typed on standard input (`begin T1`) across the subordinates.
    Coordinator,
    /// Vote on the coordinator's transactions and carry out its decisions.
    Subordinate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Vote {
    Yes,
    No,
}

/// Exits with a usage error (code 2), as for any other bad argument.
fn usage_error(message: &str) -> ! {
    Args::command()
        .error(clap::error::ErrorKind::MissingRequiredArgument, message)
        .exit()
}

#[tideflow::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => code,
        Err(message) => {
            warn("two-pc", message);
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<ExitCode, String> {
    match args.role {
        Role::Subordinate => {
            // `--graph` only draws the flow: listen on a free port, whatever `--address` says.
            let listen = match (&args.graph, &args.address) {
                (None, Some(address)) => address.as_str(),
                _ => "127.0.0.1:0",
            };
            let (replies, received, address) = bind_tcp_bytes(listen)
                .await
                .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
            let rule = VoteRule {
                yes: args.vote == Vote::Yes,
                no_on: args
                    .vote_no
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|tx| !tx.is_empty())
                    .map(str::to_owned)
                    .collect::<HashSet<_>>(),
            };
            let mut flow = subordinate_flow(replies, received, rule);
            if let Some(format) = args.graph {
                print_graph(&flow, format);
                return Ok(ExitCode::SUCCESS);
            }
            say(format!("subordinate live on {address}"));
            match flow.run().await {}
        }
        Role::Coordinator => {
            if args.address.is_some() {
                usage_error("the coordinator dials its subordinates and takes no --address");
            }
            let subordinates = match (&args.subordinates, &args.members) {
                (Some(list), None) => parse_addresses(list)?,
                (None, Some(path)) => read_members_file(path)?,
                _ if args.graph.is_some() => Vec::new(),
                _ => usage_error(
                    "a coordinator needs --subordinates HOST:PORT,... or --members FILE",
                ),
            };
            if subordinates.is_empty() && args.graph.is_none() {
                usage_error("a coordinator needs at least one subordinate");
            }
            let (to_subordinates, from_subordinates) =
                connect_tcp_bytes().map_err(|error| format!("cannot open a socket: {error}"))?;
            let (done, mut finished) = tideflow::util::unbounded_channel::<()>();
            let count = subordinates.len();
            let mut flow = coordinator_flow(
                to_subordinates,
                from_subordinates,
                subordinates,
                Duration::from_millis(args.timeout_ms),
                stdin_lines("two-pc"),
                done,
            );
            if let Some(format) = args.graph {
                print_graph(&flow, format);
                return Ok(ExitCode::SUCCESS);
            }
            say(format!("coordinator ready with {count} subordinate(s)"));
            tokio::select! {
                never = flow.run() => match never {},
                _ = finished.next() => {}
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
