//! `docs/operators.md` is generated from the operator table: these tests keep it up to date and
//! make sure every operator has an example. The examples themselves run as doc tests of the
//! `tideflow` crate (`cargo test -p tideflow --doc`).

use std::path::PathBuf;

use tideflow_lang::ops::{all_operators, families, family_of, operator_reference_markdown};

const UPDATE_HINT: &str =
    "run `TIDEFLOW_UPDATE_DOCS=1 cargo test -p tideflow-lang --test operator_reference`";

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/operators.md")
}

#[test]
fn docs_operators_md_matches_the_operator_table() {
    let path = reference_path();
    let generated = operator_reference_markdown();
    if std::env::var_os("TIDEFLOW_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != generated {
        let first_difference = current
            .lines()
            .zip(generated.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()));
        panic!(
            "docs/operators.md is stale: {UPDATE_HINT} (first difference at line {})",
            first_difference + 1
        );
    }
}

/// Whether `code` calls the operator `name`: `name(` or `name::<`, not as part of a longer
/// identifier.
fn calls_operator(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(start, _)| {
        let before = code[..start].chars().next_back();
        let after = &code[start + name.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && (after.starts_with('(') || after.starts_with("::<"))
    })
}

#[test]
fn every_operator_has_an_example_that_uses_it_and_asserts_its_output() {
    let mut problems = Vec::new();
    for spec in all_operators() {
        let example = spec.example;
        if example.trim().is_empty() {
            problems.push(format!("`{}` has no example", spec.name));
            continue;
        }
        if !calls_operator(example, spec.name) {
            problems.push(format!("`{}`'s example does not use it", spec.name));
        }
        for needed in ["tideflow::flow!", "assert_eq!"] {
            if !example.contains(needed) {
                problems.push(format!("`{}`'s example lacks `{needed}`", spec.name));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "operator examples (the `example` field of each spec in crates/tideflow-lang/src/ops):\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_operator_belongs_to_exactly_one_family() {
    let mut problems = Vec::new();
    for spec in all_operators() {
        let count = families()
            .iter()
            .filter(|family| family.contains(spec.name))
            .count();
        if count != 1 {
            problems.push(format!("`{}` is in {count} families", spec.name));
        }
    }
    for family in families() {
        for spec in family.operators {
            if !all_operators().any(|op| op.name == spec.name) {
                problems.push(format!(
                    "`{}` of family {} is missing from all_operators()",
                    spec.name, family.name
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "add each family file's OPERATORS to `all_operators()` (ops/mod.rs) and to `FAMILIES` \
         (ops/reference.rs):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_reference_has_one_section_per_operator_in_catalogue_order() {
    let markdown = operator_reference_markdown();
    let sections: Vec<&str> = markdown
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .filter(|title| *title != "Index")
        .collect();
    // Families in order of their first operator in `all_operators()`, each with its operators.
    let family_name = |name: &str| family_of(name).map_or("Other operators", |family| family.name);
    let mut family_order: Vec<&str> = Vec::new();
    for spec in all_operators() {
        if !family_order.contains(&family_name(spec.name)) {
            family_order.push(family_name(spec.name));
        }
    }
    let mut expected: Vec<&str> = Vec::new();
    for family in family_order {
        expected.extend(
            all_operators()
                .filter(|spec| family_name(spec.name) == family)
                .map(|spec| spec.name),
        );
    }
    expected.extend(["handoff", "singleton", "optional"]);
    assert_eq!(sections, expected);
    for name in &expected {
        assert!(
            markdown.contains(&format!("[`{name}`](#{name})")),
            "`{name}` is missing from the index"
        );
    }
}
