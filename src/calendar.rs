//! Gregorian dates from day counts and back (Howard Hinnant's
//! `days_from_civil` and `civil_from_days`), for the dates kenshu writes
//! (`updated:` of a new module) and reads (learning records).

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The date in Japan (UTC+9) of a time in seconds since 1970, as
/// `YYYY-MM-DD`: what a council office calls the day.
pub(crate) fn japan_date(seconds: i64) -> String {
    let (year, month, day) = civil_from_days((seconds + 9 * 3600).div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_day_counts_agree() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_424), (2025, 12, 2));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        for days in [-1_000_000, -1, 0, 59, 11_016, 20_424, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // 2026-12-02T15:00:00Z is midnight on 3 December in Japan.
        assert_eq!(japan_date(1_796_223_600), "2026-12-03");
        assert_eq!(japan_date(1_796_223_599), "2026-12-02");
    }
}
