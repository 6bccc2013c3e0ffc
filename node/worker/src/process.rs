//! The engine in a process of its own.
//!
//! A model file is whatever its publisher wrote, and the engine reads sizes
//! out of it. The engine checks them, but a reader it relies on may still
//! panic, allocate without bound or loop; an allocation that fails aborts
//! the process, which no panic guard catches. So the node never runs a job
//! itself: it starts an engine worker process (`veritas-node engine-worker`),
//! under a memory limit, hands it one job at a time over its stdin and reads
//! what happened from its stdout. If the worker dies or overruns its time,
//! the node kills it, fails that one job, and starts a new worker for the
//! next. This is how Polkadot validators run parachain code they cannot
//! trust.
//!
//! The messages are SCALE-encoded, each after its length (four bytes, little
//! endian). The node sends a [`Job`]; the worker answers
//! [`Report::Fetched`] once the job's files and input are in memory (so the
//! node can tell a slow fetch from a slow model, and count what the store
//! and the model cache served), then the job's outcome. A batch of jobs of
//! one model ([`crate::batch`]) is one message each way, with a `Fetched`
//! for each of its jobs.

use std::{
	io::{self, Read, Write},
	panic::{catch_unwind, AssertUnwindSafe},
};

use codec::{Decode, DecodeAll, Encode};
use veritas_primitives::host::{
	CheckJob, CheckReceipt, ExecutionJob, ExecutionReceipt, JobFailure,
};

use crate::{Fetched, Worker};

/// The largest message either side accepts: far above any job or receipt
/// (outputs and inline inputs are bounded by the chain in kilobytes).
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// What the node hands the engine worker.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Job {
	Execute(ExecutionJob),
	Check(CheckJob),
	/// Executors' jobs of one model, run together ([`crate::batch`]).
	ExecuteBatch(Vec<ExecutionJob>),
	/// Verifiers' jobs of one model, run together.
	CheckBatch(Vec<CheckJob>),
}

impl Job {
	/// Jobs of one kind as one batch: `Err` gives them back if they are of
	/// both kinds, or batches already.
	pub fn batch(jobs: Vec<Job>) -> Result<Job, Vec<Job>> {
		let all = |kind: fn(&Job) -> bool| !jobs.is_empty() && jobs.iter().all(kind);
		if all(|job| matches!(job, Job::Execute(_))) {
			let executions = jobs.into_iter().filter_map(|job| match job {
				Job::Execute(job) => Some(job),
				_ => None,
			});
			Ok(Job::ExecuteBatch(executions.collect()))
		} else if all(|job| matches!(job, Job::Check(_))) {
			let checks = jobs.into_iter().filter_map(|job| match job {
				Job::Check(job) => Some(job),
				_ => None,
			});
			Ok(Job::CheckBatch(checks.collect()))
		} else {
			Err(jobs)
		}
	}

	/// The jobs a batch holds, one by one (a single job: itself).
	pub fn into_jobs(self) -> Vec<Job> {
		match self {
			Job::ExecuteBatch(jobs) => jobs.into_iter().map(Job::Execute).collect(),
			Job::CheckBatch(jobs) => jobs.into_iter().map(Job::Check).collect(),
			job => vec![job],
		}
	}
}

/// What the engine worker tells the node about the job it runs.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Report {
	/// The files and the input are fetched and checked; loading and running
	/// come next.
	Fetched(Fetched),
	/// An executor's job ended.
	Executed(Result<ExecutionReceipt, JobFailure>),
	/// A verifier's job ended.
	Checked(Result<CheckReceipt, JobFailure>),
	/// A batch of executors' jobs ended: each job's outcome, in order, or
	/// the batch's failure (a panic) when none can be trusted.
	ExecutedBatch(Result<Vec<Result<ExecutionReceipt, JobFailure>>, JobFailure>),
	/// A batch of verifiers' jobs ended, likewise.
	CheckedBatch(Result<Vec<Result<CheckReceipt, JobFailure>>, JobFailure>),
}

impl Report {
	/// A batch's report as each of its jobs' reports, in order; `None` when
	/// it is no batch's (or the batch failed as a whole).
	pub fn into_reports(self) -> Option<Vec<Report>> {
		match self {
			Report::ExecutedBatch(Ok(outcomes)) => {
				Some(outcomes.into_iter().map(Report::Executed).collect())
			},
			Report::CheckedBatch(Ok(outcomes)) => {
				Some(outcomes.into_iter().map(Report::Checked).collect())
			},
			_ => None,
		}
	}
}

