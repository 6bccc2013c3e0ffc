//! Loaded models, kept in memory under a bound so that a node serving many
//! models does not reload one for every request, nor hold every one at once.
//!
//! The cache evicts the least recently used models until the new one fits. A
//! model larger than the whole bound is refused rather than loaded: the bound
//! is the operator's promise about memory (`--model-cache-mb`), and breaking
//! it silently is worse than a clear error.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

use crate::{digest::Digest, model::EngineError, model::Model};

struct Entry {
	model: Arc<dyn Model>,
	bytes: usize,
	last_used: u64,
}

#[derive(Default)]
struct Entries {
	by_key: HashMap<Digest, Entry>,
	total_bytes: usize,
	clock: u64,
}

/// An LRU cache of loaded models, keyed by the digest of their weights.
pub struct ModelCache {
	capacity_bytes: usize,
	entries: Mutex<Entries>,
}

impl ModelCache {
	/// A cache that holds at most `capacity_bytes` of loaded models.
	pub fn new(capacity_bytes: usize) -> Self {
		Self { capacity_bytes, entries: Mutex::new(Entries::default()) }
	}

	/// The model cached under `key`, or the one `load` makes, which is then
	/// cached. Loading happens outside the lock, so a slow load does not hold
	/// up requests for models already in memory.
	pub fn get_or_load(
		&self,
		key: Digest,
		load: impl FnOnce() -> Result<Arc<dyn Model>, EngineError>,
	) -> Result<Arc<dyn Model>, EngineError> {
		if let Some(model) = self.get(&key) {
			return Ok(model);
		}
		let model = load()?;
		self.insert(key, model)
	}

	/// The model cached under `key`, marked as just used.
	pub fn get(&self, key: &Digest) -> Option<Arc<dyn Model>> {
		let mut entries = self.lock();
		entries.clock += 1;
		let now = entries.clock;
		entries.by_key.get_mut(key).map(|entry| {
			entry.last_used = now;
			entry.model.clone()
		})
	}

	/// Caches `model` under `key`, evicting the least recently used models
	/// until it fits.
	pub fn insert(
		&self,
		key: Digest,
		model: Arc<dyn Model>,
	) -> Result<Arc<dyn Model>, EngineError> {
		let bytes = model.memory_bytes();
		if bytes > self.capacity_bytes {
			return Err(EngineError::TooLarge { needed: bytes, capacity: self.capacity_bytes });
		}
		let mut entries = self.lock();
		entries.clock += 1;
		let now = entries.clock;
		if let Some(entry) = entries.by_key.get_mut(&key) {
			// Another thread loaded it meanwhile: keep one copy.
			entry.last_used = now;
			return Ok(entry.model.clone());
		}
		while entries.total_bytes + bytes > self.capacity_bytes {
			let Some(oldest) =
				entries.by_key.iter().min_by_key(|(_, entry)| entry.last_used).map(|(k, _)| *k)
			else {
				break;
			};
			if let Some(evicted) = entries.by_key.remove(&oldest) {
				entries.total_bytes -= evicted.bytes;
			}
		}
		entries.total_bytes += bytes;
		entries.by_key.insert(key, Entry { model: model.clone(), bytes, last_used: now });
		Ok(model)
	}

	/// How many bytes the cached models hold.
	pub fn used_bytes(&self) -> usize {
		self.lock().total_bytes
	}

	/// How many models are cached.
	pub fn len(&self) -> usize {
		self.lock().by_key.len()
	}

	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	pub fn capacity_bytes(&self) -> usize {
		self.capacity_bytes
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
		// A panic while holding the lock leaves the map consistent (every
		// update is a single insert or remove), so a poisoned lock is usable.
		self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		model::{Input, RunParams},
		output::InferenceOutput,
	};

	struct Sized(usize);

	impl Model for Sized {
		fn run(&self, _: Input<'_>, _: &RunParams) -> Result<InferenceOutput, EngineError> {
			Ok(InferenceOutput::embedding(&[self.0 as f32]))
		}

		fn memory_bytes(&self) -> usize {
			self.0
		}
	}

	fn key(n: u8) -> Digest {
		[n; 32]
	}

	fn load(bytes: usize) -> impl FnOnce() -> Result<Arc<dyn Model>, EngineError> {
		move || Ok(Arc::new(Sized(bytes)) as Arc<dyn Model>)
	}

	#[test]
	fn a_cached_model_is_not_loaded_again() {
		let cache = ModelCache::new(100);
		cache.get_or_load(key(1), load(10)).unwrap();
		let again =
			cache.get_or_load(key(1), || panic!("loaded twice")).expect("served from the cache");
		assert_eq!(again.memory_bytes(), 10);
		assert_eq!(cache.len(), 1);
	}

	#[test]
	fn the_least_recently_used_model_is_evicted_first() {
		let cache = ModelCache::new(100);
		cache.get_or_load(key(1), load(40)).unwrap();
		cache.get_or_load(key(2), load(40)).unwrap();
		// Model 1 is used again, so model 2 is now the oldest.
		assert!(cache.get(&key(1)).is_some());
		cache.get_or_load(key(3), load(40)).unwrap();
		assert!(cache.get(&key(1)).is_some());
		assert!(cache.get(&key(2)).is_none());
		assert!(cache.get(&key(3)).is_some());
		assert_eq!(cache.used_bytes(), 80);
	}

	#[test]
	fn the_bound_holds_after_any_sequence_of_loads() {
		let cache = ModelCache::new(100);
		for n in 0..50u8 {
			let size = 5 + (n as usize * 37) % 90;
			cache.get_or_load(key(n % 7), load(size)).unwrap();
			assert!(cache.used_bytes() <= 100, "{} bytes after load {n}", cache.used_bytes());
		}
	}

	#[test]
	fn a_model_larger_than_the_bound_is_refused() {
		let cache = ModelCache::new(100);
		cache.get_or_load(key(1), load(60)).unwrap();
		let error = cache.get_or_load(key(2), load(101)).err().expect("refused");
		assert!(matches!(error, EngineError::TooLarge { needed: 101, capacity: 100 }));
		// What was cached stays.
		assert!(cache.get(&key(1)).is_some());
	}

	#[test]
	fn a_failed_load_caches_nothing() {
		let cache = ModelCache::new(100);
		let error = cache
			.get_or_load(key(1), || Err(EngineError::BadWeights("truncated".into())))
			.err()
			.expect("the load error");
		assert!(matches!(error, EngineError::BadWeights(_)));
		assert!(cache.is_empty());
	}
}
