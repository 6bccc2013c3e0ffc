//! `submit_answers`: many answers of one executor in one transaction, each
//! judged alone.

use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::Get};
use veritas_primitives::inference::{OutputBytes, UnrunnableReason};

use crate::{
	mock::*,
	tests::{
		embedding_output, free, proof_cid, register, request_embedding, request_on_its_own_block,
		submit, FEE, STAKE,
	},
	Answer, Call, Error, Event, PendingWork, RequestStatus, Requests, WeightInfo,
};

fn result(request: u64, output: OutputBytes) -> Answer {
	let output_digest = sp_io::hashing::blake2_256(&output);
	Answer::Result { request, output, output_digest, proof_cid: proof_cid(), proof_digest: [9; 32] }
}

fn submit_answers(executor: AccountId, answers: Vec<Answer>) -> sp_runtime::DispatchResult {
	let answers = answers.try_into().expect("within the batch bound");
	crate::Pallet::<Test>::submit_answers(RuntimeOrigin::signed(executor), answers)
}

fn refusals() -> Vec<(u64, sp_runtime::DispatchError)> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Inference(Event::AnswerRefused { request, error }) => {
				Some((request, error))
			},
			_ => None,
		})
		.collect()
}

#[test]
fn a_batch_takes_each_good_answer_and_refuses_each_bad_one_alone() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		let [good, unrunnable, tampered, twice] = [(); 4].map(|_| request_on_its_own_block());
		// A request assigned to someone else.
		crate::Pallet::<Test>::register_executor(
			RuntimeOrigin::signed(OTHER_EXECUTOR),
			STAKE,
			crate::tests::models(&[EMBEDDING_MODEL]),
			8,
		)
		.expect("registers");
		let others = loop {
			let request = request_on_its_own_block();
			if Requests::<Test>::get(request).expect("made").executor == Some(OTHER_EXECUTOR) {
				break request;
			}
		};
		let mut bad_digest = result(tampered, embedding_output());
		if let Answer::Result { output_digest, .. } = &mut bad_digest {
			*output_digest = [0; 32];
		}
		let reason = UnrunnableReason::BadInput;
		let before = free(EXECUTOR);

		assert_ok!(submit_answers(
			EXECUTOR,
			vec![
				result(good, embedding_output()),
				Answer::Unrunnable { request: unrunnable, reason },
				bad_digest,
				result(others, embedding_output()),
			]
		));
		assert_ok!(submit_answers(
			EXECUTOR,
			vec![result(twice, embedding_output()), result(twice, embedding_output())]
		));

		assert_eq!(
			refusals(),
			vec![
				(tampered, Error::<Test>::DigestMismatch.into()),
				(others, Error::<Test>::NotAssignedExecutor.into()),
				(twice, Error::<Test>::NotAwaitingResult.into()),
			]
		);
		for accepted in [good, twice] {
			let record = Requests::<Test>::get(accepted).expect("kept");
			assert_ne!(record.status, RequestStatus::Assigned, "request {accepted} answered");
			assert!(!PendingWork::<Test>::contains_key(EXECUTOR, accepted));
		}
		let reported = Requests::<Test>::get(unrunnable).expect("kept");
		assert_eq!(reported.result.expect("recorded").reported, Some(reason));
		// The refused answers changed nothing: still waiting, still listed.
		for refused in [tampered, others] {
			let record = Requests::<Test>::get(refused).expect("kept");
			assert_eq!(record.status, RequestStatus::Assigned);
			assert!(record.result.is_none());
			assert!(PendingWork::<Test>::contains_key(record.executor.expect("assigned"), refused));
		}
		// Nothing moved money for the executor but what the answers settled.
		assert!(free(EXECUTOR) >= before);
	});
}

#[test]
fn an_empty_batch_is_refused_and_the_bound_is_the_configs() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		assert_noop!(submit_answers(EXECUTOR, vec![]), Error::<Test>::EmptyBatch);
		let bound: u32 = <Test as crate::Config>::MaxAnswersPerBatch::get();
		let request = request_embedding(FEE);
		let too_many = vec![result(request, embedding_output()); bound as usize + 1];
		assert!(frame_support::BoundedVec::<Answer, <Test as crate::Config>::MaxAnswersPerBatch>::try_from(
			too_many
		)
		.is_err());
	});
}

#[test]
fn a_batch_weighs_what_its_answers_would_alone() {
	run_test(|| {
		let long: OutputBytes = vec![1; 3_000].try_into().expect("fits");
		let answers = vec![
			result(0, embedding_output()),
			result(1, long.clone()),
			Answer::Unrunnable { request: 2, reason: UnrunnableReason::Unavailable },
		];
		let alone =
			<Test as crate::Config>::WeightInfo::submit_result(embedding_output().len() as u32)
				+ <Test as crate::Config>::WeightInfo::submit_result(long.len() as u32)
				+ <Test as crate::Config>::WeightInfo::report_unrunnable();
		let call = Call::<Test>::submit_answers { answers: answers.try_into().expect("fits") };
		assert_eq!(call.get_dispatch_info().call_weight, alone);
	});
}

#[test]
fn answers_in_a_batch_settle_as_they_would_alone() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		let (alone, batched) = (request_embedding(FEE), request_embedding(FEE));
		assert_ok!(submit(EXECUTOR, alone, embedding_output()));
		assert_ok!(submit_answers(EXECUTOR, vec![result(batched, embedding_output())]));
		let status = |request| Requests::<Test>::get(request).expect("kept").status;
		assert_eq!(status(alone), status(batched));
		assert!(refusals().is_empty());
	});
}
