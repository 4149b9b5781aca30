//! Tideflow example transducers that talk over real sockets: a chat (server and client), a
//! chat cluster whose servers merge their state as lattices, a TCP line echo server, and a
//! demo that runs a chat server and scripted clients as separate processes in one command.
//!
//! Each program is a thin `main` over this library: [`cli`] parses the command line and runs
//! the role; [`server`], [`cluster`], [`client`] and [`echo`] build the flows; [`protocol`] is
//! the chat's wire format and [`roster`] the state a chat server keeps about its clients;
//! [`console`] reads standard input and prints safely; [`process`] and [`demo`] drive child
//! processes (the demo, and the end-to-end tests in `tests/`).
//!
//! ```text
//! cargo run -p tideflow-example-chat --bin demo                       # the scripted demo
//! cargo run -p tideflow-example-chat --bin chat -- --role server      # then two clients:
//! cargo run -p tideflow-example-chat --bin chat -- --role client --name alice
//! cargo run -p tideflow-example-chat --bin echo -- --role server
//! ```

pub mod cli;
pub mod client;
pub mod cluster;
pub mod console;
pub mod demo;
pub mod echo;
pub mod process;
pub mod protocol;
pub mod roster;
pub mod server;
