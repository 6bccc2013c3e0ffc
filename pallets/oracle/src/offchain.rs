//! The data node's off-chain worker: fetch each feed's source and report.
//!
//! It runs only on nodes started with `--data-node` (which sets
//! [`ENABLED_KEY`] in the node's persistent off-chain storage), and only for
//! the `vrdn` keys in the node's keystore whose accounts are active data
//! nodes. Each block, for every feed one of those keys serves whose open
//! round still lacks its report, it:
//! 1. fetches the feed's `source_url` with an HTTP GET, at most
//!    [`MAX_ANSWER_BYTES`]; all the block's fetches run at once, under one
//!    deadline of [`FETCH_DEADLINE_MS`], so that slow sources cost the worker
//!    that long in all, not that long each;
//! 2. reads the number at the feed's JSON path, scaled to its decimals
//!    ([`crate::source`]);
//! 3. signs and submits [`Call::report`] for each of those keys.
//!
//! A bad answer (an HTTP error, a timeout, something that is not JSON, a
//! missing path, a value that is not a number or does not fit) is logged
//! and nothing is reported; the worker tries again on the next block. A
//! per-round record in off-chain storage keeps a key from reporting twice.

use alloc::{collections::btree_set::BTreeSet, string::String, vec::Vec};
use codec::Encode;
use frame_support::BoundedVec;
use frame_system::{
	offchain::{Account, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::offchain::{http, storage::StorageValueRef, Duration};
use veritas_primitives::{
	offchain::WorkRecord,
	oracle::{FeedId, FeedValue},
};

use crate::{address, source, Call, Config, DataNodes, FeedOf, Feeds, Rounds, ServedFeeds};

const LOG_TARGET: &str = "runtime::oracle::data-node";

/// The persistent off-chain storage key the node sets to `true` when it
/// runs with `--data-node`.
pub const ENABLED_KEY: &[u8] = veritas_primitives::oracle::DATA_NODE_ENABLED_KEY;

/// How long a block's fetches may take, all together, answers included.
pub const FETCH_DEADLINE_MS: u64 = 5_000;

/// The largest answer read.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Blocks after which a report that has not landed is sent again.
pub const RESUBMIT_AFTER: u32 = 5;

/// Why a fetch gave no value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FetchError {
	/// The URL is not UTF-8 (the chain checks it is; this is defensive).
	BadUrl,
	/// The request could not be sent or the connection failed.
	Io,
	/// No answer within the deadline.
	Timeout,
	/// The server answered with a status other than 200.
	Status(u16),
	/// The answer is larger than [`MAX_ANSWER_BYTES`].
	TooLarge,
	/// The answer holds no usable number.
	Source(source::SourceError),
	/// The source's host is a private, loopback or link-local address, and
	/// the node was not started with `--data-node-allow-private`.
	PrivateAddress,
}

impl FetchError {
	pub fn describe(&self) -> String {
		match self {
			FetchError::BadUrl => "the source URL is not UTF-8".into(),
			FetchError::Io => "the request failed".into(),
			FetchError::Timeout => alloc::format!("no answer within {FETCH_DEADLINE_MS} ms"),
			FetchError::Status(code) => alloc::format!("the source answered HTTP {code}"),
			FetchError::TooLarge => alloc::format!("the answer is over {MAX_ANSWER_BYTES} bytes"),
			FetchError::Source(error) => error.describe().into(),
			FetchError::PrivateAddress => "the source is on a private, loopback or link-local \
			                               address; start the node with \
			                               --data-node-allow-private to fetch it"
				.into(),
		}
	}
}

/// Whether this node was started as a data node.
pub fn is_enabled() -> bool {
	flag(ENABLED_KEY)
}

/// Whether this node may fetch sources on private addresses.
pub fn allows_private_sources() -> bool {
	flag(veritas_primitives::oracle::DATA_NODE_ALLOW_PRIVATE_KEY)
}

fn flag(key: &[u8]) -> bool {
	StorageValueRef::persistent(key).get::<bool>().ok().flatten().unwrap_or(false)
}

/// The feeds one data node serves.
type ServedBy<T> = BoundedVec<FeedId, <T as Config>::MaxFeeds>;

/// Runs the data node's work for block `now`.
pub fn run_data_node<T: Config>(now: BlockNumberFor<T>) {
	if !is_enabled() {
		return;
	}
	let accounts: Vec<Account<T>> = Signer::<T, T::DataNodeAuthority>::keystore_accounts()
		.filter(|account| {
			DataNodes::<T>::get(&account.id).is_some_and(|node| node.status.is_active())
		})
		.collect();
	if accounts.is_empty() {
		return;
	}
	// Each key's feeds, read once for the whole run.
	let served_by: Vec<(&Account<T>, ServedBy<T>)> =
		accounts.iter().map(|account| (account, ServedFeeds::<T>::get(&account.id))).collect();
	let served: BTreeSet<FeedId> = served_by.iter().flat_map(|(_, feeds)| feeds.clone()).collect();
	let mut jobs = Vec::new();
	for feed in served {
		let (Some(record), Some(round)) = (Feeds::<T>::get(feed), Rounds::<T>::get(feed)) else {
			continue;
		};
		let due: Vec<(&Account<T>, WorkRecord)> = served_by
			.iter()
			.filter(|(_, feeds)| feeds.contains(&feed))
			.map(|(account, _)| *account)
			.filter(|account| !round.reports.iter().any(|report| report.reporter == account.id))
			.map(|account| (account, work_record::<T>(account, feed, round.id)))
			.filter(|(_, work)| !work.is_handled(now, RESUBMIT_AFTER.into()))
			.collect();
		if !due.is_empty() {
			jobs.push((feed, record, round.id, due));
		}
	}
	let values = fetch_values::<T>(jobs.iter().map(|(_, record, _, _)| record));
	for ((feed, _, round, due), value) in jobs.into_iter().zip(values) {
		match value {
			Ok(value) => {
				for (account, work) in due {
					report::<T>(account, work, feed, round, value, now);
				}
			},
			Err(error) => log::error!(
				target: LOG_TARGET,
				"feed {feed} round {round}: no report: {}",
				error.describe()
			),
		}
	}
}

fn work_record<T: Config>(account: &Account<T>, feed: FeedId, round: u32) -> WorkRecord {
	WorkRecord::new(&(b"data-node", &account.id, feed).encode(), &u64::from(round))
}

fn report<T: Config>(
	account: &Account<T>,
	work: WorkRecord,
	feed: FeedId,
	round: u32,
	value: FeedValue,
	now: BlockNumberFor<T>,
) {
	let call = Call::<T>::report { feed, round, value };
	let what = alloc::format!("feed {feed} round {round}: report of {value}");
	work.send_once(now, RESUBMIT_AFTER.into(), (LOG_TARGET, &what), || {
		let sent = Signer::<T, T::DataNodeAuthority>::all_accounts()
			.with_filter(alloc::vec![account.public.clone()])
			.send_signed_transaction(|_| call.clone());
		matches!(sent.first(), Some((_, Ok(()))))
	});
}

/// Fetches `feed`'s source and reads its value.
pub fn fetch_value<T: Config>(feed: &FeedOf<T>) -> Result<FeedValue, FetchError> {
	fetch_values::<T>(core::iter::once(feed)).pop().unwrap_or(Err(FetchError::Io))
}

/// Fetches every feed's source at once, under one deadline, and reads each
/// value: one answer per feed, in order.
pub fn fetch_values<'a, T: Config + 'a>(
	feeds: impl Iterator<Item = &'a FeedOf<T>>,
) -> Vec<Result<FeedValue, FetchError>> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(FETCH_DEADLINE_MS));
	let feeds: Vec<&FeedOf<T>> = feeds.collect();
	let mut pending = Vec::new();
	let started: Vec<Result<(), FetchError>> = feeds
		.iter()
		.map(|feed| start::<T>(feed, deadline).map(|request| pending.push(request)))
		.collect();
	let mut answers = http::PendingRequest::try_wait_all(pending, deadline).into_iter();
	feeds
		.into_iter()
		.zip(started)
		.map(|(feed, started)| {
			started?;
			let answer = match answers.next() {
				Some(Ok(Ok(response))) => read(response, deadline)?,
				Some(Err(_)) | Some(Ok(Err(http::Error::DeadlineReached))) => {
					return Err(FetchError::Timeout)
				},
				Some(Ok(Err(_))) | None => return Err(FetchError::Io),
			};
			let path = source::parse_path(&feed.json_path).map_err(FetchError::Source)?;
			source::read_value(&answer, &path, feed.decimals).map_err(FetchError::Source)
		})
		.collect()
}

