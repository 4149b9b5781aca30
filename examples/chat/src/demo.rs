//! The quickstart demo: a chat server and three scripted clients, each a separate `chat`
//! process, talking over TCP on loopback; it narrates the conversation as it drives it and
//! then prints what each client saw.
//!
//! The script: alice, bob and carol connect; alice says hello, bob replies and quits (his
//! standard input ends), alice keeps talking and carol answers. Every step waits (at most
//! [`STEP_TIMEOUT`]) for the lines it should cause on the other clients, so the demo also
//! checks the system: it exits with status 1, saying what was missing and showing what every
//! process printed, if something goes wrong.
//!
//! The `chat` processes are the `chat` program built next to the demo's own executable. When
//! that file is missing or older than the library both are built from (`cargo run --bin demo`
//! builds only the demo), the demo runs copies of itself instead, with [`ACT_AS_CHAT`] set,
//! which makes them behave exactly like `chat`.

use std::fmt::Display;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

use crate::console;
use crate::process::{server_address, Process, LIVE_PREFIX};

/// Set in the environment of the demo's own executable to make it run as `chat`.
pub const ACT_AS_CHAT: &str = "TIDEFLOW_DEMO_ACT_AS_CHAT";

/// How long each step may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// The heading above the clients' transcripts.
pub const TRANSCRIPT_HEADING: &str = "What each client printed:";

/// The last line of a demo that went well.
pub const SUCCESS_LINE: &str = "Demo finished: every line reached the others";

/// Runs the demo; its exit status.
pub fn main() -> ExitCode {
    let mut demo = Demo {
        started: Instant::now(),
    };
    match demo.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            console::error(format_args!("the demo failed: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// The program the demo runs for each participant.
struct ChatProgram {
    path: PathBuf,
    /// `path` is the demo itself, which must be told to act as `chat`.
    act_as_chat: bool,
}

impl ChatProgram {
    /// `chat` next to the demo's executable if it is there and up to date, else the demo.
    ///
    /// `chat` is up to date if it was linked after the newest build of this library (which
    /// both programs are linked with) found next to it; `cargo run --bin demo` after a change
    /// relinks only the demo.
    fn find() -> Result<ChatProgram, String> {
        let demo = std::env::current_exe()
            .map_err(|error| format!("cannot find the demo's own executable: {error}"))?;
        let chat = demo.with_file_name(format!("chat{}", std::env::consts::EXE_SUFFIX));
        let chat_is_current = match modified(&chat) {
            Some(chat_time) => {
                newest_library_build(&demo).is_none_or(|lib_time| chat_time >= lib_time)
            }
            None => false,
        };
        Ok(if chat_is_current {
            ChatProgram {
                path: chat,
                act_as_chat: false,
            }
        } else {
            ChatProgram {
                path: demo,
                act_as_chat: true,
            }
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.path);
        command.args(args);
        if self.act_as_chat {
            command.env(ACT_AS_CHAT, "1");
        }
        command
    }
}

/// When `path` was last modified.
fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|meta| meta.modified()).ok()
}

/// When this library was last built into the `deps` directory next to `executable`.
fn newest_library_build(executable: &Path) -> Option<SystemTime> {
    let deps = executable.parent()?.join("deps");
    let prefix = format!("lib{}-", env!("CARGO_CRATE_NAME"));
    std::fs::read_dir(deps)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".rlib")
        })
        .filter_map(|entry| modified(&entry.path()))
        .max()
}

/// The demo's narration clock.
struct Demo {
    started: Instant,
}

impl Demo {
    /// Prints one line of narration, stamped with the time since the start.
    fn narrate(&self, text: impl Display) {
        let elapsed = self.started.elapsed().as_secs_f64();
        console::line(format_args!("[{elapsed:5.2}s] {text}"));
    }

    fn start(&self, program: &ChatProgram, name: &str, args: &[&str]) -> Result<Process, String> {
        let process = Process::spawn(name, program.command(args))?;
        self.narrate(format_args!(
            "started {name:<6} (pid {}): chat {}",
            process.pid(),
            args.join(" ")
        ));
        Ok(process)
    }

    fn start_client(
        &self,
        program: &ChatProgram,
        name: &str,
        server: SocketAddr,
    ) -> Result<Process, String> {
        let address = server.to_string();
        let args = ["--role", "client", "--name", name, "--address", &address];
        let mut client = self.start(program, name, &args)?;
        client.wait_for("* connected", STEP_TIMEOUT)?;
        Ok(client)
    }

