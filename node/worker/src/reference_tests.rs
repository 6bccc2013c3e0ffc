//! Outputs by reference on the engine's side: the executor stores the
//! output and names it; a verifier fetches it, checks it against what was
//! committed, and compares it as an inline one.

use veritas_engine::proof::ProofDocument;
use veritas_primitives::{
	host::{CheckJob, ExecutionJob, JobFailure},
	inference::{
		Attestation, DeliveredOutput, InferenceOutput, InferenceParams, MAX_STORED_OUTPUT_LENGTH,
	},
	model::{Cid, ComparisonRule, FileRef, Tolerance},
};

use crate::{
	check_observed, execute,
	fixtures::{job, loan_risk, numbers, stored, worker},
	Worker,
};

const INPUT: [f32; 6] = [90.0, 0.15, 790.0, 20.0, 12.0, 0.0];

fn by_reference(job: ExecutionJob) -> ExecutionJob {
	ExecutionJob { params: InferenceParams { output_by_reference: true, ..job.params }, ..job }
}

/// The check of request 1 on `INPUT`, with `claimed` as the executor's
/// output.
fn checking(worker: &Worker, claimed: DeliveredOutput) -> CheckJob {
	CheckJob {
		request: 1,
		model: loan_risk(worker),
		input: numbers(&INPUT),
		params: InferenceParams { output_by_reference: true, ..Default::default() },
		comparison: ComparisonRule::MaxAbs(Tolerance(1000)),
		claimed_output: claimed,
		reported: None,
	}
}

/// The honest output's canonical bytes, run inline.
fn honest_bytes(worker: &Worker) -> Vec<u8> {
	match execute(worker, &job(&loan_risk(worker), 1, numbers(&INPUT))).expect("runs").output {
		DeliveredOutput::Inline(bytes) => bytes,
		stored => panic!("a small output asked inline goes inline, not {stored:?}"),
	}
}

#[test]
fn an_output_asked_by_reference_is_stored_and_named_in_the_proof() {
	let worker = worker("by-reference");
	let inline = honest_bytes(&worker);
	let receipt = execute(&worker, &by_reference(job(&loan_risk(&worker), 1, numbers(&INPUT))))
		.expect("runs");
	let DeliveredOutput::Stored { file, generated_tokens } = receipt.output else {
		panic!("stored, not {:?}", receipt.output)
	};
	assert_eq!(generated_tokens, 0);
	assert_eq!(file.size, inline.len() as u64);
	assert_eq!(file.digest, receipt.output_digest);
	let cid = String::from_utf8(file.cid.to_vec()).expect("a CID");
	let fetched = worker.store.fetch(&cid, &file.digest, file.size).expect("stored");
	assert_eq!(fetched, inline, "the same canonical bytes as inline");

	let proof_cid = String::from_utf8(receipt.proof_cid).expect("a CID");
	let document = worker.store.fetch(&proof_cid, &receipt.proof_digest, 1 << 20).expect("stored");
	let document = ProofDocument::from_bytes(&document).expect("a proof document");
	assert_eq!(document.output_cid.as_deref(), Some(cid.as_str()));
	assert!(document.output.is_empty(), "named, not copied");
	assert!(document.is_consistent());
}

#[test]
fn a_check_fetches_a_stored_output_and_compares_it() {
	let worker = worker("check-stored");
	let file = stored(&worker, &honest_bytes(&worker));
	let receipt = crate::check(
		&worker,
		&checking(&worker, DeliveredOutput::Stored { file: file.clone(), generated_tokens: 0 }),
	)
	.expect("checked");
	assert_eq!(receipt.attestation, Attestation::Match);

	// Another output, stored honestly: compared, and found wrong.
	let mut other = honest_bytes(&worker);
	let last = other.len() - 1;
	other[last] ^= 0x40;
	let file = stored(&worker, &other);
	let receipt = crate::check(
		&worker,
		&checking(&worker, DeliveredOutput::Stored { file, generated_tokens: 0 }),
	)
	.expect("checked");
	assert_eq!(receipt.attestation, Attestation::Mismatch);
}

/// Each way an executor may commit to something other than what it stored
/// is a wrong answer, found before any model is loaded.
#[test]
fn a_stored_output_that_is_not_what_was_committed_to_is_a_mismatch() {
	let worker = worker("stored-lies");
	let honest = honest_bytes(&worker);
	let file = stored(&worker, &honest);
	let three_classes = stored(
		&worker,
		&codec::Encode::encode(&InferenceOutput::Classification(vec![0.0f32.into(); 3])),
	);
	let lies = [
		("another digest", FileRef { digest: [7; 32], ..file.clone() }, 0),
		("a longer size", FileRef { size: file.size + 10, ..file.clone() }, 0),
		("a shorter size", FileRef { size: file.size - 1, ..file.clone() }, 0),
		(
			"over the chain's bound",
			FileRef { size: MAX_STORED_OUTPUT_LENGTH + 1, ..file.clone() },
			0,
		),
		("tokens from a classifier", file.clone(), 1),
		("the wrong shape", three_classes, 0),
	];
	for (lie, file, generated_tokens) in lies {
		let mut loaded = false;
		let job = checking(&worker, DeliveredOutput::Stored { file, generated_tokens });
		let receipt = check_observed(&worker, &job, &mut |_| loaded = true)
			.unwrap_or_else(|failure| panic!("{lie}: a finding, not {}", failure.describe()));
		assert_eq!(receipt.attestation, Attestation::Mismatch, "{lie}");
		assert!(!loaded, "{lie}: no model is needed to find it");
	}
}

