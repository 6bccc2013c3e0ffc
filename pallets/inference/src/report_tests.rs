//! A requester against an honest executor: deadlines the executor cannot
//! meet, and requests it cannot run. The executor reports what it cannot run
//! (`report_unrunnable`); verifiers check the report; a true one costs the
//! executor nothing and pays it for its attempt, a false one is a fraud.

use frame_support::{assert_noop, assert_ok, traits::Get};
use veritas_primitives::inference::{InferenceHooks, UnrunnableReason, Verdict};

use crate::{
	mock::*,
	tests::{
		embedding_output, free, generation_params, register, request_embedding, run_to, submit,
		try_request, FEE, STAKE,
	},
	Error, Event, Executors, PendingWork, RequestStatus, Requests,
};

fn report(
	executor: AccountId,
	request: u64,
	reason: UnrunnableReason,
) -> sp_runtime::DispatchResult {
	crate::Pallet::<Test>::report_unrunnable(RuntimeOrigin::signed(executor), request, reason)
}

/// A request for a language model due two blocks later would have its
/// executor slashed for a deadline nobody could meet: the model's minimum is
/// what counts.
#[test]
fn a_deadline_shorter_than_the_models_minimum_is_refused() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		let now = System::block_number();
		let ask = |deadline| {
			crate::Pallet::<Test>::request_inference(
				RuntimeOrigin::signed(REQUESTER),
				GENERATION_MODEL,
				veritas_primitives::inference::RequestInput::Inline(
					b"hello".to_vec().try_into().expect("fits"),
				),
				generation_params(4),
				FEE,
				deadline,
			)
		};
		assert_noop!(ask(now + 2), Error::<Test>::BadDeadline);
		assert_noop!(ask(now + GENERATION_MIN_DEADLINE - 1), Error::<Test>::BadDeadline);
		assert_ok!(ask(now + GENERATION_MIN_DEADLINE));
		// The embedding model keeps the chain's floor.
		assert_ok!(try_request(EMBEDDING_MODEL, Default::default(), FEE));
	});
}

/// The griefing attack: a request the executor cannot run (a stored input
/// nobody serves, one that does not match its digest, or one the model
/// cannot take) used to expire, refunding the requester in full and
/// slashing the executor. Now the executor reports it; the verifiers agree;
/// the requester pays the executor's time and the verifiers' fees, and
/// nobody is slashed.
#[test]
fn a_request_the_executor_cannot_run_is_reported_and_costs_the_requester_not_the_executor() {
	for reason in [
		UnrunnableReason::Unavailable,
		UnrunnableReason::DigestMismatch,
		UnrunnableReason::BadInput,
		UnrunnableReason::ModelFailed,
	] {
		run_test(|| {
			TestVerification::verify_later();
			register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
			let executor_free = free(EXECUTOR);
			let request = request_embedding(FEE);
			assert_ok!(report(EXECUTOR, request, reason));
			System::assert_last_event(
				Event::UnrunnableReported { request, executor: EXECUTOR, reason }.into(),
			);
			let record = Requests::<Test>::get(request).expect("kept");
			assert_eq!(record.status, RequestStatus::Submitted);
			let result = record.result.expect("the report is the result");
			assert_eq!((result.reported, result.output_digest), (Some(reason), reason.digest()));
			assert!(!PendingWork::<Test>::contains_key(EXECUTOR, request));
			// Verification sees the report's digest, as it would an output's.
			assert_eq!(TestVerification::submitted()[0].output_digest, reason.digest());

			// The deadline passes while the report is verified: no expiry.
			run_to(System::block_number() + 20);
			assert_eq!(
				Requests::<Test>::get(request).expect("kept").status,
				RequestStatus::Submitted
			);

			assert_ok!(crate::Pallet::<Test>::on_verdict(
				request,
				Verdict::Accepted { verifiers: VERIFIERS.to_vec() }
			));
			let record = Requests::<Test>::get(request).expect("kept");
			assert_eq!(record.status, RequestStatus::Unrunnable);
			System::assert_last_event(Event::RequestUnrunnable { request }.into());
			// 100 for the executor's attempt (the model's per-request
			// price), 20 for each verifier; the publisher gets nothing.
			assert_eq!(free(EXECUTOR), executor_free + 100);
			for verifier in VERIFIERS {
				assert_eq!(free(verifier), ENDOWMENT + 20);
			}
			assert_eq!(free(REQUESTER), ENDOWMENT - 140);
			assert_eq!(free(PUBLISHER), ENDOWMENT);
			let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
			assert_eq!((executor.stake, executor.reputation, executor.open), (STAKE, 0, 0));
		});
	}
}

