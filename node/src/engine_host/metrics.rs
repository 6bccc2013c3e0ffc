//! The engine's Prometheus metrics, in the node's registry (served with the
//! node's own at `--prometheus-port`, `/metrics`, and like them labelled with
//! the chain):
//!
//! | Metric | Labels | What |
//! |---|---|---|
//! | `veritas_engine_queued_jobs` | | jobs waiting for an engine thread |
//! | `veritas_engine_running_jobs` | | jobs an engine thread is running |
//! | `veritas_engine_jobs_total` | `kind`, `outcome` | finished jobs: `execute` or `check`; `done`, or the failure (`digest_mismatch`, `unavailable`, `bad_input`, `engine`) |
//! | `veritas_engine_refused_jobs_total` | `kind`, `reason` | jobs not taken: `busy` (the queue was full) or `no_engine` |
//! | `veritas_engine_job_seconds` | `kind`, `model` | how long finished jobs took, from an engine thread taking them to their receipt |
//! | `veritas_engine_checks_total` | `attestation` | a verifier's findings: `match`, `mismatch`, `unrunnable` |
//! | `veritas_engine_model_cache_total` | `result` | jobs whose model was loaded in their worker's cache already (`hit`) or had to be fetched and loaded (`miss`) |
//! | `veritas_engine_model_cache_bytes` | `worker` | bytes of loaded models each engine worker's cache holds (as its latest job began) |
//! | `veritas_engine_store_read_bytes_total` | | bytes read from the model store: stored inputs, and model files on a cache miss |
//!
//! The store's failures are jobs' outcomes: `unavailable` (it did not
//! answer, or had no such file) and `digest_mismatch` (it served other
//! bytes).

use std::time::Duration;

use substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, CounterVec, Gauge, GaugeVec, HistogramOpts,
	HistogramVec, Opts, PrometheusError, Registry, U64,
};
use veritas_primitives::{host::JobFailure, inference::Attestation, model::ModelId};
use veritas_worker::Fetched;

/// What kind of job: an executor's or a verifier's.
#[derive(Clone, Copy)]
pub enum JobKind {
	Execute,
	Check,
}

impl JobKind {
	fn label(self) -> &'static str {
		match self {
			JobKind::Execute => "execute",
			JobKind::Check => "check",
		}
	}
}

/// The engine's metrics.
#[derive(Clone)]
pub struct EngineMetrics {
	queued: Gauge<U64>,
	running: Gauge<U64>,
	jobs: CounterVec<U64>,
	refused: CounterVec<U64>,
	duration: HistogramVec,
	checks: CounterVec<U64>,
	cache: CounterVec<U64>,
	cache_bytes: GaugeVec<U64>,
	store_bytes: Counter<U64>,
}

impl EngineMetrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			queued: register(
				Gauge::new("veritas_engine_queued_jobs", "Jobs waiting for an engine thread")?,
				registry,
			)?,
			running: register(
				Gauge::new("veritas_engine_running_jobs", "Jobs an engine thread is running")?,
				registry,
			)?,
			jobs: register(
				CounterVec::new(
					Opts::new("veritas_engine_jobs_total", "Finished jobs, by kind and outcome"),
					&["kind", "outcome"],
				)?,
				registry,
			)?,
			refused: register(
				CounterVec::new(
					Opts::new(
						"veritas_engine_refused_jobs_total",
						"Jobs the engine did not take, by kind and reason",
					),
					&["kind", "reason"],
				)?,
				registry,
			)?,
			duration: register(
				HistogramVec::new(
					HistogramOpts::new(
						"veritas_engine_job_seconds",
						"How long finished jobs took, by kind and model",
					)
					// 1 ms to about 2 minutes: an MLP to a language model's
					// first run with its files fetched.
					.buckets(exponential_buckets(0.001, 2.0, 18)?),
					&["kind", "model"],
				)?,
				registry,
			)?,
			checks: register(
				CounterVec::new(
					Opts::new(
						"veritas_engine_checks_total",
						"A verifier's findings, by attestation",
					),
					&["attestation"],
				)?,
				registry,
			)?,
			cache: register(
				CounterVec::new(
					Opts::new(
						"veritas_engine_model_cache_total",
						"Jobs whose model was in their worker's cache (hit) or not (miss)",
					),
					&["result"],
				)?,
				registry,
			)?,
			cache_bytes: register(
				GaugeVec::new(
					Opts::new(
						"veritas_engine_model_cache_bytes",
						"Bytes of loaded models each engine worker's cache holds",
					),
					&["worker"],
				)?,
				registry,
			)?,
			store_bytes: register(
				Counter::new(
					"veritas_engine_store_read_bytes_total",
					"Bytes read from the model store: stored inputs, and model files on a miss",
				)?,
				registry,
			)?,
		})
	}

	/// Engine worker `worker`'s job took `what` from the store and its cache.
	pub fn fetched(&self, worker: usize, what: Fetched) {
		let result = if what.cache_hit { "hit" } else { "miss" };
		self.cache.with_label_values(&[result]).inc();
		self.cache_bytes.with_label_values(&[&worker.to_string()]).set(what.cache_bytes);
		self.store_bytes.inc_by(what.store_bytes);
	}

	/// A job was queued.
	pub fn queued(&self) {
		self.queued.inc();
	}

	/// A job counted as queued was not taken after all: the queue was full
	/// (`busy`) or the engine is gone.
	pub fn unqueued(&self, kind: JobKind, busy: bool) {
		self.queued.dec();
		let reason = if busy { "busy" } else { "no_engine" };
		self.refused.with_label_values(&[kind.label(), reason]).inc();
	}

	/// An engine thread took a queued job.
	pub fn started(&self) {
		self.queued.dec();
		self.running.inc();
	}

	/// An engine thread finished a job of `model` in `took`, with `failure`
	/// if it failed.
	pub fn finished(
		&self,
		kind: JobKind,
		model: ModelId,
		took: Duration,
		failure: Option<&JobFailure>,
	) {
		self.running.dec();
		let outcome = match failure {
			None => "done",
			Some(JobFailure::DigestMismatch(_)) => "digest_mismatch",
			Some(JobFailure::Unavailable(_)) => "unavailable",
			Some(JobFailure::OutputUnavailable(_)) => "output_unavailable",
			Some(JobFailure::BadInput(_)) => "bad_input",
			Some(JobFailure::Engine(_)) => "engine",
		};
		self.jobs.with_label_values(&[kind.label(), outcome]).inc();
		self.duration
			.with_label_values(&[kind.label(), &model.to_string()])
			.observe(took.as_secs_f64());
	}

	/// A check found `attestation`.
	pub fn checked(&self, attestation: &Attestation) {
		let label = match attestation {
			Attestation::Match => "match",
			Attestation::Mismatch => "mismatch",
			Attestation::Unrunnable(_) => "unrunnable",
		};
		self.checks.with_label_values(&[label]).inc();
	}
}

