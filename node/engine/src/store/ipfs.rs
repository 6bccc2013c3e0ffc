//! An IPFS daemon as the store, through the Kubo RPC API (`/api/v0/add`,
//! `/cat`, `/pin/add`): Kubo itself, or anything that speaks its API.
//!
//! The client is a small blocking HTTP client: store calls run on the
//! engine's worker threads, never on an async executor. (The usual Rust
//! client crate, ipfs-api-backend-hyper 0.6, no longer resolves on crates.io:
//! its multiaddr dependency needs a yanked core2.)

use std::time::Duration;

use cid::Cid;

use super::{ModelStore, StoreError, StoredFile};
use crate::digest::blake2_256;

/// How long a fetch may take to find its content: a CID nobody provides is
/// given up on after this, however small, so that an input nobody serves
/// costs an executor or a verifier seconds, not the store's whole timeout.
pub const RESOLVE_TIME: Duration = Duration::from_secs(15);

/// The slowest transfer a fetch is given time for, in bytes a second, on top
/// of [`RESOLVE_TIME`].
pub const MIN_BYTES_PER_SECOND: u64 = 1024 * 1024;

/// A store backed by an IPFS daemon's RPC API.
pub struct IpfsStore {
	api: String,
	agent: ureq::Agent,
	timeout: Duration,
}

impl IpfsStore {
	/// A store talking to the RPC API at `api` (for example
	/// `http://127.0.0.1:5001`). Each request may take up to `timeout`; a
	/// fetch of at most `max_size` bytes up to [`IpfsStore::time_to_fetch`].
	pub fn new(api: &str, timeout: Duration) -> Self {
		let agent = ureq::Agent::config_builder()
			.timeout_global(Some(timeout))
			.http_status_as_error(false)
			.build()
			.new_agent();
		Self { api: api.trim_end_matches('/').to_string(), agent, timeout }
	}

	/// How long a fetch of at most `max_size` bytes may take:
	/// [`RESOLVE_TIME`], and the transfer at [`MIN_BYTES_PER_SECOND`], within
	/// the store's timeout. A small stored input gets seconds; a model file
	/// gets the whole timeout.
	pub fn time_to_fetch(&self, max_size: u64) -> Duration {
		let transfer = Duration::from_secs(max_size / MIN_BYTES_PER_SECOND);
		RESOLVE_TIME.saturating_add(transfer).min(self.timeout)
	}

	fn url(&self, command: &str) -> String {
		format!("{}/api/v0/{command}", self.api)
	}

	/// The daemon's version string: a cheap check that it answers.
	pub fn version(&self) -> Result<String, StoreError> {
		let mut response = self.agent.post(self.url("version")).send_empty().map_err(http)?;
		let body = response.body_mut().read_to_vec().map_err(http)?;
		let json: serde_json::Value = serde_json::from_slice(&body).map_err(malformed)?;
		Ok(json["Version"].as_str().unwrap_or_default().to_string())
	}
}

fn http(error: ureq::Error) -> StoreError {
	StoreError::Io(std::io::Error::other(format!("IPFS API: {error}")))
}

fn malformed(error: serde_json::Error) -> StoreError {
	StoreError::Io(std::io::Error::other(format!("IPFS API answered unexpectedly: {error}")))
}

/// Fails with the daemon's own message when it answered with an error.
fn check_status(
	response: &mut ureq::http::Response<ureq::Body>,
	cid: &str,
) -> Result<(), StoreError> {
	let status = response.status();
	if status.is_success() {
		return Ok(());
	}
	let message = response.body_mut().read_to_string().unwrap_or_default();
	if message.contains("not found") {
		return Err(StoreError::NotFound { cid: cid.to_string() });
	}
	Err(StoreError::Io(std::io::Error::other(format!("IPFS API {status}: {message}"))))
}

/// Reads a body, reporting how much of it has been read.
struct Counting<'a, R> {
	inner: R,
	read: u64,
	progress: &'a mut dyn FnMut(u64),
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
	fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
		let count = self.inner.read(buffer)?;
		self.read += count as u64;
		(self.progress)(self.read);
		Ok(count)
	}
}

impl ModelStore for IpfsStore {
	fn put(&self, bytes: &[u8]) -> Result<StoredFile, StoreError> {
		self.put_with_progress(bytes, &mut |_| {})
	}

	fn put_with_progress(
		&self,
		bytes: &[u8],
		progress: &mut dyn FnMut(u64),
	) -> Result<StoredFile, StoreError> {
		use std::io::Read;
		let boundary = "veritas-model-store-boundary";
		let head = format!(
			"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob\"\r\n\
			 Content-Type: application/octet-stream\r\n\r\n"
		);
		let tail = format!("\r\n--{boundary}--\r\n");
		let file_start = head.len() as u64;
		// Progress counts the file's bytes, not the form around them.
		let mut report =
			|sent: u64| progress(sent.saturating_sub(file_start).min(bytes.len() as u64));
		let mut body = Counting {
			inner: head.as_bytes().chain(bytes).chain(tail.as_bytes()),
			read: 0,
			progress: &mut report,
		};

		let mut response = self
			.agent
			.post(self.url("add"))
			.query("cid-version", "1")
			.query("raw-leaves", "true")
			.query("pin", "true")
			.header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
			.send(ureq::SendBody::from_reader(&mut body))
			.map_err(http)?;
		check_status(&mut response, "(new file)")?;
		let answer = response.body_mut().read_to_vec().map_err(http)?;
		let json: serde_json::Value = serde_json::from_slice(&answer).map_err(malformed)?;
		let hash = json["Hash"].as_str().unwrap_or_default();
		// Daemons differ in the base they print a CIDv1 in; keep one form.
		let cid = Cid::try_from(hash)
			.map_err(|_| StoreError::BadCid { cid: hash.to_string() })?
			.to_string();
		Ok(StoredFile { cid, digest: blake2_256(bytes), size: bytes.len() as u64 })
	}

	fn read_unchecked(&self, cid: &str, max_size: u64) -> Result<Vec<u8>, StoreError> {
		Cid::try_from(cid).map_err(|_| StoreError::BadCid { cid: cid.to_string() })?;
		let budget = self.time_to_fetch(max_size);
		let mut response = self
			.agent
			.post(self.url("cat"))
			.query("arg", cid)
			// Kubo stops looking for the content then, and so does this side.
			.query("timeout", format!("{}s", budget.as_secs()))
			.config()
			.timeout_global(Some(budget))
			.build()
			.send_empty()
			.map_err(http)?;
		check_status(&mut response, cid)?;
		match response.body_mut().with_config().limit(max_size).read_to_vec() {
			Ok(bytes) => Ok(bytes),
			Err(ureq::Error::BodyExceedsLimit(_)) => Err(StoreError::TooLarge {
				cid: cid.to_string(),
				size: max_size.saturating_add(1),
				limit: max_size,
			}),
			Err(error) => Err(http(error)),
		}
	}
}