    /// `speaker` types `text`; each of `listeners` must print it as `speaker: text`.
    fn say(
        &self,
        speaker: &mut Process,
        text: &str,
        listeners: &mut [&mut Process],
    ) -> Result<(), String> {
        self.narrate(format_args!("{} types: {text}", speaker.name()));
        speaker.send_line(text)?;
        let expected = format!("{}: {text}", speaker.name());
        for listener in listeners.iter_mut() {
            listener.wait_for_line(&format!("{expected:?}"), STEP_TIMEOUT, |line| {
                line == expected
            })?;
        }
        Ok(())
    }

    /// `client` quits: its standard input ends, and it must exit with status 0.
    fn quit(&self, client: &mut Process) -> Result<(), String> {
        self.narrate(format_args!(
            "{} quits (standard input ends)",
            client.name()
        ));
        client.close_stdin();
        let status = client.wait_exit(STEP_TIMEOUT)?;
        if !status.success() {
            return Err(client.failure(&format!("exited with {status}")));
        }
        self.narrate(format_args!(
            "{}'s process exited ({status})",
            client.name()
        ));
        Ok(())
    }

    fn run(&mut self) -> Result<(), String> {
        let program = ChatProgram::find()?;
        console::line(
            "Tideflow chat demo: a chat server and three clients, each a separate process,\n\
             talking over TCP on loopback. Each is a Tideflow transducer; the clients are\n\
             scripted: the demo types into their standard input and reads their output.",
        );
        if program.act_as_chat {
            let release = if cfg!(debug_assertions) {
                ""
            } else {
                " --release"
            };
            console::line(format_args!(
                "(`chat` is not built, or is older than the demo, so the demo runs copies of \
                 itself as chat:\n{}; `cargo build{release} -p tideflow-example-chat` builds \
                 `chat`.)",
                program.path.display()
            ));
        } else {
            console::line(format_args!("(chat is {})", program.path.display()));
        }
        console::line("");

        let mut server = self.start(
            &program,
            "server",
            &["--role", "server", "--address", "127.0.0.1:0"],
        )?;
        let live = server.wait_for(LIVE_PREFIX, STEP_TIMEOUT)?;
        let address =
            server_address(&live).ok_or_else(|| server.failure("printed an unreadable address"))?;
        self.narrate(format_args!("server: {live}"));

        let mut alice = self.start_client(&program, "alice", address)?;
        let mut bob = self.start_client(&program, "bob", address)?;
        alice.wait_for("* bob joined", STEP_TIMEOUT)?;
        let mut carol = self.start_client(&program, "carol", address)?;
        for client in [&mut alice, &mut bob] {
            client.wait_for("* carol joined", STEP_TIMEOUT)?;
        }
        self.narrate("alice, bob and carol are connected");

        self.say(&mut alice, "hello everyone!", &mut [&mut bob, &mut carol])?;
        self.say(
            &mut bob,
            "hi alice! sorry, I have to run. bye!",
            &mut [&mut alice, &mut carol],
        )?;

        self.quit(&mut bob)?;
        for client in [&mut alice, &mut carol] {
            client.wait_for("* bob left", STEP_TIMEOUT)?;
        }

        self.say(
            &mut alice,
            "bob left. carol, are you still there?",
            &mut [&mut carol],
        )?;
        self.say(&mut carol, "still here! bye for now.", &mut [&mut alice])?;

        self.quit(&mut alice)?;
        carol.wait_for("* alice left", STEP_TIMEOUT)?;
        self.quit(&mut carol)?;
        self.narrate("the server is stopped");
        server.kill();

        let mut clients = [alice, bob, carol];
        for client in &mut clients {
            client.drain(STEP_TIMEOUT);
            let own = format!("{}: ", client.name());
            if client
                .stdout_lines()
                .iter()
                .any(|line| line.starts_with(&own))
            {
                return Err(client.failure("was shown its own line"));
            }
        }

        console::line("");
        console::line(TRANSCRIPT_HEADING);
        for client in &clients {
            console::line("");
            console::line(format_args!("--- {}'s screen ---", client.name()));
            for line in client.stdout_lines() {
                console::line(format_args!("  {line}"));
            }
        }
        console::line("");
        console::line(format_args!(
            "{SUCCESS_LINE}, and each client quitting disturbed nobody else ({:.2}s).",
            self.started.elapsed().as_secs_f64()
        ));
        Ok(())
    }
}
