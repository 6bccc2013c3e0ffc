//! A publisher's own network as an ONNX graph, run by tract (pure Rust).
//!
//! An ONNX file carries its whole network: operators, weights and the
//! declared types of its inputs and outputs. The chain records beside it
//! what the publisher promises the graph computes ([`OnnxSignature`]): the
//! shape of the one input it takes (the request's numbers, in row-major
//! order) and what comes out (class probabilities, one number, or a vector).
//! The engine holds the graph to that promise when it loads it.
//!
//! The file is hostile until proven otherwise. Before tract builds anything,
//! the decoded protobuf is checked (`check_graph`):
//! - at most [`MAX_GRAPH_NODES`] operators, subgraphs (`If`, `Loop`, `Scan`)
//!   nested at most [`MAX_SUBGRAPH_DEPTH`] deep;
//! - every operator one tract implements (named in the refusal otherwise);
//! - no tensor stored outside the file: ONNX lets a tensor name a file path
//!   for its bytes, which on a node would read the node's own files into the
//!   network (and out through its outputs);
//! - one input, whose declared shape agrees with the signature's wherever
//!   the graph fixes a dimension.
//!
//! The input is then fixed to the signature's shape, so every tensor's shape
//! is known at load: a request may take at most [`MAX_OPERATIONS`]
//! multiply-adds, and the graph's tensors, weights and intermediates
//! included, must fit the engine's memory bound ([`EngineError::TooLarge`]),
//! checked before tract optimises the graph and after. tract computes
//! whatever depends only on small constants as it builds (a `ConstantOfShape`
//! of a terabyte, say) before anything can be checked: such an allocation
//! meets the engine worker's memory limit (`RLIMIT_DATA`) and fails, tract
//! panics, and the panic refuses the model, with its message. Nothing of it
//! reaches the node, which runs the engine in that worker process.
//!
//! tract picks its kernels for the CPU it runs on (with or without FMA), so
//! two machines may differ in the last bits: ONNX models want a tolerance
//! rule (`MaxAbs`, `Cosine`), not `Exact`. Each request runs alone, on one
//! thread, in a fixed order, so a batch computes each input as alone.

use std::sync::Arc;

use prost::Message;
use tract_onnx::{
	pb,
	prelude::{
		tvec, DatumType, Framework, InferenceFact, InferenceModelExt, IntoRunnable, Tensor,
		TypedModel, TypedRunnableModel,
	},
};

use crate::{
	model::{panic_message, EngineError, Input, Model, RunParams},
	output::InferenceOutput,
};

/// The most operators a graph may hold, subgraphs included. tract's
/// optimiser takes more than linear time: a chain of 10,000 operators loads
/// in about 2 s (release build), one of 20,000 in about 12 s, and a load
/// that fails is not cached, so every request would pay it again.
pub const MAX_GRAPH_NODES: usize = 10_000;

/// The most arithmetic one request may take: multiply-adds and divisions,
/// as tract counts them for the registered input shape. A request's price is
/// the publisher's to set, and every executor and verifier of it pays for
/// the computation; this keeps one request to seconds of a core, not to the
/// worker's whole time limit. (tract ran 9.8 billion, two 64-channel 3×3
/// convolutions over a 512×512 image, in 0.7 s on one core of a 2-core
/// x86_64 machine, release build: the bound is about 1.5 s.)
pub const MAX_OPERATIONS: u64 = 20_000_000_000;

/// How deep subgraphs may nest (a `Loop` inside an `If` is two).
pub const MAX_SUBGRAPH_DEPTH: usize = 4;

/// The most dimensions the input may have.
pub const MAX_INPUT_RANK: usize = 6;

/// What a graph's output is, as the model's task says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnnxOutput {
	/// A probability for each of `classes`.
	Classification { classes: usize },
	/// One number.
	Regression,
	/// A vector of `dim` numbers.
	Embedding { dim: usize },
}

impl OnnxOutput {
	/// How many numbers the output holds.
	pub fn values(self) -> usize {
		match self {
			OnnxOutput::Classification { classes } => classes,
			OnnxOutput::Regression => 1,
			OnnxOutput::Embedding { dim } => dim,
		}
	}

	fn wrap(self, values: &[f32]) -> InferenceOutput {
		match self {
			OnnxOutput::Classification { .. } => InferenceOutput::classification(values),
			OnnxOutput::Regression => InferenceOutput::Regression(values[0].into()),
			OnnxOutput::Embedding { .. } => InferenceOutput::embedding(values),
		}
	}
}

