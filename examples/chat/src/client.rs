//! The chat client: sends each line typed on standard input to the server, and prints what the
//! others say as `name: text` (and arrivals and departures as `* name joined` / `* name left`).
//!
//! The client dials the server with a connecting typed TCP sink
//! ([`tideflow::net::connect_tcp_with`]): its first message, the [`Message::Hello`] that
//! introduces the user, opens the connection. If the connection breaks, the sink reconnects with
//! backoff and the client introduces itself again; if the server stays unreachable, the client
//! says so and exits with status 1. At the end of standard input the client waits until its
//! last lines are written, then exits with status 0; the server sees it leave.

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::Stream;
use tideflow::net::{connect_tcp_with, Backoff, Bincode, NetConfig, NetError, NetEvent, NetSink};
use tideflow::Flow;
use tokio::sync::mpsc;

use crate::console::{self, printable, Keyboard};
use crate::protocol::Message;
use crate::roster::clean_name;

/// How long the client waits for its last lines to be written after standard input ends.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// What the client hears from the network, sorted for `demux_enum`.
#[derive(Debug, Clone, PartialEq, Eq, tideflow::DemuxEnum)]
pub enum Heard {
    /// The server accepted us; the names of the others connected to it.
    Welcome(Vec<String>),
    /// Someone said something: their name and line.
    Chat(String, String),
    /// Someone connected.
    Joined(String),
    /// Someone left.
    Left(String),
    /// The connection to the server is open (again).
    Connected,
    /// The connection to the server broke, and why; the sink is reconnecting.
    Lost(String),
    /// The server cannot be reached; the sink gave up.
    Unreachable(String),
}

impl Heard {
    /// Sorts a socket event; `None` for those the client ignores.
    pub fn from_net(event: NetEvent<Message>) -> Option<Heard> {
        match event {
            NetEvent::Message { message, .. } => match message {
                Message::Welcome { online } => Some(Heard::Welcome(online)),
                Message::Chat { name, text } => Some(Heard::Chat(name, text)),
                Message::Joined { name } => Some(Heard::Joined(name)),
                Message::Left { name } => Some(Heard::Left(name)),
                Message::Hello { .. } | Message::Say { .. } | Message::Gossip(_) => None,
            },
            NetEvent::Connected { .. } => Some(Heard::Connected),
            NetEvent::Disconnected { reason, .. } => Some(Heard::Lost(match reason {
                NetError::Closed => "the server closed it".to_string(),
                reason => reason.to_string(),
            })),
            NetEvent::ConnectFailed {
                error,
                retry_in: None,
                ..
            } => Some(Heard::Unreachable(error.to_string())),
            NetEvent::DecodeError { error, .. } => {
                console::warn(format_args!("ignored a message from the server: {error}"));
                None
            }
            NetEvent::ConnectFailed { .. }
            | NetEvent::SendFailed { .. }
            | NetEvent::SocketError { .. } => None,
        }
    }
}

/// Why the client stops.
#[derive(Debug)]
enum Quit {
    /// Standard input ended.
    EndOfInput,
    /// The server cannot be reached.
    Unreachable(String),
}

/// A chat client, built and ready to run.
pub struct Client {
    flow: Flow<'static>,
    quit: mpsc::UnboundedReceiver<Quit>,
    outbound: NetSink<Message>,
    server: SocketAddr,
}

/// The connection settings of a client (of the chat or echo server): retry quickly, give up
/// after about five seconds.
pub fn config() -> NetConfig {
    let backoff = Backoff::default()
        .with_initial(Duration::from_millis(100))
        .with_max(Duration::from_secs(1))
        .with_give_up_after(Some(8));
    NetConfig::default().with_backoff(backoff)
}