/// An output nobody serves is not found against at once (the store may be
/// down): the check fails as `OutputUnavailable`, which the verifier's
/// worker tries again, a bounded number of times.
#[test]
fn a_stored_output_nobody_serves_fails_as_unavailable() {
	let worker = worker("stored-missing");
	let missing =
		FileRef { cid: Cid::truncate_from(b"bafkreimissing".to_vec()), digest: [1; 32], size: 12 };
	let job = checking(&worker, DeliveredOutput::Stored { file: missing, generated_tokens: 0 });
	let failure = crate::check(&worker, &job).expect_err("nothing to compare");
	assert!(matches!(failure, JobFailure::OutputUnavailable(_)), "{}", failure.describe());
	assert!(failure.is_retryable());
}

/// Generation is paid by the tokens the executor claims for a stored
/// output: a claim above what the output holds is a wrong answer, found
/// from the output alone.
#[test]
fn tokens_claimed_beyond_a_stored_generation_are_a_mismatch() {
	let worker = worker("stored-tokens");
	let generation =
		InferenceOutput::Generation { tokens: vec![11, 12, 13], text: b"yes".to_vec() };
	let file = stored(&worker, &codec::Encode::encode(&generation));
	let mut model = loan_risk(&worker);
	model.task =
		veritas_primitives::model::TaskKind::TextGeneration { max_context: 512, max_new_tokens: 8 };
	for (claimed, found) in [(8, Attestation::Mismatch), (2, Attestation::Mismatch)] {
		let job = CheckJob {
			model: model.clone(),
			input: veritas_primitives::inference::RequestInput::Inline(
				b"Is it?".to_vec().try_into().expect("short"),
			),
			params: InferenceParams {
				max_new_tokens: 8,
				output_by_reference: true,
				..Default::default()
			},
			comparison: ComparisonRule::TokenTopK(5),
			..checking(
				&worker,
				DeliveredOutput::Stored { file: file.clone(), generated_tokens: claimed },
			)
		};
		let mut loaded = false;
		let receipt = check_observed(&worker, &job, &mut |_| loaded = true).expect("a finding");
		assert_eq!(receipt.attestation, found, "{claimed} tokens claimed");
		assert!(!loaded, "no model is needed to find it");
	}
}

/// An output longer than the chain takes even by reference fails as the
/// model's failure, for the executor (which reports it) and for a verifier
/// checking that report (which agrees), never as a false report.
#[test]
fn an_output_beyond_what_the_chain_takes_is_the_models_failure() {
	let floats = (MAX_STORED_OUTPUT_LENGTH / 4) as u32 + 1;
	let task = veritas_primitives::model::TaskKind::TextEmbedding { dim: floats };
	let huge = InferenceOutput::Embedding(vec![0.5f32.into(); floats as usize]);
	let bytes = codec::Encode::encode(&huge);
	let refused = crate::acceptable(&bytes, &task, &InferenceParams::default());
	assert!(matches!(refused, Err(JobFailure::Engine(_))), "{refused:?}");
	let task = veritas_primitives::model::TaskKind::TextEmbedding { dim: 3 };
	let small = codec::Encode::encode(&InferenceOutput::Embedding(vec![0.5f32.into(); 3]));
	assert_eq!(crate::acceptable(&small, &task, &InferenceParams::default()), Ok(0));
	let wrong_shape = crate::acceptable(&small[1..], &task, &InferenceParams::default());
	assert!(matches!(wrong_shape, Err(JobFailure::Engine(_))));
}

/// An output longer than the chain takes inline (a long generation) is
/// stored even when the request did not ask: the executor can always
/// answer. One that fits goes inline unless asked.
#[test]
fn an_output_too_long_to_go_inline_is_stored_unasked() {
	let worker = worker("stored-unasked");
	let inline_job = job(&loan_risk(&worker), 1, numbers(&INPUT));
	let long = vec![7u8; veritas_primitives::inference::MAX_OUTPUT_LENGTH as usize + 1];
	let delivered = crate::deliver(&worker, &inline_job, &long, 2_000).expect("stored");
	let DeliveredOutput::Stored { file, generated_tokens } = delivered else {
		panic!("stored, not {delivered:?}")
	};
	assert_eq!((file.size, generated_tokens), (long.len() as u64, 2_000));
	let cid = String::from_utf8(file.cid.to_vec()).expect("a CID");
	assert_eq!(worker.store.fetch(&cid, &file.digest, file.size).expect("stored"), long);

	let short = vec![7u8; 64];
	let delivered = crate::deliver(&worker, &inline_job, &short, 0).expect("inline");
	assert_eq!(delivered, DeliveredOutput::Inline(short.clone()));
	let asked = by_reference(inline_job);
	assert!(matches!(
		crate::deliver(&worker, &asked, &short, 0),
		Ok(DeliveredOutput::Stored { .. })
	));
}
