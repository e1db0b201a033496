//! Hybrid logical clock (混合逻辑时钟): wall-clock milliseconds plus a counter,
//! so that stamps made on one PC always increase even if its clock is set
//! back, and sync can order changes from several PCs.

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

    /// Fixed-width text, so that text order is time order.
    pub fn parse(s: &str) -> Option<Hlc> {
        let (m, c) = s.split_once('-')?;
        Some(Hlc { millis: m.parse().ok()?, counter: c.parse().ok()? })
    }

    /// Moves the clock past a stamp received from another PC, so that a
    /// change made here after seeing it is stamped later.
    pub fn observe(&mut self, stamp: &str) {
        if let Some(seen) = Hlc::parse(stamp) {
            *self = (*self).max(seen);
        }
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
        } else {
            self.counter += 1;
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
}
