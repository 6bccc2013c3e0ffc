//! `veritas verify`: check a request's result trusting neither the node nor
//! the executor.
//!
//! 1. A light client ([`crate::light_client`]) follows GRANDPA finality from
//!    a trusted block (genesis by default) to the newest block the node can
//!    prove final, checking the authorities' signatures and the headers.
//!    The request and its model are read in that block's state with storage
//!    proofs against its state root: a node cannot hand back another record,
//!    nor a made-up state root.
//! 2. The proof document (from `inference_getProof`) must hash to the digest
//!    the request records, and carry the output the chain records.
//! 3. The request is re-run here with the engine, from the model's files
//!    (digest-checked), and compared under the model's rule. The engine runs
//!    in a process of its own (`veritas engine-worker`), under a memory and
//!    a time limit: a model file built to exhaust memory ends that process,
//!    and the check says so, instead of taking this machine's memory.
//!
//! Match exits 0. Mismatch (the executor's output is not the model's) and
//! NodeLied (an answer of the node failed a check) exit 3.

use serde_json::json;
use sp_core::H256;
use veritas_engine::{blake2_256, proof::ProofDocument};
use veritas_primitives::{
	host::{CheckJob, ModelSpec},
	inference::Attestation,
	model::ModelRecord,
	request::Request,
	settlement::RequestId,
	AccountId, Balance, BlockNumber,
};
use veritas_rpc_api::inference::InferenceApiClient;
use veritas_runtime::Runtime;
use veritas_worker::process::{Job, Report as WorkerReport};

use crate::{
	chain::Chain,
	light_client::{LightClient, Refusal},
	output::Report,
};

/// The exit status of a result that does not hold, for scripts: the
/// executor's output is not the model's, or the node's answers are false.
const MISMATCH_EXIT: i32 = 3;

/// How the check's engine worker is started: `veritas engine-worker` with
/// these arguments (its store and limits), and how long it may take.
pub struct EngineWorker {
	pub args: Vec<String>,
	pub time_limit: std::time::Duration,
}

pub async fn verify(
	chain: &Chain,
	request: RequestId,
	trusted_block: Option<H256>,
	engine: EngineWorker,
) -> Result<Report, String> {
	match check(chain, request, trusted_block, engine).await {
		Ok(report) => Ok(report),
		Err(Refusal::Unanswered(error)) => Err(error),
		Err(Refusal::Lie(what)) => Ok(Report::new(
			json!({ "request": request, "verdict": "NodeLied", "lie": what }),
			format!("NodeLied    the node's answer is false: {what}"),
		)
		.with_exit_status(MISMATCH_EXIT)),
	}
}

async fn check(
	chain: &Chain,
	request: RequestId,
	trusted_block: Option<H256>,
	engine: EngineWorker,
) -> Result<Report, Refusal> {
	let client = LightClient::sync(chain, trusted_block).await?;
	let (finalized, number, root) =
		(client.finalized.hash, client.finalized.number(), client.finalized.header.state_root);

	let key = pallet_inference::Requests::<Runtime>::hashed_key_for(request);
	let record: Request<AccountId, Balance, BlockNumber> =
		client.read(&key).await?.ok_or_else(|| {
			format!("request {request} is not in the finalized state (too new, or pruned)")
		})?;
	let result =
		record.result.as_ref().ok_or_else(|| format!("request {request} has no result"))?;
	let key = pallet_models::Models::<Runtime>::hashed_key_for(record.model);
	let model: ModelRecord<AccountId, Balance, BlockNumber> = client
		.read(&key)
		.await?
		.ok_or_else(|| format!("model {} is not in the finalized state", record.model))?;
	let trust = match trusted_block {
		Some(hash) => format!("trusted block {hash:?}"),
		None => "the genesis block the node names (pin it with --trusted-block)".to_string(),
	};
	let mut lines = vec![format!(
		"finality    block {number} ({finalized:?}) proven final by GRANDPA authority set {}, followed from {trust}",
		client.finalized.set.set_id
	)];
	lines.push(format!(
		"chain       request {request} and model {} proven against its state root",
		record.model
	));

	let proof_cid = match result.reported {
		// A report has no proof document: re-running the request is the
		// whole check.
		Some(reason) => {
			lines.push(format!("report      the executor reported it cannot run this: {reason:?}"));
			None
		},
		None => {
			let cid = check_proof(chain, request, result).await?;
			lines.push(format!("proof       {cid} matches its on-chain digest"));
			Some(cid)
		},
	};

	let job = CheckJob {
		request,
		model: ModelSpec {
			model: record.model,
			files: model.files,
			format: model.format,
			architecture: model.architecture,
			task: record.task,
		},
		input: record.input.clone(),
		params: record.params,
		comparison: record.policy.comparison,
		claimed_output: result.delivered(),
		reported: result.reported,
	};
	let program = std::env::current_exe()
		.map_err(|error| format!("finding this program to run the engine worker: {error}"))?;
	let outcome = tokio::task::spawn_blocking(move || {
		veritas_worker::child::run_once(&program, &engine.args, &Job::Check(job), engine.time_limit)
	})
	.await
	.map_err(|error| format!("the engine worker's thread: {error}"))?;
	let receipt = match outcome.map_err(|failure| failure.describe())? {
		WorkerReport::Checked(checked) => checked.map_err(|failure| failure.describe())?,
		other => return Err(format!("the engine worker answered {other:?}").into()),
	};
	let verdict = match receipt.attestation {
		Attestation::Match => "Match",
		Attestation::Mismatch => "Mismatch",
		Attestation::Unrunnable(reason) => {
			return Err(format!("the request cannot be run here: {reason:?}").into())
		},
	};
	lines.push(verdict.to_string());
	let report = Report::new(
		json!({
			"request": request,
			"model": record.model,
			"finalizedBlock": number,
			"finalizedHash": format!("{finalized:?}"),
			"authoritySet": client.finalized.set.set_id,
			"trustedBlock": trusted_block.map(|hash| format!("{hash:?}")),
			"stateRoot": format!("{root:?}"),
			"proofCid": proof_cid,
			"reported": result.reported.map(|reason| format!("{reason:?}")),
			"verdict": verdict,
		}),
		lines.join("\n"),
	);
	Ok(match receipt.attestation {
		Attestation::Mismatch => report.with_exit_status(MISMATCH_EXIT),
		_ => report,
	})
}

/// Checks the proof document the node serves against the result's digests,
/// and returns its CID.
async fn check_proof(
	chain: &Chain,
	request: RequestId,
	result: &veritas_primitives::request::ResultCommitment<BlockNumber>,
) -> Result<String, Refusal> {
	let proof = chain.ask(chain.rpc().get_proof(request)).await?;
	let document: ProofDocument = serde_json::from_value(proof.document)
		.map_err(|e| Refusal::Lie(format!("not a proof document: {e}")))?;
	if blake2_256(&document.to_bytes()) != result.proof_digest {
		return Err(Refusal::Lie("the proof document does not hash to the digest on-chain".into()));
	}
	let stored_cid = result.output.stored_cid().map(|cid| String::from_utf8_lossy(cid));
	if !document.describes(&result.output_digest, stored_cid.as_deref()) {
		return Err(Refusal::Lie("the proof document's output is not the one on-chain".into()));
	}
	Ok(proof.cid)
}
