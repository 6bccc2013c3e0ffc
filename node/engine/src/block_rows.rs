//! A weight matrix kept in its GGUF blocks, multiplied by a few vectors:
//! what decoding a token (or reading a short prompt) needs.
//!
//! A small language model is computed from f32 copies of its weights
//! ([`crate::llama`] says why), so each generated token reads every weight
//! as four bytes: 540 MB a token for SmolLM2-135M, where its Q4_1 blocks hold
//! the same numbers in 96 MB. Decoding is bound by those reads. [`BlockRows`]
//! multiplies the blocks directly, one row per output, without going
//! through f32 copies.
//!
//! The numbers are the f32 copies' numbers: a block's weights dequantize
//! exactly (`d · q + m` in f32), and the row's dot product is the same sum
//! in another order (`d · Σ q·x + m · Σ x` per block of 32). So a decoding
//! step differs from the verifier's batched pass over the f32 copies by
//! rounding only, as two matrix kernels over the same f32 weights do; the
//! generation check's tolerance is measured over exactly that
//! (`scripts/bench/generation-checks.sh`).
//!
//! Two block formats, the ones llama.cpp's small quantizations use:
//! - `Q4_1`: 20 bytes a block: `d` and `m` (f16), then 16 bytes of 4-bit
//!   values: byte `j` holds weight `j` in its low half and `j + 16` in its
//!   high half. Weight = `d · q + m`.
//! - `Q8_0`: 34 bytes a block: `d` (f16), then 32 signed bytes. Weight =
//!   `d · q`.
//!
//! Loading splits the blocks into their values and their scales, the
//! scales widened to f32 once, so that the products read no f16. (Keeping
//! the file's blocks as they are, 17% fewer bytes, and widening each
//! block's scales with F16C as the kernel reaches it decoded 3% slower.)
//!
//! The products run on the widest kernel the CPU has (AVX-512, AVX2, or
//! plain Rust), each row in a parallel task. Decoding a token waits on the
//! weights' bytes more than on the arithmetic: the SIMD kernels ask for a
//! row's bytes a little ahead of where they read (`PREFETCH_BYTES`).
//! Matrices that take the same input (a layer's query, key and value) are
//! multiplied in one parallel pass, since waking the threads costs a
//! decoding step as much as a matrix ([`BlockRows::multiply_together`]);
//! several inputs (a prompt's positions) share each block's widening to
//! f32, and each input's product is bit for bit the one it has alone.

use half::f16;
use rayon::prelude::*;

/// Weights in a block.
pub const BLOCK: usize = 32;

/// How a matrix's blocks are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockFormat {
	Q4_1,
	Q8_0,
}

impl BlockFormat {
	/// Bytes one block of 32 weights takes in a GGUF file.
	pub const fn block_bytes(self) -> usize {
		match self {
			BlockFormat::Q4_1 => 20,
			BlockFormat::Q8_0 => 34,
		}
	}

	/// Bytes of a block's values, without its scales.
	const fn value_bytes(self) -> usize {
		match self {
			BlockFormat::Q4_1 => 16,
			BlockFormat::Q8_0 => 32,
		}
	}
}

/// A `rows × columns` matrix from GGUF blocks, row by row: each block's
/// values, and its scales as f32.
pub struct BlockRows {
	format: BlockFormat,
	rows: usize,
	columns: usize,
	/// 16 bytes a block (two 4-bit values each) for Q4_1, 32 for Q8_0.
	values: Vec<u8>,
	/// Each block's `d`.
	scales: Vec<f32>,
	/// Each block's `m` (Q4_1; empty for Q8_0).
	offsets: Vec<f32>,
}

/// The fewest rows a thread takes at a time: enough work to be worth a task.
const MIN_ROWS_PER_TASK: usize = 32;

