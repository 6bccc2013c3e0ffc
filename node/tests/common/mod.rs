//! Shared helpers for the tests that start real `veritas-node` processes and
//! talk to them over JSON-RPC, as a user's tools would.
//!
//! Every node gets free loopback ports and its own base path under a
//! temporary directory, and is stopped (SIGTERM, then SIGKILL after a grace
//! period) when its handle drops, so that a failing assertion never leaves a
//! node running.

#![allow(dead_code)]

use std::{
	fs::File,
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};

pub mod lying_proxy;
pub mod veritas_cli;

use codec::{Decode, Encode};
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	http_client::{HttpClient, HttpClientBuilder},
};
use serde_json::Value;
use sp_core::H256;
use veritas_primitives::{AccountId, Balance, Nonce};

/// The binary cargo built for these tests.
pub const NODE_BINARY: &str = env!("CARGO_BIN_EXE_veritas-node");

/// A port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|listener| listener.local_addr())
		.map(|addr| addr.port())
		.expect("the OS hands out a free loopback port")
}

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
	pub fn new(label: &str) -> Self {
		let nanos = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|d| d.subsec_nanos())
			.unwrap_or_default();
		let path = std::env::temp_dir()
			.join(format!("veritas-test-{label}-{}-{nanos}", std::process::id()));
		std::fs::create_dir_all(&path).expect("temp dir can be created");
		Self(path)
	}

	pub fn path(&self) -> &Path {
		&self.0
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

/// The ports one node listens on.
#[derive(Clone, Copy, Debug)]
pub struct Ports {
	pub p2p: u16,
	pub rpc: u16,
	pub prometheus: u16,
}

impl Ports {
	pub fn free() -> Self {
		Self { p2p: free_port(), rpc: free_port(), prometheus: free_port() }
	}
}

/// A running `veritas-node`. Dropping it stops the process.
pub struct Node {
	pub name: String,
	pub ports: Ports,
	child: Option<Child>,
	log: PathBuf,
	rpc: HttpClient,
}

impl Node {
	/// What the node's Prometheus endpoint serves (`/metrics`, in text).
	pub async fn metrics(&self) -> String {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.ports.prometheus))
			.await
			.expect("the Prometheus port accepts connections");
		let request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
		stream.write_all(request.as_bytes()).await.expect("request is sent");
		let mut response = String::new();
		stream.read_to_string(&mut response).await.expect("response is read");
		response
	}

	/// Starts `veritas-node` with `args`, on free loopback ports, logging to
	/// `log_dir/<name>.log`.
	pub fn start(name: &str, args: &[&str], log_dir: &Path) -> Self {
		Self::start_on(name, Ports::free(), args, log_dir)
	}

	/// Starts `veritas-node` with `args` on the given ports.
	pub fn start_on(name: &str, ports: Ports, args: &[&str], log_dir: &Path) -> Self {
		let log = log_dir.join(format!("{name}.log"));
		let log_file =
			File::options().create(true).append(true).open(&log).expect("log file can be created");
		let child = Command::new(NODE_BINARY)
			.args(args)
			.args([
				"--listen-addr",
				&format!("/ip4/127.0.0.1/tcp/{}", ports.p2p),
				"--rpc-port",
				&ports.rpc.to_string(),
				"--prometheus-port",
				&ports.prometheus.to_string(),
				"--no-mdns",
				"--no-telemetry",
				// Every node of every test loads the runtime's compiled
				// code from one cache instead of compiling it again.
				"--runtime-cache-dir",
				concat!(env!("CARGO_TARGET_TMPDIR"), "/runtime-cache"),
			])
			.stdin(Stdio::null())
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.expect("veritas-node starts");
		let rpc = HttpClientBuilder::default()
			.request_timeout(Duration::from_secs(20))
			.build(format!("http://127.0.0.1:{}", ports.rpc))
			.expect("the RPC URL is valid");
		Self { name: name.into(), ports, child: Some(child), log, rpc }
	}

	/// Calls an RPC method and returns its JSON result.
	pub async fn call(&self, method: &str, params: ArrayParams) -> Result<Value, String> {
		self.rpc.request::<Value, _>(method, params).await.map_err(|e| e.to_string())
	}

	/// Like [`Node::call`], but retries until the RPC server answers (it
	/// starts a few seconds after the process).
	pub async fn call_when_up(&self, method: &str, params: ArrayParams) -> Value {
		let deadline = Instant::now() + Duration::from_secs(90);
		loop {
			match self.call(method, params.clone()).await {
				Ok(value) => return value,
				Err(_) if Instant::now() < deadline => {
					self.assert_running();
					tokio::time::sleep(Duration::from_millis(500)).await;
				},
				Err(e) => {
					panic!("{}: {method} never answered: {e}\n{}", self.name, self.log_tail())
				},
			}
		}
	}

	/// The best block's number.
	pub async fn best_number(&self) -> u32 {
		let header = self.call_when_up("chain_getHeader", ArrayParams::new()).await;
		hex_number(&header["number"])
	}

	/// The finalized head's hash and number.
	pub async fn finalized(&self) -> (H256, u32) {
		let hash = self.call_when_up("chain_getFinalizedHead", ArrayParams::new()).await;
		let header = self.call_when_up("chain_getHeader", crate::params![hash.clone()]).await;
		(parse_hash(&hash), hex_number(&header["number"]))
	}

	/// The hash of block `number` on this node's best chain.
	pub async fn block_hash(&self, number: u32) -> Option<H256> {
		let hash = self.call_when_up("chain_getBlockHash", crate::params![number]).await;
		(!hash.is_null()).then(|| parse_hash(&hash))
	}

	/// The value at a storage key of the best block, decoded.
	pub async fn storage<T: Decode>(&self, key: &[u8]) -> Option<T> {
		let value = self.call_when_up("state_getStorage", crate::params![to_hex(key)]).await;
		value
			.as_str()
			.map(|hex| T::decode(&mut &from_hex(hex)[..]).expect("the stored value decodes"))
	}

	/// The value at a storage key of block `at`, decoded.
	pub async fn storage_at<T: Decode>(&self, key: &[u8], at: H256) -> Option<T> {
		let value = self
			.call_when_up("state_getStorage", crate::params![to_hex(key), format!("{at:?}")])
			.await;
		value
			.as_str()
			.map(|hex| T::decode(&mut &from_hex(hex)[..]).expect("the stored value decodes"))
	}

	/// An account's free balance, read from `System::Account` storage.
	pub async fn free_balance(&self, who: &AccountId) -> Balance {
		let key = frame_system::Account::<veritas_runtime::Runtime>::hashed_key_for(who);
		self.storage::<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>>(
			&key,
		)
		.await
		.map_or(0, |info| info.data.free)
	}

	/// Signs `call` with `signer`'s dev key at its next nonce and submits it.
	pub async fn sign_and_submit(
		&self,
		call: veritas_runtime::RuntimeCall,
		signer: sp_keyring::Sr25519Keyring,
	) -> Result<Value, String> {
		let nonce = self
			.call_when_up(
				"system_accountNextIndex",
				crate::params![signer.to_account_id().to_string()],
			)
			.await
			.as_u64()
			.expect("a nonce is a number") as Nonce;
		let genesis = self.block_hash(0).await.expect("genesis exists");
		let transaction =
			veritas_runtime::signing::signed_transaction(call, &signer.pair(), nonce, genesis);
		self.submit(&transaction).await
	}

	/// Submits an encoded extrinsic through `author_submitExtrinsic`.
	pub async fn submit(&self, extrinsic: &impl Encode) -> Result<Value, String> {
		self.call("author_submitExtrinsic", crate::params![to_hex(&extrinsic.encode())]).await
	}

	/// Waits until `check` holds for this node, failing with the node's log
	/// after `timeout`.
	pub async fn wait_for<F, Fut>(&self, what: &str, timeout: Duration, mut check: F)
	where
		F: FnMut() -> Fut,
		Fut: std::future::Future<Output = bool>,
	{
		let deadline = Instant::now() + timeout;
		while !check().await {
			self.assert_running();
			assert!(
				Instant::now() < deadline,
				"{}: timed out after {timeout:?} waiting for {what}\n{}",
				self.name,
				self.log_tail()
			);
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	/// Fails the test if the process has exited.
	pub fn assert_running(&self) {
		if let Some(pid) = self.child.as_ref().map(|c| c.id()) {
			let alive = Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid);
			assert!(alive, "{} exited unexpectedly\n{}", self.name, self.log_tail());
		}
	}

	/// Stops the node with SIGTERM, as an operator would, and returns how it
	/// exited. SIGKILL follows if it has not stopped in 20 s.
	pub fn stop(&mut self) -> Option<ExitStatus> {
		let mut child = self.child.take()?;
		let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
		let deadline = Instant::now() + Duration::from_secs(20);
		while Instant::now() < deadline {
			if let Ok(Some(status)) = child.try_wait() {
				return Some(status);
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		let _ = child.kill();
		child.wait().ok()
	}

	/// The last lines of the node's log, for failure messages.
	/// The node's whole log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	pub fn log_tail(&self) -> String {
		let log = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = log.lines().collect();
		let start = lines.len().saturating_sub(40);
		format!("--- last lines of {} ---\n{}", self.log.display(), lines[start..].join("\n"))
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.stop();
	}
}

fn is_zombie(pid: u32) -> bool {
	std::fs::read_to_string(format!("/proc/{pid}/stat"))
		.map(|stat| stat.split_whitespace().nth(2) == Some("Z"))
		.unwrap_or(true)
}

/// `0x`-prefixed hex, as Substrate's RPC writes bytes.
pub fn to_hex(bytes: &[u8]) -> String {
	sp_core::bytes::to_hex(bytes, false)
}

pub fn from_hex(hex: &str) -> Vec<u8> {
	sp_core::bytes::from_hex(hex).expect("the node answers valid hex")
}

pub fn parse_hash(value: &Value) -> H256 {
	let bytes = from_hex(value.as_str().expect("a hash is a hex string"));
	H256::from_slice(&bytes)
}

/// Block numbers come back as hex strings ("0x1a").
pub fn hex_number(value: &Value) -> u32 {
	let text = value.as_str().expect("a block number is a hex string");
	u32::from_str_radix(text.trim_start_matches("0x"), 16).expect("valid hex number")
}

/// `ArrayParams` from a list of JSON-serializable values.
#[macro_export]
macro_rules! params {
	($($value:expr),* $(,)?) => {{
		#[allow(unused_mut)]
		let mut params = jsonrpsee::core::params::ArrayParams::new();
		$(params.insert($value).expect("serializes");)*
		params
	}};
}

/// A MiniLM-like embedding model: 1 VRT per request, Quorum(2, 3).
pub fn minilm_spec() -> pallet_models::ModelSpecOf<veritas_runtime::Runtime> {
	use veritas_primitives::model::*;
	let file = |cid: &str, seed: u8| FileRef {
		cid: Cid::truncate_from(cid.as_bytes().to_vec()),
		digest: [seed; 32],
		size: 1_000,
	};
	pallet_models::ModelSpec {
		files: ModelFiles {
			weights: file("bafkreiweights", 1),
			config: Some(file("bafkreiconfig", 2)),
			tokenizer: Some(file("bafkreitokenizer", 3)),
		},
		format: ModelFormat::Safetensors,
		architecture: Architecture::Bert,
		task: TaskKind::TextEmbedding { dim: 384 },
		pricing: Pricing { per_request: veritas_primitives::currency::VRT, per_output_token: 0 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 2, n: 3 },
			comparison: ComparisonRule::Cosine(Tolerance(1_000)),
			min_deadline: 5,
		},
	}
}