/// What the publisher declared the graph computes. (As JSON, for tools:
/// `{"input_shape": [1, 13], "output": {"classification": {"classes": 3}}}`.)
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct OnnxSignature {
	/// The input tensor's shape (`[1, 13]`, or `[1, 1, 8, 8]` for an image).
	pub input_shape: Vec<usize>,
	pub output: OnnxOutput,
}

impl OnnxSignature {
	/// How many numbers a request's input must have.
	pub fn inputs(&self) -> usize {
		self.input_shape.iter().product()
	}
}

/// A loaded ONNX graph.
pub struct OnnxModel {
	plan: Arc<TypedRunnableModel>,
	signature: OnnxSignature,
	memory_bytes: usize,
}

impl std::fmt::Debug for OnnxModel {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("OnnxModel")
			.field("signature", &self.signature)
			.field("memory_bytes", &self.memory_bytes)
			.finish()
	}
}

fn refused(reason: impl std::fmt::Display) -> EngineError {
	EngineError::BadWeights(format!("ONNX graph: {reason}"))
}

fn compute(error: impl std::fmt::Display) -> EngineError {
	EngineError::Compute(format!("{error:#}"))
}

impl OnnxModel {
	/// Checks and builds the graph in `bytes` for `signature`, refusing one
	/// whose tensors would hold more than `max_memory_bytes`.
	pub fn load(
		bytes: &[u8],
		signature: OnnxSignature,
		max_memory_bytes: usize,
	) -> Result<Self, EngineError> {
		let rank = signature.input_shape.len();
		if rank == 0 || rank > MAX_INPUT_RANK || signature.input_shape.contains(&0) {
			return Err(EngineError::BadConfig(format!(
				"an input shape needs 1 to {MAX_INPUT_RANK} non-zero dimensions, not {:?}",
				signature.input_shape
			)));
		}
		if signature.output.values() == 0 {
			return Err(EngineError::BadConfig("an output of no numbers".into()));
		}
		if bytes.len() > max_memory_bytes {
			return Err(EngineError::TooLarge { needed: bytes.len(), capacity: max_memory_bytes });
		}
		let onnx = tract_onnx::onnx().with_ignore_output_shapes(true).with_ignore_value_info(true);
		let proto = pb::ModelProto::decode(bytes)
			.map_err(|error| EngineError::BadWeights(format!("not an ONNX model: {error}")))?;
		check_graph(&proto, &onnx, &signature)?;
		// tract's loaders hold a few `unimplemented!`s and `unwrap`s for inputs
		// no honest exporter writes, and it panics when an allocation fails
		// (it folds constants as it builds, so a few bytes can ask for
		// terabytes before anything can be checked): a panic refuses this
		// model and leaves the worker running.
		let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
			build(&onnx, &proto, &signature, max_memory_bytes)
		}));
		let (plan, memory_bytes) = built.unwrap_or_else(|panic| {
			Err(refused(format!("tract failed on it: {}", panic_message(&*panic))))
		})?;
		Ok(OnnxModel { plan, signature, memory_bytes: memory_bytes.max(bytes.len()) })
	}

	fn numbers<'a>(&self, input: &Input<'a>) -> Result<&'a [f32], EngineError> {
		let Input::Numbers(numbers) = *input else {
			return Err(EngineError::BadInput("an ONNX model takes numbers, not text".into()));
		};
		if numbers.len() != self.signature.inputs() {
			return Err(EngineError::BadInput(format!(
				"the model takes {} numbers (shape {:?}), not {}",
				self.signature.inputs(),
				self.signature.input_shape,
				numbers.len()
			)));
		}
		if let Some(position) = numbers.iter().position(|value| !value.is_finite()) {
			return Err(EngineError::BadInput(format!("input {position} is not a finite number")));
		}
		Ok(numbers)
	}
}

