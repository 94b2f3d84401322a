//! Instants as metadata-action reads and writes them: ISO 8601 text with
//! a `Z` or `±HH:MM` offset in (event payload timestamps, the host's
//! clock), and JavaScript's `Date.prototype.toISOString` out
//! (`2020-01-10T00:30:00.000Z`). Milliseconds since the Unix epoch, UTC.

use crate::calendar::{civil_from_days, days_from_civil};

fn num(s: &str, digits: usize) -> Option<i64> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM|±HHMM)`
/// (a space may stand for the `T`); `None` for anything else.
pub(crate) fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let sep = s.get(10..11)?;
    if sep != "T" && sep != " " && sep != "t" {
        return None;
    }
    let rest = s.get(11..)?;
    let (y, m, d) = (
        num(date.get(..4)?, 4)?,
        num(date.get(5..7)?, 2)?,
        num(date.get(8..10)?, 2)?,
    );
    if date.get(4..5)? != "-"
        || date.get(7..8)? != "-"
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let mut parts = clock.splitn(3, ':');
    let h = num(parts.next()?, 2)?;
    let min = num(parts.next()?, 2)?;
    let (sec, ms) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let ms = if frac.is_empty() {
                0
            } else {
                if !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let three: String = frac.chars().chain("000".chars()).take(3).collect();
                three.parse().ok()?
            };
            (num(whole, 2)?, ms)
        }
    };
    if h > 23 || min > 59 || sec > 59 {
        return None;
    }
    let offset_min = match zone {
        "Z" | "z" => 0,
        "" => return None,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let body = z.get(1..)?.replace(':', "");
            let (oh, om) = (num(body.get(..2)?, 2)?, num(body.get(2..)?, 2)?);
            sign * (oh * 60 + om)
        }
    };
    let days = days_from_civil(y, m, d);
    Some((((days * 24 + h) * 60 + min - offset_min) * 60 + sec) * 1000 + ms)
}

/// JavaScript's `toISOString` of an instant: `2020-01-10T00:30:00.000Z`.
pub(crate) fn iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
    } else {
        let sign = if y < 0 { '-' } else { '+' };
        format!(
            "{sign}{:06}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z",
            y.abs()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_offsets() {
        // 2020-01-10T00:30:00Z is 1578616200000 (date -d @1578616200 -u).
        assert_eq!(
            parse_iso("2020-01-10T00:30:00.000Z"),
            Some(1_578_616_200_000)
        );
        assert_eq!(iso(1_578_616_200_000), "2020-01-10T00:30:00.000Z");
        assert_eq!(
            parse_iso("2020-01-10T01:30:00+01:00"),
            Some(1_578_616_200_000)
        );
        assert_eq!(parse_iso("2020-01-09 19:30:00 -0500"), None);
        assert_eq!(
            parse_iso("2020-01-09 19:30:00-0500"),
            Some(1_578_616_200_000)
        );
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(parse_iso("2020-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso("2020-01-10"), None);
    }
}
