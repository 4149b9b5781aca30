//! `cargo run --release -p tideflow-benches -- [--quick] [--workload S1,S4] [--variant tideflow]
//! [--rounds N] [--markdown FILE] [--in-process]`: runs the workloads of issue 6 and prints a
//! table per workload.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tideflow_benches::{format_duration, run, run_isolated, write_report_json, Config};

const USAGE: &str =
    "usage: tideflow-benches [--quick] [--workload S1,S5b,...] [--variant NAME,...] [--rounds N] [--markdown FILE]

  --quick        tiny sizes and one measured round (what CI runs)
  --workload     comma-separated workload ids; `S5` selects S5a and S5b
  --variant      comma-separated systems to run (raw, tideflow, timely, ...), e.g. to profile
                 one under callgrind; ratios are then against the first that runs
  --rounds N     measured rounds after the warm-up (default 21; quick mode 1)
  --markdown F   also write the tables as Markdown to F
  --in-process   run every workload in this process (by default, when several are selected,
                 each runs in a child process of its own, so one workload's heap does not slow
                 the next)";

fn main() -> ExitCode {
    let mut config = Config::full();
    let mut rounds: Option<usize> = None;
    let mut markdown: Option<String> = None;
    let mut in_process = false;
    let mut report_json: Option<PathBuf> = None;
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
            "--in-process" => in_process = true,
            // Internal: a child of an isolated run writes its report here and prints nothing.
            "--report-json" => match args.next() {
                Some(path) => report_json = Some(PathBuf::from(path)),
                None => return usage_error("--report-json needs a file name"),
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
    if let Some(path) = report_json {
        let report = run(&config, &mut std::io::sink());
        return match write_report_json(&report, &path) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("cannot write {}: {error}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    if cfg!(debug_assertions) && !config.quick {
        eprintln!("warning: a debug build; run with `cargo run --release -p tideflow-benches`");
    }
    // One workload needs no isolation: this process is already fresh (and so a profiler that
    // does not follow child processes, such as callgrind by default, sees the work).
    let several = tideflow_benches::workloads::all()
        .iter()
        .filter(|entry| config.selects(entry.id))
        .count()
        > 1;
    let program = match std::env::current_exe() {
        Ok(program) if several && !in_process => Some(program),
        Ok(_) => None,
        Err(error) => {
            eprintln!("cannot find this program's path ({error}); running in-process");
            None
        }
    };
    println!(
        "tideflow-benches: {} mode, {} measured round(s) + 1 warm-up per workload, {}",
        if config.quick { "quick" } else { "full" },
        config.rounds,
        if program.is_some() {
            "each workload in its own process"
        } else {
            "in this process"
        }
    );
    let stdout = std::io::stdout();
    let report = match &program {
        Some(program) => run_isolated(&config, program, &mut stdout.lock()),
        None => run(&config, &mut stdout.lock()),
    };
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
