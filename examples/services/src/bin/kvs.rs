//! `kvs`: a key-value store server, a replica of a replicated store, or a client.
//!
//! ```text
//! kvs --role server  [--address 127.0.0.1:0]
//! kvs --role replica [--address 127.0.0.1:0] [--peers HOST:PORT,...] [--gossip-ms 500]
//! kvs --role client  --address SERVER   # then type `put KEY VALUE` / `get KEY`
//! kvs --role ... --graph mermaid|dot    # print the role's flow graph and exit
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, ValueEnum};
use futures::StreamExt;
use tideflow::net::{bind_tcp_bytes, connect_tcp_bytes, connect_tcp_with, Backoff, NetConfig};
use tideflow::GraphFormat;
use tideflow_example_services::common::{
    parse_addresses, parse_graph_format, print_graph, resolve, say, stdin_lines, warn,
};
use tideflow_example_services::kvs::{client_flow, replica_flow, server_flow};

/// A key-value store over TCP: a single server, gossiping replicas, and a client.
#[derive(Debug, Parser)]
#[command(name = "kvs", version)]
struct Args {
    /// What this process is.
    #[arg(long, value_enum)]
    role: Role,
    /// Server and replica: the address to listen on (port 0 picks a free port; default
    /// 127.0.0.1:0). A replica is also its peers' name for it (and its id), so give it an
    /// address they can dial, not 0.0.0.0. Client: the server to talk to.
    #[arg(long, value_name = "HOST:PORT")]
    address: Option<String>,
    /// Replica: the peers to start gossiping with, comma-separated (more are learned from them).
    #[arg(long, value_name = "HOST:PORT,...")]
    peers: Option<String>,
    /// Replica: how often the whole store is gossiped to every peer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    gossip_ms: u64,
    /// Print the role's compiled flow graph (mermaid, dot or json) and exit.
    #[arg(long, value_name = "FORMAT", value_parser = parse_graph_format)]
    graph: Option<GraphFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Role {
    /// Answer puts and gets from one store.
    Server,
    /// Answer puts and gets and gossip the store with peer replicas.
    Replica,
    /// Send the commands typed on standard input to a server and print the answers.
    Client,
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
            warn("kvs", message);
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<ExitCode, String> {
    // `--graph` only draws the flow: listen on a free port, whatever `--address` says.
    let listen = match (&args.graph, &args.address) {
        (None, Some(address)) => address.as_str(),
        _ => "127.0.0.1:0",
    };
    match args.role {
        Role::Server => {
            let (replies, requests, address) = bind_tcp_bytes(listen)
                .await
                .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
            let mut flow = server_flow(replies, requests, address);
            if let Some(format) = args.graph {
                print_graph(&flow, format);
                return Ok(ExitCode::SUCCESS);
            }
            say(format!("server live on {address}"));
            match flow.run().await {}
        }
        Role::Replica => {
            let seeds = parse_addresses(args.peers.as_deref().unwrap_or_default())?;
            let (replies, requests, address) = bind_tcp_bytes(listen)
                .await
                .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
            let (to_peers, from_peers) = connect_tcp_bytes()
                .map_err(|error| format!("cannot open the gossip socket: {error}"))?;
            let gossip_every = Duration::from_millis(args.gossip_ms.max(1));
            let mut flow = replica_flow(
                replies,
                requests,
                address,
                to_peers,
                from_peers,
                seeds,
                gossip_every,
            );
            if let Some(format) = args.graph {
                print_graph(&flow, format);
                return Ok(ExitCode::SUCCESS);
            }
            say(format!("replica live on {address}"));
            match flow.run().await {}
        }
        Role::Client => {
            let server = match (&args.graph, &args.address) {
                (None, Some(address)) => resolve(address)?,
                (None, None) => usage_error("a client needs --address SERVER"),
                (Some(_), _) => ([127, 0, 0, 1], 0).into(),
            };
            // Give up on an unreachable server after a few quick attempts (about 1.5 s).
            let backoff = Backoff::default().with_give_up_after(Some(5));
            let (requests, responses) =
                connect_tcp_with(NetConfig::default().with_backoff(backoff))
                    .map_err(|error| format!("cannot open a socket: {error}"))?;
            let (done, mut exit_code) = tideflow::util::unbounded_channel::<i32>();
            let mut flow = client_flow(requests, responses, server, stdin_lines("kvs"), done);
            if let Some(format) = args.graph {
                print_graph(&flow, format);
                return Ok(ExitCode::SUCCESS);
            }
            let code = tokio::select! {
                never = flow.run() => match never {},
                code = exit_code.next() => code.unwrap_or(1),
            };
            Ok(if code == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
