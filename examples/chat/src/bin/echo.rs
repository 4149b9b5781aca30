//! `echo`: a TCP line echo server, and a client for it (see `echo --help`).

use std::process::ExitCode;

use clap::Parser;
use tideflow_example_chat::cli::{run_echo, EchoArgs};

#[tideflow::main]
async fn main() -> ExitCode {
    run_echo(EchoArgs::parse()).await
}
