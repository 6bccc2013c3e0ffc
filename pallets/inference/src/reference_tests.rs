//! Results by reference: a request that asks for its output by reference
//! (or an output too long to go inline) is answered with the output's CID,
//! length, digest and token count, and the chain keeps those alone.

use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use veritas_primitives::{
	inference::{
		DeliveredOutput, InferenceParams, RequestInspect, ResultOutput, MAX_OUTPUT_LENGTH,
		MAX_STORED_OUTPUT_LENGTH,
	},
	model::{Cid, FileRef},
};

use crate::{
	mock::*,
	tests::{
		embedding_output, free, generation_params, proof_cid, register, submit, try_request, FEE,
		STAKE,
	},
	Answer, Error, Event, RequestStatus, Requests, Settled, StoredOutput, WeightInfo,
};

fn by_reference(params: InferenceParams) -> InferenceParams {
	InferenceParams { output_by_reference: true, ..params }
}

/// A request of `model` with `params`; its id.
fn request(model: u64, params: InferenceParams) -> u64 {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(try_request(model, params, FEE));
	id
}

fn stored(size: u64, generated_tokens: u32) -> StoredOutput {
	StoredOutput {
		cid: Cid::truncate_from(b"bafkreioutput".to_vec()),
		size,
		digest: [4; 32],
		generated_tokens,
	}
}

fn submit_stored(executor: AccountId, request: u64, output: StoredOutput) -> DispatchResult {
	Inference::submit_stored_result(
		RuntimeOrigin::signed(executor),
		request,
		output,
		proof_cid(),
		[9; 32],
	)
}

type DispatchResult = sp_runtime::DispatchResult;

#[test]
fn the_chain_keeps_a_stored_output_by_its_reference_and_verifiers_get_the_file() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let id = request(EMBEDDING_MODEL, by_reference(InferenceParams::default()));
		assert_ok!(submit_stored(EXECUTOR, id, stored(96, 0)));

		let record = Requests::<Test>::get(id).expect("kept");
		assert_eq!(record.status, RequestStatus::Submitted);
		let result = record.result.expect("a result");
		assert_eq!(
			result.output,
			ResultOutput::Stored { cid: stored(96, 0).cid, size: 96 },
			"the chain holds the reference, not the output"
		);
		assert_eq!(result.output_digest, [4; 32]);
		assert_eq!(result.generated_tokens, 0);
		System::assert_has_event(
			Event::ResultSubmitted {
				request: id,
				executor: EXECUTOR,
				output_digest: [4; 32],
				proof_cid: proof_cid(),
			}
			.into(),
		);
		// Verification judges the digest committed to, as for an inline
		// output; verifiers fetch the file it names.
		assert_eq!(TestVerification::submitted()[0].output_digest, [4; 32]);
		let to_check = Inference::request_to_check(id).expect("checkable");
		let file = FileRef { cid: stored(96, 0).cid, digest: [4; 32], size: 96 };
		assert_eq!(to_check.output, DeliveredOutput::Stored { file, generated_tokens: 0 });
	});
}

#[test]
fn a_stored_generation_is_paid_for_the_tokens_claimed() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[GENERATION_MODEL], 1);
		let id = crate::NextRequestId::<Test>::get();
		assert_ok!(try_request(GENERATION_MODEL, by_reference(generation_params(8)), 100));
		assert_ok!(submit_stored(EXECUTOR, id, stored(40, 3)));
		// As for three tokens inline: 10 + 3 × 5 = 25, the executor's share
		// less a 10% royalty.
		let record = Requests::<Test>::get(id).expect("kept");
		assert_eq!(record.status, RequestStatus::Accepted);
		let Some(Settled::Paid(payouts)) = record.settled else { panic!("paid") };
		assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (23, 2, 1));
		assert_eq!(free(REQUESTER), ENDOWMENT - 26);
	});
}

/// An output longer than the chain takes inline goes by reference even
/// when the request did not ask: otherwise an honest executor with a long
/// output could not answer at all, and would be slashed at the deadline.
#[test]
fn an_output_too_long_for_the_chain_goes_by_reference_unasked() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 2);
		let short = request(EMBEDDING_MODEL, InferenceParams::default());
		let long = request(EMBEDDING_MODEL, InferenceParams::default());
		let inline_limit = MAX_OUTPUT_LENGTH as u64;
		assert_noop!(
			submit_stored(EXECUTOR, short, stored(inline_limit, 0)),
			Error::<Test>::OutputFitsInline
		);
		assert_ok!(submit_stored(EXECUTOR, long, stored(inline_limit + 1, 0)));
		assert_eq!(
			Requests::<Test>::get(long).and_then(|record| record.result).map(|r| r.output),
			Some(ResultOutput::Stored { cid: stored(0, 0).cid, size: inline_limit + 1 })
		);
	});
}

