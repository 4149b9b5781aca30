//! `cargo run --release -p tideflow-benches -- [--quick] [--workload S1,S4] [--variant tideflow]
//! [--rounds N] [--markdown FILE]`: runs the workloads of issue 6 and prints a table per workload.

use std::io::Write;
use std::process::ExitCode;

use tideflow_benches::{format_duration, run, Config};

const USAGE: &str =
    "usage: tideflow-benches [--quick] [--workload S1,S5b,...] [--variant NAME,...] [--rounds N] [--markdown FILE]

  --quick        tiny sizes and one measured round (what CI runs)
  --workload     comma-separated workload ids; `S5` selects S5a and S5b
  --variant      comma-separated systems to run (raw, tideflow, timely, ...), e.g. to profile
                 one under callgrind; ratios are then against the first that runs
  --rounds N     measured rounds after the warm-up (default 21; quick mode 1)
  --markdown F   also write the tables as Markdown to F";

fn main() -> ExitCode {
    let mut config = Config::full();
    let mut rounds: Option<usize> = None;
    let mut markdown: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => config.quick = true,
            "--workload" | "--workloads" => match args.next() {
                Some(list) => {
                    config.filter = Some(list.split(',').map(str::to_string).collect());
                }
                None => return usage_error("--workload needs a list of ids"),
            },
            "--variant" | "--variants" => match args.next() {
                Some(list) => {
                    config.variants = Some(list.split(',').map(str::to_string).collect());
                }
                None => return usage_error("--variant needs a list of names"),
            },
            "--rounds" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n >= 1 => rounds = Some(n),
                _ => return usage_error("--rounds needs a positive number"),
            },
            "--markdown" => match args.next() {
                Some(path) => markdown = Some(path),
                None => return usage_error("--markdown needs a file name"),
            },
            // `cargo bench` passes `--bench`; accept and ignore it.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    config.rounds = rounds.unwrap_or(if config.quick {
        1
    } else {
        Config::full().rounds
    });
    if cfg!(debug_assertions) && !config.quick {
        eprintln!("warning: a debug build; run with `cargo run --release -p tideflow-benches`");
    }
    println!(
        "tideflow-benches: {} mode, {} measured round(s) + 1 warm-up per workload",
        if config.quick { "quick" } else { "full" },
        config.rounds
    );
    let stdout = std::io::stdout();
    let report = run(&config, &mut stdout.lock());
    println!("\ntotal time: {}", format_duration(report.elapsed));
    if let Some(path) = markdown {
        let write = std::fs::File::create(&path)
            .and_then(|mut file| file.write_all(report.to_markdown().as_bytes()));
        if let Err(error) = write {
            eprintln!("cannot write {path}: {error}");
            return ExitCode::FAILURE;
        }
    }
    let aborted = report.aborted();
    if aborted.is_empty() {
        ExitCode::SUCCESS
    } else {
        for w in aborted {
            eprintln!("{} was aborted", w.id);
        }
        ExitCode::FAILURE
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("{message}\n\n{USAGE}");
    ExitCode::from(2)
}
