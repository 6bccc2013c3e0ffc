//! Timing shared by the engine's latency examples, measured as the Python
//! peers in `scripts/bench/timing.py` measure theirs, and the arguments and
//! files they share.

// Each example uses the part of this it needs.
#![allow(dead_code)]

use std::time::Instant;

/// The median of `runs` timed calls of `run`, in milliseconds, after one
/// untimed warm-up call.
pub fn median_ms(runs: usize, mut run: impl FnMut()) -> f64 {
	run();
	let mut times: Vec<f64> = (0..runs.max(1))
		.map(|_| {
			let started = Instant::now();
			run();
			started.elapsed().as_secs_f64() * 1000.0
		})
		.collect();
	times.sort_by(f64::total_cmp);
	times[times.len() / 2]
}

/// Ends the example with `what` on stderr.
pub fn fail(what: impl std::fmt::Display) -> ! {
	eprintln!("{what}");
	std::process::exit(1)
}

/// The example's arguments `PATH [RUNS]`, or its usage line and exit 2.
pub fn path_and_runs(usage: &str, default_runs: usize) -> (std::path::PathBuf, usize) {
	let mut args = std::env::args().skip(1);
	let Some(path) = args.next() else {
		eprintln!("usage: {usage}");
		std::process::exit(2);
	};
	let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(default_runs);
	(path.into(), runs)
}

/// The bytes of `dir/name`, or the reason they cannot be read and exit 1.
pub fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
	std::fs::read(dir.join(name))
		.unwrap_or_else(|error| fail(format!("{}: {error}", dir.join(name).display())))
}
