//! The parser: `flow!` tokens to a syntax tree ([`Program`]).
//!
//! The grammar (see `flow-notes.md` §1.2, which Tideflow follows):
//!
//! ```text
//! Program   := Statement*
//! Statement := "use" ... ";" | IDENT "=" Pipeline ";" | Pipeline ";" | "loop" IDENT? "{" Statement* "}" ";"
//! Pipeline  := Element ("->" Element)*
//! Element   := Index? IDENT Index? | Index? "(" Pipeline ")" Index? | Operator
//! Operator  := IDENT ("::" "<" Lifetimes/Types ">")? "(" Args ")"
//! Index     := "[" (INTEGER | IDENT) "]"
//! ```
//!
//! Operator arguments are Rust expressions. `#name` and `#mut name` references inside them are
//! replaced by placeholder identifiers before the expressions are parsed, and recorded in
//! [`Operator::references`]; the code generator swaps the placeholders for the real accessors.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{bracketed, parenthesized, Token};

mod source_text;

pub use source_text::compact_source_text;

/// A whole `flow!` body.
#[derive(Debug, Clone)]
pub struct Program {
    /// The statements, in source order.
    pub statements: Vec<Statement>,
}

/// One statement of a [`Program`].
#[derive(Debug, Clone)]
pub enum Statement {
    /// `use path;`, hoisted into the generated code.
    Use(syn::ItemUse),
    /// `name = pipeline;`
    Named {
        /// The name being bound.
        name: Ident,
        /// What it is bound to.
        pipeline: Pipeline,
    },
    /// `pipeline;`
    Pipe(Pipeline),
    /// `loop name? { ... };`, parsed so it can be reported precisely.
    Loop {
        /// The `loop` keyword's span.
        span: Span,
        /// The statements inside.
        body: Vec<Statement>,
    },
}

/// `a -> b -> c`: elements joined by arrows.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// At least one element.
    pub elements: Vec<Element>,
}

/// One element of a [`Pipeline`].
#[derive(Debug, Clone)]
pub enum Element {
    /// An operator call such as `map(|x| x + 1)`.
    Operator(Operator),
    /// A name, with optional input and output ports: `[0]j[1]`.
    Name {
        /// Input port, written before the name.
        input_port: Option<PortIndex>,
        /// The name.
        name: Ident,
        /// Output port, written after the name.
        output_port: Option<PortIndex>,
    },
    /// A parenthesised pipeline with optional ports: `[0](a -> b)[1]`.
    Group {
        /// Input port, written before the parentheses.
        input_port: Option<PortIndex>,
        /// The inner pipeline.
        pipeline: Box<Pipeline>,
        /// Output port, written after the parentheses.
        output_port: Option<PortIndex>,
        /// The parentheses' span.
        span: Span,
    },
}

/// A port selector `[0]` or `[name]`.
#[derive(Debug, Clone)]
pub struct PortIndex {
    /// The port.
    pub port: Port,
    /// Span of the whole `[...]`.
    pub span: Span,
}

/// A port: by number or by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Port {
    /// `[0]`, `[1]`, ...
    Index(u64),
    /// `[pos]`, `[items]`, ...
    Name(String),
}

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Port::Index(index) => write!(f, "{index}"),
            Port::Name(name) => f.write_str(name),
        }
    }
}

/// An operator call.
#[derive(Debug, Clone)]
pub struct Operator {
    /// The operator's name, e.g. `join`.
    pub name: Ident,
    /// Persistence lifetimes given first in the turbofish, e.g. `'static`.
    pub persistence: Vec<syn::Lifetime>,
    /// Type arguments after the lifetimes.
    pub type_args: Vec<syn::Type>,
    /// Span of the turbofish, if present: its first and last tokens.
    pub generics_span: Option<(Span, Span)>,
    /// Arguments, with `#references` replaced by placeholder identifiers.
    pub args: Vec<syn::Expr>,
    /// Span of the parenthesised argument list.
    pub args_span: Span,
    /// Every `#name` / `#mut name` reference in the arguments.
    pub references: Vec<Reference>,
    /// The operator's source text, for graph labels.
    pub source_text: String,
}

