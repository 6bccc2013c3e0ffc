//! What other pallets may read of this one, through traits in primitives.

use veritas_primitives::{
	inference::{RequestInspect, RequestPage, RequestToCheck},
	model::{ModelId, ModelUsage},
	settlement::RequestId,
};

use crate::{
	Config, NextRequestId, OpenRequests, Pallet, RequestStatus, Requests, MAX_REQUESTS_PER_PAGE,
	MAX_REQUESTS_SCANNED,
};

impl<T: Config> ModelUsage for Pallet<T> {
	fn open_requests(model: ModelId) -> u32 {
		OpenRequests::<T>::get(model)
	}
}

impl<T: Config> RequestInspect for Pallet<T> {
	fn request_to_check(request: RequestId) -> Option<RequestToCheck> {
		let record = Requests::<T>::get(request)?;
		let result = record.result?;
		let output = result.delivered();
		Some(RequestToCheck {
			model: record.model,
			input: record.input,
			params: record.params,
			task: record.task,
			output,
			reported: result.reported,
		})
	}
}

impl<T: Config> Pallet<T> {
	/// Requests in `status` with ids from `start` on, at most `limit` (capped
	/// at [`MAX_REQUESTS_PER_PAGE`]), looking at no more than
	/// [`MAX_REQUESTS_SCANNED`] ids; `next` says where to continue.
	pub fn requests_by_status(status: RequestStatus, start: RequestId, limit: u32) -> RequestPage {
		let limit = limit.min(MAX_REQUESTS_PER_PAGE) as usize;
		let end = NextRequestId::<T>::get().min(start.saturating_add(MAX_REQUESTS_SCANNED));
		let mut page = RequestPage::default();
		for id in start..end {
			if page.requests.len() == limit {
				page.next = Some(id);
				return page;
			}
			if Requests::<T>::get(id).is_some_and(|request| request.status == status) {
				page.requests.push(id);
			}
		}
		page.next = (end < NextRequestId::<T>::get()).then_some(end);
		page
	}
}
