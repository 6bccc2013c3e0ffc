//! The verifier's off-chain worker against a stand-in engine, in-memory
//! off-chain storage and a test transaction pool.

use std::sync::Arc;

use codec::Encode;
use frame_support::traits::{Hooks, UnfilteredDispatchable};
use sp_core::offchain::{
	testing::{TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::testing::UintAuthorityId;
use veritas_primitives::offchain::{testing::pooled_calls, FETCH_ATTEMPTS};
use veritas_primitives::{
	host::{testing::StandInEngine, CheckReceipt, InferenceHostExt, JobFailure, JobStatus},
	inference::{
		Attestation, DeliveredOutput, F32Bits, InferenceOutput, InferenceParams, RequestInput,
		RequestToCheck, UnrunnableReason,
	},
	model::{ComparisonRule, TaskKind},
};

use crate::{mock::*, BatchBound, Call, Finding, Verifications};

/// The test transaction pool, as the verifier's worker fills it.
struct Pool(Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>);

impl Pool {
	/// The findings of each transaction in the pool, in order, with its
	/// signer and bound.
	fn batches(&self) -> Vec<(AccountId, Vec<Finding>, BatchBound)> {
		pooled_calls(&self.0.read())
			.into_iter()
			.map(|(signer, call)| match call {
				RuntimeCall::Verification(Call::attest_many { findings, bound }) => {
					(signer, findings.into_inner(), bound)
				},
				other => panic!("not a batch of attestations: {other:?}"),
			})
			.collect()
	}

	/// Each attestation in the pool, as the `attest` it stands for.
	fn attestations(&self) -> Vec<(AccountId, Call<Test>)> {
		self.batches()
			.into_iter()
			.flat_map(|(signer, findings, _)| {
				findings.into_iter().map(
					move |Finding { request, attestation, output_digest, proof }| {
						(signer, Call::attest { request, attestation, output_digest, proof })
					},
				)
			})
			.collect()
	}
}

/// Runs `test` on a chain where request 1's quorum(2, 3) round is open with
/// three verifiers selected, with a stand-in engine and a test pool.
fn with_worker(test: impl FnOnce(&StandInEngine, &Pool)) {
	with_submitted_result(|engine, pool| {
		open_round_with(1, 3);
		test(engine, pool);
	});
}

/// As [`with_worker`], with request 1's result just submitted: its round
/// opens on the next block.
fn with_submitted_result(test: impl FnOnce(&StandInEngine, &Pool)) {
	let mut ext = new_test_ext_with_verifiers();
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let engine = Arc::new(StandInEngine::default());
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(InferenceHostExt(engine.clone()));
	ext.execute_with(|| {
		let output = InferenceOutput::Regression(F32Bits::from(0.5)).encode();
		TestInference::insert_request(1, request_to_check(output, None));
		submit(1, EXECUTOR, quorum(2, 3));
		test(&engine, &Pool(pool_state));
	});
}

/// Request 1 as the verifier's worker reads it: one number in, with the
/// executor's `output`, or its report that it could not run it.
fn request_to_check(output: Vec<u8>, reported: Option<UnrunnableReason>) -> RequestToCheck {
	RequestToCheck {
		model: 0,
		input: RequestInput::Inline(b"in".to_vec().try_into().expect("fits")),
		params: InferenceParams::default(),
		task: TaskKind::TabularRegression { inputs: 1 },
		output: DeliveredOutput::Inline(output),
		reported,
	}
}

fn run_worker_at(block: u64) {
	System::set_block_number(block);
	Verification::offchain_worker(block);
}

#[test]
fn a_seated_key_checks_then_attests_once() {
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		run_worker_at(2);
		let jobs = engine.check_jobs();
		assert_eq!(jobs.len(), 1);
		assert_eq!(jobs[0].comparison, quorum(2, 3).comparison);
		assert_eq!(
			jobs[0].claimed_output,
			DeliveredOutput::Inline(InferenceOutput::Regression(F32Bits::from(0.5)).encode())
		);
		assert_eq!(jobs[0].model.task, TaskKind::TabularRegression { inputs: 1 });
		assert!(pool.attestations().is_empty());

		engine.set_check(
			1,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Match,
				output_digest: OUTPUT,
			}),
		);
		run_worker_at(3);
		run_worker_at(4);
		let sent = pool.attestations();
		assert_eq!(sent.len(), 1, "attested once");
		let (signer, call) = sent[0].clone();
		assert_eq!(signer, member);
		assert!(matches!(
			call,
			Call::attest { request: 1, attestation: Attestation::Match, output_digest: OUTPUT, .. }
		));
		// The proof it attached is its VRF's, and the chain takes it.
		call.dispatch_bypass_filter(RuntimeOrigin::signed(member)).expect("the attestation lands");
		assert!(Verifications::<Test>::get(1).expect("open").has_voted(&member));
	});
}

