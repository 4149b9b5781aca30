//! `demo`: the quickstart. Runs a chat server and scripted clients as separate processes over
//! loopback, narrates the conversation and prints what each client saw.
//!
//! `cargo run -p tideflow-example-chat --bin demo`

use std::process::ExitCode;

use clap::Parser;
use tideflow_example_chat::cli::{run_chat, ChatArgs};
use tideflow_example_chat::demo;

fn main() -> ExitCode {
    if std::env::var_os(demo::ACT_AS_CHAT).is_some() {
        return chat();
    }
    demo::main()
}

/// Runs this process as the `chat` program (see `tideflow_example_chat::demo`).
#[tideflow::main]
async fn chat() -> ExitCode {
    run_chat(ChatArgs::parse()).await
}
