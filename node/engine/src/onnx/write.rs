//! Small ONNX graphs written from Rust, as an exporter would write them:
//! the engine's tests, and the node's hostile-model tests, build theirs here.

use prost::Message;
use tract_onnx::pb::{
	self, attribute_proto::AttributeType, tensor_shape_proto::dimension::Value as Dim, type_proto,
};

/// ONNX's element type for f32.
pub const F32: i32 = 1;
/// ONNX's element type for i64.
pub const I64: i32 = 7;

/// A graph input or output of f32 values; `None` is a named (free)
/// dimension, as exporters write a batch dimension.
pub fn value_info(name: &str, dims: &[Option<i64>]) -> pb::ValueInfoProto {
	let dim = dims
		.iter()
		.map(|dim| pb::tensor_shape_proto::Dimension {
			value: Some(match dim {
				Some(value) => Dim::DimValue(*value),
				None => Dim::DimParam("batch".into()),
			}),
			..Default::default()
		})
		.collect();
	pb::ValueInfoProto {
		name: name.into(),
		r#type: Some(pb::TypeProto {
			value: Some(type_proto::Value::TensorType(type_proto::Tensor {
				elem_type: F32,
				shape: Some(pb::TensorShapeProto { dim }),
			})),
			..Default::default()
		}),
		..Default::default()
	}
}

/// An operator with one output, named after it.
pub fn node(op: &str, inputs: &[&str], output: &str) -> pb::NodeProto {
	pb::NodeProto {
		op_type: op.into(),
		input: inputs.iter().map(|name| name.to_string()).collect(),
		output: vec![output.into()],
		name: output.into(),
		..Default::default()
	}
}

/// A named f32 tensor.
pub fn floats(name: &str, dims: &[i64], values: &[f32]) -> pb::TensorProto {
	pb::TensorProto {
		name: name.into(),
		dims: dims.to_vec(),
		data_type: F32,
		float_data: values.to_vec(),
		..Default::default()
	}
}

/// A named vector of i64 values (a shape, say).
pub fn int64s(name: &str, values: &[i64]) -> pb::TensorProto {
	pb::TensorProto {
		name: name.into(),
		dims: vec![values.len() as i64],
		data_type: I64,
		int64_data: values.to_vec(),
		..Default::default()
	}
}

/// An integer attribute.
pub fn int_attribute(name: &str, value: i64) -> pb::AttributeProto {
	pb::AttributeProto {
		name: name.into(),
		r#type: AttributeType::Int as i32,
		i: value,
		..Default::default()
	}
}

/// A graph attribute (an `If`'s branch, say).
pub fn graph_attribute(name: &str, graph: pb::GraphProto) -> pb::AttributeProto {
	pb::AttributeProto {
		name: name.into(),
		r#type: AttributeType::Graph as i32,
		g: Some(graph),
		..Default::default()
	}
}

/// The file of a model holding `graph`, at operator set 17.
pub fn model_file(graph: pb::GraphProto) -> Vec<u8> {
	pb::ModelProto {
		ir_version: 8,
		opset_import: vec![pb::OperatorSetIdProto { domain: String::new(), version: 17 }],
		graph: Some(graph),
		..Default::default()
	}
	.encode_to_vec()
}

/// The weights of [`linear_classifier`]: `[3, 2]`, row-major.
pub const LINEAR_WEIGHTS: [f32; 6] = [0.5, -1.0, 2.0, 0.25, -0.75, 1.5];
/// The bias of [`linear_classifier`].
pub const LINEAR_BIAS: [f32; 2] = [0.1, -0.2];

/// A linear classifier, `softmax(x · W + b)`: 3 numbers in (input `x`,
/// declared `[batch, 3]`), 2 class probabilities out.
pub fn linear_classifier() -> pb::GraphProto {
	pb::GraphProto {
		name: "linear".into(),
		node: vec![
			node("MatMul", &["x", "w"], "xw"),
			node("Add", &["xw", "b"], "logits"),
			pb::NodeProto {
				attribute: vec![int_attribute("axis", -1)],
				..node("Softmax", &["logits"], "probabilities")
			},
		],
		initializer: vec![floats("w", &[3, 2], &LINEAR_WEIGHTS), floats("b", &[2], &LINEAR_BIAS)],
		input: vec![value_info("x", &[None, Some(3)])],
		output: vec![value_info("probabilities", &[None, Some(2)])],
		..Default::default()
	}
}

/// One `side`×`side` image through two 3×3 convolutions of `channels`
/// channels, summed into one number (`total`): a few kilobytes of weights
/// whose arithmetic grows with the image's area times `channels` squared.
pub fn convolutions(side: i64, channels: i64) -> pb::GraphProto {
	let kernel = |name: &str, inputs: i64| {
		let values = vec![0.01f32; (channels * inputs * 9) as usize];
		floats(name, &[channels, inputs, 3, 3], &values)
	};
	let padded = |op: pb::NodeProto| pb::NodeProto {
		attribute: vec![pb::AttributeProto {
			name: "pads".into(),
			r#type: AttributeType::Ints as i32,
			ints: vec![1, 1, 1, 1],
			..Default::default()
		}],
		..op
	};
	pb::GraphProto {
		name: "convolutions".into(),
		node: vec![
			padded(node("Conv", &["image", "k1"], "c1")),
			padded(node("Conv", &["c1", "k2"], "c2")),
			node("ReduceSum", &["c2"], "total"),
		],
		initializer: vec![kernel("k1", 1), kernel("k2", channels)],
		input: vec![value_info("image", &[Some(1), Some(1), Some(side), Some(side)])],
		output: vec![value_info("total", &[])],
		..Default::default()
	}
}

/// [`linear_classifier`] with a `ConstantOfShape` of `shape` (f32 ones)
/// summed into its second output (`total`, one number): a graph whose few
/// bytes ask for as much memory as `shape` says.
pub fn constant_of_shape(shape: &[i64]) -> pb::GraphProto {
	let mut graph = linear_classifier();
	graph.initializer.push(int64s("shape", shape));
	let one = pb::AttributeProto {
		name: "value".into(),
		r#type: AttributeType::Tensor as i32,
		t: Some(floats("value", &[1], &[1.0])),
		..Default::default()
	};
	graph
		.node
		.push(pb::NodeProto { attribute: vec![one], ..node("ConstantOfShape", &["shape"], "big") });
	graph.node.push(node("ReduceSum", &["big"], "total"));
	graph.output.push(value_info("total", &[]));
	graph
}