/// A key whose VRF does not select it hands nothing to the engine and
/// attests nothing: only the keys of the node that are selected work.
#[test]
fn only_the_selected_keys_of_the_node_check_and_attest() {
	with_worker(|engine, pool| {
		let outsiders = not_selected(1);
		assert_eq!(outsiders.len(), 2);
		UintAuthorityId::set_all_keys(outsiders);
		engine.set_check(
			1,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Match,
				output_digest: OUTPUT,
			}),
		);
		run_worker_at(2);
		run_worker_at(3);
		assert!(engine.check_jobs().is_empty());
		assert!(pool.attestations().is_empty());
	});
}

#[test]
fn every_selected_key_of_the_node_attests() {
	with_worker(|engine, pool| {
		let committee = selected(1);
		UintAuthorityId::set_all_keys(committee[..2].to_vec());
		engine.set_check(
			1,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Mismatch,
				output_digest: [9; 32],
			}),
		);
		run_worker_at(2);
		let signers: Vec<AccountId> = pool.attestations().into_iter().map(|(who, _)| who).collect();
		assert_eq!(signers, committee[..2].to_vec());
	});
}

#[test]
fn a_request_the_engine_cannot_run_is_attested_unrunnable_once() {
	for (failure, reason) in [
		(JobFailure::DigestMismatch(b"weights".to_vec()), UnrunnableReason::DigestMismatch),
		(JobFailure::BadInput(b"not UTF-8".to_vec()), UnrunnableReason::BadInput),
		(JobFailure::Engine(b"allocation refused".to_vec()), UnrunnableReason::ModelFailed),
	] {
		with_worker(|engine, pool| {
			let member = selected(1)[0];
			UintAuthorityId::set_all_keys([member, SPARE]);
			run_worker_at(2);
			engine.set_check(1, JobStatus::Failed(failure.clone()));
			run_worker_at(3);
			// A later finding does not make it attest twice.
			engine.set_check(
				1,
				JobStatus::Done(CheckReceipt {
					attestation: Attestation::Match,
					output_digest: OUTPUT,
				}),
			);
			run_worker_at(4);
			let sent = pool.attestations();
			assert_eq!(sent.len(), 1, "{failure:?}");
			assert_eq!(sent[0].0, member);
			assert!(matches!(
				sent[0].1,
				Call::attest { request: 1, attestation: Attestation::Unrunnable(r), .. } if r == reason
			));
			assert_eq!(engine.check_jobs().len(), 1);
			// The comparison rule a check carries is the model's.
			assert!(matches!(engine.check_jobs()[0].comparison, ComparisonRule::Cosine(_)));
			// The chain takes it, and counts it as an answer.
			sent[0]
				.1
				.clone()
				.dispatch_bypass_filter(RuntimeOrigin::signed(member))
				.expect("the attestation lands");
			assert!(Verifications::<Test>::get(1).expect("open").has_voted(&member));
		});
	}
}

/// Two forks, one request id, two different outputs from the executor: the
/// finding on fork A's output is never attested on fork B, where it would
/// be a vote against the wrong answer.
#[test]
fn a_finding_on_one_fork_is_never_attested_on_another() {
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		run_worker_at(2);
		let key_a = engine.check_jobs()[0].key();
		engine.set_check_of(
			key_a,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Match,
				output_digest: OUTPUT,
			}),
		);

		// Fork B: the same request id, another output to check.
		let on_fork_b =
			request_to_check(InferenceOutput::Regression(F32Bits::from(0.9)).encode(), None);
		TestInference::insert_request(1, on_fork_b.clone());
		run_worker_at(3);
		assert!(pool.attestations().is_empty(), "fork A's finding attested on fork B");
		let jobs = engine.check_jobs();
		assert_eq!(jobs.len(), 2);
		assert_eq!(jobs[1].claimed_output, on_fork_b.output);
		let key_b = jobs[1].key();
		assert_ne!(key_a, key_b);

		engine.set_check_of(
			key_b,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Mismatch,
				output_digest: [9; 32],
			}),
		);
		run_worker_at(4);
		let sent: Vec<Attestation> = pool
			.attestations()
			.into_iter()
			.map(|(_, call)| match call {
				Call::attest { attestation, .. } => attestation,
				other => panic!("not an attestation: {other:?}"),
			})
			.collect();
		assert_eq!(sent, vec![Attestation::Mismatch]);
	});
}