/// How far ahead of the block it multiplies a one-input kernel asks for a
/// matrix's values: a few rows of a small model's matrix. The CPU's own
/// prefetching does not keep up with rows read this fast. Asking ahead took
/// SmolLM2's decoding from 67 to 85 tokens a second on two cores (1024 to
/// 4096 bytes did alike, 512 less; asking for the scales too added 3%). The
/// kernel for several inputs does eight inputs' arithmetic a block, time
/// enough for the CPU's own prefetching: asking ahead there measured slower.
const PREFETCH_BYTES: usize = 2048;

/// How many blocks ahead a kernel asks for a row's scales: the blocks of
/// [`PREFETCH_BYTES`] of Q4_1 values.
const SCALES_AHEAD: usize = PREFETCH_BYTES / 16;

impl BlockRows {
	/// The matrix whose blocks are `data`, or `None` when the sizes do not
	/// agree (a row must be whole blocks, and `data` exactly the blocks).
	pub fn new(format: BlockFormat, rows: usize, columns: usize, data: &[u8]) -> Option<Self> {
		let blocks = rows.checked_mul(columns / BLOCK)?;
		if !columns.is_multiple_of(BLOCK)
			|| data.len() != blocks.checked_mul(format.block_bytes())?
		{
			return None;
		}
		let mut values = Vec::with_capacity(blocks * format.value_bytes());
		let mut scales = Vec::with_capacity(blocks);
		let mut offsets = Vec::new();
		for block in data.chunks_exact(format.block_bytes()) {
			scales.push(half(&block[0..2]));
			match format {
				BlockFormat::Q4_1 => {
					offsets.push(half(&block[2..4]));
					values.extend_from_slice(&block[4..20]);
				},
				BlockFormat::Q8_0 => values.extend_from_slice(&block[2..34]),
			}
		}
		Some(Self { format, rows, columns, values, scales, offsets })
	}

	pub fn rows(&self) -> usize {
		self.rows
	}

	pub fn columns(&self) -> usize {
		self.columns
	}

	/// Bytes the values and scales take.
	pub fn memory_bytes(&self) -> usize {
		self.values.len() + (self.scales.len() + self.offsets.len()) * std::mem::size_of::<f32>()
	}

	/// Row `row`: its values, scales and offsets.
	fn row(&self, row: usize) -> Row<'_> {
		let blocks = self.columns / BLOCK;
		let values = blocks * self.format.value_bytes();
		Row {
			format: self.format,
			values: &self.values[row * values..(row + 1) * values],
			scales: &self.scales[row * blocks..(row + 1) * blocks],
			offsets: match self.format {
				BlockFormat::Q4_1 => &self.offsets[row * blocks..(row + 1) * blocks],
				BlockFormat::Q8_0 => &[],
			},
		}
	}

	/// `self · x`: one output per row. `x` must have `columns` values.
	pub fn multiply(&self, x: &[f32]) -> Vec<f32> {
		Self::multiply_together(&[self], x, 1).pop().unwrap_or_default()
	}

	/// Each of `matrices` times each of `count` inputs laid one after another
	/// in `x` (the query, key and value projections of a prompt's positions,
	/// say), in one parallel pass over all the matrices' rows: the threads
	/// are woken once for them, and each row's blocks are widened once for
	/// several inputs. Each matrix's products come input by input, a row of
	/// outputs per input. Every product is the one [`BlockRows::multiply`]
	/// gives for that input alone, bit for bit. Each matrix must have
	/// `x.len() / count` columns.
	pub fn multiply_together(matrices: &[&BlockRows], x: &[f32], count: usize) -> Vec<Vec<f32>> {
		let columns = x.len() / count.max(1);
		assert_eq!(columns * count, x.len(), "whole inputs");
		for matrix in matrices {
			assert_eq!(columns, matrix.columns, "inputs as long as a row");
		}
		let inputs: Vec<&[f32]> = x.chunks_exact(columns.max(1)).collect();
		// Each block's sum of each input, shared by every row (the `m · Σ x`
		// term of Q4_1).
		let block_sums: Vec<Vec<f32>> = inputs
			.iter()
			.map(|input| input.chunks_exact(BLOCK).map(|chunk| chunk.iter().sum::<f32>()).collect())
			.collect();
		let sums: Vec<&[f32]> = block_sums.iter().map(Vec::as_slice).collect();
		// Where each matrix's rows start among all of them.
		let starts: Vec<usize> = matrices
			.iter()
			.scan(0, |start, matrix| {
				let this = *start;
				*start += matrix.rows;
				Some(this)
			})
			.collect();
		let rows: usize = matrices.iter().map(|matrix| matrix.rows).sum();
		// Eight tasks a thread, so that a thread that wakes late or runs slow
		// leaves its share to the others (SmolLM2 on two cores: 3% more
		// tokens a second than four, 5% more than two; sixteen no better).
		let per_task = (rows / (8 * rayon::current_num_threads())).max(MIN_ROWS_PER_TASK);
		// Which kernel this CPU runs, asked once for the whole product.
		let kernel = Kernel::detect();
		// Row by row: each row's products with every input together.
		let mut output = vec![0f32; rows * count];
		output.par_chunks_mut(per_task * count.max(1)).enumerate().for_each(|(task, outputs)| {
			let first = task * per_task;
			for (offset, products) in outputs.chunks_exact_mut(count.max(1)).enumerate() {
				let row = first + offset;
				let which = starts.partition_point(|&start| start <= row) - 1;
				let matrix = matrices[which];
				kernel.row_dots(&matrix.row(row - starts[which]), &inputs, &sums, products);
			}
		});
		// Input by input, per matrix.
		matrices
			.iter()
			.zip(&starts)
			.map(|(matrix, &start)| {
				let mut products = Vec::with_capacity(matrix.rows * count);
				for input in 0..count {
					products.extend(
						(start..start + matrix.rows).map(|row| output[row * count + input]),
					);
				}
				products
			})
			.collect()
	}
}