/// An executor that reports a request it could have run, to be paid for no
/// work, is found out by the verifiers who run it, and slashed as for fraud.
#[test]
fn a_false_report_is_a_fraud() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let executor_free = free(EXECUTOR);
		let request = request_embedding(FEE);
		assert_ok!(report(EXECUTOR, request, UnrunnableReason::BadInput));
		assert_ok!(crate::Pallet::<Test>::on_verdict(
			request,
			Verdict::Fraud { challenger: None, verifiers: VERIFIERS.to_vec() }
		));
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Rejected);
		assert_eq!(free(REQUESTER), ENDOWMENT);
		assert_eq!(free(EXECUTOR), executor_free);
		let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
		assert_eq!((executor.stake, executor.reputation), (STAKE / 2, -1));
	});
}

/// Without a verification pallet (results trusted at once), a report is
/// accepted at once too.
#[test]
fn a_report_accepted_at_once_settles_as_unrunnable() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(report(EXECUTOR, request, UnrunnableReason::BadInput));
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Unrunnable);
		assert_eq!(free(REQUESTER), ENDOWMENT - 100);
	});
}

#[test]
fn report_errors() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 2);
		let request = request_embedding(FEE);
		assert_noop!(
			report(EXECUTOR, 77, UnrunnableReason::BadInput),
			Error::<Test>::UnknownRequest
		);
		assert_noop!(
			report(OTHER_EXECUTOR, request, UnrunnableReason::BadInput),
			Error::<Test>::NotAssignedExecutor
		);
		// Once a result is in, there is nothing left to report.
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_noop!(
			report(EXECUTOR, request, UnrunnableReason::BadInput),
			Error::<Test>::NotAwaitingResult
		);
		// Nor once the deadline has passed.
		let late = request_embedding(FEE);
		let deadline = Requests::<Test>::get(late).expect("kept").deadline;
		System::set_block_number(deadline + 1);
		assert_noop!(
			report(EXECUTOR, late, UnrunnableReason::Unavailable),
			Error::<Test>::DeadlinePassed
		);
	});
}

/// Requests stored before reports and per-model deadlines read back, after
/// the migration, with the chain's minimum deadline and results that are not
/// reports; everything else as it was.
#[test]
fn the_v2_migration_rewrites_stored_requests() {
	use codec::Encode;
	use frame_support::traits::{
		GetStorageVersion, OnRuntimeUpgrade, StorageVersion, UncheckedOnRuntimeUpgrade,
	};
	use veritas_primitives::model::ModelPolicyV1;
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 2);
		let pending = request_embedding(FEE);
		let answered = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, answered, embedding_output()));
		let mut expected = Vec::new();
		for id in [pending, answered] {
			let current = Requests::<Test>::get(id).expect("stored");
			let policy = ModelPolicyV1 {
				verification: current.policy.verification,
				comparison: current.policy.comparison,
			};
			let v4 = crate::migrations::v5::RequestV4::from_current(current.clone());
			let result = v4.result.as_ref().map(|result| {
				(
					result.output.clone(),
					result.output_digest,
					result.proof_cid.clone(),
					result.proof_digest,
					result.generated_tokens,
					result.submitted_at,
				)
			});
			let v1 = [
				(
					&current.requester,
					current.model,
					current.executor.as_ref().expect("assigned"),
					&current.publisher,
				)
					.encode(),
				(&current.input, &current.feed, v4.params, current.max_fee).encode(),
				(current.pricing, policy, &current.task, current.created, current.deadline)
					.encode(),
				(current.status, result, &current.settled, current.finished_at).encode(),
			]
			.concat();
			frame_support::storage::unhashed::put_raw(&Requests::<Test>::hashed_key_for(id), &v1);
			let mut migrated = v4.clone();
			migrated.policy.min_deadline = <Test as crate::Config>::MinDeadline::get();
			expected.push((id, migrated));
		}
		StorageVersion::new(1).put::<crate::Pallet<Test>>();

		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), StorageVersion::new(2));
		// Version 3 left requests alone; version 4 made their executor
		// optional: version 2 wrote what version 4 reads after that.
		crate::migrations::v4::OptionalExecutor::<Test>::on_runtime_upgrade();
		for (id, migrated) in &expected {
			let key = Requests::<Test>::hashed_key_for(*id);
			let stored = frame_support::storage::unhashed::get(&key);
			assert_eq!(stored, Some(migrated.clone()), "decodes as v4");
		}
		// Version 5 reads them on.
		crate::migrations::v5::OutputsByReference::<Test>::on_runtime_upgrade();
		for (id, migrated) in expected {
			assert_eq!(Requests::<Test>::get(id), Some(migrated.upgraded()));
		}
	});
}
