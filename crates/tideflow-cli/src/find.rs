//! Finding the `flow!` blocks of a Rust source file.
//!
//! The file is parsed with `syn` and every macro invocation is visited, in expression, statement,
//! item, pattern and type position, at any depth (functions, closures, `impl` and `trait` blocks,
//! modules). An invocation whose path ends in `flow` (`flow!`, `tideflow::flow!`,
//! `::tideflow::flow!`, or the crate under another name) is a flow block, whatever its delimiters.
//!
//! The arguments of other macros (`vec![...]`, `assert!(...)`, ...) are searched too when they
//! parse as comma-separated expressions or as statements, which is how `rustc` would see a
//! `flow!` nested in them; arguments that are not Rust, `macro_rules!` bodies and `quote!`-style
//! templates are skipped.

use proc_macro2::{LineColumn, TokenStream};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

/// One `flow!` invocation found in a file.
#[derive(Debug, Clone)]
pub struct FlowBlock {
    /// The macro's body: the program handed to the compiler, with its source locations.
    pub tokens: TokenStream,
    /// What encloses it: `fn main`, `fn Server::run`, `fn tests::reaches`, or `top level`.
    pub context: String,
    /// Where the macro's path starts (line 1-based, column 0-based in characters).
    pub start: LineColumn,
    /// Where the macro's closing delimiter ends.
    pub end: LineColumn,
}

impl FlowBlock {
    /// The block's title in multi-block output: `flow 1: fn main (line 12)`.
    pub fn title(&self, number: usize) -> String {
        format!("flow {number}: {} (line {})", self.context, self.start.line)
    }

    /// Whether `position` lies inside this block's invocation.
    pub fn contains(&self, position: LineColumn) -> bool {
        position >= self.start && position <= self.end
    }
}

/// Every flow block of `file`, in source order.
pub fn find_flow_blocks(file: &syn::File) -> Vec<FlowBlock> {
    let mut finder = Finder::default();
    finder.visit_file(file);
    let mut blocks = finder.blocks;
    blocks.sort_by_key(|block| (block.start, block.end));
    blocks
}

/// The visitor: the path of enclosing modules and functions, and what it found.
#[derive(Default)]
struct Finder {
    /// Enclosing module names, outermost first.
    modules: Vec<String>,
    /// The innermost enclosing `impl`'s type or `trait`'s name, if any.
    owner: Vec<String>,
    /// Enclosing function names (qualified), innermost last.
    functions: Vec<String>,
    blocks: Vec<FlowBlock>,
}

impl Finder {
    /// `fn name` qualified by the enclosing modules and `impl`/`trait`.
    fn qualified(&self, name: &syn::Ident, in_owner: bool) -> String {
        let mut parts: Vec<String> = self.modules.clone();
        if in_owner {
            if let Some(owner) = self.owner.last() {
                parts.push(owner.clone());
            }
        }
        parts.push(name.to_string());
        format!("fn {}", parts.join("::"))
    }

    fn in_function(&mut self, name: String, visit: impl FnOnce(&mut Self)) {
        self.functions.push(name);
        visit(self);
        self.functions.pop();
    }

    fn context(&self) -> String {
        match self.functions.last() {
            Some(function) => function.clone(),
            None if self.modules.is_empty() => "top level".to_owned(),
            None => format!("mod {}", self.modules.join("::")),
        }
    }

    /// Searches the arguments of a macro that is not `flow!`, when they parse as Rust.
    fn visit_macro_arguments(&mut self, mac: &syn::Macro) {
        if QUOTING_MACROS
            .iter()
            .any(|name| mac.path.segments.last().is_some_and(|s| s.ident == name))
        {
            return;
        }
        let parse_exprs = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(exprs) = mac.parse_body_with(parse_exprs) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        } else if let Ok(statements) = mac.parse_body_with(syn::Block::parse_within) {
            for statement in &statements {
                self.visit_stmt(statement);
            }
        }
    }
}

/// Macros whose arguments are templates, not code: a `flow!` inside them is not invoked there.
const QUOTING_MACROS: [&str; 5] = [
    "macro_rules",
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
];

/// Whether a macro path names `flow!`: its last segment is `flow`.
fn is_flow_path(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "flow" && segment.arguments.is_none())
}

/// The name of an `impl`'s self type, without spaces (`Server`, `Node<T>`).
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .unwrap_or_default(),
        other => quote::ToTokens::to_token_stream(other)
            .to_string()
            .replace(' ', ""),
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.modules.push(item.ident.to_string());
        // Functions outside a module do not enclose it.
        let functions = std::mem::take(&mut self.functions);
        visit::visit_item_mod(self, item);
        self.functions = functions;
        self.modules.pop();
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        let name = self.qualified(&item.sig.ident, false);
        self.in_function(name, |this| visit::visit_item_fn(this, item));
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        self.owner.push(type_name(&item.self_ty));
        visit::visit_item_impl(self, item);
        self.owner.pop();
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        self.owner.push(item.ident.to_string());
        visit::visit_item_trait(self, item);
        self.owner.pop();
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        let name = self.qualified(&item.sig.ident, true);
        self.in_function(name, |this| visit::visit_impl_item_fn(this, item));
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        let name = self.qualified(&item.sig.ident, true);
        self.in_function(name, |this| visit::visit_trait_item_fn(this, item));
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if !is_flow_path(&mac.path) {
            self.visit_macro_arguments(mac);
            return;
        }
        let start = match (&mac.path.leading_colon, mac.path.segments.first()) {
            (Some(colon), _) => colon.spans[0].start(),
            (None, Some(segment)) => segment.ident.span().start(),
            (None, None) => mac.bang_token.span.start(),
        };
        let end = mac.delimiter.span().close().end();
        self.blocks.push(FlowBlock {
            tokens: mac.tokens.clone(),
            context: self.context(),
            start,
            end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contexts(source: &str) -> Vec<String> {
        let file = syn::parse_file(source).expect("test source is valid Rust");
        find_flow_blocks(&file)
            .iter()
            .enumerate()
            .map(|(index, block)| block.title(index + 1))
            .collect()
    }

    #[test]
    fn finds_blocks_in_every_position() {
        let source = r#"
fn main() {
    let a = tideflow::flow! { source_iter(0..1) -> null(); };
    let f = || flow!( source_iter(0..1) -> null(); );
    tideflow::flow![ source_iter(0..1) -> null(); ];
    let v = vec![::tideflow::flow! { source_iter(0..1) -> null(); }];
}
struct Server;
impl Server {
    fn run(&self) { let _ = flow! { source_iter(0..1) -> null(); }; }
}
mod tests {
    fn reaches() { let _ = flow! { source_iter(0..1) -> null(); }; }
}
macro_rules! m { ($($t:tt)*) => { flow! { $($t)* } }; }
fn quoted() { let _ = quote! { flow! { #x } }; }
"#;
        assert_eq!(
            contexts(source),
            [
                "flow 1: fn main (line 3)",
                "flow 2: fn main (line 4)",
                "flow 3: fn main (line 5)",
                "flow 4: fn main (line 6)",
                "flow 5: fn Server::run (line 10)",
                "flow 6: fn tests::reaches (line 13)",
            ]
        );
    }

    #[test]
    fn a_flow_outside_functions_is_top_level() {
        let source = "static F: u8 = flow! { x };\nmod m { const G: u8 = flow! { y }; }";
        assert_eq!(
            contexts(source),
            ["flow 1: top level (line 1)", "flow 2: mod m (line 2)"]
        );
    }
}
