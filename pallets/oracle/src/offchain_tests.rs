//! The data node's off-chain worker against a scripted HTTP side, in-memory
//! off-chain storage and a test transaction pool.
//!
//! `TestOffchainExt`'s expected requests check what the worker asks for, and
//! answer with bodies; it answers every request with status 200, though, so
//! HTTP errors and timeouts could not be shown with it: [`ScriptedHttp`]
//! plays the network for those. `TestOffchainExt` keeps the off-chain
//! storage in both.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
};

use codec::Encode;
use frame_support::traits::Hooks;
use sp_core::offchain::{
	testing::{PendingRequest, TestOffchainExt, TestTransactionPoolExt},
	Externalities, HttpError, HttpRequestId, HttpRequestStatus, OffchainDbExt, OffchainWorkerExt,
	OpaqueNetworkState, StorageKind, Timestamp, TransactionPoolExt,
};
use sp_core::OpaquePeerId;
use sp_runtime::testing::UintAuthorityId;
use veritas_primitives::offchain::testing::pooled_calls;
use veritas_primitives::oracle::FeedValue;

use crate::{mock::*, offchain, Call};

/// How the scripted network answers a URL.
#[derive(Clone)]
enum Answer {
	/// This status and body.
	Http(u16, Vec<u8>),
	/// No answer before the deadline.
	Timeout,
	/// The connection fails.
	ConnectionFails,
	/// Headers arrive, then the body stalls past the deadline.
	BodyStalls,
}

/// A request as sent: method, URL and headers.
type SentRequest = (String, String, Vec<(String, String)>);

#[derive(Default)]
struct Network {
	answers: BTreeMap<String, Answer>,
	requests: Vec<SentRequest>,
	/// Per open request: its URL and how much of its body was read.
	open: BTreeMap<u16, (String, usize)>,
	/// How many requests each wait waited for, together.
	waits: Vec<usize>,
}

#[derive(Clone, Default)]
struct ScriptedHttp(Arc<Mutex<Network>>);

impl ScriptedHttp {
	fn answer(&self, url: &str, answer: Answer) {
		self.0.lock().expect("not poisoned").answers.insert(url.into(), answer);
	}

	fn requests(&self) -> Vec<SentRequest> {
		self.0.lock().expect("not poisoned").requests.clone()
	}

	fn waits(&self) -> Vec<usize> {
		self.0.lock().expect("not poisoned").waits.clone()
	}

	fn answer_of(&self, id: HttpRequestId) -> Answer {
		let network = self.0.lock().expect("not poisoned");
		let (url, _) = network.open.get(&id.0).expect("an open request");
		network.answers.get(url).cloned().unwrap_or(Answer::Http(404, b"not found".to_vec()))
	}
}

impl Externalities for ScriptedHttp {
	fn is_validator(&self) -> bool {
		true
	}

	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		Err(())
	}

	fn timestamp(&mut self) -> Timestamp {
		Timestamp::from_unix_millis(1_000)
	}

	fn sleep_until(&mut self, _: Timestamp) {}

	fn random_seed(&mut self) -> [u8; 32] {
		[0; 32]
	}

	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		_: &[u8],
	) -> Result<HttpRequestId, ()> {
		let mut network = self.0.lock().expect("not poisoned");
		let id = network.requests.len() as u16;
		network.requests.push((method.into(), uri.into(), Vec::new()));
		network.open.insert(id, (uri.into(), 0));
		Ok(HttpRequestId(id))
	}

	fn http_request_add_header(
		&mut self,
		id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		let mut network = self.0.lock().expect("not poisoned");
		network.requests[id.0 as usize].2.push((name.into(), value.into()));
		Ok(())
	}

	fn http_request_write_body(
		&mut self,
		_: HttpRequestId,
		_: &[u8],
		_: Option<Timestamp>,
	) -> Result<(), HttpError> {
		Ok(())
	}

	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		_: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		self.0.lock().expect("not poisoned").waits.push(ids.len());
		ids.iter()
			.map(|id| match self.answer_of(*id) {
				Answer::Http(status, _) => HttpRequestStatus::Finished(status),
				Answer::BodyStalls => HttpRequestStatus::Finished(200),
				Answer::Timeout => HttpRequestStatus::DeadlineReached,
				Answer::ConnectionFails => HttpRequestStatus::IoError,
			})
			.collect()
	}

	fn http_response_headers(&mut self, _: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		Vec::new()
	}

	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		_: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		let body = match self.answer_of(id) {
			Answer::Http(_, body) => body,
			Answer::BodyStalls => return Err(HttpError::DeadlineReached),
			_ => return Err(HttpError::IoError),
		};
		let mut network = self.0.lock().expect("not poisoned");
		let (_, read) = network.open.get_mut(&id.0).expect("an open request");
		let chunk = (body.len() - *read).min(buffer.len());
		buffer[..chunk].copy_from_slice(&body[*read..*read + chunk]);
		*read += chunk;
		Ok(chunk)
	}

	fn set_authorized_nodes(&mut self, _: Vec<OpaquePeerId>, _: bool) {}
}

