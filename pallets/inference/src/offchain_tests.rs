//! The executor's off-chain worker against a stand-in engine, an in-memory
//! off-chain database and a test transaction pool.

use std::sync::Arc;

use codec::Encode;
use frame_support::{
	assert_ok,
	traits::{Get, Hooks, UnfilteredDispatchable},
};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::testing::UintAuthorityId;
use veritas_primitives::{
	host::{testing::StandInEngine, ExecutionReceipt, InferenceHostExt, JobFailure, JobStatus},
	inference::{
		DeliveredOutput, F32Bits, InferenceOutput, InferenceParams, RequestInput, UnrunnableReason,
	},
	model::{Cid, FileRef},
	offchain::FETCH_ATTEMPTS,
	settlement::RequestId,
};

use crate::{mock::*, offchain::RESUBMIT_AFTER, Answer, PendingWork, RequestStatus, Requests};

struct Worker {
	ext: sp_io::TestExternalities,
	engine: Option<Arc<StandInEngine>>,
	pool: Arc<parking_lot::RwLock<PoolState>>,
}

/// A chain with the executor registered, its key in the "keystore", and,
/// when `with_engine`, an engine.
fn worker(with_engine: bool) -> Worker {
	let mut ext = new_test_ext();
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	let engine = with_engine.then(|| Arc::new(StandInEngine::default()));
	if let Some(engine) = &engine {
		ext.register_extension(InferenceHostExt(engine.clone()));
	}
	UintAuthorityId::set_all_keys([EXECUTOR]);
	ext.execute_with(|| {
		assert_ok!(Inference::register_executor(
			RuntimeOrigin::signed(EXECUTOR),
			10_000,
			crate::ServedModels::<Test>::truncate_from(vec![EMBEDDING_MODEL]),
			4
		));
	});
	Worker { ext, engine, pool: pool_state }
}

fn request() -> RequestId {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(Inference::request_inference(
		RuntimeOrigin::signed(REQUESTER),
		EMBEDDING_MODEL,
		RequestInput::Inline(b"hello".to_vec().try_into().expect("fits")),
		InferenceParams::default(),
		200,
		// Past a resubmission period, so that a dropped result can be sent
		// again before the deadline.
		System::block_number() + 2 * RESUBMIT_AFTER as u64,
	));
	id
}

fn receipt() -> ExecutionReceipt {
	let output = InferenceOutput::Embedding(vec![F32Bits::from(0.6), F32Bits::from(0.8)]).encode();
	ExecutionReceipt {
		output_digest: sp_io::hashing::blake2_256(&output),
		output: DeliveredOutput::Inline(output),
		proof_cid: b"bafkreiproof".to_vec(),
		proof_digest: [3; 32],
	}
}

fn run_worker_at(block: u64) {
	System::set_block_number(block);
	Inference::offchain_worker(block);
}

/// The calls in the pool, in order.
fn pooled(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<(u64, RuntimeCall)> {
	veritas_primitives::offchain::testing::pooled_calls(&pool.read())
}

/// The answers of every batch in the pool, in order.
fn answers(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<Answer> {
	pooled(pool)
		.into_iter()
		.flat_map(|(_, call)| match call {
			RuntimeCall::Inference(crate::Call::submit_answers { answers }) => answers.into_inner(),
			other => panic!("unexpected call {other:?}"),
		})
		.collect()
}

/// An output the engine stored by reference is answered with its CID,
/// length, digest and token count: nothing of the output itself.
#[test]
fn a_stored_output_is_answered_by_reference() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		run_worker_at(2);
		let file = FileRef {
			cid: Cid::truncate_from(b"bafkreioutput".to_vec()),
			digest: [5; 32],
			size: 70_000,
		};
		let stored = ExecutionReceipt {
			output: DeliveredOutput::Stored { file: file.clone(), generated_tokens: 0 },
			output_digest: file.digest,
			..receipt()
		};
		engine.set_execution(id, JobStatus::Done(stored));
		run_worker_at(3);
		let expected = crate::StoredOutput {
			cid: file.cid,
			size: file.size,
			digest: file.digest,
			generated_tokens: 0,
		};
		match &answers(&pool)[..] {
			[Answer::StoredResult { request, output, proof_cid, proof_digest }] => {
				assert_eq!(*request, id);
				assert_eq!(*output, expected);
				assert_eq!(proof_cid.to_vec(), receipt().proof_cid);
				assert_eq!(*proof_digest, receipt().proof_digest);
			},
			other => panic!("one stored result, not {other:?}"),
		}
	});
}