/// A `#name` or `#mut name` reference inside operator arguments.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The referenced name.
    pub name: Ident,
    /// `#mut name`.
    pub mutable: bool,
    /// The placeholder identifier that stands for it in the parsed arguments.
    pub placeholder: Ident,
}

/// Prefix of the identifiers that stand for `#references` in parsed arguments.
pub const REFERENCE_PLACEHOLDER_PREFIX: &str = "__tideflow_ref_";

/// Parses a `flow!` body.
pub fn parse_program(tokens: TokenStream) -> Result<Program, syn::Error> {
    syn::parse2(tokens)
}

impl Parse for Program {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut statements = Vec::new();
        while !input.is_empty() {
            statements.push(input.parse()?);
        }
        Ok(Program { statements })
    }
}

impl Parse for Statement {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![#]) {
            return Err(input.error(
                "doc comments (`///`, `//!`) and attributes are not allowed in a flow; use `//` comments",
            ));
        }
        if input.peek(Token![use]) {
            return Ok(Statement::Use(input.parse()?));
        }
        if input.peek(Token![loop]) {
            let keyword: Token![loop] = input.parse()?;
            if input.peek(syn::Ident) {
                input.parse::<Ident>()?;
            }
            let content;
            syn::braced!(content in input);
            let mut body = Vec::new();
            while !content.is_empty() {
                body.push(content.parse()?);
            }
            if !input.is_empty() && !input.peek(Token![;]) {
                return Err(input.error("expected `;` after the `loop { ... }` block"));
            }
            end_statement(input)?;
            return Ok(Statement::Loop {
                span: keyword.span,
                body,
            });
        }
        if input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let name: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let pipeline = parse_pipeline(input)?;
            end_statement(input)?;
            return Ok(Statement::Named { name, pipeline });
        }
        let pipeline = parse_pipeline(input)?;
        end_statement(input)?;
        Ok(Statement::Pipe(pipeline))
    }
}

fn end_statement(input: ParseStream) -> syn::Result<()> {
    if input.is_empty() {
        return Ok(());
    }
    if input.peek(Token![;]) {
        input.parse::<Token![;]>()?;
        return Ok(());
    }
    Err(input.error("expected `->` or `;`"))
}

fn parse_pipeline(input: ParseStream) -> syn::Result<Pipeline> {
    let mut elements = vec![parse_element(input)?];
    while input.peek(Token![->]) {
        input.parse::<Token![->]>()?;
        elements.push(parse_element(input)?);
    }
    if !input.is_empty() && !input.peek(Token![;]) {
        return Err(input.error("expected `->`"));
    }
    Ok(Pipeline { elements })
}

fn parse_optional_index(input: ParseStream) -> syn::Result<Option<PortIndex>> {
    if input.peek(syn::token::Bracket) {
        Ok(Some(input.parse()?))
    } else {
        Ok(None)
    }
}

impl Parse for PortIndex {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        let brackets = bracketed!(content in input);
        let span = brackets.span.join();
        let port = if content.peek(syn::LitInt) {
            let literal: syn::LitInt = content.parse()?;
            Port::Index(literal.base10_parse()?)
        } else if content.peek(syn::Ident) {
            let path: syn::Path = content.parse()?;
            Port::Name(path.to_token_stream().to_string().replace(' ', ""))
        } else {
            return Err(syn::Error::new(
                span,
                "expected a port number or name inside `[...]`",
            ));
        };
        if !content.is_empty() {
            return Err(content.error("expected `]` after the port"));
        }
        Ok(PortIndex { port, span })
    }
}

