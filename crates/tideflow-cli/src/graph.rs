//! `tideflow graph`: render the graphs of the `flow!` blocks in a Rust source file.

use crate::find::{find_flow_blocks, FlowBlock};
use crate::report::{Report, SourceFile};
use clap::{Args, ValueEnum};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use tideflow_lang::{diagnostic::has_errors, GraphView};

/// The long description of `tideflow graph --help`.
pub const LONG_ABOUT: &str = "\
Render the graph of every `flow!` block in a Rust source file.

Finds each `flow!` invocation anywhere in the file (`tideflow::flow! { ... }`, `flow! { ... }`, \
`flow!( ... )`, `flow![ ... ]`, in functions, closures, impls and modules), compiles it the way \
the macro does and renders the compiled graph: subgraphs, buffers, fixpoint components, \
`defer_tick` and `#reference` edges. `--flat` shows the graph as written, before partitioning.

Errors in a block are printed the way rustc prints the macro's errors; the other blocks are \
still rendered.

With several blocks, Mermaid and DOT output has one section per block titled \
`flow N: fn NAME (line L)` (a `%%` comment in Mermaid, `//` in DOT); JSON output is an array of \
{\"flow\", \"title\", \"context\", \"line\", \"graph\", \"errors\"} objects (`graph` is null for a \
block with errors); SVG output needs `-o OUT` and writes one file per block, OUT-1.svg, \
OUT-2.svg, ... (a trailing `.svg` is dropped from OUT first: `-o g.svg` writes g-1.svg, \
g-2.svg). `--block N` renders only the N-th block, as a single graph.";

/// The text after the options in `tideflow graph --help`.
pub const AFTER_HELP: &str = "\
Examples:
  tideflow graph src/main.rs                          Mermaid on stdout
  tideflow graph src/main.rs --format svg -o g.svg    an SVG picture (needs Graphviz)
  tideflow graph src/main.rs --format dot | dot -Tpng -o g.png
  tideflow graph src/main.rs --format json --block 2

Exit codes: 0 success, 1 a flow block has errors, 2 usage, I/O or tool errors.";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A Mermaid flowchart (view it on mermaid.live or in a Markdown `mermaid` code block)
    Mermaid,
    /// A Graphviz DOT digraph
    Dot,
    /// An SVG picture, drawn by Graphviz `dot -Tsvg` (Graphviz must be installed)
    Svg,
    /// The graph view as JSON (readable with `tideflow_lang::GraphView::from_json`)
    Json,
}

/// The arguments of `tideflow graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The Rust source file to read
    #[arg(value_name = "FILE.rs")]
    pub file: PathBuf,

    /// The output format
    #[arg(short, long, value_enum, default_value_t = Format::Mermaid)]
    pub format: Format,

    /// Write to OUT instead of stdout (SVG of several blocks: OUT-1.svg, OUT-2.svg, ...)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Draw the graph as written (operators and edges), before partitioning into subgraphs
    #[arg(long)]
    pub flat: bool,

    /// Render only the N-th `flow!` block of the file (1-based, in source order)
    #[arg(short, long, value_name = "N", value_parser = parse_block_number)]
    pub block: Option<usize>,
}

/// Parses `--block N`: a number from 1.
fn parse_block_number(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(number) if number >= 1 => Ok(number),
        _ => Err(
            "expected a block number: 1 for the first `flow!` block, 2 for the second, ..."
                .to_owned(),
        ),
    }
}

/// An error that stops the command with exit code 2; the text is printed as is.
struct Fatal(String);

/// `error: message` as a [`Fatal`].
fn fatal(message: impl std::fmt::Display) -> Fatal {
    Fatal(format!("error: {message}\n"))
}

/// Prints to stderr, ignoring failures (there is nowhere left to report them).
fn say(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Runs `tideflow graph` and returns its exit code.
pub fn run(args: &GraphArgs) -> ExitCode {
    match graph(args) {
        Ok(has_flow_errors) => ExitCode::from(u8::from(has_flow_errors)),
        Err(Fatal(message)) => {
            say(&message);
            ExitCode::from(2)
        }
    }
}

/// One block after compilation.
struct Compiled<'a> {
    /// Its 1-based number among the file's blocks.
    number: usize,
    block: &'a FlowBlock,
    /// The graph to draw, or `None` when the block has errors.
    view: Option<GraphView>,
    /// How many errors it has.
    errors: usize,
}

impl Compiled<'_> {
    fn title(&self) -> String {
        self.block.title(self.number)
    }
}