/// The call that registers [`minilm_spec`] as "all-MiniLM-L6-v2".
pub fn register_minilm() -> veritas_runtime::RuntimeCall {
	veritas_runtime::RuntimeCall::Models(pallet_models::Call::register_model {
		name: veritas_primitives::model::ModelName::truncate_from(b"all-MiniLM-L6-v2".to_vec()),
		spec: minilm_spec(),
	})
}

/// The accounts whose verifier keys `--dev` puts in the node's keystore.
pub const DEV_VERIFIERS: [sp_keyring::Sr25519Keyring; 4] = [
	sp_keyring::Sr25519Keyring::Charlie,
	sp_keyring::Sr25519Keyring::Dave,
	sp_keyring::Sr25519Keyring::Eve,
	sp_keyring::Sr25519Keyring::Ferdie,
];

/// The call that registers the loan-risk example model with these files:
/// six numbers in, two classes out, 0.1 VRT a request, checked by a
/// Quorum(2, 3) committee under `Exact`.
pub fn register_loan_risk(
	weights: veritas_primitives::model::FileRef,
	config: veritas_primitives::model::FileRef,
) -> veritas_runtime::RuntimeCall {
	use veritas_primitives::{currency::VRT, model::*};
	veritas_runtime::RuntimeCall::Models(pallet_models::Call::register_model {
		name: ModelName::truncate_from(b"loan-risk".to_vec()),
		spec: pallet_models::ModelSpec {
			files: ModelFiles { weights, config: Some(config), tokenizer: None },
			format: ModelFormat::Safetensors,
			architecture: Architecture::Mlp,
			task: TaskKind::TabularClassification { inputs: 6, classes: 2 },
			pricing: Pricing { per_request: VRT / 10, per_output_token: 0 },
			policy: ModelPolicy {
				verification: VerificationPolicy::Quorum { k: 2, n: 3 },
				comparison: ComparisonRule::Exact,
				min_deadline: 5,
			},
		},
	})
}

