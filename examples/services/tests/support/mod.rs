//! Running the example binaries as real processes: start one, talk to its standard input,
//! read its standard output line by line with timeouts, and kill it when the test ends.

#![allow(dead_code)] // each test file uses part of this

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a process may take to say something we wait for.
pub const STEP: Duration = Duration::from_secs(10);

/// A running example process. Dropping it kills the process.
pub struct Process {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Receiver<String>,
    /// Every stdout line read so far, for failure messages.
    seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Process {
    /// Starts `program` (a path from `env!("CARGO_BIN_EXE_...")`) with `args`; `name` labels
    /// it in failure messages.
    pub fn start(name: &str, program: &str, args: &[&str]) -> Process {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {program}: {error}"));
        let stdout = child.stdout.take().unwrap();
        let (lines_send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_send.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr_text = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr_text);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut text = collected.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        Process {
            name: name.to_owned(),
            stdin: child.stdin.take(),
            child,
            stdout: lines,
            seen: Vec::new(),
            stderr: stderr_text,
        }
    }

    /// What the process wrote on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn describe(&self) -> String {
        format!(
            "{}: stdout so far: {:?}\nstderr so far:\n{}",
            self.name,
            self.seen,
            self.stderr()
        )
    }

    /// The next line of standard output, or `None` if none comes within `timeout` (or the
    /// output ended).
    pub fn next_line(&mut self, timeout: Duration) -> Option<String> {
        match self.stdout.recv_timeout(timeout) {
            Ok(line) => {
                self.seen.push(line.clone());
                Some(line)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The next line of standard output; fails the test if none comes within [`STEP`].
    pub fn line(&mut self) -> String {
        match self.next_line(STEP) {
            Some(line) => line,
            None => panic!("no output line within {STEP:?}\n{}", self.describe()),
        }
    }

    /// Reads standard output until a line satisfies `wanted` and returns it; fails the test if
    /// none does within [`STEP`].
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_line(left) {
                Some(line) if wanted(&line) => return line,
                Some(_) => {}
                None => panic!("no line {what} within {STEP:?}\n{}", self.describe()),
            }
        }
    }

    /// Waits for the `<role> live on <address>` line and returns the address.
    pub fn live_address(&mut self) -> SocketAddr {
        let line = self.wait_for("`... live on ADDRESS`", |line| line.contains(" live on "));
        let address = line.rsplit(' ').next().unwrap_or_default();
        address
            .parse()
            .unwrap_or_else(|error| panic!("`{line}` does not end in an address: {error}"))
    }

    /// Writes `line` and a newline to standard input.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin was closed");
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|error| panic!("cannot write to {}: {error}", self.name));
    }

    /// Sends `line` and returns the next output line (a client's answer).
    pub fn ask(&mut self, line: &str) -> String {
        self.send(line);
        self.line()
    }

    /// Closes standard input (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit; fails the test if it does not within [`STEP`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                panic!("did not exit within {STEP:?}\n{}", self.describe());
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the process now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `within`; returns the value,
/// or `None` if time ran out.
pub fn poll<T>(within: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(50));
    }
}
