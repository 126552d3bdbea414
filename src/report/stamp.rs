//! Date-times in learning records: ISO 8601 strings as the portal writes
//! them (`Date.prototype.toISOString`), kept as seconds since 1970 so that a
//! hundred thousand records stay small and compare cheaply.

pub(crate) use crate::calendar::japan_date;
use crate::calendar::{civil_from_days, days_from_civil};

/// Seconds since 1970-01-01T00:00:00Z.
pub(crate) type Stamp = i64;

/// Parses the dates docs/progress-schema.json allows:
/// `YYYY-MM-DD[THH:MM[:SS[.fff…]][Z|±HH:MM|±HHMM]]`. A date or time
/// without a zone is Japan's (UTC+9), as the office reads it. `None` when
/// it is not one.
pub(crate) fn parse(text: &str) -> Option<Stamp> {
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    let mut rest = &text[10..];
    if let Some(time) = rest.strip_prefix('T') {
        if time.as_bytes().get(2) != Some(&b':') {
            return None;
        }
        (hour, minute) = (num(11..13)?, num(14..16)?);
        rest = &text[16..];
        if let Some(seconds) = rest.strip_prefix(':') {
            second = num(17..19)?;
            rest = seconds.get(2..)?;
            if let Some(fraction) = rest.strip_prefix('.') {
                let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 {
                    return None;
                }
                rest = &fraction[digits..];
            }
        }
    } else if !rest.is_empty() {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let offset = zone_offset(rest)?;
    let days = days_from_civil(year, month, day);
    // 2024-02-30 would count on to 03-01: only a real date reads back.
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Seconds east of UTC of a zone written `Z`, `±HH:MM` or `±HHMM`; no zone
/// at all is Japan's.
fn zone_offset(zone: &str) -> Option<i64> {
    let sign = match zone.as_bytes().first() {
        None => return Some(9 * 3600),
        Some(b'Z') if zone.len() == 1 => return Some(0),
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return None,
    };
    let digits: String = match zone.len() {
        6 if zone.as_bytes()[3] == b':' => [&zone[1..3], &zone[4..6]].concat(),
        5 => zone[1..].to_string(),
        _ => return None,
    };
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_portals_dates_and_gives_the_day_in_japan() {
        assert_eq!(parse("1970-01-01T00:00:00.000Z"), Some(0));
        let stamp = parse("2026-11-30T15:30:00.123Z").unwrap();
        assert_eq!(japan_date(stamp), "2026-12-01");
        assert_eq!(parse("2026-12-01T00:30:00+09:00"), Some(stamp));
        assert_eq!(
            japan_date(parse("2024-02-29T12:00:00Z").unwrap()),
            "2024-02-29"
        );
        assert_eq!(parse("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn reads_every_form_the_schema_allows() {
        let midnight_in_japan = parse("2026-11-30T15:00:00Z");
        for text in [
            "2026-12-01",
            "2026-12-01T00:00",
            "2026-12-01T00:00:00",
            "2026-12-01T00:00:00.5+09:00",
            "2026-12-01T00:00+0900",
            "2026-11-30T15:00Z",
        ] {
            assert_eq!(parse(text), midnight_in_japan, "{text}");
        }
        for text in [
            "2026-12-01T",
            "2026-12-01T00",
            "2026-12-01T00:00:0",
            "2026-12-01x",
            "2026-12-01T00:00+9",
            "2026-12-01T00:00+09:0a",
            "2026-12-01T24:00",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
