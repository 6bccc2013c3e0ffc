//! Publishers' own ONNX models on a live `veritas-node --dev`, through the
//! `veritas` command line: a publisher publishes a PyTorch network (8x8
//! digits, declared as one 1x1x8x8 image) and a scikit-learn random forest
//! (13 wine measurements); Alice serves both; Bob and his stash ask one
//! class of each at once; the verifiers re-run them and the results are
//! accepted and paid; and what Bob reads back is what onnxruntime computes
//! for the same inputs.
//! (`scripts/fetch-models.sh` makes the models and their reference outputs
//! into `VERITAS_MODELS`.)

use std::path::PathBuf;

use crate::common::veritas_cli::{args, json_of, stderr, stdout, veritas, DevNode};

/// The first held-out input of a made model and onnxruntime's output for it.
fn reference(dir: &std::path::Path) -> (Vec<f64>, Vec<f64>) {
	let text = std::fs::read(dir.join("reference.json")).expect("reference.json");
	let reference: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
	let numbers = |value: &serde_json::Value| -> Vec<f64> {
		value.as_array().expect("numbers").iter().map(|v| v.as_f64().expect("a number")).collect()
	};
	let case = &reference["cases"][0];
	(numbers(&case["input"]), numbers(&case["output"]))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn onnx_models_are_published_served_verified_and_paid() {
	let models = PathBuf::from(
		std::env::var_os("VERITAS_MODELS").expect("VERITAS_MODELS (scripts/fetch-models.sh)"),
	);
	let DevNode { node, url, store, _dir } = DevNode::start("onnx").await;
	let publish = |name: &str, dir: &str, task: &str, extra: &[&str]| {
		let dir = models.join(dir).to_string_lossy().into_owned();
		let mut command = vec!["model", "publish", &dir, "--name", name, "--task", task];
		command.extend(["--price", "0.1", "--policy", "quorum:2:3", "--store", &store]);
		command.extend(extra);
		args(&url, "//Alice", &command)
	};
	let digits = |name: &str, shape: &str| {
		let extra = ["--format", "onnx", "--input-shape", shape];
		veritas(publish(name, "digits-cnn", "classification:64:10", &extra))
	};
	let cnn = digits("digits", "1,1,8,8").await;
	assert!(cnn.status.success(), "{}", stderr(&cnn));
	assert_eq!(stdout(&cnn).trim(), "0");
	// The format is read from the directory, and the shape defaults to one
	// row of the task's inputs.
	let forest = veritas(publish("wine", "wine-forest", "classification:13:3", &[])).await;
	assert!(forest.status.success(), "{}", stderr(&forest));
	assert_eq!(stdout(&forest).trim(), "1");
	for (model, input_shape) in [("0", vec![1, 1, 8, 8]), ("1", vec![1, 13])] {
		let command = ["model", "show", model, "--output", "json"];
		let shown = json_of(&veritas(args(&url, "//Bob", &command)).await);
		assert_eq!(shown["format"], "Onnx", "{shown}");
		let architecture = serde_json::json!({ "OnnxGraph": { "input_shape": input_shape } });
		assert_eq!(shown["architecture"], architecture, "{shown}");
	}
	// A shape that does not hold the task's numbers is refused by the chain.
	let misshapen = digits("digits-misshapen", "1,8,8,8").await;
	assert!(!misshapen.status.success());
	assert!(stderr(&misshapen).contains("InputShapeDoesNotFitTask"), "{}", stderr(&misshapen));

	let serving =
		veritas(args(&url, "//Alice", &["executor", "register", "--models", "0,1"])).await;
	assert!(serving.status.success(), "{}", stderr(&serving));

	// Two requesters, so that the two requests go out at once.
	let requesters = ["digits-cnn", "wine-forest"].into_iter().zip(["//Bob", "//Bob//stash"]);
	let asks = requesters.enumerate().map(|(model, (name, requester))| {
		let (input, expected) = reference(&models.join(name));
		let input = input.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
		let url = url.clone();
		async move {
			let model = model.to_string();
			let command =
				["infer", "--model", &model, "--input", &input, "--wait", "--output", "json"];
			(name, expected, veritas(args(&url, requester, &command)).await)
		}
	});
	for (name, expected, inferred) in futures::future::join_all(asks).await {
		assert!(inferred.status.success(), "{name}: {}\n{}", stderr(&inferred), node.log_tail());
		let settled = json_of(&inferred);
		assert_eq!(settled["status"], "Accepted", "{name}: {settled}");
		let probabilities = settled["result"]["output"]["classification"]
			.as_array()
			.unwrap_or_else(|| panic!("{name}: {settled}"))
			.iter()
			.map(|p| p.as_f64().expect("a probability"))
			.collect::<Vec<_>>();
		assert_eq!(probabilities.len(), expected.len(), "{name}: {settled}");
		for (ours, theirs) in probabilities.iter().zip(&expected) {
			assert!((ours - theirs).abs() < 1e-5, "{name}: {probabilities:?} against {expected:?}");
		}
		assert!(settled["settlement"].is_object(), "{name}: paid, {settled}");
	}
}
