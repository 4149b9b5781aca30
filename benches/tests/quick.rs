//! The harness in quick mode (tiny sizes, one round), in-process: every workload's variants
//! must build, run and agree on their checksums, so the benchmarks never rot.

use tideflow_benches::{run, Config, Outcome};

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
    let ids: Vec<&str> = report.workloads.iter().map(|w| w.id).collect();
    for id in [
        "S1", "S4", "S6b", "S7", "S9b", "S10", "S11b", "S12a", "S12b",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let markdown = report.to_markdown();
    assert!(markdown.contains("### S7"), "{markdown}");
}
