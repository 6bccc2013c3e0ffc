//! `veritas verify`: check a request's result trusting neither the node nor
//! the executor.
//!
//! 1. The request and its model are read at the finalized block with
//!    `state_getReadProof`, and the proof is checked here against the
//!    block's state root: a node cannot hand back another record.
//! 2. The proof document (from `inference_getProof`) must hash to the digest
//!    the request records, and carry the output the chain records.
//! 3. The request is re-run here with the engine, from the model's files
//!    (digest-checked), and compared under the model's rule.

use std::sync::Arc;

use codec::Decode;
use jsonrpsee::rpc_params;
use serde_json::{json, Value};
use sp_core::H256;
use sp_runtime::traits::BlakeTwo256;
use sp_state_machine::{read_proof_check, StorageProof};
use veritas_engine::{
	blake2_256, cache::ModelCache, digest::to_hex, proof::ProofDocument, ModelStore,
};
use veritas_primitives::{
	host::{CheckJob, ModelSpec},
	inference::Attestation,
	model::ModelRecord,
	request::Request,
	settlement::RequestId,
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::Runtime;

use crate::{
	chain::{unhex, Chain},
	output::Report,
};

/// The exit status of a mismatch, for scripts.
const MISMATCH_EXIT: i32 = 3;

/// Reads `key` at block `at`, checked against `root` with a storage proof.
async fn proven<T: Decode>(
	chain: &Chain,
	at: H256,
	root: H256,
	key: &[u8],
) -> Result<Option<T>, String> {
	let proof: Value =
		chain.call("state_getReadProof", rpc_params![vec![crate::chain::hex(key)], at]).await?;
	let nodes = proof["proof"]
		.as_array()
		.ok_or("the node sent no read proof")?
		.iter()
		.map(|node| unhex(node.as_str().unwrap_or_default()))
		.collect::<Result<Vec<_>, _>>()?;
	let values = read_proof_check::<BlakeTwo256, _>(root, StorageProof::new(nodes), [key])
		.map_err(|e| format!("the read proof does not match the finalized state root: {e}"))?;
	values
		.get(key)
		.cloned()
		.flatten()
		.map(|bytes| T::decode(&mut &bytes[..]).map_err(|e| format!("undecodable record: {e}")))
		.transpose()
}

pub async fn verify(
	chain: &Chain,
	request: RequestId,
	store: Arc<dyn ModelStore>,
) -> Result<Report, String> {
	let finalized: H256 = chain.call("chain_getFinalizedHead", rpc_params![]).await?;
	let header: Value = chain.call("chain_getHeader", rpc_params![finalized]).await?;
	let root: H256 = serde_json::from_value(header["stateRoot"].clone())
		.map_err(|_| "the node sent no state root".to_string())?;
	let number = header["number"].as_str().unwrap_or_default().to_string();

	let key = pallet_inference::Requests::<Runtime>::hashed_key_for(request);
	let record: Request<AccountId, Balance, BlockNumber> =
		proven(chain, finalized, root, &key).await?.ok_or_else(|| {
			format!("request {request} is not in the finalized state (too new, or pruned)")
		})?;
	let result =
		record.result.as_ref().ok_or_else(|| format!("request {request} has no result"))?;
	let key = pallet_models::Models::<Runtime>::hashed_key_for(record.model);
	let model: ModelRecord<AccountId, Balance, BlockNumber> = proven(chain, finalized, root, &key)
		.await?
		.ok_or_else(|| format!("model {} is not in the finalized state", record.model))?;
	let mut lines = vec![format!(
		"chain       request {request} and model {} proven against the state root of finalized block {number}",
		record.model
	)];

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

	let worker = veritas_worker::Worker {
		store,
		cache: ModelCache::new(8 << 30),
		threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
		max_file_bytes: u64::MAX,
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
		claimed_output: result.output.to_vec(),
		reported: result.reported,
	};
	let receipt = veritas_worker::check(&worker, &job).map_err(|failure| failure.describe())?;
	let verdict = match receipt.attestation {
		Attestation::Match => "Match",
		Attestation::Mismatch => "Mismatch",
		Attestation::Unrunnable(reason) => {
			return Err(format!("the request cannot be run here: {reason:?}"))
		},
	};
	lines.push(verdict.to_string());
	let report = Report::new(
		json!({
			"request": request,
			"model": record.model,
			"finalizedBlock": number,
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
) -> Result<String, String> {
	let proof: Value = chain.call("inference_getProof", rpc_params![request]).await?;
	let document: ProofDocument = serde_json::from_value(proof["document"].clone())
		.map_err(|e| format!("not a proof document: {e}"))?;
	if blake2_256(&document.to_bytes()) != result.proof_digest {
		return Err("the proof document does not hash to the digest on-chain".into());
	}
	if document.output_digest != to_hex(&result.output_digest) || !document.is_consistent() {
		return Err("the proof document's output is not the one on-chain".into());
	}
	Ok(proof["cid"].as_str().unwrap_or_default().to_string())
}