/// Reads the pool's reports: (signer, call).
type Reports<'a> = &'a dyn Fn() -> Vec<(AccountId, Call<Test>)>;

/// Runs `test` with the data nodes registered, one feed of [`PRICE_URL`]
/// (2 decimals, path `$.data.price`, three reporters), `network` as the
/// off-chain worker's side of HTTP, and the node set up as a data node whose
/// keystore holds the keys of `NODES[0]` and `NODES[1]`. `test` gets a
/// reader of the pool's reports.
fn with_network(network: impl Externalities + 'static, test: impl FnOnce(Reports)) {
	let mut ext = new_test_ext();
	let (offchain_db, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainWorkerExt::new(network));
	ext.register_extension(OffchainDbExt::new(offchain_db));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::ENABLED_KEY,
			&true.encode(),
		);
		for (node, stake) in NODES.into_iter().zip(NODE_STAKES) {
			Oracle::register_data_node(RuntimeOrigin::signed(node), stake).expect("registers");
		}
		run_to(2);
		create_feed(3);
		UintAuthorityId::set_all_keys([NODES[0], NODES[1]]);
		let reports = || {
			pooled_calls(&pool_state.read())
				.into_iter()
				.map(|(signer, call)| match call {
					RuntimeCall::Oracle(call) => (signer, call),
					other => panic!("not a report: {other:?}"),
				})
				.collect()
		};
		test(&reports);
	});
}

/// [`with_network`] with the scripted network, which `test` also gets.
fn with_worker(test: impl FnOnce(&ScriptedHttp, Reports)) {
	let network = ScriptedHttp::default();
	with_network(network.clone(), |reports| test(&network, reports));
}

/// [`with_network`] with `TestOffchainExt` expecting exactly one GET of
/// [`PRICE_URL`], answered with `body`.
fn with_expected_fetch(body: &str, test: impl FnOnce(Reports)) {
	let (network, state) = TestOffchainExt::new();
	state.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: PRICE_URL.into(),
		headers: vec![("Accept".into(), "application/json".into())],
		sent: true,
		response: Some(body.as_bytes().to_vec()),
		..Default::default()
	});
	with_network(network, test);
}

#[test]
fn the_worker_makes_the_request_test_offchain_ext_expects() {
	with_expected_fetch(r#"{"data": {"price": 12.3456}}"#, |reports| {
		run_worker();
		assert_eq!(reports(), vec![report_of(NODES[0], 1_235), report_of(NODES[1], 1_235)]);
	});
}

#[test]
fn bad_bodies_fetched_through_test_offchain_ext_are_not_reported() {
	for body in [
		"<html>rate limited</html>",
		r#"{"data": {"cost": 1}}"#,
		r#"{"data": {"price": "n/a"}}"#,
		r#"{"data": {"price": 1e40}}"#,
	] {
		with_expected_fetch(body, |reports| {
			run_worker();
			assert!(reports().is_empty(), "{body}: reported anyway");
		});
	}
}

fn run_worker() {
	Oracle::offchain_worker(System::block_number());
}

