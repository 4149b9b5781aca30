//! Unit tests of `routing`.
use super::*;

fn ports_of(closure: &str) -> Result<PartitionPorts, String> {
    let expr: syn::Expr = syn::parse_str(closure).map_err(|e| e.to_string())?;
    partition_ports(&expr).map_err(|diagnostic| diagnostic.message)
}

fn names(closure: &str) -> Vec<String> {
    match ports_of(closure) {
        Ok(PartitionPorts::Named { names, .. }) => names.into_iter().map(|(n, _)| n).collect(),
        other => panic!("expected named ports, got {other:?}"),
    }
}

#[test]
fn reads_named_and_indexed_closures() {
    assert_eq!(names("|x, [a, b, c]| a"), ["a", "b", "c"]);
    assert_eq!(
        names("move |x: &u8, [hi, lo]: [usize; 2]| hi"),
        ["hi", "lo"]
    );
    assert_eq!(names("(|x, ([only])| only)"), ["only"]);
    for indexed in ["|x, n| 0", "|x, n: usize| 0", "|_, _| 0"] {
        assert!(
            matches!(ports_of(indexed), Ok(PartitionPorts::Indexed)),
            "{indexed}"
        );
    }
}

#[test]
fn odd_arguments_are_diagnostics_not_panics() {
    for (argument, expected) in [
        ("route", "needs a closure literal"),
        ("|x| 0", "must have two parameters"),
        ("|x, n, m| 0", "must have two parameters"),
        ("|x, []| 0", "names no ports"),
        ("|x, [a, _]| a", "must be a port name"),
        ("|x, [a, ..]| a", "must be a port name"),
        ("|x, [a, ref b]| a", "plain port name"),
        ("|x, [a, b @ _]| a", "plain port name"),
        ("|x, [a, a]| a", "named twice"),
        ("|x, (a, b)| a", "must be a slice pattern"),
        ("|x, &n| 0", "must be a slice pattern"),
    ] {
        let message = ports_of(argument).expect_err(argument);
        assert!(message.contains(expected), "{argument}: {message}");
    }
}

fn node(argument: &str) -> OperatorNode {
    OperatorNode {
        name: "partition".to_string(),
        persistence: Vec::new(),
        type_args: Vec::new(),
        generics_span: None,
        args: vec![syn::parse_str(argument).expect("test argument parses")],
        args_span: Span::call_site(),
        references: Vec::new(),
        source_text: String::new(),
    }
}

fn resolve(argument: &str, ports: &[Option<Port>]) -> Result<Vec<usize>, Vec<String>> {
    let ports: Vec<Option<(Port, Span)>> = ports
        .iter()
        .map(|port| port.clone().map(|port| (port, Span::call_site())))
        .collect();
    let given: Vec<Option<&(Port, Span)>> = ports.iter().map(Option::as_ref).collect();
    resolve_partition_ports(&node(argument), Span::call_site(), &given).map_err(|errors| {
        errors
            .into_iter()
            .map(|diagnostic| diagnostic.message)
            .collect()
    })
}

fn name(text: &str) -> Option<Port> {
    Some(Port::Name(text.to_string()))
}

fn index(value: u64) -> Option<Port> {
    Some(Port::Index(value))
}

#[test]
fn named_ports_get_their_pattern_position() {
    let slots = resolve("|x, [a, b, c]| a", &[name("c"), name("a"), name("b")]);
    assert_eq!(slots, Ok(vec![2, 0, 1]));
}

#[test]
fn named_port_errors() {
    let errors = resolve("|x, [a, b]| a", &[name("a"), name("z")]).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("no output port `z`"));
    assert!(errors[1].contains("port `b` is not connected"));
    let errors = resolve("|x, [a, b]| a", &[name("a"), name("a"), name("b")]).unwrap_err();
    assert_eq!(
        errors,
        ["output port `a` of `partition` is connected twice"]
    );
    let errors = resolve("|x, [a, b]| a", &[name("a"), None]).unwrap_err();
    assert!(errors[0].contains("needs one of its ports"), "{errors:?}");
    let errors = resolve("|x, [a, b]| a", &[name("a"), index(1)]).unwrap_err();
    assert!(errors[0].contains("no output port `1`"), "{errors:?}");
}

#[test]
fn indexed_ports_are_their_index() {
    let slots = resolve("|x, n| 0", &[index(1), index(2), index(0)]);
    assert_eq!(slots, Ok(vec![1, 2, 0]));
}

#[test]
fn indexed_port_errors() {
    let errors = resolve("|x, n| 0", &[index(0), index(2)]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("without gaps, but this is `[2]`; missing: `[1]`"));
    let errors = resolve("|x, n| 0", &[index(0), name("a")]).unwrap_err();
    assert!(errors[0].contains("not `[a]`"), "{errors:?}");
    let errors = resolve("|x, n| 0", &[index(0), index(0)]).unwrap_err();
    assert!(errors[0].contains("connected twice"), "{errors:?}");
    let errors = resolve("|x, n| 0", &[index(0), None]).unwrap_err();
    assert!(errors[0].contains("needs a numbered port"), "{errors:?}");
}

fn resolve_demux(ports: &[Option<Port>]) -> Result<Vec<usize>, Vec<String>> {
    let ports: Vec<Option<(Port, Span)>> = ports
        .iter()
        .map(|port| port.clone().map(|port| (port, Span::call_site())))
        .collect();
    let given: Vec<Option<&(Port, Span)>> = ports.iter().map(Option::as_ref).collect();
    resolve_demux_enum_ports(&node("()"), Span::call_site(), &given).map_err(|errors| {
        errors
            .into_iter()
            .map(|diagnostic| diagnostic.message)
            .collect()
    })
}

#[test]
fn demux_enum_ports_are_slotted_alphabetically() {
    let slots = resolve_demux(&[name("Square"), name("Circle"), name("Point")]);
    assert_eq!(slots, Ok(vec![2, 0, 1]));
    assert_eq!(resolve_demux(&[None]), Ok(vec![0]));
}

#[test]
fn demux_enum_port_errors() {
    let errors = resolve_demux(&[name("A"), name("A")]).unwrap_err();
    assert!(errors[0].contains("connected twice"), "{errors:?}");
    let errors = resolve_demux(&[name("A"), index(1)]).unwrap_err();
    assert!(errors[0].contains("not `[1]`"), "{errors:?}");
    let errors = resolve_demux(&[name("A"), name("a::B")]).unwrap_err();
    assert!(errors[0].contains("not `[a::B]`"), "{errors:?}");
    let errors = resolve_demux(&[name("A"), None]).unwrap_err();
    assert!(
        errors[0].contains("needs a port naming a variant"),
        "{errors:?}"
    );
}

#[test]
fn a_bad_closure_is_one_diagnostic() {
    let errors = resolve("|x| 0", &[index(0), index(1)]).unwrap_err();
    assert_eq!(errors.len(), 1);
}
