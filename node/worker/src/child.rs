//! The engine worker process, from both sides.
//!
//! The worker's own side ([`serve_stdio`]) is what a process started to run
//! untrusted jobs does: it limits its memory first, so that an allocation
//! past the limit ends the process instead of the machine's memory; prints a
//! panic without resolving a backtrace; sizes its thread pools; then serves
//! jobs on stdin and stdout ([`crate::process`]). The node's `veritas-node
//! engine-worker` and the command line's `veritas engine-worker` are both
//! this.
//!
//! [`run_once`] is the simplest starter's side: one job in a fresh worker,
//! under a time limit, for a one-shot tool such as `veritas verify`. (The
//! node keeps its workers for many jobs, and restarts them, in its engine
//! host.)

use std::{
	io::BufReader,
	os::unix::process::ExitStatusExt,
	path::{Path, PathBuf},
	process::{Command, Stdio},
	sync::{mpsc, Arc},
	time::{Duration, Instant},
};

use veritas_engine::{
	cache::ModelCache,
	store::{embedded::EmbeddedStore, ipfs::IpfsStore},
	ModelStore,
};
use veritas_primitives::host::JobFailure;

use crate::{
	process::{read_message, serve, write_message, Job, Report},
	Worker,
};

/// Where a worker fetches model files and stored inputs.
#[derive(Clone, Debug)]
pub enum StoreLocation {
	/// An embedded store's directory.
	Embedded(PathBuf),
	/// A Kubo RPC API, each request to it bounded by `timeout`.
	Ipfs { url: String, timeout: Duration },
}

impl StoreLocation {
	pub fn open(&self) -> Result<Arc<dyn ModelStore>, String> {
		Ok(match self {
			Self::Ipfs { url, timeout } => Arc::new(IpfsStore::new(url, *timeout)),
			Self::Embedded(dir) => Arc::new(
				EmbeddedStore::open(dir)
					.map_err(|error| format!("model store at {}: {error}", dir.display()))?,
			),
		})
	}
}

/// What a worker may use.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// The memory the whole process may allocate (`RLIMIT_DATA`): the data
	/// segment and private mappings.
	pub memory_bytes: u64,
	/// The memory loaded models may hold in its cache.
	pub cache_bytes: usize,
	/// Threads a job computes with.
	pub threads: usize,
	/// The largest model file to fetch.
	pub max_file_bytes: u64,
}

/// Limits this process as `limits` say, then serves jobs from stdin until
/// it closes, reporting on stdout.
pub fn serve_stdio(store: &StoreLocation, limits: Limits) -> Result<(), String> {
	nix::sys::resource::setrlimit(
		nix::sys::resource::Resource::RLIMIT_DATA,
		limits.memory_bytes,
		limits.memory_bytes,
	)
	.map_err(|error| format!("limiting the engine worker's memory: {error}"))?;
	// A panic is one job's failure, which the worker's guard reports with
	// its message. The default hook would also resolve a backtrace when
	// RUST_BACKTRACE is set, reading the binary's debug information into
	// memory the worker then keeps: tens of MiB of its limit, so that the
	// jobs after a panic would meet a smaller worker than those before.
	std::panic::set_hook(Box::new(|panic| eprintln!("engine worker: {panic}")));
	// candle and its matrix kernels size their pools from this when they
	// first run.
	std::env::set_var("RAYON_NUM_THREADS", limits.threads.max(1).to_string());
	let worker = Worker {
		store: store.open()?,
		cache: ModelCache::new(limits.cache_bytes),
		threads: limits.threads,
		max_file_bytes: limits.max_file_bytes,
	};
	serve(&worker, &mut std::io::stdin().lock(), &mut std::io::stdout().lock())
		.map_err(|error| format!("talking to the process that started the worker: {error}"))
}

/// Runs `job` (one job, not a batch) in a fresh worker started as `program
/// args`, and returns its outcome (`Report::Executed` or `Report::Checked`).
/// A worker that dies, or is not done within `time_limit`, is killed, and
/// the job fails as `Engine` with what happened.
pub fn run_once(
	program: &Path,
	args: &[String],
	job: &Job,
	time_limit: Duration,
) -> Result<Report, JobFailure> {
	let engine = |what: String| JobFailure::Engine(what.into_bytes());
	let mut child = Command::new(program)
		.args(args)
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::inherit())
		.spawn()
		.map_err(|error| engine(format!("starting the engine worker: {error}")))?;
	let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
		let _ = child.kill();
		return Err(engine("the engine worker has no pipes".into()));
	};
	let (reports, received) = mpsc::channel();
	std::thread::spawn(move || {
		let mut stdout = BufReader::new(stdout);
		while let Ok(Some(report)) = read_message::<Report>(&mut stdout) {
			if reports.send(report).is_err() {
				break;
			}
		}
	});
	let sent = write_message(&mut stdin, job);
	let deadline = Instant::now() + time_limit;
	let outcome = loop {
		if let Err(error) = &sent {
			break Err(format!("could not be sent the job ({error})"));
		}
		match received.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
			Ok(Report::Fetched(_)) => continue,
			Ok(report) => break Ok(report),
			Err(mpsc::RecvTimeoutError::Timeout) => {
				break Err(format!("was not done within {} s", time_limit.as_secs()))
			},
			Err(mpsc::RecvTimeoutError::Disconnected) => break Err("died".to_string()),
		}
	};
	// Closing stdin ends a worker that is done; one that is not is killed.
	drop(stdin);
	if outcome.is_err() {
		let _ = child.kill();
	}
	let status = child.wait().map_err(|error| engine(format!("the engine worker: {error}")))?;
	outcome.map_err(|what| {
		let how = match (status.code(), status.signal()) {
			(_, Some(signal)) => format!("killed by signal {signal}"),
			(Some(code), None) => format!("exit status {code}"),
			(None, None) => "no exit status".to_string(),
		};
		engine(format!(
			"the engine worker {what} ({how}): the model may need more memory than it was \
			 given, or its file may be built to exhaust it"
		))
	})
}