fn price_answer(price: &str) -> Answer {
	Answer::Http(200, format!(r#"{{"data": {{"price": {price}}}, "source": "test"}}"#).into_bytes())
}

fn report_of(node: AccountId, value: FeedValue) -> (AccountId, Call<Test>) {
	(node, Call::report { feed: 0, round: 0, value })
}

#[test]
fn each_key_reports_the_scaled_value_once() {
	with_worker(|network, reports| {
		network.answer(PRICE_URL, price_answer("\"64123.456\""));
		run_worker();
		assert_eq!(reports(), vec![report_of(NODES[0], 6_412_346), report_of(NODES[1], 6_412_346)]);
		let requests = network.requests();
		assert_eq!(requests.len(), 1, "one fetch serves every key");
		assert_eq!((requests[0].0.as_str(), requests[0].1.as_str()), ("GET", PRICE_URL));
		assert!(requests[0].2.contains(&("Accept".into(), "application/json".into())));

		// Overlapping workers of the same block send nothing more.
		run_worker();
		assert_eq!(reports().len(), 2);
		assert_eq!(network.requests().len(), 1);
	});
}

#[test]
fn keys_that_reported_on_chain_are_left_alone() {
	with_worker(|network, reports| {
		network.answer(PRICE_URL, price_answer("1.5"));
		Oracle::report(RuntimeOrigin::signed(NODES[0]), 0, 0, 150).expect("lands");
		run_worker();
		assert_eq!(reports(), vec![report_of(NODES[1], 150)]);
		Oracle::report(RuntimeOrigin::signed(NODES[1]), 0, 0, 150).expect("lands");
		System::set_block_number(System::block_number() + offchain::RESUBMIT_AFTER as u64 + 1);
		run_worker();
		assert_eq!(network.requests().len(), 1, "nothing left to fetch for");
	});
}

#[test]
fn a_report_that_did_not_land_is_sent_again_later() {
	with_worker(|network, reports| {
		network.answer(PRICE_URL, price_answer("2"));
		run_worker();
		assert_eq!(reports().len(), 2);
		System::set_block_number(System::block_number() + 1);
		run_worker();
		assert_eq!(reports().len(), 2);
		System::set_block_number(System::block_number() + offchain::RESUBMIT_AFTER as u64);
		run_worker();
		assert_eq!(reports().len(), 4);
	});
}

#[test]
fn bad_answers_are_logged_and_not_reported() {
	let big = format!(r#"{{"data": {{"price": 1, "pad": "{}"}}}}"#, "x".repeat(70_000));
	let cases = [
		("server error", Answer::Http(500, b"{\"data\": {\"price\": 1}}".to_vec())),
		("not found", Answer::Http(404, b"not found".to_vec())),
		("timeout", Answer::Timeout),
		("connection", Answer::ConnectionFails),
		("stalled body", Answer::BodyStalls),
		("too large", Answer::Http(200, big.into_bytes())),
		("not JSON", Answer::Http(200, b"<html>rate limited</html>".to_vec())),
		("truncated JSON", Answer::Http(200, b"{\"data\": {\"price\": 1".to_vec())),
		("missing path", Answer::Http(200, b"{\"data\": {\"cost\": 1}}".to_vec())),
		("not numeric", price_answer("\"n/a\"")),
		("null", price_answer("null")),
		("overflow", price_answer("1e40")),
	];
	for (case, answer) in cases {
		with_worker(|network, reports| {
			network.answer(PRICE_URL, answer);
			run_worker();
			assert_eq!(network.requests().len(), 1, "{case}: fetched");
			assert!(reports().is_empty(), "{case}: reported anyway");
			// It tries again on the next block.
			System::set_block_number(System::block_number() + 1);
			run_worker();
			assert_eq!(network.requests().len(), 2, "{case}: not tried again");
		});
	}
}

#[test]
fn the_fetch_errors_say_what_went_wrong() {
	with_worker(|network, _| {
		let feed = crate::Feeds::<Test>::get(0).expect("a feed");
		for (answer, expected) in [
			(Answer::Http(503, Vec::new()), offchain::FetchError::Status(503)),
			(Answer::Timeout, offchain::FetchError::Timeout),
			(Answer::ConnectionFails, offchain::FetchError::Io),
			(Answer::BodyStalls, offchain::FetchError::Timeout),
			(
				Answer::Http(200, b"[]".to_vec()),
				offchain::FetchError::Source(crate::source::SourceError::MissingPath),
			),
		] {
			network.answer(PRICE_URL, answer);
			assert_eq!(offchain::fetch_value::<Test>(&feed), Err(expected.clone()));
			assert!(!expected.describe().is_empty());
		}
	});
}

#[test]
fn a_node_not_started_as_a_data_node_does_nothing() {
	with_worker(|network, reports| {
		network.answer(PRICE_URL, price_answer("1"));
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::ENABLED_KEY,
			&false.encode(),
		);
		run_worker();
		assert!(network.requests().is_empty());
		assert!(reports().is_empty());
	});
}

#[test]
fn keys_of_accounts_that_are_not_active_data_nodes_do_nothing() {
	with_worker(|network, reports| {
		network.answer(PRICE_URL, price_answer("1"));
		UintAuthorityId::set_all_keys([SPARE]);
		run_worker();
		Oracle::unregister_data_node(RuntimeOrigin::signed(NODES[0])).expect("unbonds");
		UintAuthorityId::set_all_keys([NODES[0]]);
		run_worker();
		assert!(network.requests().is_empty());
		assert!(reports().is_empty());
	});
}

/// Anyone can create a feed; its URL must not make data nodes read their own
/// network (here, a cloud metadata service) and publish what they find.
#[test]
fn private_addresses_are_fetched_only_when_the_operator_allows_them() {
	const METADATA: &str = "http://169.254.169.254/latest/meta-data/price";
	with_worker(|network, reports| {
		network.answer(METADATA, price_answer("7"));
		let feed = crate::NextFeedId::<Test>::get();
		Oracle::create_feed(
			RuntimeOrigin::signed(CREATOR),
			name("metadata"),
			url(METADATA),
			path("$.data.price"),
			2,
			HEARTBEAT,
			1,
		)
		.expect("anyone may create a feed");
		run_worker();
		assert!(
			!network.requests().iter().any(|(_, url, _)| url.contains("169.254")),
			"fetched a private address: {:?}",
			network.requests()
		);
		assert!(!reports().iter().any(|(_, call)| matches!(
			call,
			crate::Call::report { feed: reported, .. } if *reported == feed
		)));
		assert_eq!(
			offchain::fetch_value::<Test>(&crate::Feeds::<Test>::get(feed).expect("created")),
			Err(offchain::FetchError::PrivateAddress)
		);

		// The operator allows it (a source on the same machine).
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			veritas_primitives::oracle::DATA_NODE_ALLOW_PRIVATE_KEY,
			&true.encode(),
		);
		assert_eq!(
			offchain::fetch_value::<Test>(&crate::Feeds::<Test>::get(feed).expect("created")),
			Ok(700)
		);
	});
}

/// The attack: 64 slow sources, fetched one after another, each within its
/// own 5 s, stalled the worker for minutes. The block's fetches now start
/// together and are waited for together, under one deadline; a source that
/// never answers costs the others nothing.
#[test]
fn every_feed_is_fetched_at_once_under_one_deadline() {
	with_worker(|network, reports| {
		let slow = "https://slow.example/rate";
		let other = "https://other.example/rate";
		for (source, answer) in [
			(slow, Answer::Timeout),
			(other, Answer::Http(200, br#"{"data": {"price": 2}}"#.to_vec())),
		] {
			network.answer(source, answer);
			join(NODES[0], unserved_feed(CREATOR, source, 3));
		}
		network.answer(PRICE_URL, price_answer("12.3456"));
		run_worker();
		assert_eq!(network.requests().len(), 3);
		assert_eq!(network.waits(), vec![3], "one wait, for every request at once");
		let fed: Vec<u32> = reports()
			.into_iter()
			.filter(|(node, _)| *node == NODES[0])
			.map(|(_, call)| match call {
				Call::report { feed, .. } => feed,
				other => panic!("not a report: {other:?}"),
			})
			.collect();
		assert_eq!(fed, vec![0, 2], "the slow source held back nothing but itself");
	});
}

/// A data node's worker fetches the feeds its keys serve, and no other.
#[test]
fn only_the_feeds_a_node_serves_are_fetched() {
	with_worker(|network, reports| {
		let unserved = "https://unserved.example/rate";
		unserved_feed(CREATOR, unserved, 3);
		network.answer(PRICE_URL, price_answer("12.3456"));
		network.answer(unserved, price_answer("1"));
		run_worker();
		assert!(network.requests().iter().all(|(_, uri, _)| uri == PRICE_URL));
		assert_eq!(reports(), vec![report_of(NODES[0], 1_235), report_of(NODES[1], 1_235)]);
	});
}
