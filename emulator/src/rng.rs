//! A tiny deterministic random number generator (SplitMix64).
//!
//! Fault injection must give the same sequence for the same seed on every platform and every
//! version of every dependency, so it does not use an external RNG crate.

#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// Seeds from the time and the address of a local: for values that need not repeat.
    pub fn from_entropy() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let local = 0u8;
        let addr = &local as *const u8 as u64;
        SplitMix64::new(nanos ^ addr.rotate_left(32))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high]`.
    pub fn range_u16(&mut self, low: u16, high: u16) -> u16 {
        let span = u64::from(high - low) + 1;
        low + (self.next_u64() % span) as u16
    }

    /// `n` characters of the standard base64 alphabet, like the service's correlation vectors.
    pub fn base64_chars(&mut self, n: usize) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        // Room for a suffix such as a correlation vector's `.0` without growing.
        // Ten 6-bit characters from each 64-bit draw.
        let mut out = String::with_capacity(n + 2);
        let mut bits = 0u64;
        for i in 0..n {
            if i % 10 == 0 {
                bits = self.next_u64();
            }
            out.push(ALPHABET[(bits & 63) as usize] as char);
            bits >>= 6;
        }
        out
    }

    /// A random (version 4) UUID in its hyphenated form.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let bytes: Vec<u8> = a.to_be_bytes().into_iter().chain(b.to_be_bytes()).collect();
        let mut b16 = [0u8; 16];
        b16.copy_from_slice(&bytes);
        b16[6] = (b16[6] & 0x0f) | 0x40;
        b16[8] = (b16[8] & 0x3f) | 0x80;
        let hex: String = b16.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn floats_are_in_the_unit_interval_and_spread() {
        let mut r = SplitMix64::new(7);
        let below_half = (0..10_000).filter(|_| r.next_f64() < 0.5).count();
        assert!((4_800..5_200).contains(&below_half), "{below_half}");
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let u = SplitMix64::new(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
