//! `veritas-node engine-worker`: the process the engine host runs jobs in.
//!
//! Started by the node, never by hand. It limits its own memory first (the
//! data segment and private mappings, `RLIMIT_DATA`), opens the node's model
//! store and serves jobs from its stdin ([`veritas_worker::child`]). Its
//! log goes to stderr, which it shares with the node; stdout carries only
//! the protocol.

use std::{io::Write, path::PathBuf};

use veritas_worker::child::{serve_stdio, Limits, StoreLocation};

const MIB: u64 = 1024 * 1024;

/// How an engine worker is set up: the node's store and its limits.
#[derive(Debug, Clone, clap::Args)]
pub struct EngineWorkerCmd {
	/// The embedded store's directory.
	#[arg(long, value_name = "DIR", required_unless_present = "ipfs_api")]
	pub store_dir: Option<PathBuf>,

	/// The Kubo RPC API of the node's IPFS daemon.
	#[arg(long, value_name = "URL", conflicts_with = "store_dir")]
	pub ipfs_api: Option<String>,

	/// The memory, in MiB, that loaded models may hold.
	#[arg(long, value_name = "MIB")]
	pub cache_mb: u64,

	/// Threads a job computes with.
	#[arg(long, value_name = "N")]
	pub threads: usize,

	/// The largest model file, in MiB, to fetch.
	#[arg(long, value_name = "MIB")]
	pub max_file_mb: u64,

	/// The memory, in MiB, the whole process may allocate; an allocation
	/// past it fails and ends the process.
	#[arg(long, value_name = "MIB")]
	pub memory_mb: u64,
}

impl EngineWorkerCmd {
	/// The command line that starts a worker set up like this one.
	pub fn to_args(&self) -> Vec<String> {
		let mut args = vec!["engine-worker".to_string()];
		match (&self.ipfs_api, &self.store_dir) {
			(Some(url), _) => args.extend(["--ipfs-api".into(), url.clone()]),
			(None, Some(dir)) => args.extend(["--store-dir".into(), dir.display().to_string()]),
			(None, None) => {},
		}
		for (flag, value) in [
			("--cache-mb", self.cache_mb.to_string()),
			("--threads", self.threads.to_string()),
			("--max-file-mb", self.max_file_mb.to_string()),
			("--memory-mb", self.memory_mb.to_string()),
		] {
			args.extend([flag.to_string(), value]);
		}
		args
	}

	/// Serves jobs until the node closes stdin.
	pub fn run(&self) -> Result<(), String> {
		let store = match (&self.ipfs_api, &self.store_dir) {
			(Some(url), _) => {
				StoreLocation::Ipfs { url: url.clone(), timeout: super::IPFS_TIMEOUT }
			},
			(None, Some(dir)) => StoreLocation::Embedded(dir.clone()),
			(None, None) => return Err("--store-dir or --ipfs-api is required".into()),
		};
		let _ =
			log::set_logger(&STDERR_LOGGER).map(|()| log::set_max_level(log::LevelFilter::Info));
		let limits = Limits {
			memory_bytes: self.memory_mb.saturating_mul(MIB),
			cache_bytes: usize::try_from(self.cache_mb.saturating_mul(MIB)).unwrap_or(usize::MAX),
			threads: self.threads,
			max_file_bytes: self.max_file_mb.saturating_mul(MIB),
		};
		serve_stdio(&store, limits)
	}
}

/// The worker's log, on the stderr it shares with the node.
struct StderrLogger;

static STDERR_LOGGER: StderrLogger = StderrLogger;

impl log::Log for StderrLogger {
	fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
		metadata.level() <= log::Level::Info
	}

	fn log(&self, record: &log::Record<'_>) {
		if self.enabled(record.metadata()) {
			let _ = writeln!(
				std::io::stderr(),
				"engine-worker[{}] {} {}: {}",
				std::process::id(),
				record.level(),
				record.target(),
				record.args()
			);
		}
	}

	fn flush(&self) {}
}
