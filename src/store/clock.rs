//! Hybrid logical clock (混合逻辑时钟): wall-clock milliseconds plus a counter,
//! so that stamps made on one PC always increase even if its clock is set
//! back, and sync can order changes from several PCs.

/// The largest counter that fits the stamp's six digits.
pub const MAX_COUNTER: u32 = 999_999;
/// The largest milliseconds that fit the stamp's fifteen digits.
pub const MAX_MILLIS: u64 = 999_999_999_999_999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    millis: u64,
    counter: u32,
}

impl Hlc {
    /// A clock that continues after the newest stamp already in the log.
    pub fn after(last: Option<&str>) -> Hlc {
        last.and_then(Hlc::parse).unwrap_or(Hlc { millis: 0, counter: 0 })
    }

    /// Fixed-width text, so that text order is time order: 15 digits of
    /// milliseconds, a dash, 6 digits of counter. Anything else (a counter
    /// of 7 digits would sort before a smaller one) is no stamp.
    pub fn parse(s: &str) -> Option<Hlc> {
        let (m, c) = s.split_once('-')?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(m, 15) || !digits(c, 6) {
            return None;
        }
        Some(Hlc { millis: m.parse().ok()?, counter: c.parse().ok()? })
    }

    /// Moves the clock past a stamp received from another PC, so that a
    /// change made here after seeing it is stamped later.
    pub fn observe(&mut self, stamp: &str) {
        if let Some(seen) = Hlc::parse(stamp).filter(|h| h.millis < MAX_MILLIS) {
            *self = (*self).max(seen);
        }
    }

    /// The counter: stamps made within one millisecond.
    pub fn counter(&self) -> u32 {
        self.counter
    }

    /// Milliseconds since 1970 of a stamp.
    pub fn millis(&self) -> u64 {
        self.millis
    }

    pub fn tick(&mut self) -> String {
        let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
        if now > self.millis {
            self.millis = now;
            self.counter = 0;
        } else if self.counter < MAX_COUNTER {
            self.counter += 1;
        } else {
            // A full counter (a thousand thousand stamps in one millisecond,
            // or one received at the limit) moves on to the next millisecond
            // rather than overflow or outgrow its six digits.
            self.millis += 1;
            self.counter = 0;
        }
        self.to_string()
    }
}

impl std::fmt::Display for Hlc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:015}-{:06}", self.millis, self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_increase_even_when_the_wall_clock_is_behind() {
        let far_future = format!("{:015}-{:06}", 900_000_000_000_000u64, 7);
        let mut c = Hlc::after(Some(&far_future));
        let a = c.tick();
        let b = c.tick();
        assert!(far_future < a && a < b, "{far_future} {a} {b}");
    }

    #[test]
    fn a_counter_at_its_limit_moves_to_the_next_millisecond() {
        let full = format!("{:015}-{:06}", 900_000_000_000_000u64, MAX_COUNTER);
        let mut c = Hlc::after(Some(&full));
        let next = c.tick();
        assert_eq!(next, format!("{:015}-{:06}", 900_000_000_000_001u64, 0));
        assert!(full < next);
    }

    #[test]
    fn a_counter_beyond_six_digits_is_no_stamp() {
        let huge = format!("{:015}-{}", 1_700_000_000_000u64, u32::MAX);
        assert_eq!(Hlc::parse(&huge), None);
        let mut c = Hlc::after(None);
        c.observe(&huge);
        assert_eq!(c, Hlc::after(None), "an invalid stamp moves nothing");
        assert_eq!(Hlc::parse("1-1"), None);
        assert_eq!(Hlc::parse(&format!("{:015}-{:06}", 5, 1)).map(|h| h.millis()), Some(5));
    }
}