fn parse_element(input: ParseStream) -> syn::Result<Element> {
    let input_port = parse_optional_index(input)?;
    if input.peek(syn::token::Paren) {
        let content;
        let parens = parenthesized!(content in input);
        let pipeline = parse_pipeline(&content)?;
        if !content.is_empty() {
            return Err(content.error("expected `)`"));
        }
        let output_port = parse_optional_index(input)?;
        return Ok(Element::Group {
            input_port,
            pipeline: Box::new(pipeline),
            output_port,
            span: parens.span.join(),
        });
    }
    if !input.peek(syn::Ident) {
        return Err(input.error("expected an operator, a name, or a parenthesised pipeline"));
    }
    let is_operator =
        input.peek2(syn::token::Paren) || input.peek2(Token![::]) || input.peek2(Token![<]);
    if !is_operator {
        let name: Ident = input.parse()?;
        let output_port = parse_optional_index(input)?;
        return Ok(Element::Name {
            input_port,
            name,
            output_port,
        });
    }
    let operator: Operator = input.parse()?;
    if let Some(port) = input_port {
        return Err(syn::Error::new(
            port.span,
            format!(
                "a port cannot be given on an operator directly\n\nhelp: bind the operator to a name first: `n = {}(...); ... -> [{}]n`",
                operator.name, port.port
            ),
        ));
    }
    if input.peek(syn::token::Bracket) {
        let port: PortIndex = input.parse()?;
        return Err(syn::Error::new(
            port.span,
            format!(
                "a port cannot be given on an operator directly\n\nhelp: bind the operator to a name first: `n = {}(...); n[{}] -> ...`",
                operator.name, port.port
            ),
        ));
    }
    Ok(Element::Operator(operator))
}

impl Parse for Operator {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let start = input.cursor();
        let name: Ident = input.parse()?;
        if input.peek(Token![<]) {
            return Err(input.error("missing `::` before `<...>` generic arguments"));
        }
        let mut persistence = Vec::new();
        let mut type_args = Vec::new();
        let mut generics_span = None;
        if input.peek(Token![::]) {
            let generics = syn::AngleBracketedGenericArguments::parse_turbofish(input)?;
            let first = generics
                .colon2_token
                .map_or(generics.lt_token.span, |c| c.spans[0]);
            generics_span = Some((first, generics.gt_token.span));
            for argument in generics.args {
                match argument {
                    syn::GenericArgument::Lifetime(lifetime) if type_args.is_empty() => {
                        persistence.push(lifetime)
                    }
                    syn::GenericArgument::Lifetime(lifetime) => {
                        return Err(syn::Error::new(
                            lifetime.span(),
                            "persistence lifetimes must come before type arguments",
                        ))
                    }
                    syn::GenericArgument::Type(ty) => type_args.push(ty),
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            "expected a persistence lifetime (`'tick`, `'static`) or a type",
                        ))
                    }
                }
            }
        }
        if !input.peek(syn::token::Paren) {
            return Err(input.error(format!("expected `(` after `{name}`")));
        }
        let group: Group = match input.parse::<TokenTree>()? {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis => group,
            other => return Err(syn::Error::new(other.span(), "expected `(`")),
        };
        let args_span = group.span();
        let mut references = Vec::new();
        let replaced = replace_references(group.stream(), &mut references)?;
        let args = Punctuated::<syn::Expr, Token![,]>::parse_terminated
            .parse2(replaced)
            .map_err(|error| {
                syn::Error::new(error.span(), format!("bad operator argument: {error}"))
            })?
            .into_iter()
            .collect();
        let source_text = source_text_between(start, input.cursor());
        Ok(Operator {
            name,
            persistence,
            type_args,
            generics_span,
            args,
            args_span,
            references,
            source_text,
        })
    }
}

use syn::parse::Parser;

/// The tokens from `start` up to `end`, printed compactly.
fn source_text_between(start: syn::buffer::Cursor, end: syn::buffer::Cursor) -> String {
    let mut tokens = TokenStream::new();
    let mut cursor = start;
    while cursor < end {
        match cursor.token_tree() {
            Some((tree, next)) => {
                tokens.extend([tree]);
                cursor = next;
            }
            None => break,
        }
    }
    compact_source_text(&tokens)
}