/// Registers model 0 with `register` (signed by `publisher`) and `executor`
/// as its executor with 1,000 VRT at stake, waiting for each to land.
pub async fn register_model_and_executor(
	node: &Node,
	register: veritas_runtime::RuntimeCall,
	publisher: sp_keyring::Sr25519Keyring,
	executor: sp_keyring::Sr25519Keyring,
	capacity: u32,
) {
	use veritas_runtime::Runtime;

	node.sign_and_submit(register, publisher).await.expect("model registration");
	let model_key = pallet_models::Models::<Runtime>::hashed_key_for(0);
	node.wait_for("the model to be registered", Duration::from_secs(30), || async {
		node.storage::<pallet_models::ModelRecordOf<Runtime>>(&model_key).await.is_some()
	})
	.await;
	let serve =
		veritas_runtime::RuntimeCall::Inference(pallet_inference::Call::register_executor {
			stake: 1_000 * veritas_primitives::currency::VRT,
			models: vec![0].try_into().expect("fits"),
			capacity,
		});
	node.sign_and_submit(serve, executor).await.expect("executor registration");
	let executor_key =
		pallet_inference::Executors::<Runtime>::hashed_key_for(executor.to_account_id());
	node.wait_for("the executor to be registered", Duration::from_secs(30), || async {
		node.storage::<pallet_inference::ExecutorOf<Runtime>>(&executor_key).await.is_some()
	})
	.await;
}