/// The command; `Ok(true)` when some block has errors.
fn graph(args: &GraphArgs) -> Result<bool, Fatal> {
    if args.format == Format::Svg {
        check_graphviz()?;
    }
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|error| fatal(format!("cannot read `{name}`: {error}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fatal(format!(
            "`{name}` is not UTF-8 text, so it is not a Rust source file"
        ))
    })?;
    let file = SourceFile::new(&name, &text);
    let syntax = syn::parse_file(&text).map_err(|error| not_rust(&file, &error))?;
    let blocks = find_flow_blocks(&syntax);
    if blocks.is_empty() {
        return Err(fatal(format!(
            "no `flow!` blocks found in `{name}`\n  = note: `tideflow graph` looks for `flow! {{ ... }}` \
             and `tideflow::flow! {{ ... }}` invocations"
        )));
    }
    let selected: Vec<(usize, &FlowBlock)> = match args.block {
        None => blocks.iter().enumerate().map(|(i, b)| (i + 1, b)).collect(),
        Some(n) => match blocks.get(n.saturating_sub(1)) {
            Some(block) => vec![(n, block)],
            None => {
                return Err(fatal(format!(
                    "`--block {n}`: `{name}` has {} `flow!` block(s)",
                    blocks.len()
                )))
            }
        },
    };
    let several = selected.len() > 1;
    if several && args.format == Format::Svg && args.output.is_none() {
        return Err(fatal(format!(
            "`{name}` has {} `flow!` blocks and SVG pictures cannot share stdout\n  \
             = help: use `-o OUT` to write OUT-1.svg, OUT-2.svg, ..., or `--block N` to pick one",
            selected.len()
        )));
    }

    let compiled: Vec<Compiled<'_>> = selected
        .into_iter()
        .map(|(number, block)| compile(number, block, args.flat, &file))
        .collect();
    let failed: Vec<&Compiled<'_>> = compiled.iter().filter(|c| c.view.is_none()).collect();

    write_graphs(args, &compiled, several)?;

    if !failed.is_empty() {
        let errors: usize = failed.iter().map(|c| c.errors).sum();
        let plural = if errors == 1 { "" } else { "s" };
        let titles: Vec<String> = failed.iter().map(|c| c.title()).collect();
        let which = if several {
            format!("{} of {} flow blocks", failed.len(), compiled.len())
        } else {
            "the flow block".to_owned()
        };
        say(&format!(
            "error: could not render {which} ({errors} error{plural}): {}\n",
            titles.join("; ")
        ));
    }
    Ok(!failed.is_empty())
}

/// `proc_macro2`'s message for text that is not a sequence of Rust tokens.
const LEX_ERROR: &str = "cannot parse string into token stream";

/// The error for a file `syn` cannot parse, pointing at the problem.
fn not_rust(file: &SourceFile<'_>, error: &syn::Error) -> Fatal {
    let span = error.span();
    let mut problem = error.to_string();
    if problem == LEX_ERROR {
        problem = "its tokens do not lex: an unterminated string, character or block comment, \
                   or a bracket that is not closed (or closed by the wrong kind)"
            .to_owned();
    }
    let report = Report {
        level: "error",
        message: format!("`{}` is not valid Rust: {problem}", file.name),
        range: (span.start(), span.end()),
        notes: Vec::new(),
        help: None,
    };
    Fatal(report.render(file))
}

/// Compiles one block the way `flow!` does, printing its diagnostics.
fn compile<'a>(
    number: usize,
    block: &'a FlowBlock,
    flat: bool,
    file: &SourceFile<'_>,
) -> Compiled<'a> {
    let tokens = block.tokens.clone();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let compiled = tideflow_lang::compile_flow(tokens.clone(), &quote::quote!(::tideflow));
        let view = if has_errors(&compiled.diagnostics) {
            None
        } else if flat {
            tideflow_lang::parse_program(tokens).ok().map(|program| {
                tideflow_lang::flat_view(&tideflow_lang::build_flat_graph(&program).0)
            })
        } else {
            compiled.view
        };
        (compiled.diagnostics, view)
    }));
    let Ok((diagnostics, view)) = result else {
        say(&format!(
            "error: internal error: the flow compiler crashed on {}; please report this with the block\n\n",
            block.title(number)
        ));
        return Compiled {
            number,
            block,
            view: None,
            errors: 1,
        };
    };
    for diagnostic in &diagnostics {
        say(&Report::from_diagnostic(diagnostic, block).render(file));
        say("\n");
    }
    let mut errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if view.is_none() && errors == 0 {
        say(&format!(
            "error: internal error: the flow compiler produced no graph for {}\n\n",
            block.title(number)
        ));
        errors = 1;
    }
    Compiled {
        number,
        block,
        view,
        errors,
    }
}

