//! The identifiers generated code uses: one naming scheme for state, arguments, type witnesses,
//! buffers, junctions and references.

use proc_macro2::Ident;
use quote::format_ident;

use crate::graph::NodeId;

/// The names generated code uses for one flow.
pub(super) struct Names;

impl Names {
    pub(super) fn state(node: NodeId) -> Ident {
        format_ident!("__op_{}", node)
    }
    pub(super) fn arg(node: NodeId, index: usize) -> Ident {
        format_ident!("__arg_{}_{}", node, index)
    }
    pub(super) fn ty(node: NodeId, slot: usize) -> Ident {
        format_ident!("__ty_{}_{}", node, slot)
    }
    pub(super) fn back_ty(edge: usize) -> Ident {
        format_ident!("__ty_back_{}", edge)
    }
    pub(super) fn run_ty(node: NodeId, slot: usize) -> Ident {
        format_ident!("__ty_run_{}_{}", node, slot)
    }
    pub(super) fn buffer(edge: usize) -> Ident {
        format_ident!("__buffer_{}", edge)
    }
    pub(super) fn buffer_read(edge: usize) -> Ident {
        format_ident!("__buffer_{}_read", edge)
    }
    pub(super) fn defer_current(edge: usize) -> Ident {
        format_ident!("__defer_{}_current", edge)
    }
    pub(super) fn defer_next(edge: usize) -> Ident {
        format_ident!("__defer_{}_next", edge)
    }
    pub(super) fn handoff(node: NodeId) -> Ident {
        format_ident!("__handoff_{}", node)
    }
    pub(super) fn handoff_read(node: NodeId) -> Ident {
        format_ident!("__handoff_{}_read", node)
    }
    pub(super) fn junction(node: NodeId) -> Ident {
        format_ident!("__junction_{}", node)
    }
    pub(super) fn reference(node: NodeId, mutable: bool) -> Ident {
        if mutable {
            format_ident!("__ref_mut_{}", node)
        } else {
            format_ident!("__ref_{}", node)
        }
    }
}