/// The widest kernel this CPU runs. Each sums a row's products in its own
/// order, so their results differ by rounding, as two matrix kernels do.
#[derive(Clone, Copy)]
enum Kernel {
	#[cfg(target_arch = "x86_64")]
	Avx512(avx512::Available),
	#[cfg(target_arch = "x86_64")]
	Avx2(avx2::Available),
	Portable,
}

impl Kernel {
	fn detect() -> Self {
		#[cfg(target_arch = "x86_64")]
		{
			if let Some(available) = avx512::Available::detect() {
				return Kernel::Avx512(available);
			}
			if let Some(available) = avx2::Available::detect() {
				return Kernel::Avx2(available);
			}
		}
		Kernel::Portable
	}

	/// One row times one input, for tests.
	#[cfg(test)]
	fn row_dot(self, row: &Row<'_>, x: &[f32], block_sums: &[f32]) -> f32 {
		let mut product = [0f32];
		self.row_dots(row, &[x], &[block_sums], &mut product);
		product[0]
	}

	/// `row` times each input, into `products`. Every input's product is
	/// the same whichever inputs it is computed with.
	fn row_dots(self, row: &Row<'_>, inputs: &[&[f32]], sums: &[&[f32]], products: &mut [f32]) {
		match self {
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx512(available) => avx512::row_dots(available, row, inputs, sums, products),
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx2(available) => {
				for ((x, sums), product) in inputs.iter().zip(sums).zip(products) {
					*product = avx2::row_dot(available, row, x, sums);
				}
			},
			Kernel::Portable => {
				for ((x, sums), product) in inputs.iter().zip(sums).zip(products) {
					*product = portable_row_dot(row, x, sums);
				}
			},
		}
	}
}

/// One row of a [`BlockRows`].
struct Row<'a> {
	format: BlockFormat,
	values: &'a [u8],
	scales: &'a [f32],
	offsets: &'a [f32],
}

