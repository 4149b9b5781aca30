//! The command lines of the `chat` and `echo` programs, and what each role runs.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use tideflow::net::ipv4_resolve;
use tideflow::{Flow, GraphFormat};

use crate::console;
use crate::process::LIVE_PREFIX;
use crate::{client, cluster, echo, server};

/// The chat server's address when `--address` is not given.
pub const DEFAULT_CHAT_ADDRESS: &str = "127.0.0.1:7878";

/// The echo server's address when `--address` is not given.
pub const DEFAULT_ECHO_ADDRESS: &str = "127.0.0.1:7879";

/// Where a server binds when the program only prints its graph.
const GRAPH_ONLY_ADDRESS: &str = "127.0.0.1:0";

/// What a `chat` process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChatRole {
    /// A chat server: accepts clients and passes each line to the others.
    Server,
    /// A chat client: sends what you type, prints what the others say.
    Client,
    /// A server of a chat cluster: shares the chat with other cluster servers.
    ClusterServer,
}

/// `chat`: a chat server, client, or cluster server, each a Tideflow transducer.
///
/// Three terminals: `chat --role server`, then `chat --role client --name alice` and
/// `chat --role client --name bob`; type in a client, read in the other. A cluster:
/// `chat --role cluster-server --address 127.0.0.1:7001`, then more cluster servers with
/// `--peers 127.0.0.1:7001`, and clients connected to any of them.
#[derive(Debug, Parser)]
#[command(name = "chat", version)]
pub struct ChatArgs {
    /// What to run.
    #[arg(long, value_enum)]
    pub role: ChatRole,
    /// For a server, the address to listen on (port 0 picks a free port, printed as
    /// `Server live on ADDRESS`); for a client, the server's address.
    #[arg(long, default_value = DEFAULT_CHAT_ADDRESS)]
    pub address: String,
    /// For a client, your name (required).
    #[arg(long)]
    pub name: Option<String>,
    /// For a cluster server, other cluster servers to contact at start (comma-separated;
    /// one is enough, the others are learned from gossip).
    #[arg(long, value_delimiter = ',', value_name = "ADDRESSES")]
    pub peers: Vec<String>,
    /// Print the flow's compiled graph as `mermaid`, `dot` or `json`, and exit.
    #[arg(long, value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,
}

/// What an `echo` process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EchoRole {
    /// The echo server: sends every line back.
    Server,
    /// A client: sends the lines of standard input, prints the replies.
    Client,
}

/// `echo`: a TCP line echo server (and a client for it), each a Tideflow transducer.
///
/// `echo --role server`, then `echo --role client` (or `nc 127.0.0.1 7879`) and type.
#[derive(Debug, Parser)]
#[command(name = "echo", version)]
pub struct EchoArgs {
    /// What to run.
    #[arg(long, value_enum)]
    pub role: EchoRole,
    /// For the server, the address to listen on (port 0 picks a free port, printed as
    /// `Server live on ADDRESS`); for a client, the server's address.
    #[arg(long, default_value = DEFAULT_ECHO_ADDRESS)]
    pub address: String,
    /// Print the flow's compiled graph as `mermaid`, `dot` or `json`, and exit.
    #[arg(long, value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,
}

/// Runs a `chat` process as `args` say; returns its exit status.
pub async fn run_chat(args: ChatArgs) -> ExitCode {
    match args.role {
        ChatRole::Server => {
            let address = listen_address(&args.address, args.graph);
            match server::build(address).await {
                Ok((flow, bound)) => serve(flow, bound, args.graph).await,
                Err(error) => fail(format_args!("cannot listen on {address}: {error}")),
            }
        }
        ChatRole::ClusterServer => {
            let address = listen_address(&args.address, args.graph);
            let peers = if args.graph.is_some() {
                Vec::new()
            } else {
                match args.peers.iter().map(|peer| resolve(peer)).collect() {
                    Ok(peers) => peers,
                    Err(code) => return code,
                }
            };
            match cluster::build(address, peers).await {
                Ok(server) => {
                    if server.advertised != server.bound && args.graph.is_none() {
                        console::line(format_args!(
                            "Other cluster servers reach this one at {}",
                            server.advertised
                        ));
                    }
                    serve(server.flow, server.bound, args.graph).await
                }
                Err(error) => fail(format_args!("cannot listen on {address}: {error}")),
            }
        }
        ChatRole::Client => {
            let name = match (&args.name, args.graph) {
                (Some(name), _) => name.as_str(),
                (None, Some(_)) => "anonymous",
                (None, None) => return fail("a client needs a name: `--name NAME`"),
            };
            if let Some(format) = args.graph {
                let server = SocketAddr::from(([127, 0, 0, 1], 0));
                return match client::build(server, name, futures::stream::empty()) {
                    Ok(client) => print_graph(client.flow(), format),
                    Err(error) => fail(error),
                };
            }
            let server = match resolve(&args.address) {
                Ok(server) => server,
                Err(code) => return code,
            };
            match client::build(server, name, console::keyboard()) {
                Ok(client) => client.run().await,
                Err(error) => fail(error),
            }
        }
    }
}

/// Runs an `echo` process as `args` say; returns its exit status.
pub async fn run_echo(args: EchoArgs) -> ExitCode {
    match args.role {
        EchoRole::Server => {
            let address = listen_address(&args.address, args.graph);
            match echo::build_server(address).await {
                Ok((flow, bound)) => serve(flow, bound, args.graph).await,
                Err(error) => fail(format_args!("cannot listen on {address}: {error}")),
            }
        }
        EchoRole::Client => {
            if let Some(format) = args.graph {
                let server = SocketAddr::from(([127, 0, 0, 1], 0));
                return match echo::build_client(server, futures::stream::empty()) {
                    Ok(client) => print_graph(client.flow(), format),
                    Err(error) => fail(error),
                };
            }
            let server = match resolve(&args.address) {
                Ok(server) => server,
                Err(code) => return code,
            };
            match echo::build_client(server, console::keyboard()) {
                Ok(client) => client.run().await,
                Err(error) => fail(error),
            }
        }
    }
}

/// The address a server binds: the one given, or any free loopback port when it only prints
/// its graph.
fn listen_address(address: &str, graph: Option<GraphFormat>) -> &str {
    if graph.is_some() {
        GRAPH_ONLY_ADDRESS
    } else {
        address
    }
}

/// Prints the server's graph (and exits), or announces it and runs it forever.
async fn serve(mut flow: Flow<'static>, bound: SocketAddr, graph: Option<GraphFormat>) -> ExitCode {
    if let Some(format) = graph {
        return print_graph(&flow, format);
    }
    console::line(format_args!("{LIVE_PREFIX}{bound}"));
    match flow.run().await {}
}

fn print_graph(flow: &Flow<'_>, format: GraphFormat) -> ExitCode {
    console::line(flow.graph().render(format).trim_end());
    ExitCode::SUCCESS
}

/// Resolves `host:port`, or reports why not.
fn resolve(address: &str) -> Result<SocketAddr, ExitCode> {
    ipv4_resolve(address).map_err(|error| {
        fail(format_args!(
            "cannot resolve the address `{address}`: {error}"
        ))
    })
}

/// Reports `error` and returns the failure status.
fn fail(error: impl std::fmt::Display) -> ExitCode {
    console::error(error);
    ExitCode::FAILURE
}
