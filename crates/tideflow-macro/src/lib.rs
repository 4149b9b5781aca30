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
            #root::Flow::from_compiled("{}", 0, 0, false, |_: &#root::Context| false)
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
        let output =
            ::tideflow::__private::tokio::task::LocalSet::new().block_on(&runtime, async move #body);
        // Do not wait for blocking tasks (a pending read of stdin) when the body is done.
        runtime.shutdown_background();
        output
    });
    quote!(#attribute #function).into()
}

/// Derives `tideflow::ops::routing::DemuxEnum` for an enum, so `demux_enum::<E>()` can route its
/// values to one output port per variant.
///
/// Each variant's payload is the tuple of its fields (`()` for a unit variant, `(a,)` for one
/// field, named fields in declaration order); the payloads are nested as `Either`s in
/// alphabetical order of the variant names (see the trait's documentation).
#[proc_macro_derive(DemuxEnum)]
pub fn derive_demux_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    demux_enum::derive(&input)
        .unwrap_or_else(|error| error.to_compile_error())
        .into()
}

mod demux_enum {
    use proc_macro2::{Span, TokenStream};
    use quote::{format_ident, quote};

    /// `impl DemuxEnum for E`: the nested `Either` payload type and the `match` building it.
    pub fn derive(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
        let syn::Data::Enum(data) = &input.data else {
            return Err(syn::Error::new(
                Span::call_site(),
                "`DemuxEnum` can only be derived for enums",
            ));
        };
        if data.variants.is_empty() {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "`DemuxEnum` needs at least one variant: `demux_enum` routes each value to the \
                 output of its variant",
            ));
        }
        let root = quote!(::tideflow::ops::routing);
        let mut variants: Vec<&syn::Variant> = data.variants.iter().collect();
        variants.sort_by_key(|variant| variant.ident.to_string());
        let count = variants.len();
        let payload_types: Vec<TokenStream> = variants
            .iter()
            .map(|variant| {
                let types = variant.fields.iter().map(|field| &field.ty);
                quote!((#(#types,)*))
            })
            .collect();
        let payloads = nest(
            &payload_types,
            &|left, right| quote!(#root::Either<#left, #right>),
        );
        let arms = variants.iter().enumerate().map(|(index, variant)| {
            let name = &variant.ident;
            let bindings: Vec<syn::Ident> = (0..variant.fields.len())
                .map(|field| format_ident!("__field_{}", field))
                .collect();
            let pattern = match &variant.fields {
                syn::Fields::Unit => quote!(Self::#name),
                syn::Fields::Unnamed(_) => quote!(Self::#name(#(#bindings),*)),
                syn::Fields::Named(fields) => {
                    let names = fields.named.iter().map(|field| &field.ident);
                    quote!(Self::#name { #(#names: #bindings),* })
                }
            };
            let value = wrap(index, count, quote!((#(#bindings,)*)), &root);
            quote!(#pattern => #value,)
        });
        let name = &input.ident;
        let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
        Ok(quote! {
            impl #impl_generics #root::DemuxEnum for #name #type_generics #where_clause {
                type Payloads = #payloads;
                const VARIANTS: usize = #count;
                #[inline]
                fn demux(self) -> Self::Payloads {
                    match self {
                        #(#arms)*
                    }
                }
            }

            impl #impl_generics #root::DemuxOutputs<#count> for #name #type_generics #where_clause {
                type Outputs = <Self as #root::DemuxEnum>::Payloads;
                #[inline]
                fn demux_outputs(self) -> Self::Outputs {
                    <Self as #root::DemuxEnum>::demux(self)
                }
            }
        })
    }

    /// `items` nested to the right: `a`, `pair(a, b)`, `pair(a, pair(b, c))`, ...
    fn nest(
        items: &[TokenStream],
        pair: &dyn Fn(&TokenStream, &TokenStream) -> TokenStream,
    ) -> TokenStream {
        match items {
            [] => quote!(()),
            [last] => last.clone(),
            [first, rest @ ..] => pair(first, &nest(rest, pair)),
        }
    }

    /// The payload of variant `index` of `count`, wrapped in its `Left`/`Right` path.
    fn wrap(index: usize, count: usize, value: TokenStream, root: &TokenStream) -> TokenStream {
        let mut wrapped = if index + 1 < count {
            quote!(#root::Either::Left(#value))
        } else {
            value
        };
        for _ in 0..index {
            wrapped = quote!(#root::Either::Right(#wrapped));
        }
        wrapped
    }
}
