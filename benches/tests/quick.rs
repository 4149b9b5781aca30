//! The harness in quick mode (tiny sizes, one round), in-process: every workload's variants
//! must build, run and agree on their checksums, so the benchmarks never rot.

use std::path::Path;

use tideflow_benches::{run, run_isolated, Config, Outcome};

#[test]
fn quick_mode_runs_every_workload_and_all_checksums_agree() {
    let mut output = Vec::new();
    let report = run(&Config::quick(), &mut output);
    let output = String::from_utf8_lossy(&output);
    assert!(!report.workloads.is_empty(), "no workloads ran");
    for workload in &report.workloads {
        match &workload.outcome {
            Outcome::Measured { variants, .. } => {
                assert!(
                    variants.len() >= 2,
                    "{}: expected at least raw and tideflow, got {}",
                    workload.id,
                    variants.len()
                );
                assert_eq!(variants[0].name, "raw", "{}: raw comes first", workload.id);
                assert!(
                    variants.iter().any(|v| v.name == "tideflow"),
                    "{}: no tideflow variant",
                    workload.id
                );
            }
            Outcome::Aborted(why) => panic!("{} aborted: {why}\n{output}", workload.id),
            Outcome::Skipped(why) => panic!("{} skipped: {why}\n{output}", workload.id),
        }
    }
    let ids: Vec<&str> = report.workloads.iter().map(|w| w.id.as_str()).collect();
    for id in [
        "S1", "S4", "S6b", "S7", "S9b", "S10", "S11b", "S12a", "S12b",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let markdown = report.to_markdown();
    assert!(markdown.contains("### S7"), "{markdown}");
}

#[test]
fn isolated_mode_runs_each_workload_in_its_own_process_and_reads_its_report_back() {
    let config = Config {
        filter: Some(vec!["S4".to_string(), "S9".to_string()]),
        ..Config::quick()
    };
    let program = Path::new(env!("CARGO_BIN_EXE_tideflow-benches"));
    let mut output = Vec::new();
    let report = run_isolated(&config, program, &mut output);
    let output = String::from_utf8_lossy(&output);
    let ids: Vec<&str> = report.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["S4", "S9a", "S9b"], "{output}");
    for workload in &report.workloads {
        let Outcome::Measured { variants, .. } = &workload.outcome else {
            panic!(
                "{} did not run: {:?}\n{output}",
                workload.id, workload.outcome
            );
        };
        assert_eq!(variants[0].name, "raw", "{}", workload.id);
        assert_eq!(
            variants[0].times.len(),
            1,
            "{}: one measured round",
            workload.id
        );
    }
    assert!(output.contains("S9b — "), "{output}");
}

#[test]
fn isolated_mode_reports_a_child_that_cannot_start() {
    let config = Config {
        filter: Some(vec!["S4".to_string()]),
        ..Config::quick()
    };
    let report = run_isolated(
        &config,
        Path::new("/nonexistent/tideflow-benches"),
        &mut Vec::new(),
    );
    let [workload] = report.workloads.as_slice() else {
        panic!("expected one report, got {:?}", report.workloads);
    };
    match &workload.outcome {
        Outcome::Aborted(why) => assert!(why.starts_with("cannot start /nonexistent/"), "{why}"),
        other => panic!("expected an abort, got {other:?}"),
    }
    assert_eq!(report.aborted().len(), 1);
}
