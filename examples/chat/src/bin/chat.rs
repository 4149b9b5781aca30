//! `chat`: a chat server, client, or cluster server (see `chat --help`).

use std::process::ExitCode;

use clap::Parser;
use tideflow_example_chat::cli::{run_chat, ChatArgs};

#[tideflow::main]
async fn main() -> ExitCode {
    run_chat(ChatArgs::parse()).await
}
