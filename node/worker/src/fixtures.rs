//! What the worker's tests share: a store in a temporary directory and the
//! loan-risk model from the engine's fixtures.

use codec::Encode;
use veritas_engine::{cache::ModelCache, store::embedded::EmbeddedStore};
use veritas_primitives::{
	host::{ExecutionJob, ModelSpec},
	inference::{F32Bits, InferenceParams, RequestInput},
	model::{Architecture, Cid, FileRef, ModelFiles, ModelFormat, TaskKind},
};

use crate::Worker;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/fixtures/loan-risk");

pub fn worker(label: &str) -> Worker {
	let dir = std::env::temp_dir().join(format!("veritas-worker-{label}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	Worker {
		store: std::sync::Arc::new(EmbeddedStore::open(&dir).expect("a store")),
		cache: ModelCache::new(64 << 20),
		threads: 1,
		max_file_bytes: 1 << 20,
	}
}

pub fn stored(worker: &Worker, bytes: &[u8]) -> FileRef {
	let put = worker.store.put(bytes).expect("stored");
	FileRef { cid: Cid::truncate_from(put.cid.into_bytes()), digest: put.digest, size: put.size }
}

pub fn loan_risk(worker: &Worker) -> ModelSpec {
	let read = |name: &str| std::fs::read(format!("{FIXTURE}/{name}")).expect("fixture");
	ModelSpec {
		model: 3,
		files: ModelFiles {
			weights: stored(worker, &read("model.safetensors")),
			config: Some(stored(worker, &read("config.json"))),
			tokenizer: None,
		},
		format: ModelFormat::Safetensors,
		architecture: Architecture::Mlp,
		task: TaskKind::TabularClassification { inputs: 6, classes: 2 },
	}
}

pub fn numbers(values: &[f32]) -> RequestInput {
	let encoded = values.iter().copied().map(F32Bits::from).collect::<Vec<_>>().encode();
	RequestInput::Inline(encoded.try_into().expect("short"))
}

pub fn job(model: &ModelSpec, request: u64, input: RequestInput) -> ExecutionJob {
	ExecutionJob {
		request,
		model: model.clone(),
		input,
		params: InferenceParams::default(),
		executor: vec![7; 32],
	}
}
