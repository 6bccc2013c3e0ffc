//! The node's side of the engine worker process: starting it, handing it one
//! job at a time, holding it to its time limits, and starting a new one when
//! it dies.

use std::{
	io::BufReader,
	os::unix::process::ExitStatusExt,
	path::PathBuf,
	process::{Child, ChildStdin, Command, Stdio},
	sync::mpsc::{channel, Receiver, RecvTimeoutError},
	time::{Duration, Instant},
};

use veritas_primitives::host::JobFailure;
use veritas_worker::{
	process::{read_message, write_message, Job, Report},
	Fetched,
};

use super::{child::EngineWorkerCmd, LOG_TARGET};

/// How the node runs its engine worker.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
	/// The node's own binary, which runs the worker as `engine-worker`.
	pub program: PathBuf,
	pub command: EngineWorkerCmd,
	/// How long fetching a job's files and input may take.
	pub fetch_time_limit: Duration,
	/// How long loading and running a job may take once its files are in.
	pub job_time_limit: Duration,
}

/// A running worker.
struct Running {
	child: Child,
	stdin: ChildStdin,
	reports: Receiver<Report>,
}

/// The engine worker, started when a job needs it.
pub struct EngineProcess {
	settings: WorkerSettings,
	running: Option<Running>,
	/// Workers started so far, for the log.
	pub(super) started: u64,
}

/// Where a job was when its worker died or overran.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
	Fetching,
	Running,
}

impl EngineProcess {
	pub fn new(settings: WorkerSettings) -> Self {
		Self { settings, running: None, started: 0 }
	}

	/// Runs `job` in the worker and returns its report (`Executed` or
	/// `Checked`), showing `fetched` what the job took from the store and
	/// the model cache once it has. A worker that dies or overruns is killed and the job
	/// fails: as `Unavailable` (tried again later) if fetching overran, which
	/// is the store's doing; as `Engine` if loading or running overran, or
	/// if the worker died, which a job's files or size cause.
	pub fn run(
		&mut self,
		job: &Job,
		fetched: &mut dyn FnMut(Fetched),
	) -> Result<Report, JobFailure> {
		self.send(job)?;
		let mut phase = Phase::Fetching;
		let mut deadline = Instant::now() + self.settings.fetch_time_limit;
		loop {
			let Some(running) = self.running.as_ref() else {
				return Err(JobFailure::Engine(b"the engine worker is gone".to_vec()));
			};
			match running.reports.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
				Ok(Report::Fetched(what)) => {
					fetched(what);
					phase = Phase::Running;
					deadline = Instant::now() + self.settings.job_time_limit;
				},
				Ok(report) => return Ok(report),
				Err(RecvTimeoutError::Timeout) => {
					let limit = match phase {
						Phase::Fetching => self.settings.fetch_time_limit,
						Phase::Running => self.settings.job_time_limit,
					};
					self.stop();
					return Err(failure(
						phase,
						format!(
							"the job took longer than {} s; its worker was stopped",
							limit.as_secs()
						),
					));
				},
				Err(RecvTimeoutError::Disconnected) => {
					let status = self.stop();
					return Err(JobFailure::Engine(
						format!("the engine worker {status}").into_bytes(),
					));
				},
			}
		}
	}

	/// Hands `job` to the worker, starting one if none runs or the last one
	/// stopped listening.
	fn send(&mut self, job: &Job) -> Result<(), JobFailure> {
		for attempt in 0..2 {
			if self.running.is_none() {
				self.running = Some(self.start()?);
			}
			let Some(running) = self.running.as_mut() else { continue };
			match write_message(&mut running.stdin, job) {
				Ok(()) => return Ok(()),
				Err(error) => {
					let status = self.stop();
					log::warn!(
						target: LOG_TARGET,
						"the engine worker did not take a job ({error}; it {status}){}",
						if attempt == 0 { ", starting another" } else { "" }
					);
				},
			}
		}
		Err(JobFailure::Engine(b"the engine worker does not take jobs".to_vec()))
	}

	fn start(&mut self) -> Result<Running, JobFailure> {
		let spawn = || {
			Command::new(&self.settings.program)
				.args(self.settings.command.to_args())
				.stdin(Stdio::piped())
				.stdout(Stdio::piped())
				.stderr(Stdio::inherit())
				.spawn()
		};
		// A program file that another process still holds open for writing
		// (the node's binary being replaced, or a file written just before
		// another thread forked) cannot be run for a moment: try again.
		let mut spawned = spawn();
		for _ in 0..10 {
			match &spawned {
				Err(error) if error.kind() == std::io::ErrorKind::ExecutableFileBusy => {
					std::thread::sleep(Duration::from_millis(20));
					spawned = spawn();
				},
				_ => break,
			}
		}
		let mut child = spawned.map_err(|error| {
			JobFailure::Engine(format!("starting the engine worker: {error}").into_bytes())
		})?;
		let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
			let _ = child.kill();
			let _ = child.wait();
			return Err(JobFailure::Engine(b"the engine worker has no pipes".to_vec()));
		};
		let (sender, reports) = channel();
		let pid = child.id();
		std::thread::Builder::new()
			.name("veritas-engine-reports".into())
			.spawn(move || {
				let mut stdout = BufReader::new(stdout);
				loop {
					match read_message::<Report>(&mut stdout) {
						Ok(Some(report)) => {
							if sender.send(report).is_err() {
								break;
							}
						},
						Ok(None) => break,
						Err(error) => {
							log::error!(
								target: LOG_TARGET,
								"engine worker {pid} sent something that is not a report: {error}"
							);
							break;
						},
					}
				}
			})
			.map_err(|error| {
				JobFailure::Engine(format!("starting the engine worker: {error}").into_bytes())
			})?;
		self.started += 1;
		log::info!(
			target: LOG_TARGET,
			"engine worker {pid} started ({} so far), memory limit {} MiB",
			self.started,
			self.settings.command.memory_mb
		);
		Ok(Running { child, stdin, reports })
	}

	/// Stops the worker (if it still runs) and says how it ended.
	fn stop(&mut self) -> String {
		let Some(mut running) = self.running.take() else { return "was not running".into() };
		let _ = running.child.kill();
		match running.child.wait() {
			Ok(status) => match (status.code(), status.signal()) {
				(Some(code), _) => format!("exited with code {code}"),
				(None, Some(signal)) => {
					format!("was killed by signal {signal}{}", signal_name(signal))
				},
				(None, None) => format!("ended: {status}"),
			},
			Err(error) => format!("could not be waited for: {error}"),
		}
	}
}

