//! Compiler diagnostics: a message at the user's tokens, with notes at other places and a fix.
//!
//! Every pass returns its output plus [`Diagnostic`]s instead of panicking. The macro turns them
//! into `compile_error!`s at their spans; tools (the CLI, tests) can print them any way they like.

use proc_macro2::Span;
use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The program is accepted, but probably not what the user meant.
    Warning,
    /// The program is rejected.
    Error,
}

/// One message from the compiler, pointing at the user's tokens.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Where the problem is (its first token, when it spans several).
    pub span: Span,
    /// The last token of the problem, when it spans several (`::<'a, 'b>`).
    pub span_end: Option<Span>,
    /// Error or warning.
    pub level: Level,
    /// What is wrong, in plain words, without a trailing period.
    pub message: String,
    /// Other places involved, each with a short explanation.
    pub notes: Vec<(Span, String)>,
    /// How to fix it, when there is an obvious fix.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            span_end: None,
            level: Level::Error,
            message: message.into(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            ..Self::error(span, message)
        }
    }

    /// Extends the primary span to end at `end` (stable Rust cannot join spans, so the range is
    /// kept as its two ends).
    pub fn through(mut self, end: Span) -> Self {
        self.span_end = Some(end);
        self
    }

    /// Adds a note at another place.
    pub fn with_note(mut self, span: Span, note: impl Into<String>) -> Self {
        self.notes.push((span, note.into()));
        self
    }

    /// Adds a suggested fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic rejects the program.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The message followed by the help line, as shown to users.
    pub fn full_message(&self) -> String {
        match &self.help {
            Some(help) => format!("{}\n\nhelp: {help}", self.message),
            None => self.message.clone(),
        }
    }
}

impl From<syn::Error> for Diagnostic {
    fn from(error: syn::Error) -> Self {
        Self::error(error.span(), error.to_string())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let start = self.span.start();
        write!(
            f,
            "{level}: {} (at {}:{})",
            self.message,
            start.line,
            start.column + 1
        )?;
        for (span, note) in &self.notes {
            let start = span.start();
            write!(
                f,
                "\n  note: {note} (at {}:{})",
                start.line,
                start.column + 1
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Whether any of `diagnostics` is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The candidates closest to `word` by edit distance (at most a third of its length, at least 1),
/// best first, at most three.
pub fn closest_matches<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= limit || (candidate.contains(word) && word.len() >= 3)
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| candidate)
        .collect()
}

/// A "did you mean ..." help line for the closest candidates, if any are close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let matches = closest_matches(word, candidates);
    let quoted: Vec<String> = matches.iter().map(|m| format!("`{m}`")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [rest @ .., last] => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

/// Levenshtein distance between two strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_operator_names() {
        let names = ["map", "flat_map", "filter_map", "filter", "fold"];
        assert_eq!(
            did_you_mean("flatmap", names),
            Some("did you mean `flat_map`?".into())
        );
        assert_eq!(
            did_you_mean("fliter", names),
            Some("did you mean `filter`?".into())
        );
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