#[test]
fn the_worker_hands_the_job_over_then_submits_the_result_once() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		run_worker_at(2);
		let jobs = engine.execution_jobs();
		assert_eq!(jobs.len(), 1);
		let job = &jobs[0];
		assert_eq!(job.request, id);
		assert_eq!(job.model.model, EMBEDDING_MODEL);
		let record = Requests::<Test>::get(id).expect("stored");
		assert_eq!(job.input, record.input);
		assert_eq!(job.model.task, record.task);
		assert_eq!(job.executor, EXECUTOR.encode());
		assert!(pooled(&pool).is_empty(), "nothing to submit while the job runs");

		// Running: the worker waits and does not hand the job over again.
		engine.set_execution(id, JobStatus::Running);
		run_worker_at(3);
		assert_eq!(engine.execution_jobs().len(), 1);
		assert!(pooled(&pool).is_empty());

		// Done: one signed batch with the receipt.
		engine.set_execution(id, JobStatus::Done(receipt()));
		run_worker_at(4);
		let calls = pooled(&pool);
		assert_eq!(calls.len(), 1);
		let (signer, call) = &calls[0];
		assert_eq!(*signer, EXECUTOR);
		let expected = receipt();
		match &answers(&pool)[..] {
			[Answer::Result { request, output, output_digest, proof_cid, proof_digest }] => {
				assert_eq!(*request, id);
				assert_eq!(DeliveredOutput::Inline(output.to_vec()), expected.output);
				assert_eq!(*output_digest, expected.output_digest);
				assert_eq!(proof_cid.to_vec(), expected.proof_cid);
				assert_eq!(*proof_digest, expected.proof_digest);
			},
			other => panic!("unexpected answers {other:?}"),
		}

		// The next blocks do not submit it again while it is in flight.
		run_worker_at(5);
		run_worker_at(4 + RESUBMIT_AFTER as u64 - 1);
		assert_eq!(pooled(&pool).len(), 1);

		// Included (the worker runs on a fork of the state, so time can go
		// back for the test): the request leaves the executor's pending work.
		System::set_block_number(6);
		assert_ok!(call.clone().dispatch_bypass_filter(RuntimeOrigin::signed(EXECUTOR)));
		assert!(!PendingWork::<Test>::contains_key(EXECUTOR, id));
		assert_ne!(Requests::<Test>::get(id).expect("stored").status, RequestStatus::Assigned);
		run_worker_at(30);
		assert_eq!(pooled(&pool).len(), 1);
	});
}

#[test]
fn a_result_that_never_landed_is_submitted_again() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		engine.set_execution(id, JobStatus::Done(receipt()));
		run_worker_at(2);
		assert_eq!(pooled(&pool).len(), 1);
		// The transaction was dropped; the request is still pending.
		run_worker_at(2 + RESUBMIT_AFTER as u64);
		assert_eq!(pooled(&pool).len(), 2);
	});
}

