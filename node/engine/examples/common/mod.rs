//! Timing shared by the engine's latency examples, measured as the Python
//! peers in `scripts/bench/timing.py` measure theirs.

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
