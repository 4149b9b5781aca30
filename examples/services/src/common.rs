//! What the example binaries share: printing lines without panicking, the `--graph` option,
//! standard input as a stream that says when it ends, and lists of peer addresses.

use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;

use futures::Stream;
use tideflow::{Flow, GraphFormat};

/// Prints `line` on standard output.
///
/// Unlike `println!`, a closed standard output (a reader that went away) is ignored instead of
/// panicking: a transducer keeps serving its peers even if nobody reads its log.
pub fn say(line: impl Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Prints `program: message` on standard error (warnings and errors), never panicking.
pub fn warn(program: &str, message: impl Display) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{program}: {message}");
}

/// Parses the value of `--graph`: `mermaid`, `dot` or `json`.
///
/// ```
/// use tideflow::GraphFormat;
/// use tideflow_example_services::common::parse_graph_format;
///
/// assert_eq!(parse_graph_format("dot"), Ok(GraphFormat::Dot));
/// assert!(parse_graph_format("png").unwrap_err().contains("mermaid"));
/// ```
pub fn parse_graph_format(text: &str) -> Result<GraphFormat, String> {
    text.parse().map_err(|error| format!("{error}"))
}

/// Prints the compiled graph of `flow` in `format` (for `--graph`).
pub fn print_graph(flow: &Flow<'_>, format: GraphFormat) {
    say(flow.graph().render(format).trim_end());
}

/// One item of [`stdin_lines`]: a line, or the end of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdinLine {
    /// A line, without its line ending.
    Line(String),
    /// Standard input ended (or could not be read any more); nothing follows.
    End,
}

/// The lines of standard input as a stream for `source_stream`, followed by one
/// [`StdinLine::End`] when the input ends, so a flow can tell "no more commands" from "no
/// command yet" (the `source_stdin` operator cannot). A read error, such as a line that is not
/// UTF-8, is reported and ends the input.
///
/// The lines are read by a plain thread rather than `tokio::io::stdin`: tokio reads standard
/// input on a blocking-pool thread that the runtime waits for when it shuts down, so a program
/// that is done could not exit while its standard input is still open.
pub fn stdin_lines(program: &'static str) -> impl Stream<Item = StdinLine> + Unpin {
    let (send, lines) = tideflow::util::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            match line {
                Ok(line) => {
                    if send.send(StdinLine::Line(line)).is_err() {
                        return; // nobody listens any more
                    }
                }
                Err(error) => {
                    warn(program, format!("cannot read standard input: {error}"));
                    break;
                }
            }
        }
        let _ = send.send(StdinLine::End);
    });
    lines
}

/// Resolves a comma-separated list of `HOST:PORT` addresses (empty entries are skipped).
///
/// ```
/// use tideflow_example_services::common::parse_addresses;
///
/// let peers = parse_addresses("127.0.0.1:4000, localhost:4001,").unwrap();
/// assert_eq!(peers.len(), 2);
/// assert_eq!(peers[0].port(), 4000);
/// assert!(parse_addresses("nowhere").is_err());
/// ```
pub fn parse_addresses(list: &str) -> Result<Vec<SocketAddr>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(resolve)
        .collect()
}

/// Resolves one `HOST:PORT` address, with a message naming it when that fails.
pub fn resolve(address: &str) -> Result<SocketAddr, String> {
    tideflow::net::ipv4_resolve(address)
        .map_err(|error| format!("`{address}` is not a usable address (HOST:PORT): {error}"))
}

/// Reads a members file: one `HOST:PORT` per line; blank lines and `#` comments are skipped.
pub fn read_members_file(path: &Path) -> Result<Vec<SocketAddr>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read members file `{}`: {error}", path.display()))?;
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let entry = line.split('#').next().unwrap_or_default().trim();
            (!entry.is_empty()).then_some((index + 1, entry))
        })
        .map(|(number, entry)| {
            resolve(entry).map_err(|error| format!("{}:{number}: {error}", path.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_files_skip_comments_and_name_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("members");
        std::fs::write(
            &path,
            "# subordinates\n127.0.0.1:5000\n\n127.0.0.1:5001 # second\n",
        )
        .unwrap();
        let members = read_members_file(&path).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].port(), 5001);

        std::fs::write(&path, "127.0.0.1:5000\nnot an address\n").unwrap();
        let error = read_members_file(&path).unwrap_err();
        assert!(error.contains(":2:"), "{error}");

        let error = read_members_file(&dir.path().join("missing")).unwrap_err();
        assert!(error.starts_with("cannot read members file"), "{error}");
    }
}