/// Request 1, reported unrunnable by its executor for `reason`.
fn reported(reason: UnrunnableReason) {
	TestInference::insert_request(1, request_to_check(vec![], Some(reason)));
}

/// A verifier checks an executor's report that it could not run a request
/// by running it: failing too, it agrees (a match with the report's
/// digest); if it runs, it attests a mismatch.
#[test]
fn a_report_is_checked_by_running_the_request() {
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		reported(UnrunnableReason::BadInput);
		run_worker_at(2);
		assert_eq!(engine.check_jobs()[0].reported, Some(UnrunnableReason::BadInput));
		engine.set_check(1, JobStatus::Failed(JobFailure::BadInput(b"not a number".to_vec())));
		run_worker_at(3);
		assert!(matches!(
			pool.attestations()[..],
			[(signer, Call::attest { request: 1, attestation: Attestation::Match, output_digest, .. })]
				if signer == member && output_digest == UnrunnableReason::BadInput.digest()
		));
	});
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		reported(UnrunnableReason::ModelFailed);
		run_worker_at(2);
		// It ran: the report was false.
		engine.set_check(
			1,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Mismatch,
				output_digest: [7; 32],
			}),
		);
		run_worker_at(3);
		assert!(matches!(
			pool.attestations()[..],
			[(_, Call::attest { attestation: Attestation::Mismatch, .. })]
		));
	});
}

/// "Nobody serves the input": the verifier tries as many times as the
/// executor did before it agrees, and a fetch that works settles it.
#[test]
fn a_report_of_nothing_to_fetch_is_agreed_only_after_as_many_tries() {
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		reported(UnrunnableReason::Unavailable);
		run_worker_at(2);
		let down = JobStatus::Failed(JobFailure::Unavailable(b"not found".to_vec()));
		for block in 3..2 + FETCH_ATTEMPTS as u64 {
			engine.set_check(1, down.clone());
			run_worker_at(block);
			assert!(pool.attestations().is_empty(), "agreed after {} tries", block - 2);
		}
		engine.set_check(1, down);
		run_worker_at(2 + FETCH_ATTEMPTS as u64);
		assert!(matches!(
			pool.attestations()[..],
			[(_, Call::attest { attestation: Attestation::Match, output_digest, .. })]
				if output_digest == UnrunnableReason::Unavailable.digest()
		));
	});
}

/// An executor's output stored by reference that nobody serves: the
/// verifier tries as many times as an executor tries a file before it
/// reports it unavailable, then finds against the executor. Until then it
/// attests nothing.
#[test]
fn an_output_nobody_serves_is_a_mismatch_after_as_many_tries() {
	with_worker(|engine, pool| {
		let member = selected(1)[0];
		UintAuthorityId::set_all_keys([member]);
		run_worker_at(2);
		let down = JobStatus::Failed(JobFailure::OutputUnavailable(b"not found".to_vec()));
		for block in 3..2 + FETCH_ATTEMPTS as u64 {
			engine.set_check(1, down.clone());
			run_worker_at(block);
			assert!(pool.attestations().is_empty(), "found against after {} tries", block - 2);
			assert_eq!(engine.check_jobs().len() as u64, block - 1, "handed over again");
		}
		engine.set_check(1, down);
		run_worker_at(2 + FETCH_ATTEMPTS as u64);
		assert!(matches!(
			pool.attestations()[..],
			[(_, Call::attest { attestation: Attestation::Mismatch, output_digest, .. })]
				if output_digest == crate::offchain::OUTPUT_UNAVAILABLE_DIGEST
		));
	});
}