impl Row<'_> {
	/// Asks for the bytes this row's block `index` (whose values are
	/// `values`) reads [`PREFETCH_BYTES`] of values later, which may lie in
	/// the next rows or past the matrix (a prefetch never faults): their
	/// values, and every fourth block their scales and offsets.
	#[cfg(target_arch = "x86_64")]
	#[inline(always)]
	#[allow(unsafe_code)]
	fn prefetch_ahead(&self, index: usize, values: &[u8]) {
		use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
		// SAFETY: every x86-64 CPU has SSE, and a prefetch reads nothing the
		// program sees, whatever the address.
		unsafe {
			_mm_prefetch::<_MM_HINT_T0>(values.as_ptr().wrapping_add(PREFETCH_BYTES).cast());
			if index.is_multiple_of(4) {
				let block = index + SCALES_AHEAD;
				_mm_prefetch::<_MM_HINT_T0>(self.scales.as_ptr().wrapping_add(block).cast());
				_mm_prefetch::<_MM_HINT_T0>(self.offsets.as_ptr().wrapping_add(block).cast());
			}
		}
	}
}

fn half(bytes: &[u8]) -> f32 {
	f16::from_bits(u16::from_le_bytes([bytes[0], bytes[1]])).to_f32()
}

/// One row's blocks times `x`, in plain Rust, for CPUs without AVX2.
fn portable_row_dot(row: &Row<'_>, x: &[f32], block_sums: &[f32]) -> f32 {
	let values = row.values.chunks_exact(row.format.value_bytes());
	let mut total = 0f32;
	for (index, (qs, x)) in values.zip(x.chunks_exact(BLOCK)).enumerate() {
		match row.format {
			BlockFormat::Q4_1 => {
				let mut dot = 0f32;
				for (j, &q) in qs.iter().enumerate() {
					dot += f32::from(q & 0x0f) * x[j] + f32::from(q >> 4) * x[j + 16];
				}
				total += row.scales[index] * dot + row.offsets[index] * block_sums[index];
			},
			BlockFormat::Q8_0 => {
				let dot: f32 = qs.iter().zip(x).map(|(&q, &x)| f32::from(q as i8) * x).sum();
				total += row.scales[index] * dot;
			},
		}
	}
	total
}

