//! ONNX graphs written here, honest and hostile, against the loader's
//! checks and bounds. The real exported models (a scikit-learn forest and a
//! PyTorch network) are checked against onnxruntime in `tests/real_models.rs`.

use tract_onnx::pb::{self, tensor_proto::DataLocation};

use super::{write::*, *};

const MEMORY: usize = 64 << 20;

fn classifier(classes: usize) -> OnnxSignature {
	OnnxSignature { input_shape: vec![1, 3], output: OnnxOutput::Classification { classes } }
}

fn refusal(bytes: &[u8], signature: OnnxSignature) -> EngineError {
	OnnxModel::load(bytes, signature, MEMORY).expect_err("refused")
}

/// Why the graph in `bytes` is refused as a bad graph.
fn bad_graph(bytes: &[u8], signature: OnnxSignature) -> String {
	match refusal(bytes, signature) {
		EngineError::BadWeights(reason) => reason,
		other => panic!("refused as a bad graph, not as {other:?}"),
	}
}

#[test]
fn a_graph_computes_what_its_operators_say() {
	let model =
		OnnxModel::load(&model_file(linear_classifier()), classifier(2), MEMORY).expect("loads");
	let x = [1.0f32, 2.0, -0.5];
	let logits: Vec<f32> = (0..2)
		.map(|class| {
			(0..3).map(|i| x[i] * LINEAR_WEIGHTS[i * 2 + class]).sum::<f32>() + LINEAR_BIAS[class]
		})
		.collect();
	let total: f32 = logits.iter().map(|z| z.exp()).sum();
	let InferenceOutput::Classification(output) =
		model.run(Input::Numbers(&x), &RunParams::default()).expect("runs")
	else {
		panic!("a classification");
	};
	for (value, logit) in output.iter().zip(&logits) {
		assert!((value.to_f32() - logit.exp() / total).abs() < 1e-6);
	}
	// Each input of a batch is computed as alone.
	let inputs = [[0.0f32, 0.0, 0.0], x, [3.0, -1.0, 0.5]];
	let batch: Vec<Input<'_>> = inputs.iter().map(|x| Input::Numbers(x)).collect();
	for (input, batched) in batch.iter().zip(model.run_batch(&batch, &RunParams::default())) {
		let alone = model.run(*input, &RunParams::default()).expect("runs");
		assert_eq!(batched.expect("runs"), alone);
	}
	assert!(model.memory_bytes() > 0);
}

#[test]
fn inputs_that_do_not_fit_are_refused_one_by_one() {
	let model =
		OnnxModel::load(&model_file(linear_classifier()), classifier(2), MEMORY).expect("loads");
	let params = RunParams::default();
	for (input, why) in [
		(Input::Text("1, 2, 3"), "not text"),
		(Input::Numbers(&[1.0, 2.0]), "takes 3 numbers"),
		(Input::Numbers(&[1.0, f32::NAN, 2.0]), "not a finite number"),
	] {
		let Err(EngineError::BadInput(reason)) = model.run(input, &params) else {
			panic!("{why}: refused as bad input");
		};
		assert!(reason.contains(why), "{reason}");
	}
	let batch = [Input::Numbers(&[1.0, 2.0]), Input::Numbers(&[1.0, 2.0, 3.0])];
	let results = model.run_batch(&batch, &params);
	assert!(matches!(results[0], Err(EngineError::BadInput(_))));
	assert!(results[1].is_ok(), "a bad neighbour fails alone");
}

#[test]
fn the_output_the_task_names_is_the_one_returned_and_a_graph_without_it_is_refused() {
	// Three classes asked of a two-class graph.
	let reason = bad_graph(&model_file(linear_classifier()), classifier(3));
	assert!(reason.contains("no output of 3 f32 values"), "{reason}");
	// The same graph read as a two-number embedding.
	let signature =
		OnnxSignature { input_shape: vec![1, 3], output: OnnxOutput::Embedding { dim: 2 } };
	let model =
		OnnxModel::load(&model_file(linear_classifier()), signature, MEMORY).expect("loads");
	let output = model.run(Input::Numbers(&[1.0, 1.0, 1.0]), &RunParams::default()).expect("runs");
	assert!(matches!(output, InferenceOutput::Embedding(values) if values.len() == 2));
}

#[test]
fn a_registered_shape_the_graph_does_not_declare_is_refused() {
	let mut graph = linear_classifier();
	graph.input = vec![value_info("x", &[Some(1 << 40), Some(3)])];
	let reason = bad_graph(&model_file(graph), classifier(2));
	assert!(reason.contains("declared [1099511627776, 3], not the registered [1, 3]"), "{reason}");
	// A rank the graph does not take.
	let signature = OnnxSignature {
		input_shape: vec![1, 1, 3],
		output: OnnxOutput::Classification { classes: 2 },
	};
	assert!(matches!(
		refusal(&model_file(linear_classifier()), signature),
		EngineError::BadWeights(_)
	));
	// Shapes the signature itself cannot have.
	for input_shape in [vec![], vec![1, 0, 3], vec![1; MAX_INPUT_RANK + 1]] {
		let signature = OnnxSignature { input_shape, output: OnnxOutput::Regression };
		assert!(matches!(
			refusal(&model_file(linear_classifier()), signature),
			EngineError::BadConfig(_)
		));
	}
}