/// The answers in the pool that report a request unrunnable, with their
/// reasons.
fn reports(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<(RequestId, UnrunnableReason)> {
	answers(pool)
		.into_iter()
		.filter_map(|answer| match answer {
			Answer::Unrunnable { request, reason } => Some((request, reason)),
			Answer::Result { .. } | Answer::StoredResult { .. } => None,
		})
		.collect()
}

#[test]
fn a_job_the_engine_cannot_run_is_reported_once_and_never_answered() {
	for (failure, reason) in [
		(JobFailure::DigestMismatch(b"weights".to_vec()), UnrunnableReason::DigestMismatch),
		(JobFailure::BadInput(b"not UTF-8".to_vec()), UnrunnableReason::BadInput),
		(JobFailure::Engine(b"worker killed by signal 6".to_vec()), UnrunnableReason::ModelFailed),
	] {
		let Worker { mut ext, engine, pool } = worker(true);
		let engine = engine.expect("with an engine");
		ext.execute_with(|| {
			let id = request();
			run_worker_at(2);
			engine.set_execution(id, JobStatus::Failed(failure.clone()));
			run_worker_at(3);
			// Even if the engine later had something, the report stands.
			engine.set_execution(id, JobStatus::Done(receipt()));
			run_worker_at(4);
			assert_eq!(reports(&pool), vec![(id, reason)], "{failure:?}");
			assert_eq!(pooled(&pool).len(), 1, "no result is posted");
			assert_eq!(engine.execution_jobs().len(), 1);
		});
	}
}

#[test]
fn an_unreachable_store_is_tried_again_then_reported() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		run_worker_at(2);
		let down = JobStatus::Failed(JobFailure::Unavailable(b"daemon down".to_vec()));
		engine.set_execution(id, down.clone());
		run_worker_at(3);
		assert_eq!(engine.execution_jobs().len(), 2, "handed over again");
		// A store that comes back: the result is posted.
		engine.set_execution(id, JobStatus::Done(receipt()));
		run_worker_at(4);
		assert_eq!(pooled(&pool).len(), 1);
	});
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		run_worker_at(2);
		let down = JobStatus::Failed(JobFailure::Unavailable(b"nobody has it".to_vec()));
		for block in 3..3 + FETCH_ATTEMPTS as u64 {
			engine.set_execution(id, down.clone());
			run_worker_at(block);
		}
		// FETCH_ATTEMPTS failures: nobody serves it, and the executor says so.
		assert_eq!(engine.execution_jobs().len(), FETCH_ATTEMPTS as usize);
		assert_eq!(reports(&pool), vec![(id, UnrunnableReason::Unavailable)]);
	});
}

/// Requests already handled (a report or a result in flight) do not count
/// against the worker's per-block limit: junk cannot starve real work.
#[test]
fn handled_work_does_not_crowd_out_new_work() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		assert_ok!(Inference::update_executor(
			RuntimeOrigin::signed(EXECUTOR),
			0,
			crate::ServedModels::<Test>::truncate_from(vec![EMBEDDING_MODEL]),
			8
		));
		// As many junk requests as a batch carries, each due at its own
		// block.
		let bound: u32 = <Test as crate::Config>::MaxAnswersPerBatch::get();
		let junk: Vec<RequestId> = (0..bound as u64)
			.map(|block| {
				System::set_block_number(1 + block);
				request()
			})
			.collect();
		for id in &junk {
			engine.set_execution(*id, JobStatus::Failed(JobFailure::BadInput(b"junk".to_vec())));
		}
		run_worker_at(5);
		assert_eq!(reports(&pool).len(), junk.len());
		// The reports are in the pool, not yet on-chain: the junk is still
		// pending. A real request behind it is handed to the engine.
		System::set_block_number(10);
		let real = request();
		run_worker_at(11);
		assert!(engine.execution_jobs().iter().any(|job| job.request == real));
	});
}

#[test]
fn without_an_engine_or_a_key_nothing_is_submitted() {
	let Worker { mut ext, pool, .. } = worker(false);
	ext.execute_with(|| {
		request();
		run_worker_at(2);
		run_worker_at(3);
		assert!(pooled(&pool).is_empty());
	});
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		// The keystore holds another account's key only.
		UintAuthorityId::set_all_keys([OTHER_EXECUTOR]);
		engine.set_execution(id, JobStatus::Done(receipt()));
		run_worker_at(2);
		assert!(pooled(&pool).is_empty());
		assert!(engine.execution_jobs().is_empty());
	});
}

