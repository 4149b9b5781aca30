//! Printing compiler diagnostics the way `rustc` prints the `flow!` macro's errors:
//!
//! ```text
//! error: `map` expects 1 argument(s), received 0
//!  --> src/main.rs:3:33
//!   |
//! 3 |         source_iter(0..3) -> map() -> for_each(|x: u32| println!("{x}"));
//!   |                                 ^^
//!   |
//!   = help: ...
//! note: ...
//!  --> src/main.rs:2:9
//! ```
//!
//! Positions come from `proc_macro2`'s span locations: the file is parsed from a string, so every
//! token of a flow block knows its line and column in the file.

use crate::find::FlowBlock;
use proc_macro2::{LineColumn, Span};
use std::fmt::Write as _;
use tideflow_lang::{Diagnostic, Level};

/// A source file as shown in messages: its name as the user typed it and its text.
pub struct SourceFile<'a> {
    /// The path, as given on the command line.
    pub name: &'a str,
    /// The file's lines, without line terminators.
    lines: Vec<&'a str>,
}

impl<'a> SourceFile<'a> {
    /// A file named `name` with contents `text`.
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Self {
            name,
            lines: text.lines().collect(),
        }
    }

    /// The text of 1-based line `line`, if the file has it.
    fn line(&self, line: usize) -> Option<&'a str> {
        line.checked_sub(1)
            .and_then(|index| self.lines.get(index).copied())
    }
}

/// A range of the file: start and end positions (line 1-based, column 0-based in characters).
pub type Range = (LineColumn, LineColumn);

/// One message to print: a level, a message at a range, notes at other ranges, and help.
pub struct Report {
    /// `error` or `warning`.
    pub level: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub range: Range,
    /// Other places involved, each with its explanation.
    pub notes: Vec<(Range, String)>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Report {
    /// The report for a compiler diagnostic found in `block`. A span outside the block (the
    /// compiler made it up rather than taking it from the user's tokens) points at the
    /// invocation instead.
    pub fn from_diagnostic(diagnostic: &Diagnostic, block: &FlowBlock) -> Self {
        let end = diagnostic.span_end.unwrap_or(diagnostic.span);
        Self {
            level: match diagnostic.level {
                Level::Error => "error",
                Level::Warning => "warning",
            },
            message: diagnostic.message.clone(),
            range: span_range(diagnostic.span, end, block),
            notes: diagnostic
                .notes
                .iter()
                .map(|(span, note)| (span_range(*span, *span, block), note.clone()))
                .collect(),
            help: diagnostic.help.clone(),
        }
    }

    /// Renders the report, ending with an empty line.
    pub fn render(&self, file: &SourceFile<'_>) -> String {
        let max_line = std::iter::once(self.range.0.line)
            .chain(self.notes.iter().map(|(range, _)| range.0.line))
            .max()
            .unwrap_or(1);
        let width = max_line.to_string().len();
        let mut out = format!("{}: {}\n", self.level, self.message);
        snippet(&mut out, file, self.range, width);
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{} |", pad(width));
            let help = help.replace('\n', &format!("\n{}         ", pad(width)));
            let _ = writeln!(out, "{} = help: {help}", pad(width));
        }
        for (range, note) in &self.notes {
            let _ = writeln!(out, "note: {note}");
            snippet(&mut out, file, *range, width);
        }
        out
    }
}

/// The file range of `start` through `end`, or the invocation's `flow` when `start` is not
/// inside `block`.
fn span_range(start: Span, end: Span, block: &FlowBlock) -> Range {
    let (start, end) = (start.start(), end.end());
    if block.contains(start) {
        (start, end.max(start))
    } else {
        let after = LineColumn {
            line: block.start.line,
            column: block.start.column + 1,
        };
        (block.start, after)
    }
}

fn pad(width: usize) -> String {
    " ".repeat(width)
}

/// ` --> file:line:col`, the source line and a caret line under `range` (to the end of its first
/// line when it spans several).
fn snippet(out: &mut String, file: &SourceFile<'_>, range: Range, width: usize) {
    let (start, end) = range;
    let _ = writeln!(
        out,
        "{}--> {}:{}:{}",
        pad(width),
        file.name,
        start.line,
        start.column + 1
    );
    let Some(text) = file.line(start.line) else {
        return;
    };
    let chars: Vec<char> = text.chars().collect();
    let end_column = if end.line == start.line {
        end.column
    } else {
        chars.len()
    };
    let display_width = |c: char| if c == '\t' { 4 } else { 1 };
    let before: usize = chars
        .iter()
        .take(start.column)
        .map(|c| display_width(*c))
        .sum();
    let carets: usize = chars
        .iter()
        .skip(start.column)
        .take(end_column.saturating_sub(start.column))
        .map(|c| display_width(*c))
        .sum();
    let _ = writeln!(out, "{} |", pad(width));
    let _ = writeln!(
        out,
        "{:>width$} | {}",
        start.line,
        text.replace('\t', "    ")
    );
    let _ = writeln!(
        out,
        "{} | {}{}",
        pad(width),
        " ".repeat(before),
        "^".repeat(carets.max(1))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> LineColumn {
        LineColumn { line, column }
    }

    #[test]
    fn renders_like_rustc() {
        let text = "fn main() {\n\tlet f = flow! { a -> b; };\n}\n";
        let file = SourceFile::new("src/main.rs", text);
        let report = Report {
            level: "error",
            message: "unknown operator `b`".to_owned(),
            range: (at(2, 22), at(2, 23)),
            notes: vec![((at(2, 17), at(2, 18)), "used here".to_owned())],
            help: Some("did you mean `a`?".to_owned()),
        };
        assert_eq!(
            report.render(&file),
            "error: unknown operator `b`\n\
             \x20--> src/main.rs:2:23\n\
             \x20 |\n\
             2 |     let f = flow! { a -> b; };\n\
             \x20 |                          ^\n\
             \x20 |\n\
             \x20 = help: did you mean `a`?\n\
             note: used here\n\
             \x20--> src/main.rs:2:18\n\
             \x20 |\n\
             2 |     let f = flow! { a -> b; };\n\
             \x20 |                     ^\n"
        );
    }
}
