//! `docs/rpc.md` against the schema: every method it documents is served,
//! every method served is documented, and every example answer it shows
//! reads as the method's type and writes back the same.

use jsonrpsee::{core::RpcResult, PendingSubscriptionSink};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use veritas_primitives::{inference::InferenceParams, model::ModelId, settlement::RequestId};

use crate::{inference::*, oracle::*};

const DOCS: &str = include_str!("../../../docs/rpc.md");

/// Serves nothing: only its methods' names are read.
struct Unserved;

fn unserved<T>() -> RpcResult<T> {
	Err(crate::error(-1, "unserved"))
}

impl InferenceApiServer for Unserved {
	fn estimate_fee(&self, _: ModelId, _: Option<InferenceParams>) -> RpcResult<FeeEstimate> {
		unserved()
	}
	fn get_model(&self, _: ModelId) -> RpcResult<ModelInfo> {
		unserved()
	}
	fn list_models(
		&self,
		_: Option<ModelId>,
		_: Option<u32>,
		_: Option<String>,
		_: Option<String>,
	) -> RpcResult<ModelList> {
		unserved()
	}
	fn get_request(&self, _: RequestId) -> RpcResult<RequestInfo> {
		unserved()
	}
	fn get_proof(&self, _: RequestId) -> RpcResult<ProofAnswer> {
		unserved()
	}
	fn get_subscription(&self, _: u64) -> RpcResult<SubscriptionInfo> {
		unserved()
	}
	fn subscribe_request(&self, _: PendingSubscriptionSink, _: RequestId) {}
}

impl OracleApiServer for Unserved {
	fn get_feed(&self, _: u32) -> RpcResult<FeedInfo> {
		unserved()
	}
	fn list_feeds(&self, _: Option<u32>, _: Option<u32>) -> RpcResult<Vec<FeedInfo>> {
		unserved()
	}
	fn latest(&self, _: u32) -> RpcResult<Reading> {
		unserved()
	}
	fn get_data_node(&self, _: String) -> RpcResult<Option<DataNodeInfo>> {
		unserved()
	}
}

fn served() -> Vec<String> {
	let mut module = InferenceApiServer::into_rpc(Unserved);
	module.merge(OracleApiServer::into_rpc(Unserved)).expect("distinct names");
	module.method_names().map(str::to_string).collect()
}

/// Each `## ` heading of the docs, with the text under it.
fn sections() -> Vec<(&'static str, &'static str)> {
	DOCS.split("\n## ")
		.skip(1)
		.map(|section| section.split_once('\n').unwrap_or((section, "")))
		.collect()
}

/// The methods a heading names: `` `inference_getModel(model)` ``.
fn methods_in(heading: &str) -> Vec<String> {
	heading
		.split('`')
		.skip(1)
		.step_by(2)
		.filter_map(|code| code.split_once('(').map(|(name, _)| name.to_string()))
		.collect()
}

#[test]
fn every_method_served_is_documented_and_every_method_documented_is_served() {
	let documented: Vec<String> =
		sections().iter().flat_map(|(heading, _)| methods_in(heading)).collect();
	let served = served();
	for method in &documented {
		assert!(served.contains(method), "docs/rpc.md documents {method}, which is not served");
	}
	for method in served.iter().filter(|name| !name.contains("_unsubscribe")) {
		assert!(documented.contains(method), "{method} is served but not in docs/rpc.md");
	}
	assert!(DOCS.contains("inference_unsubscribeRequest"));
}

/// The ```json blocks under a section.
fn examples(text: &str) -> Vec<Value> {
	text.split("```json\n")
		.skip(1)
		.map(|block| {
			let json = block.split("```").next().unwrap_or_default();
			serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"))
		})
		.collect()
}

fn reads_and_writes_back<T: Serialize + DeserializeOwned>(method: &str, example: &Value) {
	let typed: T = serde_json::from_value(example.clone())
		.unwrap_or_else(|e| panic!("{method}'s example does not fit its type: {e}\n{example}"));
	// Through text, as the node writes it: an `f32` is written in its own
	// shortest form, which reads back as the example's number.
	let written = serde_json::to_string(&typed).expect("serializes");
	assert_eq!(&serde_json::from_str::<Value>(&written).expect("JSON"), example, "{method}");
}

#[test]
fn every_example_answer_fits_its_methods_type() {
	let mut checked = 0;
	for (heading, text) in sections() {
		let Some(method) = methods_in(heading).into_iter().next() else { continue };
		for example in examples(text) {
			match method.as_str() {
				"inference_estimateFee" => reads_and_writes_back::<FeeEstimate>(&method, &example),
				"inference_getModel" => reads_and_writes_back::<ModelInfo>(&method, &example),
				"inference_listModels" => reads_and_writes_back::<ModelList>(&method, &example),
				"inference_getRequest" => reads_and_writes_back::<RequestInfo>(&method, &example),
				"inference_getProof" => reads_and_writes_back::<ProofAnswer>(&method, &example),
				"inference_getSubscription" => {
					reads_and_writes_back::<SubscriptionInfo>(&method, &example)
				},
				"inference_subscribeRequest" => {
					reads_and_writes_back::<RequestUpdate>(&method, &example)
				},
				"oracle_latest" => reads_and_writes_back::<Reading>(&method, &example),
				"oracle_getFeed" => reads_and_writes_back::<FeedInfo>(&method, &example),
				"oracle_getDataNode" => {
					reads_and_writes_back::<Option<DataNodeInfo>>(&method, &example)
				},
				other => panic!("an example for {other}, which has no type here"),
			}
			checked += 1;
		}
	}
	assert!(checked >= 7, "only {checked} examples");
}

#[test]
fn amounts_are_decimal_strings_both_ways() {
	let amount = crate::Amount(u128::MAX);
	let json = serde_json::to_value(amount).expect("serializes");
	assert_eq!(json, Value::String(u128::MAX.to_string()));
	assert_eq!(serde_json::from_value::<crate::Amount>(json).expect("reads"), amount);
	assert!(serde_json::from_value::<crate::Amount>(serde_json::json!("12e3")).is_err());
	assert!(serde_json::from_value::<crate::Amount>(serde_json::json!(12)).is_err());
}