#[test]
fn unsupported_operators_are_named() {
	let mut graph = linear_classifier();
	graph.node.insert(0, node("QuantumFourierTransform", &["x"], "q"));
	graph.node.push(node("Teleport", &["q"], "t"));
	let EngineError::Unsupported(reason) = refusal(&model_file(graph), classifier(2)) else {
		panic!("refused as unsupported");
	};
	assert!(reason.contains("QuantumFourierTransform, Teleport"), "{reason}");
}

#[test]
fn huge_and_deep_graphs_are_refused_before_they_are_built() {
	// More operators than any model needs: a chain of ReLUs.
	let mut graph = linear_classifier();
	let relus = (0..MAX_GRAPH_NODES).map(|i| {
		let input = if i == 0 { "probabilities".to_string() } else { format!("r{}", i - 1) };
		node("Relu", &[&input], &format!("r{i}"))
	});
	graph.node.extend(relus);
	let started = std::time::Instant::now();
	let reason = bad_graph(&model_file(graph), classifier(2));
	assert!(reason.contains(&format!("more than {MAX_GRAPH_NODES} operators")), "{reason}");
	assert!(started.elapsed() < std::time::Duration::from_secs(10), "refused before building");
	// Subgraphs nested past the bound: an `If` in the `If` in the `If`...
	let mut inner = pb::GraphProto { name: "innermost".into(), ..Default::default() };
	for depth in 0..=MAX_SUBGRAPH_DEPTH {
		let branch = graph_attribute("then_branch", inner);
		inner = pb::GraphProto {
			name: format!("depth {depth}"),
			node: vec![pb::NodeProto { attribute: vec![branch], ..node("If", &["c"], "y") }],
			..Default::default()
		};
	}
	let mut graph = linear_classifier();
	graph.node.extend(inner.node);
	let reason = bad_graph(&model_file(graph), classifier(2));
	assert!(reason.contains("nested more than"), "{reason}");
}

#[test]
fn a_graph_that_would_take_too_much_arithmetic_is_refused() {
	let signature = |side: usize| OnnxSignature {
		input_shape: vec![1, 1, side, side],
		output: OnnxOutput::Regression,
	};
	// 64 channels over a 64x64 image: 151 million multiply-adds, runs.
	let model =
		OnnxModel::load(&model_file(convolutions(64, 64)), signature(64), MEMORY).expect("loads");
	let image = vec![1.0f32; 64 * 64];
	let InferenceOutput::Regression(total) =
		model.run(Input::Numbers(&image), &RunParams::default()).expect("runs")
	else {
		panic!("a regression");
	};
	assert!(total.to_f32() > 0.0);
	// The same few kilobytes over a 1024x1024 image: 39 billion. Refused
	// at load, before the memory its tensors would take is even looked at.
	let reason = bad_graph(&model_file(convolutions(1024, 64)), signature(1024));
	assert!(reason.contains("multiply-adds, more than the 20000000000 allowed"), "{reason}");
}

#[test]
fn a_tensor_kept_in_another_file_is_refused() {
	// ONNX lets a tensor's bytes live in a file named by path: on a node,
	// that would read the node's own files into the network.
	let mut graph = linear_classifier();
	graph.initializer[0] = pb::TensorProto {
		float_data: Vec::new(),
		data_location: Some(DataLocation::External as i32),
		external_data: vec![pb::StringStringEntryProto {
			key: "location".into(),
			value: "/etc/passwd".into(),
		}],
		..floats("w", &[3, 2], &[])
	};
	let reason = bad_graph(&model_file(graph), classifier(2));
	assert!(reason.contains("keeps its data outside the file"), "{reason}");
}

#[test]
fn tensors_that_claim_more_than_they_hold_or_than_memory_allows_are_refused() {
	// Weights that declare a shape far larger than their data.
	let mut graph = linear_classifier();
	graph.initializer[0] = pb::TensorProto {
		float_data: Vec::new(),
		raw_data: vec![0; 24],
		..floats("w", &[1 << 30, 1 << 30], &[])
	};
	assert!(matches!(refusal(&model_file(graph), classifier(2)), EngineError::BadWeights(_)));
	// A graph that builds a 128 MiB tensor from a constant shape, loaded
	// with 64 MiB to spare. (A 4 TiB one, whose allocation fails inside
	// tract, is `node/tests/hostile_models.rs`'s, in a worker with a memory
	// limit.)
	let regression = OnnxSignature { input_shape: vec![1, 3], output: OnnxOutput::Regression };
	let refused = refusal(&model_file(constant_of_shape(&[4096, 8192])), regression);
	assert!(matches!(refused, EngineError::TooLarge { capacity: MEMORY, .. }), "{refused}");
	// A file larger than the bound is refused before it is parsed.
	let bytes = model_file(linear_classifier());
	assert!(matches!(
		OnnxModel::load(&bytes, classifier(2), bytes.len() - 1),
		Err(EngineError::TooLarge { .. })
	));
}

#[test]
fn what_is_not_an_onnx_graph_is_refused() {
	for bytes in
		[&b"not protobuf at all \xff\xff\xff\xff"[..], &[], &[0x0a, 0xff, 0xff, 0xff, 0x0f]]
	{
		let refused = refusal(bytes, classifier(2));
		assert!(matches!(refused, EngineError::BadWeights(_)), "{refused}");
	}
	// A graph with two inputs: a model takes one.
	let mut graph = linear_classifier();
	graph.input.push(value_info("y", &[Some(1)]));
	let reason = bad_graph(&model_file(graph), classifier(2));
	assert!(reason.contains("takes 2 inputs"), "{reason}");
}