/// Refuses a graph before tract builds it: see the module's overview.
fn check_graph(
	proto: &pb::ModelProto,
	onnx: &tract_onnx::Onnx,
	signature: &OnnxSignature,
) -> Result<(), EngineError> {
	let graph = proto.graph.as_ref().ok_or_else(|| refused("the file holds no graph"))?;
	let mut walk = GraphWalk { onnx, nodes: 0, unsupported: Vec::new() };
	walk.graph(graph, 0)?;
	if !walk.unsupported.is_empty() {
		walk.unsupported.sort();
		walk.unsupported.dedup();
		return Err(EngineError::Unsupported(format!(
			"ONNX operators tract does not implement: {}",
			walk.unsupported.join(", ")
		)));
	}
	// Older exporters list the weights among the inputs too.
	let initialized: std::collections::HashSet<&str> =
		graph.initializer.iter().map(|t| t.name.as_str()).collect();
	let inputs: Vec<&pb::ValueInfoProto> =
		graph.input.iter().filter(|input| !initialized.contains(input.name.as_str())).collect();
	let [input] = inputs[..] else {
		return Err(refused(format!("the graph takes {} inputs; a model takes one", inputs.len())));
	};
	if let Some(declared) = declared_dims(input) {
		let fits = declared.len() == signature.input_shape.len()
			&& declared
				.iter()
				.zip(&signature.input_shape)
				.all(|(declared, wanted)| declared.is_none_or(|d| d == *wanted as i64));
		if !fits {
			let shown: Vec<String> = declared
				.iter()
				.map(|d| d.map_or_else(|| "?".to_string(), |d| d.to_string()))
				.collect();
			return Err(refused(format!(
				"its input `{}` is declared [{}], not the registered {:?}",
				shown_name(&input.name),
				shown.join(", "),
				signature.input_shape
			)));
		}
	}
	Ok(())
}

/// A name from the file, cut short for a refusal (a name can be megabytes).
fn shown_name(name: &str) -> String {
	name.chars().take(64).collect()
}

/// An input's declared dimensions (`None` for a named or unknown one), if
/// it declares a shape at all.
fn declared_dims(input: &pb::ValueInfoProto) -> Option<Vec<Option<i64>>> {
	let Some(pb::type_proto::Value::TensorType(tensor)) = input.r#type.as_ref()?.value.as_ref()
	else {
		return None;
	};
	let dims = &tensor.shape.as_ref()?.dim;
	Some(
		dims.iter()
			.map(|dim| match dim.value {
				Some(pb::tensor_shape_proto::dimension::Value::DimValue(value)) => Some(value),
				_ => None,
			})
			.collect(),
	)
}

struct GraphWalk<'a> {
	onnx: &'a tract_onnx::Onnx,
	nodes: usize,
	unsupported: Vec<String>,
}

impl GraphWalk<'_> {
	fn graph(&mut self, graph: &pb::GraphProto, depth: usize) -> Result<(), EngineError> {
		if depth > MAX_SUBGRAPH_DEPTH {
			return Err(refused(format!("subgraphs nested more than {MAX_SUBGRAPH_DEPTH} deep")));
		}
		for tensor in &graph.initializer {
			Self::tensor(tensor)?;
		}
		if !graph.sparse_initializer.is_empty() {
			return Err(EngineError::Unsupported("ONNX sparse initializers".into()));
		}
		for node in &graph.node {
			self.nodes += 1;
			if self.nodes > MAX_GRAPH_NODES {
				return Err(refused(format!("more than {MAX_GRAPH_NODES} operators")));
			}
			if !self.onnx.op_register.0.contains_key(&node.op_type) {
				self.unsupported.push(shown_name(&node.op_type));
			}
			for attribute in &node.attribute {
				for tensor in attribute.t.iter().chain(&attribute.tensors) {
					Self::tensor(tensor)?;
				}
				for subgraph in attribute.g.iter().chain(&attribute.graphs) {
					self.graph(subgraph, depth + 1)?;
				}
			}
		}
		Ok(())
	}

	fn tensor(tensor: &pb::TensorProto) -> Result<(), EngineError> {
		let external = tensor.data_location
			== Some(pb::tensor_proto::DataLocation::External as i32)
			|| !tensor.external_data.is_empty();
		if external {
			return Err(refused(format!(
				"tensor `{}` keeps its data outside the file; a model must be one file",
				shown_name(&tensor.name)
			)));
		}
		Ok(())
	}
}

