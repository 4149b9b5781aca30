//! The echo server and client, over TCP lines ([`tideflow::net::bind_tcp_lines`]): the server
//! sends every line back to the connection it came from, to any number of clients at once;
//! plain tools (`nc`, `telnet`) work as clients too.

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use futures::Stream;
use tideflow::net::{bind_tcp_lines, connect_tcp_with, Lines, NetError, NetEvent};
use tideflow::Flow;
use tokio::sync::mpsc;

use crate::client;
use crate::console::{self, printable, Keyboard};

/// How long the client waits for the replies still due after standard input ends.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// Binds the echo server on `address` (port 0 picks a free port) and builds its flow; returns
/// the flow and the bound address.
pub async fn build_server(address: &str) -> io::Result<(Flow<'static>, SocketAddr)> {
    let (replies, requests, bound) = bind_tcp_lines(address).await?;
    let flow = tideflow::flow! {
        events = source_stream(requests) -> tee();
        // Every line goes back where it came from.
        events -> filter_map(NetEvent::into_message) -> dest_sink(replies);
        // Connections come and go; garbage (a line that is not UTF-8) is reported and skipped.
        events -> filter_map(|event: NetEvent<String>| match event {
                NetEvent::Connected { peer } => Some(format!("+ {peer} connected")),
                NetEvent::Disconnected { peer, .. } => Some(format!("- {peer} disconnected")),
                NetEvent::DecodeError { from, error } => {
                    console::warn(format_args!("ignored a line from {from}: {error}"));
                    None
                }
                _ => None,
            })
            -> for_each(console::line);
    };
    Ok((flow, bound))
}

/// What the echo client counts to know when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// A line went to the server.
    Sent,
    /// A reply came back.
    Replied,
    /// Standard input ended.
    Ended,
}

/// What the echo client's flow tells the code running it.
#[derive(Debug)]
enum Quit {
    /// Standard input ended: the replies still due have [`REPLY_TIMEOUT`] to arrive.
    InputEnded,
    /// Every line sent has been answered, and input has ended.
    Done,
    /// The server cannot be reached.
    Unreachable(String),
}

/// An echo client, built and ready to run.
pub struct EchoClient {
    flow: Flow<'static>,
    quit: mpsc::UnboundedReceiver<Quit>,
}

/// Builds an echo client of `server` that sends the lines of `keyboard` and prints the replies.
pub fn build_client(
    server: SocketAddr,
    keyboard: impl Stream<Item = Keyboard> + Unpin + 'static,
) -> io::Result<EchoClient> {
    let (outbound, events) = connect_tcp_with::<String, Lines>(client::config())?;
    let (quit_send, quit) = mpsc::unbounded_channel();
    let quit_unreachable = quit_send.clone();
    let mut counts = (0usize, 0usize, false); // sent, replied, ended
    let flow = tideflow::flow! {
        keys = source_stream(keyboard) -> demux_enum::<Keyboard>();
        lines = keys[Line] -> map(|(line,): (String,)| line) -> tee();
        lines -> map(move |line| (line, server)) -> dest_sink(outbound);
        lines -> map(|_| Progress::Sent) -> progress;
        keys[End] -> map(|()| Progress::Ended) -> progress;

        heard = source_stream(events) -> tee();
        replies = heard -> filter_map(NetEvent::into_message) -> tee();
        replies -> for_each(|(reply, _server): (String, SocketAddr)| {
            console::line(printable(&reply))
        });
        replies -> map(|_| Progress::Replied) -> progress;
        heard -> filter_map(move |event: NetEvent<String>| match event {
                NetEvent::ConnectFailed { error, retry_in: None, .. } => {
                    Some(format!("cannot reach the echo server at {server}: {error}"))
                }
                NetEvent::Disconnected { reason: NetError::Closed, .. } => {
                    Some("the echo server closed the connection".to_string())
                }
                _ => None,
            })
            -> for_each(move |reason| {
                let _ = quit_unreachable.send(Quit::Unreachable(reason));
            });

        // Done when input has ended and every line sent has come back.
        progress = union() -> for_each(move |step: Progress| {
            let (sent, replied, ended) = &mut counts;
            match step {
                Progress::Sent => *sent += 1,
                Progress::Replied => *replied += 1,
                Progress::Ended => {
                    *ended = true;
                    let _ = quit_send.send(Quit::InputEnded);
                }
            }
            if *ended && *replied >= *sent {
                let _ = quit_send.send(Quit::Done);
            }
        });
    };
    Ok(EchoClient { flow, quit })
}

impl EchoClient {
    /// The client's flow (for `--graph`).
    pub fn flow(&self) -> &Flow<'static> {
        &self.flow
    }

    /// Runs the client until input has ended and every line has come back (status 0), the
    /// replies stop coming for [`REPLY_TIMEOUT`] after the end of input, or the server cannot
    /// be reached (status 1).
    pub async fn run(self) -> ExitCode {
        let EchoClient { mut flow, mut quit } = self;
        let mut deadline = None;
        loop {
            let next = async {
                match deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline, quit.recv())
                        .await
                        .unwrap_or_else(|_elapsed| {
                            Some(Quit::Unreachable(format!(
                                "the echo server sent no reply within {REPLY_TIMEOUT:?} after \
                                 the end of input"
                            )))
                        }),
                    None => quit.recv().await,
                }
            };
            let next = tokio::select! {
                never = flow.run() => match never {},
                next = next => next,
            };
            match next {
                Some(Quit::InputEnded) => {
                    deadline = Some(tokio::time::Instant::now() + REPLY_TIMEOUT);
                }
                Some(Quit::Done) | None => return ExitCode::SUCCESS,
                Some(Quit::Unreachable(reason)) => {
                    console::error(reason);
                    return ExitCode::FAILURE;
                }
            }
        }
    }
}
