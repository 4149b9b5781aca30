//! The compile-fail suite: every compiler diagnostic, with its message and span, fixed in a
//! `.stderr` file next to a tiny program that triggers it.

#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
