//! Jobs of one model, run together.
//!
//! A busy node's jobs are often for the same small model: an executor's
//! requests for an MLP or an embedding model, a verifier's checks of them.
//! Each job still fetches and checks its own input, and is committed to (or
//! compared) alone; only the model's run is shared, through
//! [`veritas_engine::model::Model::run_batch`], which computes each input exactly as it would
//! alone (a verifier re-runs one request alone, and under `Exact` a bit of
//! difference is a fraud). A job whose input cannot be fetched or decoded,
//! or that the model cannot run, fails by itself; the others do not notice.
//!
//! Generation is never batched: each request decodes token by token with a
//! sampler of its own. Jobs with different models or parameters, and checks
//! that do not re-run the request (a `TokenTopK` check, a report of an
//! unrunnable request, a claimed output that does not decode) or whose
//! output is stored by reference (fetched by the check itself), run one by
//! one as [`crate::execute`] and [`crate::check`] run them.

use std::time::Instant;

use codec::DecodeAll;
use veritas_engine::{output::InferenceOutput, proof::Timings};
use veritas_primitives::{
	host::{CheckJob, CheckReceipt, ExecutionJob, ExecutionReceipt, JobFailure, ModelSpec},
	inference::{DeliveredOutput, InferenceParams, RequestInput},
	model::{ComparisonRule, TaskKind},
};

use crate::{
	check_observed, committed, decode_input, execute_observed, judged, prepare, run_failure,
	run_params, Fetched, Prepared, Worker,
};

/// Whether a model of this task computes a batch as it computes each input
/// alone, so that its jobs may share a run.
pub fn batchable(task: &TaskKind) -> bool {
	!matches!(task, TaskKind::TextGeneration { .. })
}

/// What jobs must share to run together: the model (all of its files) and
/// the parameters.
fn share_a_run<'a>(mut jobs: impl Iterator<Item = (&'a ModelSpec, &'a InferenceParams)>) -> bool {
	let Some(first) = jobs.next() else { return false };
	batchable(&first.0.task) && jobs.all(|job| job == first)
}

/// Runs executors' jobs of one model together: for each job, in order, what
/// [`crate::execute`] gives it alone.
pub fn execute_batch(
	shared: &Worker,
	jobs: &[ExecutionJob],
	fetched: &mut dyn FnMut(Fetched),
) -> Vec<Result<ExecutionReceipt, JobFailure>> {
	if !share_a_run(jobs.iter().map(|job| (&job.model, &job.params))) {
		return jobs.iter().map(|job| execute_observed(shared, job, fetched)).collect();
	}
	let inputs: Vec<&RequestInput> = jobs.iter().map(|job| &job.input).collect();
	let ran = run_together(shared, &jobs[0].model, &inputs, &jobs[0].params, fetched);
	jobs.iter()
		.zip(ran)
		.map(|(job, ran)| {
			let (input, output, timings) = ran?;
			committed(shared, job, &input, output, timings)
		})
		.collect()
}

/// Runs verifiers' jobs of one model together: for each job, in order, what
/// [`crate::check`] gives it alone.
pub fn check_batch(
	shared: &Worker,
	jobs: &[CheckJob],
	fetched: &mut dyn FnMut(Fetched),
) -> Vec<Result<CheckReceipt, JobFailure>> {
	// The checks that re-run the request, each with the output it claims.
	let claimed: Vec<Option<InferenceOutput>> = jobs
		.iter()
		.map(|job| {
			let reruns =
				job.reported.is_none() && !matches!(job.comparison, ComparisonRule::TokenTopK(_));
			// A stored output is fetched by the check that runs alone.
			let DeliveredOutput::Inline(claimed) = &job.claimed_output else { return None };
			reruns.then(|| InferenceOutput::decode_all(&mut &claimed[..]).ok()).flatten()
		})
		.collect();
	let together: Vec<&CheckJob> = jobs
		.iter()
		.zip(&claimed)
		.filter(|(_, claimed)| claimed.is_some())
		.map(|(job, _)| job)
		.collect();
	if !share_a_run(together.iter().map(|job| (&job.model, &job.params))) {
		return jobs.iter().map(|job| check_observed(shared, job, fetched)).collect();
	}
	let inputs: Vec<&RequestInput> = together.iter().map(|job| &job.input).collect();
	let mut ran =
		run_together(shared, &together[0].model, &inputs, &together[0].params, fetched).into_iter();
	jobs.iter()
		.zip(claimed)
		.map(|(job, claimed)| match claimed {
			Some(claimed) => {
				let (_, mine, _) = ran
					.next()
					.ok_or_else(|| JobFailure::Engine(b"a shared run lost a job".to_vec()))??;
				Ok(judged(job, &mine, &claimed))
			},
			None => check_observed(shared, job, fetched),
		})
		.collect()
}