// SIMD intrinsics are unsafe to call: the kernel is entered only with an
// [`avx2::Available`], which only a check of the CPU's features makes, and
// reads within the slices it is given (a block's values, and the 32 inputs
// beside them).
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
	use std::arch::x86_64::*;

	use super::{BlockFormat, Row, BLOCK};

	/// Proof that this CPU has AVX2 and FMA.
	#[derive(Clone, Copy)]
	pub struct Available(());

	impl Available {
		pub fn detect() -> Option<Self> {
			(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"))
				.then_some(Self(()))
		}
	}

	/// One row's blocks times `x`, on a CPU `_available` says has the
	/// features the kernel is compiled for.
	pub fn row_dot(_available: Available, row: &Row<'_>, x: &[f32], block_sums: &[f32]) -> f32 {
		// SAFETY: `Available` is only made once the CPU's AVX2 and FMA are
		// detected.
		unsafe { row_dot_avx2(row, x, block_sums) }
	}

	/// Eight bytes (the low ones of `bytes`) as f32 lanes, unsigned.
	#[inline]
	#[target_feature(enable = "avx2")]
	unsafe fn unsigned_lanes(bytes: __m128i) -> __m256 {
		_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes))
	}

	/// Eight bytes (the low ones of `bytes`) as f32 lanes, signed.
	#[inline]
	#[target_feature(enable = "avx2")]
	unsafe fn signed_lanes(bytes: __m128i) -> __m256 {
		_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes))
	}

	/// The sum of a vector's eight lanes.
	#[inline]
	#[target_feature(enable = "avx2")]
	unsafe fn sum_lanes(v: __m256) -> f32 {
		let halves = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
		let pairs = _mm_add_ps(halves, _mm_movehl_ps(halves, halves));
		let one = _mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1));
		_mm_cvtss_f32(one)
	}

	/// Four groups of eight lanes times the 32 inputs at `x`.
	#[inline]
	#[target_feature(enable = "avx2,fma")]
	unsafe fn dot32(lanes: [__m256; 4], x: *const f32) -> __m256 {
		let mut dot = _mm256_mul_ps(lanes[0], _mm256_loadu_ps(x));
		dot = _mm256_fmadd_ps(lanes[1], _mm256_loadu_ps(x.add(8)), dot);
		dot = _mm256_fmadd_ps(lanes[2], _mm256_loadu_ps(x.add(16)), dot);
		_mm256_fmadd_ps(lanes[3], _mm256_loadu_ps(x.add(24)), dot)
	}

	/// [`super::portable_row_dot`] with AVX2 and FMA: each block's 32
	/// products in four 8-lane multiply-adds, scaled by `d` into one
	/// accumulator.
	///
	/// # Safety
	/// The CPU must have AVX2 and FMA; `x` must hold 32 values for each of
	/// the row's blocks.
	#[target_feature(enable = "avx2,fma")]
	unsafe fn row_dot_avx2(row: &Row<'_>, x: &[f32], block_sums: &[f32]) -> f32 {
		let mut scaled = _mm256_setzero_ps();
		let mut offsets = 0f32;
		let values = row.values.chunks_exact(row.format.value_bytes());
		for (index, (qs, x)) in values.zip(x.chunks_exact(BLOCK)).enumerate() {
			row.prefetch_ahead(index, qs);
			let lanes = match row.format {
				BlockFormat::Q4_1 => {
					let qs = _mm_loadu_si128(qs.as_ptr().cast());
					let low_mask = _mm_set1_epi8(0x0f);
					let low = _mm_and_si128(qs, low_mask);
					let high = _mm_and_si128(_mm_srli_epi16(qs, 4), low_mask);
					[
						unsigned_lanes(low),
						unsigned_lanes(_mm_srli_si128(low, 8)),
						unsigned_lanes(high),
						unsigned_lanes(_mm_srli_si128(high, 8)),
					]
				},
				BlockFormat::Q8_0 => {
					let first = _mm_loadu_si128(qs.as_ptr().cast());
					let second = _mm_loadu_si128(qs.as_ptr().add(16).cast());
					[
						signed_lanes(first),
						signed_lanes(_mm_srli_si128(first, 8)),
						signed_lanes(second),
						signed_lanes(_mm_srli_si128(second, 8)),
					]
				},
			};
			let dot = dot32(lanes, x.as_ptr());
			scaled = _mm256_fmadd_ps(_mm256_set1_ps(row.scales[index]), dot, scaled);
			if let Some(offset) = row.offsets.get(index) {
				offsets += offset * block_sums[index];
			}
		}
		sum_lanes(scaled) + offsets
	}
}