#[test]
fn submit_stored_result_errors() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		let embedding = request(EMBEDDING_MODEL, by_reference(InferenceParams::default()));
		let generation = crate::NextRequestId::<Test>::get();
		assert_ok!(try_request(GENERATION_MODEL, by_reference(generation_params(8)), 100));

		assert_noop!(submit_stored(EXECUTOR, 77, stored(96, 0)), Error::<Test>::UnknownRequest);
		assert_noop!(
			submit_stored(OTHER_EXECUTOR, embedding, stored(96, 0)),
			Error::<Test>::NotAssignedExecutor
		);
		let no_cid = StoredOutput { cid: Cid::default(), ..stored(96, 0) };
		assert_noop!(submit_stored(EXECUTOR, embedding, no_cid), Error::<Test>::EmptyOutputCid);
		assert_noop!(
			submit_stored(EXECUTOR, embedding, stored(MAX_STORED_OUTPUT_LENGTH + 1, 0)),
			Error::<Test>::StoredOutputTooLarge
		);
		// Tokens the request could not be paid for, or from a model that
		// generates none.
		assert_noop!(
			submit_stored(EXECUTOR, generation, stored(96, 9)),
			Error::<Test>::TooManyTokens
		);
		assert_noop!(
			submit_stored(EXECUTOR, embedding, stored(96, 1)),
			Error::<Test>::WrongOutputShape
		);
		assert_noop!(
			Inference::submit_stored_result(
				RuntimeOrigin::signed(EXECUTOR),
				embedding,
				stored(96, 0),
				Cid::default(),
				[9; 32],
			),
			Error::<Test>::EmptyProofCid
		);
		// A request that asked for its output by reference takes no inline
		// one: the requester chose to keep it off the chain.
		assert_noop!(
			submit(EXECUTOR, embedding, embedding_output()),
			Error::<Test>::OutputWantedByReference
		);
		// Past the deadline.
		let deadline = Requests::<Test>::get(embedding).expect("kept").deadline;
		System::set_block_number(deadline + 1);
		assert_noop!(
			submit_stored(EXECUTOR, embedding, stored(96, 0)),
			Error::<Test>::DeadlinePassed
		);
		// Once answered, no second answer.
		System::set_block_number(deadline);
		assert_ok!(submit_stored(EXECUTOR, embedding, stored(96, 0)));
		assert_noop!(
			submit_stored(EXECUTOR, embedding, stored(96, 0)),
			Error::<Test>::NotAwaitingResult
		);
	});
}

/// In a batch, a stored result is weighed by its own benchmark and judged
/// alone: a refused one leaves the others.
#[test]
fn a_batch_takes_stored_results_beside_inline_ones() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 3);
		let stored_id = request(EMBEDDING_MODEL, by_reference(InferenceParams::default()));
		let refused = request(EMBEDDING_MODEL, InferenceParams::default());
		let answers = vec![
			Answer::StoredResult {
				request: stored_id,
				output: stored(96, 0),
				proof_cid: proof_cid(),
				proof_digest: [9; 32],
			},
			Answer::StoredResult {
				request: refused,
				output: stored(96, 0),
				proof_cid: proof_cid(),
				proof_digest: [9; 32],
			},
		];
		let weight = Inference::answers_weight(&answers);
		let each = <Test as crate::Config>::WeightInfo::submit_stored_result();
		assert_eq!(weight, each.saturating_add(each));
		assert_ok!(Inference::submit_answers(
			RuntimeOrigin::signed(EXECUTOR),
			answers.try_into().expect("fits")
		));
		assert_eq!(
			Requests::<Test>::get(stored_id).map(|r| r.status),
			Some(RequestStatus::Accepted)
		);
		assert_eq!(Requests::<Test>::get(refused).map(|r| r.status), Some(RequestStatus::Assigned));
		System::assert_has_event(
			Event::AnswerRefused {
				request: refused,
				error: Error::<Test>::OutputFitsInline.into(),
			}
			.into(),
		);
	});
}

/// What the chain holds for a stored result does not grow with the output:
/// a 100-byte output and a 16 MiB one cost the same bytes.
#[test]
fn a_stored_result_takes_the_same_bytes_whatever_the_output_size() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 2);
		let mut sizes = Vec::new();
		for size in [100, MAX_STORED_OUTPUT_LENGTH] {
			let id = request(EMBEDDING_MODEL, by_reference(InferenceParams::default()));
			assert_ok!(submit_stored(EXECUTOR, id, stored(size, 0)));
			let record = Requests::<Test>::get(id).expect("kept");
			sizes.push(record.result.encode().len());
		}
		assert_eq!(sizes[0], sizes[1]);
	});
}

/// Version 4 stored every request's parameters without the by-reference
/// flag and every result inline; version 5 reads them as requests that
/// asked for their outputs inline, with inline results.
#[test]
fn the_v5_migration_keeps_every_request_and_result_inline() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		let pending = request(EMBEDDING_MODEL, InferenceParams::default());
		let answered = request(EMBEDDING_MODEL, InferenceParams::default());
		assert_ok!(submit(EXECUTOR, answered, embedding_output()));
		let mut expected = Vec::new();
		for id in [pending, answered] {
			let current = Requests::<Test>::get(id).expect("stored");
			let v4 = crate::migrations::v5::RequestV4::from_current(current.clone());
			let key = Requests::<Test>::hashed_key_for(id);
			frame_support::storage::unhashed::put_raw(&key, &v4.encode());
			assert!(Requests::<Test>::get(id).is_none(), "version 4's bytes do not read as 5's");
			expected.push((id, current));
		}
		StorageVersion::new(4).put::<Inference>();
		crate::migrations::v5::MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_eq!(Inference::on_chain_storage_version(), StorageVersion::new(5));
		for (id, current) in expected {
			assert_eq!(Requests::<Test>::get(id), Some(current));
		}
		// Run once: a second upgrade leaves version 5's bytes alone.
		let before: Vec<_> = Requests::<Test>::iter().collect();
		crate::migrations::v5::MigrateV4ToV5::<Test>::on_runtime_upgrade();
		let after: Vec<_> = Requests::<Test>::iter().collect();
		assert_eq!(before, after);
	});
}
