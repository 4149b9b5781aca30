//! What the end-to-end tests share: starting the example programs as real processes on free
//! loopback ports, and the time limits they wait with. Every [`Process`] kills its child when
//! dropped, so a failing test leaves nothing running.

#![allow(dead_code)] // each test file uses part of it

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

pub use tideflow_example_chat::process::Process;
use tideflow_example_chat::process::{server_address, LIVE_PREFIX};

/// How long a test waits for any one thing a user would see.
pub const WAIT: Duration = Duration::from_secs(10);

/// The `chat` program.
pub fn chat(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat"));
    command.args(args);
    command
}

/// The `echo` program.
pub fn echo(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_echo"));
    command.args(args);
    command
}

/// Starts a server (`command` binds port 0) and reads the address it prints.
pub fn start_server(name: &str, command: Command) -> (Process, SocketAddr) {
    let mut server = Process::spawn(name, command).or_panic();
    let live = server.wait_for(LIVE_PREFIX, WAIT).or_panic();
    let address = server_address(&live).unwrap_or_else(|| panic!("no address in {live:?}"));
    (server, address)
}

/// Starts a chat server on a free port.
pub fn chat_server() -> (Process, SocketAddr) {
    start_server(
        "server",
        chat(&["--role", "server", "--address", "127.0.0.1:0"]),
    )
}

/// Starts a chat client named `name` of the server at `server`, and waits until it is
/// connected.
pub fn chat_client(name: &str, server: SocketAddr) -> Process {
    let address = server.to_string();
    let command = chat(&["--role", "client", "--name", name, "--address", &address]);
    let mut client = Process::spawn(name, command).or_panic();
    client.wait_for("* connected", WAIT).or_panic();
    client
}

/// Unwraps a result whose error is a message with the processes' output.
pub trait OrPanic<T> {
    /// The value, or a panic showing the message.
    fn or_panic(self) -> T;
}

impl<T> OrPanic<T> for Result<T, String> {
    fn or_panic(self) -> T {
        self.unwrap_or_else(|message| panic!("{message}"))
    }
}
