//! What other pallets may read of this one, through traits in primitives.

use veritas_primitives::{
	inference::{RequestInspect, RequestToCheck},
	model::{ModelId, ModelUsage},
	settlement::RequestId,
};

use crate::{Config, OpenRequests, Pallet, Requests};

impl<T: Config> ModelUsage for Pallet<T> {
	fn open_requests(model: ModelId) -> u32 {
		OpenRequests::<T>::get(model)
	}
}

impl<T: Config> RequestInspect for Pallet<T> {
	fn request_to_check(request: RequestId) -> Option<RequestToCheck> {
		let record = Requests::<T>::get(request)?;
		let result = record.result?;
		Some(RequestToCheck {
			model: record.model,
			input: record.input,
			params: record.params,
			task: record.task,
			output: result.output.into_inner(),
			reported: result.reported,
		})
	}
}
