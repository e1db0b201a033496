//! Resident ID numbers (居民身份证号码, GB 11643-1999) and the masking used in lists.
//!
//! An 18-character number is a 6-digit area code, the birth date as YYYYMMDD, a
//! 3-digit sequence whose parity gives the sex, and an ISO 7064 MOD 11-2 check
//! character. Old 15-digit numbers lack the century and the check character.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a typed ID number was refused; the messages are shown to staff as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号应为18位（或旧的15位），现在是{0}位，请核对")]
    Length(usize),
    #[error("身份证号只能包含数字，最后一位可以是X，请核对")]
    Characters,
    #[error("身份证号中的出生日期{0}不存在，请核对")]
    BirthDate(String),
    #[error("身份证号校验位不对（按前17位应为{expected}），请核对是否输错")]
    CheckCharacter { expected: char },
}

/// Sex (性别) as recorded by the ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "男")]
    Male,
    #[serde(rename = "女")]
    Female,
}

impl Sex {
    /// The label printed in rosters: "男" or "女".
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A validated 18-character resident ID number, check character as uppercase `X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    number: String,
    // Kept alongside the text so that `birth_date` never has to re-parse or panic.
    birth: NaiveDate,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS: &[u8; 11] = b"10X98765432";
// The standard allows any date, but a register of residents has no use for earlier
// ones, and the bound catches typos such as "10491231".
const EARLIEST_BIRTH_YEAR: i32 = 1850;

impl IdNumber {
    /// Parses what staff type or paste: whitespace anywhere is ignored, full-width
    /// digits and `Ｘ`/`ｘ`/`x` are accepted, and an old 15-digit number is upgraded
    /// to 18 (`"19"` after the area code, check character computed). Checks, in this
    /// order: length, characters, that the birth date exists (year 1850 or later;
    /// future dates are not refused here), and the check character.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let chars: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).map(normalize_char).collect();
        let well_formed = match chars.len() {
            15 => chars.iter().all(char::is_ascii_digit),
            18 => chars[..17].iter().all(char::is_ascii_digit) && (chars[17].is_ascii_digit() || chars[17] == 'X'),
            n => return Err(IdNumberError::Length(n)),
        };
        if !well_formed {
            return Err(IdNumberError::Characters);
        }
        let text: String = chars.into_iter().collect();

        let mut number =
            if text.len() == 15 { format!("{}19{}", &text[..6], &text[6..]) } else { text[..17].to_string() };
        let birth = birth_date_of(&number[6..14])?;
        let expected = check_character(&number);
        if text.len() == 18 && text.as_bytes()[17] != expected as u8 {
            return Err(IdNumberError::CheckCharacter { expected });
        }
        number.push(expected);
        Ok(IdNumber { number, birth })
    }

    /// The full 18-character number.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// Odd 17th digit is male, even is female.
    pub fn sex(&self) -> Sex {
        if (self.number.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The registration county's code (GB/T 2260) when the number was issued; it
    /// says nothing about where the person lives now.
    pub fn area_code(&self) -> &str {
        &self.number[..6]
    }

    /// Full years of age on `on`; see [`age_on`].
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        age_on(self.birth, on)
    }

    /// The form shown in lists and printed rosters: `110105********002X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.number[..6], &self.number[14..])
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
///
/// Expects 17 ASCII digits; other input yields some character rather than a panic,
/// because callers build numbers from data that may be dirty.
pub fn check_character(first17: &str) -> char {
    debug_assert!(
        first17.len() == 17 && first17.bytes().all(|b| b.is_ascii_digit()),
        "check_character expects 17 ASCII digits, got {first17:?}"
    );
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w).sum();
    CHECK_CHARACTERS[(sum % 11) as usize] as char
}

/// Full years between `birth` and `on`, the rule every age in the app follows.
///
/// A year counts only once the birthday is reached; someone born on 29 February
/// turns a year older on 1 March in common years. Dates before birth give 0.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on <= birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    // Comparing (month, day) pairs puts 29 Feb after 28 Feb and before 1 Mar, which
    // is exactly the common-year rule.
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Masks a phone number for lists: `13812341234` becomes `138****1234`.
///
/// Anything of 8 or more characters keeps its first 3 and last 4 with `*` between;
/// shorter strings become all `*`, because "first 3 and last 4" of a 7-digit
/// landline would hide nothing.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let n = chars.len();
    if n < 8 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(n - 7));
    out.extend(&chars[n - 4..]);
    out
}

/// Builds a valid number from its parts, as the demo data generator needs.
///
/// `area` must be 6 ASCII digits and the birth year four digits; `sequence` is taken
/// modulo 1000 (odd for a man, even for a woman).
pub fn compose(area: &str, birth: NaiveDate, sequence: u16) -> IdNumber {
    debug_assert!(
        area.len() == 6 && area.bytes().all(|b| b.is_ascii_digit()),
        "compose expects a 6-digit area code, got {area:?}"
    );
    debug_assert!((1000..=9999).contains(&birth.year()), "compose expects a four-digit year");
    let mut number = format!("{area}{}{:03}", birth.format("%Y%m%d"), sequence % 1000);
    number.push(check_character(&number));
    IdNumber { number, birth }
}

/// Folds the variants people actually type into ASCII digits and `X`.
fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        'x' | 'Ｘ' | 'ｘ' => 'X',
        _ => c,
    }
}