/// The runnable plan for `signature`'s input and output, and the bytes its
/// tensors hold.
fn build(
	onnx: &tract_onnx::Onnx,
	proto: &pb::ModelProto,
	signature: &OnnxSignature,
	max_memory_bytes: usize,
) -> Result<(Arc<TypedRunnableModel>, usize), EngineError> {
	let mut model =
		onnx.model_for_proto_model(proto).map_err(|error| refused(format!("{error:#}")))?;
	let fact = InferenceFact::dt_shape(DatumType::F32, signature.input_shape.clone());
	model.set_input_fact(0, fact).map_err(|error| refused(format!("{error:#}")))?;
	let mut typed = model.into_typed().map_err(|error| refused(format!("{error:#}")))?;
	// The output the task names: the first f32 output with the task's
	// number of values (a classifier's `probabilities`, not its `label`).
	let wanted = signature.output.values();
	let outlets = typed.output_outlets().map_err(compute)?.to_vec();
	let chosen = outlets.iter().copied().find(|outlet| {
		typed.outlet_fact(*outlet).is_ok_and(|fact| {
			fact.datum_type == DatumType::F32
				&& fact
					.shape
					.as_concrete()
					.is_some_and(|dims| dims.iter().product::<usize>() == wanted)
		})
	});
	let Some(chosen) = chosen else {
		let found: Vec<String> = outlets
			.iter()
			.filter_map(|outlet| typed.outlet_fact(*outlet).ok())
			.map(|fact| format!("{:?} {:?}", fact.datum_type, fact.shape))
			.collect();
		return Err(refused(format!(
			"no output of {wanted} f32 values, as the task says; its outputs are [{}]",
			found.join("; ")
		)));
	};
	typed.select_output_outlets(&[chosen]).map_err(compute)?;
	let operations = operations(&typed)?;
	if operations > MAX_OPERATIONS {
		return Err(refused(format!(
			"a request would take {operations} multiply-adds, more than the {MAX_OPERATIONS} allowed"
		)));
	}
	// Checked before optimising too: optimising computes whatever depends
	// only on constants (a `ConstantOfShape`, say), and so allocates it.
	within(&typed, max_memory_bytes)?;
	let optimized = typed.into_optimized().map_err(|error| refused(format!("{error:#}")))?;
	let needed = within(&optimized, max_memory_bytes)?;
	let plan = optimized.into_runnable().map_err(|error| refused(format!("{error:#}")))?;
	Ok((plan, needed))
}

/// The multiply-adds and divisions one run of `model` takes, as its
/// operators count them (a count tract cannot know counts as too many).
fn operations(model: &TypedModel) -> Result<u64, EngineError> {
	let mut total = 0u64;
	for node in model.nodes() {
		let inputs = model.node_input_facts(node.id).map_err(compute)?;
		for (cost, count) in node.op.cost(&inputs).map_err(compute)? {
			if cost.is_compute() {
				let count = count.to_i64().ok().and_then(|c| u64::try_from(c).ok());
				total = total.saturating_add(count.unwrap_or(u64::MAX));
			}
		}
	}
	Ok(total)
}

/// What every tensor of `model` holds at once, at most (each operator's
/// output with a known shape, weights included, in bytes), if that is
/// within `max_memory_bytes`.
fn within(model: &TypedModel, max_memory_bytes: usize) -> Result<usize, EngineError> {
	let needed = model
		.nodes()
		.iter()
		.flat_map(|node| &node.outputs)
		.filter_map(|outlet| {
			let dims = outlet.fact.shape.as_concrete()?;
			let volume = dims.iter().try_fold(1usize, |volume, dim| volume.checked_mul(*dim));
			Some(volume.map_or(usize::MAX, |v| v.saturating_mul(outlet.fact.datum_type.size_of())))
		})
		.fold(0usize, usize::saturating_add);
	if needed > max_memory_bytes {
		return Err(EngineError::TooLarge { needed, capacity: max_memory_bytes });
	}
	Ok(needed)
}

impl Model for OnnxModel {
	fn run(&self, input: Input<'_>, _: &RunParams) -> Result<InferenceOutput, EngineError> {
		let numbers = self.numbers(&input)?;
		let tensor = Tensor::from_shape(&self.signature.input_shape, numbers).map_err(compute)?;
		let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
			self.plan.run(tvec!(tensor.into()))
		}));
		let outputs = ran
			.map_err(|panic| {
				compute(format!("tract failed on this input: {}", panic_message(&*panic)))
			})?
			.map_err(compute)?;
		let output = outputs.first().ok_or_else(|| compute("the graph returned nothing"))?;
		let values: Vec<f32> =
			output.to_plain_array_view::<f32>().map_err(compute)?.iter().copied().collect();
		if values.len() != self.signature.output.values() {
			return Err(compute(format!(
				"the graph returned {} values, not {}",
				values.len(),
				self.signature.output.values()
			)));
		}
		Ok(self.signature.output.wrap(&values))
	}

	fn memory_bytes(&self) -> usize {
		self.memory_bytes
	}
}

#[cfg(test)]
mod tests;
pub mod write;
