//! Procedural macros for Tideflow. Use them through the `tideflow` crate: `tideflow::flow!`,
//! `#[tideflow::main]`, `#[tideflow::test]`.
//!
//! The macros are thin: `flow!` hands its tokens to `tideflow-lang` and turns the compiler's
//! diagnostics into `compile_error!`s at the user's spans.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use tideflow_lang::{Diagnostic, Level};

/// Compiles a flow program into a `tideflow::Flow`. See the `tideflow` crate for the language.
#[proc_macro]
pub fn flow(input: TokenStream) -> TokenStream {
    let root = quote!(::tideflow);
    let compiled = tideflow_lang::compile_flow(input.into(), &root);
    let diagnostics: Vec<TokenStream2> = compiled.diagnostics.iter().map(emit_diagnostic).collect();
    let code = compiled.code.unwrap_or_else(|| {
        quote! {
            #root::Flow::from_compiled("{}", 0, 0, |_: &#root::Context| false)
        }
    });
    quote!({ #(#diagnostics)* #code }).into()
}

/// An error as `compile_error!` at its span (notes as further errors at theirs); a warning as a
/// use of a deprecated item, which stable Rust reports as a warning at that span.
fn emit_diagnostic(diagnostic: &Diagnostic) -> TokenStream2 {
    match diagnostic.level {
        Level::Error => {
            let message = diagnostic.full_message();
            let mut tokens = compile_error_at(diagnostic.span, diagnostic.span_end, &message);
            for (span, note) in &diagnostic.notes {
                tokens.extend(compile_error_at(*span, None, &format!("note: {note}")));
            }
            tokens
        }
        Level::Warning => {
            let message = diagnostic.full_message();
            quote_spanned! {diagnostic.span=>
                {
                    #[deprecated(note = #message)]
                    #[allow(non_camel_case_types)]
                    struct tideflow_warning;
                    let _ = tideflow_warning;
                }
            }
        }
    }
}

/// `compile_error!` covering `span` through `end`: rustc reports a macro-generated error from
/// the first token's start to the last token's end, so the path carries the start span and the
/// braces the end span (stable Rust cannot join spans).
fn compile_error_at(span: Span, end: Option<Span>, message: &str) -> TokenStream2 {
    let mut body = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, quote!(#message));
    body.set_span(end.unwrap_or(span));
    quote_spanned!(span=> ::core::compile_error! #body ;)
}

/// Runs an `async fn main` on a tokio current-thread runtime inside a `LocalSet`, which flows
/// with async sources and sinks need.
#[proc_macro_attribute]
pub fn main(_args: TokenStream, item: TokenStream) -> TokenStream {
    wrap_async(item, quote!())
}

/// Like `#[tideflow::main]`, for `async fn` tests.
#[proc_macro_attribute]
pub fn test(_args: TokenStream, item: TokenStream) -> TokenStream {
    wrap_async(item, quote!(#[::core::prelude::v1::test]))
}

fn wrap_async(item: TokenStream, attribute: TokenStream2) -> TokenStream {
    let mut function = match syn::parse::<syn::ItemFn>(item) {
        Ok(function) => function,
        Err(error) => return error.to_compile_error().into(),
    };
    if function.sig.asyncness.take().is_none() {
        return syn::Error::new_spanned(function.sig.fn_token, "expected an `async fn`")
            .to_compile_error()
            .into();
    }
    let body = &function.block;
    *function.block = syn::parse_quote!({
        let runtime = ::tideflow::__private::tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("failed to start the tokio runtime");
        ::tideflow::__private::tokio::task::LocalSet::new().block_on(&runtime, async move #body)
    });
    quote!(#attribute #function).into()
}
