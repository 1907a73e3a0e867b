//! Deterministic test data: a tiny PRNG, a pseudo-word vocabulary and a skewed word picker.
//!
//! Everything is seeded, so two runs fill identical tables and send identical requests;
//! only the timings differ.

use std::collections::HashSet;

/// SplitMix64: a few instructions per number and statistically fine for test data. Written
/// here rather than pulled in, so the benchmark depends on workspace crates only.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; the modulo bias is negligible for the small `n` used here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits (an `f64` mantissa).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }
}

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br",
    "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st"];

/// Pseudo-words ranked by frequency: rank 0 is the most common.
///
/// Word frequencies follow Zipf's law (weight 1 / (rank + 1)), as in natural text: a few
/// words appear in a large share of rows and most are rare, so filters and searches see
/// both many and few matches depending on the word.
pub struct Vocabulary {
    words: Vec<String>,
    /// Running sum of the Zipf weights, for picking by binary search.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` distinct words of two or three syllables (letters only, so they never need
    /// quoting in CSV or URLs).
    pub fn generate(size: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut seen = HashSet::with_capacity(size);
        let mut words = Vec::with_capacity(size);
        while words.len() < size {
            let syllables = 2 + rng.below(2);
            let mut word = String::new();
            for _ in 0..syllables {
                word.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
                word.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
            }
            word.push_str(CODAS[rng.below(CODAS.len() as u64) as usize]);
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..size)
            .map(|rank| {
                total += 1.0 / (rank as f64 + 1.0);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word of a given frequency rank (0 = most common).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len().saturating_sub(1))]
    }

    /// A word drawn with its Zipf frequency.
    pub fn pick(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        let rank = self.cumulative.partition_point(|c| *c <= target);
        self.word(rank)
    }

    /// Appends 1–4 words separated by spaces: one text cell.
    pub fn push_phrase(&self, rng: &mut Rng, out: &mut String) {
        let count = 1 + rng.below(4);
        for i in 0..count {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(self.pick(rng));
        }
    }

    pub fn phrase(&self, rng: &mut Rng) -> String {
        let mut out = String::new();
        self.push_phrase(rng, &mut out);
        out
    }
}