impl Drop for EngineProcess {
	fn drop(&mut self) {
		self.stop();
	}
}

fn failure(phase: Phase, text: String) -> JobFailure {
	match phase {
		Phase::Fetching => JobFailure::Unavailable(text.into_bytes()),
		Phase::Running => JobFailure::Engine(text.into_bytes()),
	}
}

/// What the signals that end a worker usually mean.
fn signal_name(signal: i32) -> &'static str {
	match signal {
		6 => " (SIGABRT: an allocation past its memory limit, or an abort)",
		9 => " (SIGKILL)",
		11 => " (SIGSEGV)",
		_ => "",
	}
}

#[cfg(test)]
pub(super) mod tests {
	use std::{os::unix::fs::PermissionsExt, path::Path};

	use veritas_primitives::{
		host::{CheckJob, ModelSpec},
		inference::{InferenceParams, RequestInput},
		model::*,
	};

	use super::*;

	/// A stand-in for the worker binary: a shell script that ignores its
	/// arguments and does `body`.
	pub(in crate::engine_host) fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
		let path = dir.join(name);
		std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("written");
		std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
		path
	}

	pub(in crate::engine_host) fn settings(program: PathBuf) -> WorkerSettings {
		WorkerSettings {
			program,
			command: EngineWorkerCmd {
				store_dir: Some("/nonexistent".into()),
				ipfs_api: None,
				cache_mb: 1,
				threads: 1,
				max_file_mb: 1,
				memory_mb: 64,
			},
			fetch_time_limit: Duration::from_millis(500),
			job_time_limit: Duration::from_millis(500),
		}
	}

	fn job() -> Job {
		let file = FileRef { cid: Cid::truncate_from(b"bafk".to_vec()), digest: [1; 32], size: 1 };
		Job::Check(CheckJob {
			request: 1,
			model: ModelSpec {
				model: 0,
				files: ModelFiles { weights: file, config: None, tokenizer: None },
				format: ModelFormat::Safetensors,
				architecture: Architecture::Mlp,
				task: TaskKind::TabularRegression { inputs: 1 },
			},
			input: RequestInput::Inline(b"x".to_vec().try_into().expect("fits")),
			params: InferenceParams::default(),
			comparison: ComparisonRule::Exact,
			claimed_output: Default::default(),
			reported: None,
		})
	}

	pub(in crate::engine_host) fn temporary_dir(label: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("veritas-{label}-{}", std::process::id()));
		std::fs::create_dir_all(&dir).expect("a temporary directory");
		dir
	}

	fn text(failure: &JobFailure) -> String {
		failure.describe()
	}

	#[test]
	fn a_worker_that_never_answers_is_stopped_and_the_job_fetched_again_later() {
		let dir = temporary_dir("silent");
		let mut process = EngineProcess::new(settings(script(&dir, "silent", "exec sleep 60")));
		let started = Instant::now();
		let failure = process.run(&job(), &mut |_| {}).expect_err("no answer");
		assert!(started.elapsed() < Duration::from_secs(10));
		assert!(matches!(failure, JobFailure::Unavailable(_)), "{}", text(&failure));
		assert!(text(&failure).contains("took longer"), "{}", text(&failure));
		assert!(process.running.is_none(), "the worker was stopped");
		// The next job starts a new worker.
		process.run(&job(), &mut |_| {}).expect_err("no answer");
		assert_eq!(process.started, 2);
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_model_that_runs_past_the_limit_fails_as_unrunnable() {
		let dir = temporary_dir("slow");
		// Reads the job, reports its files fetched, then never finishes.
		let body = "head -c 4 >/dev/null; printf '\\022\\000\\000\\000'; head -c 18 /dev/zero; exec sleep 60";
		let mut process = EngineProcess::new(settings(script(&dir, "slow", body)));
		let mut reported = Vec::new();
		let failure =
			process.run(&job(), &mut |fetched| reported.push(fetched)).expect_err("past the limit");
		assert_eq!(reported, vec![Fetched::default()], "what the fetch report said is passed on");
		assert!(matches!(failure, JobFailure::Engine(_)), "{}", text(&failure));
		assert!(text(&failure).contains("took longer than"), "{}", text(&failure));
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_worker_that_aborts_fails_its_job_and_a_new_one_starts() {
		let dir = temporary_dir("abort");
		let body = "head -c 4 >/dev/null; printf '\\022\\000\\000\\000'; head -c 18 /dev/zero; kill -ABRT $$";
		let mut process = EngineProcess::new(settings(script(&dir, "abort", body)));
		for run in 1..=3 {
			let failure = process.run(&job(), &mut |_| {}).expect_err("aborted");
			assert!(matches!(failure, JobFailure::Engine(_)), "{}", text(&failure));
			assert!(text(&failure).contains("signal 6"), "{}", text(&failure));
			assert_eq!(process.started, run);
		}
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_worker_that_answers_garbage_is_stopped() {
		let dir = temporary_dir("garbage");
		let body = "head -c 4 >/dev/null; printf '\\377\\377\\377\\377'; exec sleep 60";
		let mut process = EngineProcess::new(settings(script(&dir, "garbage", body)));
		let failure = process.run(&job(), &mut |_| {}).expect_err("garbage");
		assert!(text(&failure).contains("engine worker"), "{}", text(&failure));
		assert!(process.running.is_none());
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_missing_worker_binary_fails_the_job_not_the_node() {
		let mut process = EngineProcess::new(settings("/nonexistent/veritas-node".into()));
		let failure = process.run(&job(), &mut |_| {}).expect_err("no binary");
		assert!(text(&failure).contains("starting the engine worker"), "{}", text(&failure));
	}
}