/// Sends the GET for `feed`'s source, if its address may be fetched.
fn start<T: Config>(
	feed: &FeedOf<T>,
	deadline: sp_runtime::offchain::Timestamp,
) -> Result<http::PendingRequest, FetchError> {
	let url = core::str::from_utf8(&feed.source_url).map_err(|_| FetchError::BadUrl)?;
	let host = address::host(url).ok_or(FetchError::BadUrl)?;
	if address::is_private(host) && !allows_private_sources() {
		return Err(FetchError::PrivateAddress);
	}
	http::Request::get(url)
		.add_header("Accept", "application/json")
		.deadline(deadline)
		.send()
		.map_err(|_| FetchError::Io)
}

/// Reads an answer's body, within the deadline and size limit.
fn read(
	response: http::Response,
	deadline: sp_runtime::offchain::Timestamp,
) -> Result<Vec<u8>, FetchError> {
	if response.code != 200 {
		return Err(FetchError::Status(response.code));
	}
	let mut body = response.body();
	body.deadline(deadline);
	let mut answer = Vec::new();
	for byte in body.by_ref() {
		if answer.len() == MAX_ANSWER_BYTES {
			return Err(FetchError::TooLarge);
		}
		answer.push(byte);
	}
	match body.error() {
		None => Ok(answer),
		Some(sp_core::offchain::HttpError::DeadlineReached) => Err(FetchError::Timeout),
		Some(_) => Err(FetchError::Io),
	}
}