/// A round opens with the seed of the block before, which the chain holds a
/// block early: a selected key's node starts checking then, and attests as
/// soon as the round is open, with the proof that the open round accepts.
#[test]
fn a_selected_key_starts_checking_a_block_before_its_round_opens() {
	with_submitted_result(|engine, pool| {
		let record = Verifications::<Test>::get(1).expect("waiting for its round");
		let upcoming =
			Verification::upcoming_round(1, &record, 2).expect("a round opens at block 2");
		let member = VERIFIERS
			.into_iter()
			.find(|who| Verification::selection_proof(who, 1, &upcoming).is_some())
			.expect("someone is selected");
		UintAuthorityId::set_all_keys([member]);

		run_worker_at(1);
		assert_eq!(engine.check_jobs().len(), 1, "the check starts before the round opens");
		engine.set_check(
			1,
			JobStatus::Done(CheckReceipt {
				attestation: Attestation::Match,
				output_digest: OUTPUT,
			}),
		);
		run_worker_at(1);
		assert!(pool.attestations().is_empty(), "no attestation before the round");

		run_to(2);
		let opened = Verifications::<Test>::get(1).expect("verifying");
		assert_eq!(opened.sortition, upcoming.sortition, "the round opened as foreseen");
		run_worker_at(2);
		let sent = pool.attestations();
		assert_eq!(sent.len(), 1);
		let (_, call) = sent[0].clone();
		call.dispatch_bypass_filter(RuntimeOrigin::signed(member)).expect("the attestation lands");
		assert_eq!(engine.check_jobs().len(), 1, "checked once");
	});
}

/// A key selected in several rounds attests all its findings of a block in
/// one transaction, and the chain takes each.
#[test]
fn a_key_in_several_rounds_attests_them_in_one_transaction() {
	with_submitted_result(|engine, pool| {
		let output = InferenceOutput::Regression(F32Bits::from(0.5)).encode();
		TestInference::insert_request(2, request_to_check(output, None));
		submit(2, EXECUTOR, quorum(2, 3));
		let in_both = || selected(1).into_iter().find(|who| selected(2).contains(who));
		open_round_where(1, || in_both().is_some());
		let member = in_both().expect("selected in both rounds");
		UintAuthorityId::set_all_keys([member]);
		let done = JobStatus::Done(CheckReceipt {
			attestation: Attestation::Match,
			output_digest: OUTPUT,
		});
		engine.set_check(1, done.clone());
		engine.set_check(2, done);
		let now = System::block_number();
		run_worker_at(now);
		run_worker_at(now + 1);
		let batches = pool.batches();
		assert_eq!(batches.len(), 1, "one transaction");
		let (signer, findings, bound) = &batches[0];
		assert_eq!(*signer, member);
		assert_eq!(*bound, BatchBound { largest_round: 3, disputes: 0 }, "quorum(2, 3) rounds");
		let mut requests: Vec<u64> = findings.iter().map(|finding| finding.request).collect();
		requests.sort();
		assert_eq!(requests, vec![1, 2]);
		System::set_block_number(now);
		let findings = findings.clone().try_into().expect("fits");
		let call = Call::<Test>::attest_many { findings, bound: *bound };
		call.dispatch_bypass_filter(RuntimeOrigin::signed(member)).expect("the batch lands");
		for request in [1, 2] {
			assert!(Verifications::<Test>::get(request).expect("open").has_voted(&member));
		}
	});
}

/// A key's findings in flight (sent, not yet landed) do not count against
/// its next batch: the rounds behind them are attested on the next block,
/// not starved by them.
#[test]
fn findings_in_flight_do_not_crowd_out_new_ones() {
	with_submitted_result(|engine, pool| {
		let bound: u32 = <<Test as crate::Config>::MaxAttestationsPerBatch as frame_support::traits::Get<u32>>::get();
		let requests: Vec<u64> = (1..=u64::from(bound) + 2).collect();
		let output = InferenceOutput::Regression(F32Bits::from(0.5)).encode();
		for request in &requests[1..] {
			TestInference::insert_request(*request, request_to_check(output.clone(), None));
			submit(*request, EXECUTOR, quorum(2, 3));
		}
		let in_all = || {
			selected(1).into_iter().find(|who| requests.iter().all(|r| selected(*r).contains(who)))
		};
		open_round_where(1, || in_all().is_some());
		let member = in_all().expect("selected in every round");
		UintAuthorityId::set_all_keys([member]);
		for request in &requests {
			engine.set_check(
				*request,
				JobStatus::Done(CheckReceipt {
					attestation: Attestation::Match,
					output_digest: OUTPUT,
				}),
			);
		}
		let now = System::block_number();
		run_worker_at(now);
		// A full batch went out and has not landed; the rest go in the next.
		run_worker_at(now + 1);
		let batches = pool.batches();
		assert_eq!(batches.len(), 2);
		assert_eq!(batches[0].1.len() as u32, bound);
		let mut attested: Vec<u64> = batches
			.iter()
			.flat_map(|(_, findings, _)| findings.iter().map(|f| f.request))
			.collect();
		attested.sort();
		assert_eq!(attested, requests, "every round once");
	});
}