fn birth_date_of(yyyymmdd: &str) -> Result<NaiveDate, IdNumberError> {
    let invalid = || IdNumberError::BirthDate(yyyymmdd.to_string());
    let year: i32 = yyyymmdd[..4].parse().map_err(|_| invalid())?;
    let month: u32 = yyyymmdd[4..6].parse().map_err(|_| invalid())?;
    let day: u32 = yyyymmdd[6..8].parse().map_err(|_| invalid())?;
    if year < EARLIEST_BIRTH_YEAR {
        return Err(invalid());
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A number with a correct check character around the given date digits, so that
    /// date tests fail on the date and nothing else.
    fn number_born(yyyymmdd: &str) -> String {
        let first17 = format!("110105{yyyymmdd}002");
        format!("{first17}{}", check_character(&first17))
    }

    #[test]
    fn the_standard_example_is_a_woman_born_on_31_december_1949() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.sex().label(), "女");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.area_code(), "110105");
        assert_eq!(id.to_string(), "11010519491231002X");
    }

    #[test]
    fn an_odd_sequence_digit_means_male() {
        let id = compose("110105", date(1980, 1, 1), 13);
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(Sex::Male.label(), "男");
    }

    #[test]
    fn lowercase_x_is_read_as_uppercase() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn whitespace_around_and_inside_is_ignored() {
        let id: IdNumber = "  110105 19491231 002X\n".parse().unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn a_wrong_check_character_names_the_expected_one() {
        assert_eq!(IdNumber::parse("110105194912310021"), Err(IdNumberError::CheckCharacter { expected: 'X' }));
        assert_eq!(
            IdNumber::parse("110105194912310021").unwrap_err().to_string(),
            "身份证号校验位不对（按前17位应为X），请核对是否输错"
        );
    }

    #[test]
    fn check_character_follows_mod_11_2() {
        assert_eq!(check_character("11010519491231002"), 'X');
        // A weighted sum of 0 maps to the first entry, '1'.
        assert_eq!(check_character("00000000000000000"), '1');
    }

    #[test]
    fn a_birth_date_that_does_not_exist_is_refused() {
        for digits in ["19490230", "20230229", "19491301", "19490100"] {
            assert_eq!(IdNumber::parse(&number_born(digits)), Err(IdNumberError::BirthDate(digits.into())), "{digits}");
        }
        assert_eq!(
            IdNumber::parse(&number_born("19490230")).unwrap_err().to_string(),
            "身份证号中的出生日期19490230不存在，请核对"
        );
    }

    #[test]
    fn the_leap_day_of_a_leap_year_is_a_real_date() {
        assert!(IdNumber::parse(&number_born("20000229")).is_ok());
    }

    #[test]
    fn birth_years_before_1850_are_refused() {
        assert_eq!(IdNumber::parse(&number_born("18491231")), Err(IdNumberError::BirthDate("18491231".into())));
    }

    #[test]
    fn only_15_or_18_characters_are_accepted() {
        assert_eq!(IdNumber::parse("11010519491231002"), Err(IdNumberError::Length(17)));
        assert_eq!(IdNumber::parse("11010519491231002X1"), Err(IdNumberError::Length(19)));
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Length(0)));
        assert_eq!(
            IdNumber::parse("1101051949123100").unwrap_err().to_string(),
            "身份证号应为18位（或旧的15位），现在是16位，请核对"
        );
    }

    #[test]
    fn letters_are_allowed_only_as_the_final_x() {
        assert_eq!(IdNumber::parse("1101051949A231002X"), Err(IdNumberError::Characters));
        assert_eq!(IdNumber::parse("110105194912310X2X"), Err(IdNumberError::Characters));
        assert_eq!(IdNumber::parse("11010549123100X"), Err(IdNumberError::Characters));
        assert_eq!(IdNumber::parse("１１０１０５一九４９１２３１００２Ｘ"), Err(IdNumberError::Characters));
    }

    #[test]
    fn a_15_digit_number_gains_the_century_and_a_check_character() {
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(IdNumber::parse("110105490231002"), Err(IdNumberError::BirthDate("19490231".into())));
    }

    #[test]
    fn full_width_digits_and_x_are_accepted() {
        let id = IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(IdNumber::parse("１１０１０５１９４９１２３１００２ｘ").is_ok());
    }

    #[test]
    fn age_counts_a_year_only_once_the_birthday_is_reached() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.age_on(date(2024, 12, 30)), 74);
        assert_eq!(id.age_on(date(2024, 12, 31)), 75);
        assert_eq!(id.age_on(date(2025, 1, 1)), 75);
        assert_eq!(age_on(date(1949, 12, 31), date(1949, 12, 31)), 0);
        assert_eq!(age_on(date(1949, 12, 31), date(1900, 1, 1)), 0);
    }

    #[test]
    fn someone_born_on_29_february_ages_on_1_march_in_common_years() {
        let birth = date(2000, 2, 29);
        assert_eq!(age_on(birth, date(2023, 2, 28)), 22);
        assert_eq!(age_on(birth, date(2023, 3, 1)), 23);
        assert_eq!(age_on(birth, date(2024, 2, 28)), 23);
        assert_eq!(age_on(birth, date(2024, 2, 29)), 24);
    }

    #[test]
    fn masked_keeps_the_area_code_and_the_last_four() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("010-12345678"), "010*****5678");
        assert_eq!(mask_phone("12345678"), "123*5678");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_phone("110"), "***");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn compose_builds_a_number_that_parses_back_to_itself() {
        let id = compose("310104", date(1936, 2, 29), 457);
        assert_eq!(&id.as_str()[..17], "31010419360229457");
        assert_eq!(IdNumber::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.birth_date(), date(1936, 2, 29));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(compose("110105", date(1949, 12, 31), 2).as_str(), "11010519491231002X");
        assert_eq!(&compose("110105", date(1990, 5, 6), 1234).as_str()[14..17], "234");
    }

    #[test]
    fn sex_serializes_as_its_chinese_label() {
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"女\"");
        assert_eq!(serde_json::from_str::<Sex>("\"男\"").unwrap(), Sex::Male);
    }
}