/// Renders the compiled blocks and writes them to stdout or `-o OUT`.
fn write_graphs(args: &GraphArgs, compiled: &[Compiled<'_>], several: bool) -> Result<(), Fatal> {
    let output = args.output.as_deref();
    if !several {
        let Some(view) = compiled.first().and_then(|c| c.view.as_ref()) else {
            return Ok(());
        };
        let text = match args.format {
            Format::Mermaid => view.to_mermaid(),
            Format::Dot => view.to_dot(),
            Format::Json => view.to_json() + "\n",
            Format::Svg => to_svg(&view.to_dot())?,
        };
        return write_output(output, &text);
    }
    match args.format {
        Format::Mermaid | Format::Dot => {
            let (comment, render): (&str, fn(&GraphView) -> String) = match args.format {
                Format::Mermaid => ("%%", GraphView::to_mermaid),
                _ => ("//", GraphView::to_dot),
            };
            let sections: Vec<String> = compiled
                .iter()
                .map(|c| match &c.view {
                    Some(view) => format!("{comment} {}\n{}", c.title(), render(view)),
                    None => format!(
                        "{comment} {}\n{comment} not rendered: {} error(s), see the errors on stderr\n",
                        c.title(),
                        c.errors
                    ),
                })
                .collect();
            write_output(output, &sections.join("\n"))
        }
        Format::Json => {
            let entries: Vec<serde_json::Value> = compiled
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "flow": c.number,
                        "title": c.title(),
                        "context": c.block.context,
                        "line": c.block.start.line,
                        "graph": c.view.as_ref().and_then(|view| serde_json::to_value(view).ok()),
                        "errors": c.errors,
                    })
                })
                .collect();
            let json = serde_json::to_string_pretty(&entries)
                .map_err(|error| fatal(format!("cannot serialize the graphs: {error}")))?;
            write_output(output, &(json + "\n"))
        }
        Format::Svg => {
            // `graph` checked that several SVG pictures have an output path.
            let Some(output) = output else {
                return Err(fatal("several SVG pictures need `-o OUT`"));
            };
            for c in compiled {
                let Some(view) = &c.view else { continue };
                let path = numbered_path(output, c.number);
                write_output(Some(&path), &to_svg(&view.to_dot())?)?;
                say(&format!("wrote {} ({})\n", path.display(), c.title()));
            }
            Ok(())
        }
    }
}

/// `OUT-N.svg`, dropping a trailing `.svg` from `out` first.
fn numbered_path(out: &Path, number: usize) -> PathBuf {
    let stem = if out.extension().is_some_and(|ext| ext == "svg") {
        out.with_extension("")
    } else {
        out.to_path_buf()
    };
    let mut name = stem.into_os_string();
    name.push(format!("-{number}.svg"));
    PathBuf::from(name)
}

/// Writes `text` to `path`, or to stdout when there is none (a closed pipe is not an error).
fn write_output(path: Option<&Path>, text: &str) -> Result<(), Fatal> {
    match path {
        Some(path) => std::fs::write(path, text)
            .map_err(|error| fatal(format!("cannot write `{}`: {error}", path.display()))),
        None => {
            let mut stdout = io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                    Err(fatal(format!("cannot write to stdout: {error}")))
                }
                _ => Ok(()),
            }
        }
    }
}

/// The message for a missing Graphviz.
fn graphviz_missing() -> Fatal {
    fatal(
        "`--format svg` needs Graphviz's `dot` program, which is not on PATH\n  \
         = help: install Graphviz: `sudo apt-get install graphviz` (Debian, Ubuntu), \
         `sudo dnf install graphviz` (Fedora), `brew install graphviz` (macOS)\n  \
         = help: `--format dot` and `--format mermaid` work without it \
         (render DOT elsewhere, or paste Mermaid into https://mermaid.live)",
    )
}

/// Fails unless Graphviz's `dot` can be started.
fn check_graphviz() -> Result<(), Fatal> {
    match Command::new("dot")
        .arg("-V")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(graphviz_missing()),
        Err(error) => Err(fatal(format!("cannot run Graphviz's `dot`: {error}"))),
    }
}

/// Draws a DOT graph as SVG with `dot -Tsvg`.
fn to_svg(dot: &str) -> Result<String, Fatal> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => graphviz_missing(),
            _ => fatal(format!("cannot run Graphviz's `dot`: {error}")),
        })?;
    // `dot` reads its whole input before writing, so writing first cannot deadlock; a write
    // error means `dot` exited early, which its status and stderr explain.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(dot.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|error| fatal(format!("Graphviz's `dot` failed: {error}")))?;
    if !output.status.success() {
        return Err(fatal(format!(
            "Graphviz's `dot -Tsvg` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| fatal("Graphviz's `dot -Tsvg` wrote output that is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_svg_outputs() {
        assert_eq!(numbered_path(Path::new("g.svg"), 1), Path::new("g-1.svg"));
        assert_eq!(
            numbered_path(Path::new("out/graph"), 2),
            Path::new("out/graph-2.svg")
        );
        assert_eq!(
            numbered_path(Path::new("a.png"), 3),
            Path::new("a.png-3.svg")
        );
    }
}
