//! Printing operator tokens compactly, as a user would write them, for graph labels and messages.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Prints tokens the way a user would write them: `map(|x: u32| x.pow(2))`, not
/// `map (| x : u32 | x . pow (2))`.
pub fn compact_source_text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    write_compact(tokens.clone(), &mut out);
    out
}

/// What the previous token was, for spacing decisions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Previous {
    Start,
    Word,
    Close,
    /// A punctuation mark that glues to what follows (`.`, `::`, `'`, `#`, unary `&`).
    Glue,
    /// A punctuation mark with spaces around it (`+`, `=>`, `,`).
    Spaced,
    /// The first character of a multi-character operator (`=` of `=>`, `&` of `&&`).
    JointPunct,
}

fn write_compact(tokens: TokenStream, out: &mut String) {
    let mut previous = Previous::Start;
    let mut in_closure_params = false;
    let mut generic_depth = 0usize;
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                let glued = matches!(
                    previous,
                    Previous::Word | Previous::Close | Previous::Glue | Previous::Start
                ) && group.delimiter() != Delimiter::Brace;
                if !glued && previous != Previous::Start {
                    out.push(' ');
                }
                out.push_str(open);
                write_compact(group.stream(), out);
                out.push_str(close);
                previous = Previous::Close;
            }
            TokenTree::Ident(ident) => {
                if matches!(
                    previous,
                    Previous::Word | Previous::Close | Previous::Spaced
                ) {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                previous = Previous::Word;
            }
            TokenTree::Literal(literal) => {
                if matches!(
                    previous,
                    Previous::Word | Previous::Close | Previous::Spaced
                ) {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
                previous = Previous::Word;
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                let joint = punct.spacing() == proc_macro2::Spacing::Joint;
                if previous == Previous::JointPunct {
                    out.push(c);
                    previous = if joint {
                        Previous::JointPunct
                    } else {
                        Previous::Spaced
                    };
                    continue;
                }
                let operand_position = matches!(
                    previous,
                    Previous::Start | Previous::Spaced | Previous::Glue
                );
                let (space_before, next_state) = match c {
                    '\'' => (
                        matches!(
                            previous,
                            Previous::Spaced | Previous::Word | Previous::Close
                        ),
                        Previous::Glue,
                    ),
                    '#' => (
                        matches!(
                            previous,
                            Previous::Spaced | Previous::Word | Previous::Close
                        ),
                        Previous::Glue,
                    ),
                    '=' if out.ends_with("..") => (false, Previous::Glue),
                    '.' => (false, Previous::Glue),
                    ':' if joint || out.ends_with(':') => (false, Previous::Glue),
                    ':' => (false, Previous::Spaced),
                    ',' | ';' => (false, Previous::Spaced),
                    '!' if previous == Previous::Word
                        && matches!(iter.peek(), Some(TokenTree::Group(_))) =>
                    {
                        (false, Previous::Glue)
                    }
                    '?' => (false, Previous::Close),
                    '<' if out.ends_with("::") || generic_depth > 0 => {
                        generic_depth += 1;
                        (false, Previous::Glue)
                    }
                    '>' if generic_depth > 0 => {
                        generic_depth -= 1;
                        (false, Previous::Close)
                    }
                    '|' if !joint
                        && !out.ends_with('|')
                        && (operand_position
                            || previous == Previous::Word && out.ends_with("move"))
                        && !in_closure_params =>
                    {
                        in_closure_params = true;
                        (
                            !matches!(previous, Previous::Start | Previous::Glue),
                            Previous::Glue,
                        )
                    }
                    '|' if in_closure_params => {
                        in_closure_params = false;
                        (false, Previous::Spaced)
                    }
                    '&' | '!' | '*' | '-' if operand_position => (
                        !matches!(previous, Previous::Start | Previous::Glue),
                        Previous::Glue,
                    ),
                    _ => (
                        !matches!(previous, Previous::Start | Previous::Glue),
                        if joint {
                            Previous::JointPunct
                        } else {
                            Previous::Spaced
                        },
                    ),
                };
                if space_before && !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
                out.push(c);
                previous = next_state;
                if c == '.'
                    && iter.peek().is_some_and(
                        |next| matches!(next, TokenTree::Punct(p) if p.as_char() == '.'),
                    )
                {
                    previous = Previous::Glue;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_source_text_reads_like_the_source() {
        for source in [
            "map(|x: u32| x.pow(2))",
            "join::<'static, 'tick>()",
            "filter(|(k, v)| *k > 0 && !v.is_empty())",
            "fold(|| 0, |acc: &mut u32, x| *acc += x)",
            "source_iter(0..10)",
            "for_each(move |x| println!(\"{x:?}\"))",
            "map(|x| -x)",
            "fold_keyed::<String, Vec<u32>>(Vec::new, |acc, x| acc.push(x))",
            "filter(|x| x > &max)",
            "map(|(a, ((), b))| b)",
            "map(|x| if x > 1 { x } else { 0 })",
        ] {
            let tokens: TokenStream = source.parse().expect("valid tokens");
            assert_eq!(compact_source_text(&tokens), source);
        }
    }
}