#[test]
fn an_expired_request_is_not_run() {
	let Worker { mut ext, engine, .. } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		let deadline = Requests::<Test>::get(id).expect("stored").deadline;
		// The sweep has not run yet, but the deadline has passed.
		run_worker_at(deadline + 1);
		assert!(engine.execution_jobs().is_empty());
	});
}

/// Two forks, one request id: on fork A request 0 is one input, on its
/// sibling B another. The node's worker runs on either fork, and the output
/// computed for A is a wrong answer (slashed as fraud) if posted on B.
#[test]
fn a_result_computed_on_one_fork_is_never_posted_on_another() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		let on_fork_a = Requests::<Test>::get(id).expect("stored");
		let mut on_fork_b = on_fork_a.clone();
		on_fork_b.input = RequestInput::Inline(b"goodbye".to_vec().try_into().expect("fits"));
		let output_b = InferenceOutput::Embedding(vec![F32Bits::from(1.0), F32Bits::from(0.0)]);
		let receipt_b = ExecutionReceipt {
			output_digest: sp_io::hashing::blake2_256(&output_b.encode()),
			output: DeliveredOutput::Inline(output_b.encode()),
			..receipt()
		};

		// Fork A: the engine runs A's job and has its result.
		run_worker_at(2);
		let key_a = engine.execution_jobs()[0].key();
		engine.set_execution_of(key_a, JobStatus::Done(receipt()));

		// The node switches to fork B before posting: B's request is a new
		// job, and A's result is not posted there.
		Requests::<Test>::insert(id, on_fork_b.clone());
		run_worker_at(3);
		assert!(pooled(&pool).is_empty(), "fork A's output posted on fork B");
		let jobs = engine.execution_jobs();
		assert_eq!(jobs.len(), 2);
		assert_eq!((jobs[1].request, &jobs[1].input), (id, &on_fork_b.input));
		let key_b = jobs[1].key();
		assert_ne!(key_a, key_b);

		// Each fork posts its own result, once.
		engine.set_execution_of(key_b, JobStatus::Done(receipt_b.clone()));
		run_worker_at(4);
		Requests::<Test>::insert(id, on_fork_a);
		run_worker_at(4);
		run_worker_at(5);
		let digests: Vec<[u8; 32]> = answers(&pool)
			.into_iter()
			.map(|answer| match answer {
				Answer::Result { output_digest, .. } => output_digest,
				other => panic!("unexpected answer {other:?}"),
			})
			.collect();
		assert_eq!(digests, vec![receipt_b.output_digest, receipt().output_digest]);
	});
}

/// A job that finishes while the run waits is answered in the run that
/// handed it over, and every ready answer of a block goes out in one
/// transaction.
#[test]
fn quick_jobs_are_answered_in_the_same_run_in_one_transaction() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let requests: Vec<RequestId> = (0..3).map(|_| request()).collect();
		engine.finish_executions_with(receipt());
		run_worker_at(2);
		assert_eq!(engine.execution_jobs().len(), 3);
		let calls = pooled(&pool);
		assert_eq!(calls.len(), 1, "one transaction for the block's answers");
		let mut answered: Vec<RequestId> = answers(&pool).iter().map(Answer::request).collect();
		answered.sort();
		assert_eq!(answered, requests);
		// And they are not sent again.
		run_worker_at(3);
		assert_eq!(pooled(&pool).len(), 1);
	});
}

/// A job the engine has not finished when the wait is over is left for a
/// later block: the run never blocks past its budget.
#[test]
fn the_wait_for_slow_jobs_is_bounded() {
	let Worker { mut ext, engine, pool } = worker(true);
	let engine = engine.expect("with an engine");
	ext.execute_with(|| {
		let id = request();
		let started = sp_io::offchain::timestamp();
		run_worker_at(2);
		let waited = sp_io::offchain::timestamp().diff(&started).millis();
		assert!(waited <= crate::offchain::WAIT_FOR_JOBS_MS, "waited {waited} ms");
		assert!(pooled(&pool).is_empty());
		engine.set_execution(id, JobStatus::Done(receipt()));
		run_worker_at(3);
		assert_eq!(answers(&pool).len(), 1);
	});
}