/// Builds the client of the server at `server` for the user `name`, who types `keyboard`.
pub fn build(
    server: SocketAddr,
    name: &str,
    keyboard: impl Stream<Item = Keyboard> + Unpin + 'static,
) -> io::Result<Client> {
    let (outbound, events) = connect_tcp_with::<Message, Bincode>(config())?;
    let (quit_send, quit) = mpsc::unbounded_channel();
    let quit_at_end = quit_send.clone();
    let name = clean_name(name);
    let (hello_name, rehello_name) = (name.clone(), name.clone());
    let sink = outbound.clone();
    let flow = tideflow::flow! {
        to_server = union() -> map(move |message| (message, server)) -> dest_sink(sink);

        // Introduce ourselves; the first message opens the connection.
        initialize() -> map(move |()| Message::Hello { name: hello_name.clone() }) -> to_server;

        // Every line typed goes to the server; the end of input quits.
        keys = source_stream(keyboard) -> demux_enum::<Keyboard>();
        keys[Line]
            -> map(|(text,): (String,)| text)
            -> filter(|text: &String| !text.trim().is_empty())
            -> map(|text| Message::Say { text })
            -> to_server;
        keys[End] -> for_each(move |()| {
            let _ = quit_at_end.send(Quit::EndOfInput);
        });

        // What the server says.
        heard = source_stream(events) -> filter_map(Heard::from_net) -> demux_enum::<Heard>();
        heard[Welcome] -> for_each(move |(online,): (Vec<String>,)| {
            let others = if online.is_empty() {
                "nobody else is here yet".to_string()
            } else {
                let names: Vec<_> = online.iter().map(|name| printable(name)).collect();
                format!("also here: {}", names.join(", "))
            };
            console::line(format_args!("* connected to {server} as {name}; {others}"));
        });
        heard[Chat] -> for_each(|(name, text): (String, String)| {
            console::line(format_args!("{}: {}", printable(&name), printable(&text)))
        });
        heard[Joined] -> for_each(|(name,): (String,)| {
            console::line(format_args!("* {} joined", printable(&name)))
        });
        heard[Left] -> for_each(|(name,): (String,)| {
            console::line(format_args!("* {} left", printable(&name)))
        });

        // After a reconnection the server sees a new client: introduce ourselves again.
        heard[Connected]
            -> enumerate::<'static>()
            -> filter(|(count, ()): &(usize, ())| *count > 0)
            -> map(move |_| Message::Hello { name: rehello_name.clone() })
            -> to_server;
        heard[Lost] -> for_each(|(reason,): (String,)| {
            console::line(format_args!(
                "* lost the connection to the server ({reason}); reconnecting"
            ))
        });
        heard[Unreachable] -> for_each(move |(reason,): (String,)| {
            let _ = quit_send.send(Quit::Unreachable(reason));
        });
    };
    Ok(Client {
        flow,
        quit,
        outbound,
        server,
    })
}

impl Client {
    /// The client's flow (for `--graph`).
    pub fn flow(&self) -> &Flow<'static> {
        &self.flow
    }

    /// Runs the client until standard input ends (status 0) or the server cannot be reached
    /// (status 1).
    pub async fn run(mut self) -> ExitCode {
        let quit = tokio::select! {
            never = self.flow.run() => match never {},
            quit = self.quit.recv() => quit,
        };
        match quit {
            Some(Quit::EndOfInput) | None => {
                self.flush().await;
                ExitCode::SUCCESS
            }
            Some(Quit::Unreachable(reason)) => {
                console::error(format_args!(
                    "cannot reach the chat server at {}: {reason}",
                    self.server
                ));
                ExitCode::FAILURE
            }
        }
    }

    /// Keeps the flow running until every queued line is written to the server (or
    /// [`FLUSH_TIMEOUT`] passes).
    async fn flush(&mut self) {
        let deadline = Instant::now() + FLUSH_TIMEOUT;
        loop {
            self.flow.run_available().await;
            if self.outbound.queued_for(self.server) == 0 || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Give the kernel a moment to hand the last bytes over before the socket closes.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
