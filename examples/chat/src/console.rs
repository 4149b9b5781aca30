//! The terminal side of the programs: printing that never panics, text from the network made
//! safe to print, and standard input as a stream of lines that says when it ends.

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{self, BufRead, Write};

use futures::Stream;
use tideflow::util::unbounded_channel;

/// Prints one line to standard output and flushes it, so a program reading our output sees it
/// at once. A closed or broken standard output is ignored (`println!` would panic).
pub fn line(text: impl Display) {
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

/// Prints `warning: ...` to standard error.
pub fn warn(text: impl Display) {
    let _ = writeln!(io::stderr().lock(), "warning: {text}");
}

/// Prints `error: ...` to standard error.
pub fn error(text: impl Display) {
    let _ = writeln!(io::stderr().lock(), "error: {text}");
}

/// `text` with control characters (escape sequences, carriage returns, ...) replaced by `?`:
/// names and chat lines come from the network and must not drive the terminal.
///
/// ```
/// use tideflow_example_chat::console::printable;
///
/// assert_eq!(printable("hello"), "hello");
/// assert_eq!(printable("evil\x1b[2Jname"), "evil?[2Jname");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(
            text.chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// What the user did at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, tideflow::DemuxEnum)]
pub enum Keyboard {
    /// They typed a line (without its line ending; bytes that are not UTF-8 are replaced).
    Line(String),
    /// Standard input ended (end of file, or a read error): the user quit.
    End,
}

/// Standard input as a stream of [`Keyboard`] items: every line, then one [`Keyboard::End`].
///
/// A plain thread reads the lines, so nothing waits on standard input when the program exits
/// (tokio's `stdin` would hold up the runtime's shutdown until the next line).
pub fn keyboard() -> impl Stream<Item = Keyboard> + Unpin {
    let (send, lines) = unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut stdin = io::stdin().lock();
            let mut buffer = Vec::new();
            loop {
                buffer.clear();
                match stdin.read_until(b'\n', &mut buffer) {
                    Ok(0) => break,
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&buffer);
                        let text = text.trim_end_matches(['\n', '\r']).to_string();
                        if send.send(Keyboard::Line(text)).is_err() {
                            return;
                        }
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) => {
                        warn(format_args!("reading standard input failed: {error}"));
                        break;
                    }
                }
            }
            let _ = send.send(Keyboard::End);
        });
    if let Err(error) = spawned {
        warn(format_args!("cannot read standard input: {error}"));
    }
    lines
}