/// One job's share of a run: its input's bytes, its output and its timings
/// (the run's time is the whole batch's).
type Ran = Result<(Vec<u8>, InferenceOutput, Timings), JobFailure>;

/// The model run once over every input: for each input, in order, what it
/// ran to.
fn run_together(
	shared: &Worker,
	spec: &ModelSpec,
	inputs: &[&RequestInput],
	params: &InferenceParams,
	fetched: &mut dyn FnMut(Fetched),
) -> Vec<Ran> {
	let prepared: Vec<Result<Prepared, JobFailure>> =
		inputs.iter().map(|input| prepare(shared, spec, input, fetched)).collect();
	let started = Instant::now();
	let outputs: Vec<Result<InferenceOutput, JobFailure>> = {
		let decoded: Vec<_> = prepared
			.iter()
			.map(|job| match job {
				Ok(job) => decode_input(&spec.task, &job.input),
				Err(failure) => Err(failure.clone()),
			})
			.collect();
		let runnable: Vec<_> = decoded.iter().flatten().map(|input| input.as_input()).collect();
		// Every job names the same files, so every prepared job holds the
		// same cached model; with none prepared, nothing runs.
		let model = prepared.iter().flatten().map(|job| &job.model).next();
		let params = run_params(params);
		let mut outputs =
			model.map(|model| model.run_batch(&runnable, &params)).unwrap_or_default().into_iter();
		decoded
			.into_iter()
			.map(|decoded| {
				decoded?;
				outputs
					.next()
					.ok_or_else(|| {
						JobFailure::Engine(b"the model gave fewer outputs than inputs".to_vec())
					})?
					.map_err(run_failure)
			})
			.collect()
	};
	let run_ms = started.elapsed().as_millis() as u64;
	prepared
		.into_iter()
		.zip(outputs)
		.map(|(job, output)| {
			let Prepared { input, mut timings, .. } = job?;
			timings.run_ms = run_ms;
			Ok((input, output?, timings))
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use veritas_primitives::{
		inference::{Attestation, UnrunnableReason},
		model::{Cid, FileRef, Tolerance},
	};

	use super::*;
	use crate::{
		check, execute,
		fixtures::{job, loan_risk, numbers, worker},
	};

	/// Good jobs, and among them an input of the wrong length and a stored
	/// input nobody has: each good job commits to what it commits to alone,
	/// and each bad one fails as it fails alone.
	#[test]
	fn a_batch_of_executions_commits_each_job_as_alone() {
		let worker = worker("executions");
		let model = loan_risk(&worker);
		let missing =
			FileRef { cid: Cid::truncate_from(b"bafkmissing".to_vec()), digest: [1; 32], size: 8 };
		let jobs = vec![
			job(&model, 1, numbers(&[90.0, 0.15, 790.0, 20.0, 12.0, 0.0])),
			job(&model, 2, numbers(&[1.0, 2.0])),
			job(&model, 3, numbers(&[30.0, 0.9, 520.0, 35.0, 0.5, 2.0])),
			job(&model, 4, RequestInput::Stored(missing)),
			job(&model, 5, numbers(&[55.0, 0.4, 640.0, 10.0, 3.0, 1.0])),
		];
		let mut fetches = 0;
		let together = execute_batch(&worker, &jobs, &mut |_| fetches += 1);
		assert_eq!(together.len(), jobs.len());
		assert_eq!(fetches, 4, "every job that fetched its input said so");
		for (job, outcome) in jobs.iter().zip(together) {
			match (outcome, execute(&worker, job)) {
				(Ok(batched), Ok(alone)) => {
					assert_eq!(batched.output, alone.output, "request {}", job.request);
					assert_eq!(batched.output_digest, alone.output_digest);
					let document = worker.store.fetch(
						std::str::from_utf8(&batched.proof_cid).expect("a CID"),
						&batched.proof_digest,
						1 << 20,
					);
					assert!(document.is_ok(), "its own proof document is stored");
				},
				(Err(batched), Err(alone)) => {
					assert_eq!(std::mem::discriminant(&batched), std::mem::discriminant(&alone))
				},
				(batched, alone) => {
					panic!("request {}: {batched:?} against {alone:?}", job.request)
				},
			}
		}
	}

	/// Checks that re-run the request share a run; the others (a report of
	/// an unrunnable request, a claimed output that does not decode) run as
	/// they do alone. Every attestation is the one the check gives alone.
	#[test]
	fn a_batch_of_checks_attests_each_as_alone() {
		let worker = worker("checks");
		let model = loan_risk(&worker);
		let inputs = [[90.0, 0.15, 790.0, 20.0, 12.0, 0.0], [30.0, 0.9, 520.0, 35.0, 0.5, 2.0]];
		let honest: Vec<Vec<u8>> = inputs
			.iter()
			.map(|input| {
				match execute(&worker, &job(&model, 0, numbers(input))).expect("runs").output {
					DeliveredOutput::Inline(bytes) => bytes,
					stored => panic!("a small output goes inline, not {stored:?}"),
				}
			})
			.collect();
		let swapped = {
			let Ok(InferenceOutput::Classification(mut probabilities)) =
				InferenceOutput::decode_all(&mut &honest[0][..])
			else {
				panic!("a classification")
			};
			probabilities.reverse();
			InferenceOutput::Classification(probabilities).canonical_bytes()
		};
		let checking = |request, input: &[f32; 6], claimed: Vec<u8>, reported| CheckJob {
			request,
			model: model.clone(),
			input: numbers(input),
			params: InferenceParams::default(),
			comparison: ComparisonRule::MaxAbs(Tolerance(1000)),
			claimed_output: DeliveredOutput::Inline(claimed),
			reported,
		};
		let jobs = vec![
			checking(1, &inputs[0], honest[0].clone(), None),
			checking(2, &inputs[1], honest[1].clone(), None),
			checking(3, &inputs[0], swapped, None),
			checking(4, &inputs[1], b"not an output".to_vec(), None),
			checking(5, &inputs[0], Vec::new(), Some(UnrunnableReason::BadInput)),
		];
		let together = check_batch(&worker, &jobs, &mut |_| {});
		let attestations: Vec<Attestation> =
			together.iter().map(|outcome| outcome.as_ref().expect("checked").attestation).collect();
		assert_eq!(
			attestations,
			[
				Attestation::Match,
				Attestation::Match,
				Attestation::Mismatch,
				Attestation::Mismatch,
				Attestation::Mismatch
			]
		);
		for (job, outcome) in jobs.iter().zip(together) {
			assert_eq!(outcome, check(&worker, job), "request {}", job.request);
		}
	}

	#[test]
	fn generations_and_mixed_models_are_not_run_together() {
		let worker = worker("mixed");
		let model = loan_risk(&worker);
		let mut other = model.clone();
		other.model = 4;
		let params = InferenceParams::default();
		assert!(share_a_run([(&model, &params), (&model, &params)].into_iter()));
		assert!(!share_a_run([(&model, &params), (&other, &params)].into_iter()));
		let longer = InferenceParams { max_new_tokens: 9, ..params };
		assert!(!share_a_run([(&model, &params), (&model, &longer)].into_iter()));
		assert!(!share_a_run(std::iter::empty()));
		let mut generation = model.clone();
		generation.task = TaskKind::TextGeneration { max_context: 512, max_new_tokens: 32 };
		assert!(!share_a_run([(&generation, &params), (&generation, &params)].into_iter()));
	}
}
