//! What a version's description must be, before anything is stored.

use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::traits::Zero;
use veritas_primitives::model::{
	Architecture, FileRef, ModelFormat, ModelLineId, ModelRecord, ModelStatus, ModelVersion,
};

use crate::{Config, Error, ModelRecordOf, ModelSpecOf, Pallet};

impl<T: Config> Pallet<T> {
	/// Checks everything about a version's description that does not depend
	/// on the chain's state.
	pub(crate) fn validate_spec(spec: &ModelSpecOf<T>) -> DispatchResult {
		for file in spec.files.iter() {
			Self::validate_file(file)?;
		}
		let format_fits = matches!(
			(&spec.architecture, spec.format),
			(Architecture::Llama, ModelFormat::Gguf)
				| (Architecture::Bert, ModelFormat::Safetensors)
				| (Architecture::Mlp, ModelFormat::Safetensors)
				| (Architecture::OnnxGraph { .. }, ModelFormat::Onnx)
		);
		ensure!(format_fits, Error::<T>::FormatDoesNotFitArchitecture);
		ensure!(spec.task.accepts(&spec.architecture), Error::<T>::TaskDoesNotFitArchitecture);
		ensure!(spec.task.is_well_formed(), Error::<T>::MalformedTask);
		ensure!(spec.architecture.fits_inputs(&spec.task), Error::<T>::InputShapeDoesNotFitTask);
		// BERT reads text through a tokenizer file; an MLP or an ONNX graph
		// reads numbers and has none. A GGUF file may embed its vocabulary,
		// so Llama may go either way.
		let tokenizer_fits = match spec.architecture {
			Architecture::Bert => spec.files.tokenizer.is_some(),
			Architecture::Mlp | Architecture::OnnxGraph { .. } => spec.files.tokenizer.is_none(),
			Architecture::Llama => true,
		};
		ensure!(tokenizer_fits, Error::<T>::TokenizerDoesNotFitArchitecture);
		// An ONNX file is the whole model: a second file would be stored,
		// paid for and fetched by every node for nothing.
		let config_fits = !matches!(spec.architecture, Architecture::OnnxGraph { .. })
			|| spec.files.config.is_none();
		ensure!(config_fits, Error::<T>::ConfigDoesNotFitArchitecture);
		ensure!(
			spec.task.is_generation() || spec.pricing.per_output_token.is_zero(),
			Error::<T>::TokenPriceWithoutGeneration
		);
		spec.policy.validate(&spec.task, &T::PolicyBounds::get()).map_err(Error::<T>::from)?;
		Ok(())
	}

	fn validate_file(file: &FileRef) -> DispatchResult {
		ensure!(!file.cid.is_empty(), Error::<T>::EmptyCid);
		ensure!(file.cid.iter().all(|byte| byte.is_ascii_graphic()), Error::<T>::MalformedCid);
		ensure!(file.size > 0, Error::<T>::EmptyFile);
		Ok(())
	}

	/// A new `Active` record with its deposit computed.
	pub(crate) fn new_record(
		line: ModelLineId,
		version: ModelVersion,
		owner: &T::AccountId,
		spec: ModelSpecOf<T>,
	) -> ModelRecordOf<T> {
		let mut record = ModelRecord {
			line,
			version,
			owner: owner.clone(),
			files: spec.files,
			format: spec.format,
			architecture: spec.architecture,
			task: spec.task,
			pricing: spec.pricing,
			policy: spec.policy,
			status: ModelStatus::Active,
			deposit: Zero::zero(),
			published_at: frame_system::Pallet::<T>::block_number(),
		};
		record.deposit = Self::deposit_for(&record);
		record
	}
}