// As `avx2`: entered only with an [`avx512::Available`], reading within the
// slices it is given.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
	use std::arch::x86_64::*;

	use super::{BlockFormat, Row, BLOCK};

	/// Proof that this CPU has AVX-512 (the foundation instructions).
	#[derive(Clone, Copy)]
	pub struct Available(());

	impl Available {
		pub fn detect() -> Option<Self> {
			is_x86_feature_detected!("avx512f").then_some(Self(()))
		}
	}

	/// Inputs widened together: each row block's weights are converted to
	/// f32 once for this many.
	const GROUP: usize = 8;

	/// One row's blocks times each input, on a CPU `_available` says has
	/// AVX-512: in groups of [`GROUP`] inputs, the rest one at a time.
	/// Panics if an input holds fewer than 32 values a block.
	pub fn row_dots(
		_available: Available,
		row: &Row<'_>,
		inputs: &[&[f32]],
		sums: &[&[f32]],
		products: &mut [f32],
	) {
		if let ([x], [sums], [product]) = (inputs, sums, &mut *products) {
			// SAFETY: `Available` is only made once the CPU's AVX-512 is
			// detected; the kernel reads within the slices it is given.
			*product = unsafe { row_dot_avx512(row, x, sums) };
			return;
		}
		let mut start = 0;
		while start + GROUP <= inputs.len().min(products.len()) {
			let group = start..start + GROUP;
			if let (Ok(xs), Ok(group_sums)) = (
				<&[&[f32]; GROUP]>::try_from(&inputs[group.clone()]),
				<&[&[f32]; GROUP]>::try_from(&sums[group.clone()]),
			) {
				// SAFETY: as above.
				products[group].copy_from_slice(&unsafe { row_dots_avx512(row, xs, group_sums) });
			}
			start += GROUP;
		}
		for ((x, sums), product) in inputs.iter().zip(sums).zip(products).skip(start) {
			// SAFETY: as above.
			*product = unsafe { row_dots_avx512(row, &[*x], &[*sums]) }[0];
		}
	}

	/// One block's 32 weights (as they are stored: 4-bit unsigned or 8-bit
	/// signed) widened to two vectors of 16 f32 lanes.
	#[inline]
	#[target_feature(enable = "avx512f")]
	unsafe fn widen(format: BlockFormat, qs: &[u8]) -> (__m512, __m512) {
		match format {
			BlockFormat::Q4_1 => {
				// Weights 0..16 in the bytes' low halves, 16..32 in their
				// high halves.
				let low_mask = _mm_set1_epi8(0x0f);
				let qs = _mm_loadu_si128(qs.as_ptr().cast());
				let low = _mm_and_si128(qs, low_mask);
				let high = _mm_and_si128(_mm_srli_epi16(qs, 4), low_mask);
				(
					_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(low)),
					_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(high)),
				)
			},
			BlockFormat::Q8_0 => (
				_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(qs.as_ptr().cast()))),
				_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(
					qs.as_ptr().add(16).cast(),
				))),
			),
		}
	}

	/// A block's widened weights times its 32 inputs: two multiply-adds,
	/// in the same order for every kernel that calls it. Slicing checks that
	/// `x` holds the 32 values.
	#[inline]
	#[target_feature(enable = "avx512f")]
	unsafe fn block_dot((first, second): (__m512, __m512), x: &[f32]) -> __m512 {
		let (low, high) = (&x[..16], &x[16..32]);
		let dot = _mm512_mul_ps(first, _mm512_loadu_ps(low.as_ptr()));
		_mm512_fmadd_ps(second, _mm512_loadu_ps(high.as_ptr()), dot)
	}

	/// [`super::portable_row_dot`] with 16-lane vectors: each block's 32
	/// products in two multiply-adds (half of the AVX2 kernel's), scaled by
	/// `d` into one accumulator.
	///
	/// Decoding's kernel, one input at a time: the same operations as
	/// [`row_dots_avx512`] for one input (so the same product), kept apart
	/// because that one, at `N = 1`, made decoding 6% slower.
	///
	/// # Safety
	/// The CPU must have AVX-512F. (Inputs are read through slices.)
	#[target_feature(enable = "avx512f")]
	unsafe fn row_dot_avx512(row: &Row<'_>, x: &[f32], block_sums: &[f32]) -> f32 {
		let mut scaled = _mm512_setzero_ps();
		let mut offsets = 0f32;
		let values = row.values.chunks_exact(row.format.value_bytes());
		for (index, (qs, x)) in values.zip(x.chunks_exact(BLOCK)).enumerate() {
			row.prefetch_ahead(index, qs);
			let weights = widen(row.format, qs);
			let dot = block_dot(weights, x);
			scaled = _mm512_fmadd_ps(_mm512_set1_ps(row.scales[index]), dot, scaled);
			if let Some(offset) = row.offsets.get(index) {
				offsets += offset * block_sums[index];
			}
		}
		_mm512_reduce_add_ps(scaled) + offsets
	}

	/// [`super::portable_row_dot`] with 16-lane vectors, for `N` inputs at
	/// once: each block's weights are widened to two vectors once, then each
	/// input's 32 products take two multiply-adds, scaled by `d` into the
	/// input's accumulator. Each input's operations are the same for any
	/// `N`, so its product is too.
	///
	/// # Safety
	/// The CPU must have AVX-512F. (An input shorter than the row panics on
	/// its slicing, before any load.)
	#[target_feature(enable = "avx512f")]
	unsafe fn row_dots_avx512<const N: usize>(
		row: &Row<'_>,
		xs: &[&[f32]; N],
		sums: &[&[f32]; N],
	) -> [f32; N] {
		let mut scaled = [_mm512_setzero_ps(); N];
		let mut offsets = [0f32; N];
		let values = row.values.chunks_exact(row.format.value_bytes());
		for (index, qs) in values.enumerate() {
			let weights = widen(row.format, qs);
			let scale = _mm512_set1_ps(row.scales[index]);
			let offset = row.offsets.get(index);
			for input in 0..N {
				let dot = block_dot(weights, &xs[input][index * BLOCK..(index + 1) * BLOCK]);
				scaled[input] = _mm512_fmadd_ps(scale, dot, scaled[input]);
				if let Some(offset) = offset {
					offsets[input] += offset * sums[input][index];
				}
			}
		}
		let mut products = [0f32; N];
		for input in 0..N {
			products[input] = _mm512_reduce_add_ps(scaled[input]) + offsets[input];
		}
		products
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A deterministic stream of bytes.
	fn bytes(count: usize, seed: u32) -> Vec<u8> {
		let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
		(0..count)
			.map(|_| {
				state ^= state << 13;
				state ^= state >> 17;
				state ^= state << 5;
				state as u8
			})
			.collect()
	}

	/// Blocks with small scales (real ones are), as GGUF lays them out.
	fn blocks(format: BlockFormat, count: usize, seed: u32) -> Vec<u8> {
		let mut data = bytes(count * format.block_bytes(), seed);
		for (index, block) in data.chunks_exact_mut(format.block_bytes()).enumerate() {
			let d = f16::from_f32(0.01 + index as f32 * 1e-4).to_bits().to_le_bytes();
			block[0..2].copy_from_slice(&d);
			if format == BlockFormat::Q4_1 {
				let m = f16::from_f32(-0.08).to_bits().to_le_bytes();
				block[2..4].copy_from_slice(&m);
			}
		}
		data
	}

	/// GGUF blocks as f32 weights, dequantized block by block.
	fn dequantized(format: BlockFormat, data: &[u8]) -> Vec<f32> {
		let mut weights = Vec::new();
		for block in data.chunks_exact(format.block_bytes()) {
			match format {
				BlockFormat::Q4_1 => {
					let (d, m) = (half(&block[0..2]), half(&block[2..4]));
					let qs = &block[4..20];
					weights.extend(qs.iter().map(|q| d * f32::from(q & 0x0f) + m));
					weights.extend(qs.iter().map(|q| d * f32::from(q >> 4) + m));
				},
				BlockFormat::Q8_0 => {
					let d = half(&block[0..2]);
					weights.extend(block[2..34].iter().map(|&q| d * f32::from(q as i8)));
				},
			}
		}
		weights
	}

	fn input(columns: usize) -> Vec<f32> {
		(0..columns).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect()
	}

	#[test]
	fn blocks_multiply_as_their_f32_weights_do() {
		// 18 blocks a row, and 17: kernels that take blocks two at a time
		// must not drop the last.
		let shapes = [(BlockFormat::Q4_1, 576), (BlockFormat::Q8_0, 576), (BlockFormat::Q4_1, 544)];
		for (format, columns) in shapes {
			let rows = 70;
			let data = blocks(format, rows * columns / BLOCK, 7);
			let matrix = BlockRows::new(format, rows, columns, &data).expect("whole blocks");
			let x = input(columns);
			let weights = dequantized(format, &data);
			let product = matrix.multiply(&x);
			let block_sums: Vec<f32> = x.chunks_exact(BLOCK).map(|c| c.iter().sum()).collect();
			for (row, value) in product.iter().enumerate() {
				let row_weights = &weights[row * columns..(row + 1) * columns];
				let expected: f64 =
					row_weights.iter().zip(&x).map(|(&w, &x)| f64::from(w) * f64::from(x)).sum();
				let scale: f64 =
					row_weights.iter().zip(&x).map(|(&w, &x)| f64::from((w * x).abs())).sum();
				// Rounding of a sum of 576 f32 products, nothing more.
				assert!(
					(f64::from(*value) - expected).abs() <= 1e-5 * scale.max(1.0),
					"{format:?} row {row}: {value} against {expected}"
				);
				// Every kernel this CPU runs computes the same numbers.
				for kernel in kernels() {
					let value = kernel.row_dot(&matrix.row(row), &x, &block_sums);
					assert!((f64::from(value) - expected).abs() <= 1e-5 * scale.max(1.0));
				}
			}
		}
	}

	/// Every kernel this CPU can run, the portable one included.
	fn kernels() -> Vec<Kernel> {
		let mut kernels = vec![Kernel::Portable];
		#[cfg(target_arch = "x86_64")]
		{
			kernels.extend(avx512::Available::detect().map(Kernel::Avx512));
			kernels.extend(avx2::Available::detect().map(Kernel::Avx2));
		}
		kernels
	}

	/// Matrices multiplied together give what each gives alone, bit for
	/// bit, whatever their formats and numbers of rows.
	#[test]
	fn matrices_multiplied_together_give_what_each_gives_alone() {
		let columns = 576;
		let matrices: Vec<BlockRows> =
			[(BlockFormat::Q4_1, 70), (BlockFormat::Q8_0, 3), (BlockFormat::Q4_1, 129)]
				.into_iter()
				.enumerate()
				.map(|(seed, (format, rows))| {
					let data = blocks(format, rows * columns / BLOCK, seed as u32);
					BlockRows::new(format, rows, columns, &data).expect("whole blocks")
				})
				.collect();
		let x = input(columns);
		let together = BlockRows::multiply_together(&matrices.iter().collect::<Vec<_>>(), &x, 1);
		assert_eq!(together.len(), 3);
		for (matrix, product) in matrices.iter().zip(together) {
			assert_eq!(product, matrix.multiply(&x));
		}
	}

	/// Many inputs at once (a group of eight, then one at a time) give
	/// what each input gives alone, bit for bit: a prompt's positions are
	/// computed as a decoding step computes its one.
	#[test]
	fn many_inputs_give_what_each_gives_alone() {
		let (rows, columns, count) = (40, 576, 11);
		for format in [BlockFormat::Q4_1, BlockFormat::Q8_0] {
			let data = blocks(format, rows * columns / BLOCK, 3);
			let matrix = BlockRows::new(format, rows, columns, &data).expect("whole blocks");
			let x: Vec<f32> = (0..count).flat_map(|input| input_shifted(columns, input)).collect();
			let together = BlockRows::multiply_together(&[&matrix], &x, count);
			assert_eq!(together.len(), 1);
			for (input, products) in together[0].chunks_exact(rows).enumerate() {
				assert_eq!(
					products,
					matrix.multiply(&input_shifted(columns, input)),
					"input {input}"
				);
			}
		}
	}

	fn input_shifted(columns: usize, shift: usize) -> Vec<f32> {
		(0..columns).map(|i| (((i + 7 * shift) * 37 % 101) as f32 - 50.0) / 25.0).collect()
	}

	#[test]
	fn sizes_that_are_not_whole_blocks_are_refused() {
		assert!(BlockRows::new(BlockFormat::Q4_1, 2, 33, &[0; 40]).is_none());
		assert!(BlockRows::new(BlockFormat::Q4_1, 2, 32, &[0; 39]).is_none());
		assert!(BlockRows::new(BlockFormat::Q8_0, 2, 32, &[0; 68]).is_some());
		assert!(BlockRows::new(BlockFormat::Q8_0, usize::MAX, 64, &[]).is_none());
	}
}
