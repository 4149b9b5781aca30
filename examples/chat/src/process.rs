//! Child processes that a program drives through their standard input and reads line by line,
//! with timeouts: what the [`crate::demo`] does with real `chat` processes, and what the
//! end-to-end tests do with every example program.
//!
//! A [`Process`] reads the child's standard output and standard error on two threads, so the
//! child never blocks on a full pipe; [`Process::wait_for`] waits (at most a given time) for the
//! next line that matches. Dropping a `Process` kills the child.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The line a server prints once it listens: `Server live on <address>`.
pub const LIVE_PREFIX: &str = "Server live on ";

/// The address in a `Server live on <address>` line.
///
/// ```
/// use tideflow_example_chat::process::server_address;
///
/// let address = server_address("Server live on 127.0.0.1:4000");
/// assert_eq!(address, Some("127.0.0.1:4000".parse().unwrap()));
/// assert_eq!(server_address("something else"), None);
/// ```
pub fn server_address(line: &str) -> Option<SocketAddr> {
    line.strip_prefix(LIVE_PREFIX)?.trim().parse().ok()
}

/// One line a child printed.
#[derive(Debug)]
enum Output {
    Stdout(String),
    Stderr(String),
    /// Standard output ended.
    StdoutClosed,
}

/// A running child process, its standard input, and what it printed so far.
#[derive(Debug)]
pub struct Process {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    output: Receiver<Output>,
    stdout: Vec<String>,
    /// Lines of `stdout` before this one have been matched or skipped by `wait_for`.
    cursor: usize,
    stderr: Vec<String>,
    stdout_closed: bool,
}

impl Process {
    /// Starts `command` with piped standard input, output and error; `name` labels it in
    /// messages.
    pub fn spawn(name: &str, mut command: Command) -> Result<Process, String> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|error| format!("{name}: cannot start {command:?}: {error}"))?;
        let (send, output) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            read_lines(
                stdout,
                send.clone(),
                Output::Stdout,
                Some(Output::StdoutClosed),
            );
        }
        if let Some(stderr) = child.stderr.take() {
            read_lines(stderr, send, Output::Stderr, None);
        }
        Ok(Process {
            name: name.to_string(),
            stdin: child.stdin.take(),
            child,
            output,
            stdout: Vec::new(),
            cursor: 0,
            stderr: Vec::new(),
            stdout_closed: false,
        })
    }

    /// The label given at [`Process::spawn`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes `line` and a newline to the child's standard input.
    pub fn send_line(&mut self, line: &str) -> Result<(), String> {
        self.send_bytes(format!("{line}\n").as_bytes())
    }

    /// Writes `bytes` to the child's standard input.
    pub fn send_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| format!("{}: standard input is already closed", self.name))?;
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .map_err(|error| format!("{}: writing to standard input failed: {error}", self.name))
    }

    /// Closes the child's standard input (it sees the end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits at most `timeout` for the next line of standard output that contains `needle`,
    /// skipping the lines before it, and returns it.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> Result<String, String> {
        self.wait_for_line(&format!("containing {needle:?}"), timeout, |line| {
            line.contains(needle)
        })
    }

    /// Waits at most `timeout` for the next line of standard output for which `matches` holds,
    /// skipping the lines before it; `what` describes the line for the error message.
    pub fn wait_for_line(
        &mut self,
        what: &str,
        timeout: Duration,
        mut matches: impl FnMut(&str) -> bool,
    ) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            while self.cursor < self.stdout.len() {
                let line = &self.stdout[self.cursor];
                self.cursor += 1;
                if matches(line) {
                    return Ok(line.clone());
                }
            }
            if self.stdout_closed {
                return Err(self.failure(&format!("ended its output without a line {what}")));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(self.failure(&format!("printed no line {what} within {timeout:?}")));
            }
            self.receive(deadline - now);
        }
    }

    /// Reads what the child prints until its standard output ends or `timeout` passes.
    pub fn drain(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.stdout_closed {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            self.receive(deadline - now);
        }
        // Whatever standard error has for us already.
        self.receive(Duration::ZERO);
    }

    /// Waits at most `timeout` for the child to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) => {}
                Err(error) => return Err(self.failure(&format!("cannot be waited for: {error}"))),
            }
            if Instant::now() >= deadline {
                return Err(self.failure(&format!("did not exit within {timeout:?}")));
            }
            // Keep the pipes flowing while waiting.
            self.receive(Duration::from_millis(20));
        }
    }

    /// Whether the child is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills the child (if it still runs) and reaps it.
    pub fn kill(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }

    /// Every line the child printed to standard output so far.
    pub fn stdout_lines(&self) -> &[String] {
        &self.stdout
    }

    /// Every line the child printed to standard error so far.
    pub fn stderr_lines(&self) -> &[String] {
        &self.stderr
    }

    /// An error message: `problem`, followed by everything the child printed.
    pub fn failure(&self, problem: &str) -> String {
        let mut message = format!("{} (pid {}) {problem}", self.name, self.child.id());
        for (stream, lines) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let _ = write!(message, "\n  its {stream}:");
            if lines.is_empty() {
                message.push_str(" (nothing)");
            }
            for line in lines {
                let _ = write!(message, "\n    {line}");
            }
        }
        message
    }

    /// Takes what the reader threads delivered, waiting at most `timeout` for the first item.
    fn receive(&mut self, timeout: Duration) {
        let mut next = self.output.recv_timeout(timeout);
        loop {
            match next {
                Ok(Output::Stdout(line)) => self.stdout.push(line),
                Ok(Output::Stderr(line)) => self.stderr.push(line),
                Ok(Output::StdoutClosed) => self.stdout_closed = true,
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => {
                    self.stdout_closed = true;
                    return;
                }
            }
            next = self
                .output
                .try_recv()
                .map_err(|_| RecvTimeoutError::Timeout);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads `source` line by line on a new thread, sending each as `wrap(line)` and, at the end,
/// `closed`.
fn read_lines(
    source: impl Read + Send + 'static,
    send: Sender<Output>,
    wrap: fn(String) -> Output,
    closed: Option<Output>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buffer);
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if send.send(wrap(line)).is_err() {
                        return;
                    }
                }
            }
        }
        if let Some(closed) = closed {
            let _ = send.send(closed);
        }
    });
}