/// Replaces `#name` / `#mut name` with placeholder identifiers, recording each reference.
fn replace_references(
    tokens: TokenStream,
    references: &mut Vec<Reference>,
) -> syn::Result<TokenStream> {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(punct) if punct.as_char() == '#' => {
                let mut mutable = false;
                let mut next = iter.next();
                if let Some(TokenTree::Ident(ident)) = &next {
                    if ident == "mut" {
                        mutable = true;
                        next = iter.next();
                    }
                }
                let name = match next {
                    Some(TokenTree::Ident(name)) => name,
                    Some(other) => {
                        return Err(syn::Error::new(
                            other.span(),
                            "expected a name after `#` (e.g. `#my_singleton`)",
                        ))
                    }
                    None => {
                        return Err(syn::Error::new(
                            punct.span(),
                            "expected a name after `#` (e.g. `#my_singleton`)",
                        ))
                    }
                };
                let placeholder = Ident::new(
                    &format!(
                        "{REFERENCE_PLACEHOLDER_PREFIX}{}{}",
                        if mutable { "mut_" } else { "" },
                        name
                    ),
                    name.span(),
                );
                references.push(Reference {
                    name,
                    mutable,
                    placeholder: placeholder.clone(),
                });
                out.push(TokenTree::Ident(placeholder));
            }
            TokenTree::Group(group) => {
                let inner = replace_references(group.stream(), references)?;
                let mut replaced = Group::new(group.delimiter(), inner);
                replaced.set_span(group.span());
                out.push(TokenTree::Group(replaced));
            }
            other => out.push(other),
        }
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> Program {
        match parse_program(tokens) {
            Ok(program) => program,
            Err(error) => panic!("parse failed: {error}"),
        }
    }

    fn parse_error(tokens: TokenStream) -> String {
        match parse_program(tokens) {
            Ok(_) => panic!("expected a parse error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn parses_named_and_pipe_statements_with_ports() {
        let program = parse(quote! {
            use std::collections::HashMap;
            j = join::<'static, 'tick>();
            source_iter([(1, 2)]) -> [0]j;
            (source_iter([(1, 3)]) -> map(|x| x))[out] -> [1]j;
            j[0] -> for_each(|x| println!("{x:?}"));
        });
        assert_eq!(program.statements.len(), 5);
        let Statement::Named { name, pipeline } = &program.statements[1] else {
            panic!("expected a named statement");
        };
        assert_eq!(name, "j");
        let Element::Operator(join) = &pipeline.elements[0] else {
            panic!("expected an operator");
        };
        assert_eq!(join.persistence.len(), 2);
        assert_eq!(join.source_text, "join::<'static, 'tick>()");
        let Statement::Pipe(pipeline) = &program.statements[3] else {
            panic!("expected a pipe statement");
        };
        let Element::Group { output_port, .. } = &pipeline.elements[0] else {
            panic!("expected a group");
        };
        assert_eq!(
            output_port.as_ref().map(|p| p.port.clone()),
            Some(Port::Name("out".into()))
        );
    }

    #[test]
    fn records_references_and_replaces_them_with_placeholders() {
        let tokens: TokenStream =
            "source_iter(0..3) -> filter(|x| *x > #max && #mut log.is_empty()) -> null();"
                .parse()
                .expect("valid tokens");
        let program = parse(tokens);
        let Statement::Pipe(pipeline) = &program.statements[0] else {
            panic!("expected a pipe statement");
        };
        let Element::Operator(filter) = &pipeline.elements[1] else {
            panic!("expected an operator");
        };
        let names: Vec<_> = filter
            .references
            .iter()
            .map(|r| (r.name.to_string(), r.mutable))
            .collect();
        assert_eq!(
            names,
            [("max".to_string(), false), ("log".to_string(), true)]
        );
        let text = filter.args[0].to_token_stream().to_string();
        assert!(text.contains("__tideflow_ref_max"), "{text}");
        assert!(text.contains("__tideflow_ref_mut_log"), "{text}");
    }

    #[test]
    fn reports_missing_arrow() {
        assert_eq!(
            parse_error(quote! { source_iter(0..1) map(|x| x); }),
            "expected `->`"
        );
    }

    #[test]
    fn reports_generics_without_turbofish() {
        assert_eq!(
            parse_error(quote! { source_iter(0..1) -> fold<'static>(|| 0, |a, b| *a += b); }),
            "missing `::` before `<...>` generic arguments"
        );
    }

    #[test]
    fn reports_a_port_on_an_operator() {
        assert!(parse_error(quote! { a -> [0]map(|x| x); }).starts_with("a port cannot be given"));
    }
}