#[cfg(test)]
mod tests {
	use substrate_prometheus_endpoint::prometheus::{Encoder, TextEncoder};
	use veritas_primitives::inference::UnrunnableReason;

	use super::*;

	fn scrape(registry: &Registry) -> String {
		let mut text = Vec::new();
		TextEncoder::new().encode(&registry.gather(), &mut text).expect("encodes");
		String::from_utf8(text).expect("text")
	}

	#[test]
	fn jobs_are_counted_by_kind_and_outcome_and_timed_by_model() {
		let registry = Registry::new();
		let metrics = EngineMetrics::register(&registry).expect("registers");
		for _ in 0..4 {
			metrics.queued();
		}
		metrics.unqueued(JobKind::Execute, true);
		metrics.started();
		metrics.started();
		metrics.finished(JobKind::Execute, 7, Duration::from_millis(3), None);
		metrics.finished(
			JobKind::Check,
			7,
			Duration::from_secs(2),
			Some(&JobFailure::Unavailable(b"down".to_vec())),
		);
		metrics.checked(&Attestation::Match);
		metrics.checked(&Attestation::Unrunnable(UnrunnableReason::BadInput));
		metrics.fetched(0, Fetched { cache_hit: false, store_bytes: 1000, cache_bytes: 0 });
		metrics.fetched(0, Fetched { cache_hit: true, store_bytes: 24, cache_bytes: 4096 });
		metrics.fetched(1, Fetched { cache_hit: true, store_bytes: 0, cache_bytes: 512 });

		let text = scrape(&registry);
		for line in [
			"veritas_engine_queued_jobs 1",
			"veritas_engine_running_jobs 0",
			r#"veritas_engine_jobs_total{kind="execute",outcome="done"} 1"#,
			r#"veritas_engine_jobs_total{kind="check",outcome="unavailable"} 1"#,
			r#"veritas_engine_refused_jobs_total{kind="execute",reason="busy"} 1"#,
			r#"veritas_engine_job_seconds_count{kind="execute",model="7"} 1"#,
			r#"veritas_engine_job_seconds_bucket{kind="execute",model="7",le="0.004"} 1"#,
			r#"veritas_engine_job_seconds_bucket{kind="check",model="7",le="1.024"} 0"#,
			r#"veritas_engine_checks_total{attestation="match"} 1"#,
			r#"veritas_engine_checks_total{attestation="unrunnable"} 1"#,
			r#"veritas_engine_model_cache_total{result="hit"} 2"#,
			r#"veritas_engine_model_cache_total{result="miss"} 1"#,
			r#"veritas_engine_model_cache_bytes{worker="0"} 4096"#,
			r#"veritas_engine_model_cache_bytes{worker="1"} 512"#,
			"veritas_engine_store_read_bytes_total 1024",
		] {
			assert!(text.contains(line), "{line} missing from:\n{text}");
		}
	}

	#[test]
	fn registering_twice_in_one_registry_is_an_error_not_a_panic() {
		let registry = Registry::new();
		EngineMetrics::register(&registry).expect("registers");
		assert!(EngineMetrics::register(&registry).is_err());
	}
}