/// Writes one message.
pub fn write_message(output: &mut impl Write, message: &impl Encode) -> io::Result<()> {
	let bytes = message.encode();
	if bytes.len() > MAX_MESSAGE_BYTES {
		return Err(io::Error::new(io::ErrorKind::InvalidInput, "message too long"));
	}
	output.write_all(&(bytes.len() as u32).to_le_bytes())?;
	output.write_all(&bytes)?;
	output.flush()
}

/// Reads one message; `None` when the other side closed the stream between
/// messages.
pub fn read_message<T: Decode>(input: &mut impl Read) -> io::Result<Option<T>> {
	let mut length = [0u8; 4];
	match input.read_exact(&mut length) {
		Ok(()) => {},
		Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
		Err(error) => return Err(error),
	}
	let length = u32::from_le_bytes(length) as usize;
	if length > MAX_MESSAGE_BYTES {
		return Err(io::Error::new(
			io::ErrorKind::InvalidData,
			format!("a message of {length} bytes, over the limit of {MAX_MESSAGE_BYTES}"),
		));
	}
	let mut bytes = vec![0u8; length];
	input.read_exact(&mut bytes)?;
	T::decode_all(&mut &bytes[..])
		.map(Some)
		.map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error.to_string()))
}

/// The engine worker's loop: runs each job `input` brings and reports on
/// `output`, until the node closes `input`. A job that panics fails as an
/// engine failure; the worker goes on with the next.
pub fn serve(worker: &Worker, input: &mut impl Read, output: &mut impl Write) -> io::Result<()> {
	while let Some(job) = read_message::<Job>(input)? {
		let mut fetched = |what: Fetched| {
			// A node that stopped listening ends the loop at the next write.
			let _ = write_message(output, &Report::Fetched(what));
		};
		let report = match job {
			Job::Execute(job) => {
				Report::Executed(guarded(|| crate::execute_observed(worker, &job, &mut fetched)))
			},
			Job::Check(job) => {
				Report::Checked(guarded(|| crate::check_observed(worker, &job, &mut fetched)))
			},
			Job::ExecuteBatch(jobs) => Report::ExecutedBatch(guarded(|| {
				Ok(crate::batch::execute_batch(worker, &jobs, &mut fetched))
			})),
			Job::CheckBatch(jobs) => Report::CheckedBatch(guarded(|| {
				Ok(crate::batch::check_batch(worker, &jobs, &mut fetched))
			})),
		};
		write_message(output, &report)?;
	}
	Ok(())
}

/// Runs `job`, turning a panic into an engine failure.
fn guarded<R>(job: impl FnOnce() -> Result<R, JobFailure>) -> Result<R, JobFailure> {
	catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|panic| {
		let message = veritas_engine::model::panic_message(&*panic);
		Err(JobFailure::Engine(format!("the engine panicked: {message}").into_bytes()))
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn messages_round_trip_and_end_cleanly() {
		let mut stream = Vec::new();
		let fetched = Fetched { cache_hit: true, store_bytes: 12, cache_bytes: 1 << 20 };
		write_message(&mut stream, &Report::Fetched(fetched)).expect("written");
		write_message(&mut stream, &Report::Checked(Err(JobFailure::BadInput(b"x".to_vec()))))
			.expect("written");
		let mut reading = &stream[..];
		assert_eq!(
			read_message::<Report>(&mut reading).expect("read"),
			Some(Report::Fetched(fetched))
		);
		assert_eq!(
			read_message::<Report>(&mut reading).expect("read"),
			Some(Report::Checked(Err(JobFailure::BadInput(b"x".to_vec()))))
		);
		assert_eq!(read_message::<Report>(&mut reading).expect("end"), None);
	}

	#[test]
	fn hostile_messages_are_refused_before_allocating() {
		// A length far past the limit is refused without reading on.
		let mut huge = &u32::MAX.to_le_bytes()[..];
		assert!(read_message::<Report>(&mut huge).is_err());
		// A message cut short, and one that does not decode.
		let mut short = &[8, 0, 0, 0, 1][..];
		assert!(read_message::<Report>(&mut short).is_err());
		let mut garbage = &[1, 0, 0, 0, 0xff][..];
		assert!(read_message::<Report>(&mut garbage).is_err());
		// Bytes after a whole report are not part of it.
		let mut trailing = &[2, 0, 0, 0, 0, 0][..];
		assert!(read_message::<Report>(&mut trailing).is_err());
	}

	#[test]
	fn a_panicking_job_fails_and_the_next_one_runs() {
		let failed = guarded::<()>(|| panic!("alignment of zero"));
		assert!(matches!(failed, Err(JobFailure::Engine(text))
			if String::from_utf8_lossy(&text).contains("alignment of zero")));
		assert_eq!(guarded(|| Ok::<_, JobFailure>(7)), Ok(7));
	}
}