/// A file of the loan-risk example model (`node/engine/fixtures/loan-risk`).
pub fn fixture(name: &str) -> Vec<u8> {
	let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("engine/fixtures/loan-risk").join(name);
	std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Puts `bytes` in `store` and describes them as the chain records files.
pub fn file_ref(
	store: &dyn veritas_engine::ModelStore,
	bytes: &[u8],
) -> veritas_primitives::model::FileRef {
	use veritas_primitives::model::{Cid, FileRef};
	let stored = store.put(bytes).expect("the store takes the file");
	FileRef {
		cid: Cid::truncate_from(stored.cid.into_bytes()),
		digest: stored.digest,
		size: stored.size,
	}
}

/// A data source's answer: an applicant's debt-to-income ratio, quoted as
/// many APIs quote numbers, among other fields.
pub const APPLICANT_SOURCE: &str =
	r#"{"applicant": {"id": "a-17", "debt_to_income": "0.4125", "updated": "2026-11-26"}}"#;

/// Serves `answer` as JSON over HTTP on 127.0.0.1 (a free port) from a
/// thread that lives as long as the test; returns its URL and a count of the
/// requests served.
pub fn serve_json(
	answer: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
	serve_changing_json(std::sync::Arc::new(std::sync::Mutex::new(answer.to_string())))
}

/// As [`serve_json`], with an answer the test may change while it serves.
pub fn serve_changing_json(
	answer: std::sync::Arc<std::sync::Mutex<String>>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
	use std::{
		io::{Read, Write},
		sync::{atomic::Ordering, Arc},
	};
	let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let listener = TcpListener::bind("127.0.0.1:0").expect("binds a free port");
	let port = listener.local_addr().expect("has an address").port();
	let counter = served.clone();
	std::thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(mut stream) = stream else { continue };
			// Read the request head; a data node sends no body.
			let mut head = Vec::new();
			let mut byte = [0u8; 1];
			while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
				head.push(byte[0]);
			}
			counter.fetch_add(1, Ordering::SeqCst);
			let answer = answer.lock().map(|answer| answer.clone()).unwrap_or_default();
			let reply = format!(
				"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
				 connection: close\r\n\r\n{answer}",
				answer.len()
			);
			let _ = stream.write_all(reply.as_bytes());
		}
	});
	(format!("http://127.0.0.1:{port}/applicants/a-17"), served)
}
