//! Pinyin of personal names (拼音首字母 for search, full pinyin for sorting).
//!
//! The `pinyin` crate gives each character its most frequent reading, which is often
//! wrong for surnames: 曾 comes out as "ceng", 单 as "dan", 解 as "jie". A name's
//! surname is therefore read from the tables below, compound surnames first, and only
//! the given name is left to the crate.
//!
//! Everything returned is lowercase ASCII, so callers may slice it by byte: `ü` is
//! written `v` (as Chinese input methods do, and so that 吕 sorts after 陆), `ê` as `e`.

use pinyin::{Pinyin, ToPinyinMulti};

/// Lowercase ASCII initials of a Chinese personal name, e.g. "zgf" for 曾国藩.
///
/// The surname is read as a surname (欧阳修 "oyx", 单雄信 "sxx"), the rest with each
/// character's most common reading. ASCII letters and digits are kept, lowercased;
/// full-width ones are folded to ASCII; `·`, spaces and anything without a reading
/// are dropped.
pub fn initials(name: &str) -> String {
    syllables(name).iter().map(|s| s.initial(0)).collect()
}

/// Full pinyin without tones or separators, e.g. "zengguofan" for 曾国藩, read as
/// [`initials`] reads it; a sort key that orders lists as Chinese users expect.
///
/// Homophones share a key (张三 and 章三 are both "zhangsan"), so callers should
/// break ties on the name itself.
pub fn sort_key(name: &str) -> String {
    syllables(name).iter().map(|s| s.readings[0].as_str()).collect()
}

/// The initials under every reading of the given name's heteronyms (乐 in a given name
/// may be "le" or "yue"), so that a search finds the person whichever reading the user
/// has in mind. The surname keeps its table readings.
///
/// At most `limit` variants, without duplicates; the first is [`initials`], and those
/// that depart from the most common readings in fewer places come earlier.
pub fn initials_variants(name: &str, limit: usize) -> Vec<String> {
    // Each variant is (initials, number of non-primary readings used). Keeping only
    // the best `limit` prefixes after every character is exact: all prefixes have the
    // same length, so distinct prefixes stay distinct, and each kept prefix extends by
    // primary readings to a variant no worse than anything a dropped prefix could give.
    let mut variants: Vec<(String, usize)> = vec![(String::new(), 0)];
    for syllable in syllables(name) {
        let mut letters: Vec<char> = Vec::new();
        for i in 0..syllable.readings.len() {
            let c = syllable.initial(i);
            if !letters.contains(&c) {
                letters.push(c);
            }
        }
        let mut next = Vec::with_capacity(variants.len() * letters.len());
        for (prefix, departures) in &variants {
            for (i, &c) in letters.iter().enumerate() {
                let mut extended = prefix.clone();
                extended.push(c);
                next.push((extended, departures + usize::from(i > 0)));
            }
        }
        // Stable, so ties keep the order of the crate's readings.
        next.sort_by_key(|(_, departures)| *departures);
        next.truncate(limit.max(1));
        variants = next;
    }
    variants.into_iter().take(limit).map(|(s, _)| s).collect()
}

/// One character's possible readings, most likely first, each non-empty ASCII.
struct Syllable {
    readings: Vec<String>,
}

impl Syllable {
    fn initial(&self, reading: usize) -> char {
        self.readings[reading].chars().next().unwrap_or('?')
    }

    fn fixed(readings: &[&str]) -> Syllable {
        Syllable { readings: readings.iter().map(|r| r.to_string()).collect() }
    }
}

fn syllables(name: &str) -> Vec<Syllable> {
    let chars: Vec<char> = name.chars().filter_map(fold_full_width).filter(|c| is_kept(*c)).collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut rest = &chars[..];

    // A two-character name is never compound surname + nothing: 欧阳 alone is 欧 + 阳.
    let compound = (chars.len() > 2)
        .then(|| COMPOUND_SURNAMES.iter().find(|(s, _)| s.chars().eq(chars[..2].iter().copied())))
        .flatten();
    if let Some((_, readings)) = compound {
        out.extend(readings.iter().map(|r| Syllable::fixed(&[r])));
        rest = &chars[2..];
    } else if let Some((_, readings)) = chars.first().and_then(|c| SURNAMES.iter().find(|(s, _)| s == c)) {
        out.push(Syllable::fixed(readings));
        rest = &chars[1..];
    } else if let Some(syllable) = chars.first().and_then(|&c| syllable_of(c)) {
        // A surname outside the table keeps the crate's reading and no other, so that
        // every variant agrees on it as the table's surnames do.
        out.push(Syllable { readings: syllable.readings.into_iter().take(1).collect() });
        rest = &chars[1..];
    }
    out.extend(rest.iter().filter_map(|&c| syllable_of(c)));
    out
}

fn syllable_of(c: char) -> Option<Syllable> {
    if c.is_ascii_alphanumeric() {
        return Some(Syllable { readings: vec![c.to_ascii_lowercase().to_string()] });
    }
    let mut readings: Vec<String> = Vec::new();
    // Made in one buffer and kept only when new: the crate lists a reading
    // once per tone, so plain readings repeat (and every person's name is
    // read twice, for its sort key and its initials).
    let mut reading = String::new();
    for plain in c.to_pinyin_multi()?.into_iter().map(Pinyin::plain) {
        ascii_reading(plain, &mut reading);
        if !reading.is_empty() && !readings.contains(&reading) {
            readings.push(reading.clone());
        }
    }
    (!readings.is_empty()).then_some(Syllable { readings })
}

fn is_kept(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && c.to_pinyin_multi().is_some())
}

fn fold_full_width(c: char) -> Option<char> {
    match c {
        'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => char::from_u32(c as u32 - 0xFEE0),
        _ => Some(c),
    }
}

/// A plain reading in ASCII letters (ü as v, ê as e), written into `out`.
fn ascii_reading(plain: &str, out: &mut String) {
    out.clear();
    out.extend(plain.chars().filter_map(|c| match c {
        'ü' => Some('v'),
        'ê' => Some('e'),
        c if c.is_ascii_lowercase() => Some(c),
        _ => None,
    }));
}

/// Compound surnames (复姓) with their surname readings, one per character. Checked
/// before single surnames, so that 单于 is "chanyu" and not 单 "shan" + 于.
const COMPOUND_SURNAMES: &[(&str, [&str; 2])] = &[
    ("欧阳", ["ou", "yang"]),
    ("司马", ["si", "ma"]),
    ("诸葛", ["zhu", "ge"]),
    ("上官", ["shang", "guan"]),
    ("东方", ["dong", "fang"]),
    ("皇甫", ["huang", "fu"]),
    ("尉迟", ["yu", "chi"]),
    ("长孙", ["zhang", "sun"]),
    ("令狐", ["ling", "hu"]),
    ("慕容", ["mu", "rong"]),
    ("宇文", ["yu", "wen"]),
    ("司徒", ["si", "tu"]),
    ("夏侯", ["xia", "hou"]),
    ("澹台", ["tan", "tai"]),
    ("公孙", ["gong", "sun"]),
    ("万俟", ["mo", "qi"]),
    ("单于", ["chan", "yu"]),
    ("轩辕", ["xuan", "yuan"]),
    ("端木", ["duan", "mu"]),
    ("申屠", ["shen", "tu"]),
    ("太叔", ["tai", "shu"]),
    ("濮阳", ["pu", "yang"]),
    ("淳于", ["chun", "yu"]),
    ("鲜于", ["xian", "yu"]),
    ("赫连", ["he", "lian"]),
    ("闻人", ["wen", "ren"]),
    ("公冶", ["gong", "ye"]),
    ("宗政", ["zong", "zheng"]),
    ("仲孙", ["zhong", "sun"]),
    ("钟离", ["zhong", "li"]),
    ("呼延", ["hu", "yan"]),
    ("百里", ["bai", "li"]),
    ("东郭", ["dong", "guo"]),
    ("南宫", ["nan", "gong"]),
    ("西门", ["xi", "men"]),
    ("羊舌", ["yang", "she"]),
    ("微生", ["wei", "sheng"]),
    ("梁丘", ["liang", "qiu"]),
    ("左丘", ["zuo", "qiu"]),
    ("闾丘", ["lv", "qiu"]),
    ("东门", ["dong", "men"]),
    ("第五", ["di", "wu"]),
    ("公羊", ["gong", "yang"]),
    ("公西", ["gong", "xi"]),
    ("公良", ["gong", "liang"]),
    ("拓跋", ["tuo", "ba"]),
    ("独孤", ["du", "gu"]),
    ("完颜", ["wan", "yan"]),
    ("司空", ["si", "kong"]),
    ("司寇", ["si", "kou"]),
    ("乐正", ["yue", "zheng"]),
    ("亓官", ["qi", "guan"]),
    ("巫马", ["wu", "ma"]),
    ("壤驷", ["rang", "si"]),
    ("颛孙", ["zhuan", "sun"]),
    ("子车", ["zi", "ju"]),
    ("谷梁", ["gu", "liang"]),
    ("段干", ["duan", "gan"]),
    ("漆雕", ["qi", "diao"]),
    ("宰父", ["zai", "fu"]),
    ("夹谷", ["jia", "gu"]),
    ("仉督", ["zhang", "du"]),
    ("归海", ["gui", "hai"]),
];

/// Single surnames whose surname reading the crate does not give first (or gives
/// only by luck of frequency). The first reading is the standard one; any others are
/// readings also heard for that surname, offered by [`initials_variants`] only.
///
/// 尉 alone is "wei" (尉缭, 尉健行); "yu" belongs to the compound 尉迟 only.
const SURNAMES: &[(char, &[&str])] = &[
    ('曾', &["zeng"]),
    ('单', &["shan"]),
    ('解', &["xie"]),
    ('仇', &["qiu"]),
    ('区', &["ou"]),
    ('朴', &["piao"]),
    ('查', &["zha"]),
    ('盖', &["ge", "gai"]),
    ('覃', &["qin", "tan"]),
    ('缪', &["miao"]),
    ('翟', &["zhai"]),
    ('尉', &["wei"]),
    ('乐', &["yue", "le"]),
    ('万', &["wan"]),
    ('秘', &["bi"]),
    ('重', &["chong"]),
    ('种', &["chong"]),
    ('召', &["shao"]),
    ('华', &["hua"]),
    ('任', &["ren"]),
    ('纪', &["ji"]),
    ('燕', &["yan"]),
    ('葛', &["ge"]),
    ('过', &["guo"]),
    ('员', &["yun"]),
    ('句', &["gou"]),
    ('牟', &["mou"]),
    ('适', &["kuo"]),
    ('朝', &["chao"]),
    ('宁', &["ning"]),
    ('那', &["na"]),
    ('厍', &["she"]),
    ('繁', &["po"]),
    ('隗', &["wei"]),
    ('蕃', &["pi"]),
    ('能', &["nai"]),
    ('寻', &["xun"]),
    ('薄', &["bo"]),
    ('贾', &["jia"]),
    ('柏', &["bai"]),
    ('石', &["shi"]),
    ('黑', &["he"]),
    ('相', &["xiang"]),
    ('卜', &["bu"]),
    ('藏', &["zang"]),
    ('翁', &["weng"]),
    ('长', &["chang"]),
    ('车', &["che"]),
    ('都', &["du"]),
    ('阚', &["kan"]),
    ('粘', &["nian"]),
    ('佴', &["nai"]),
    ('么', &["yao"]),
    ('乜', &["nie"]),
    ('折', &["she"]),
    ('洗', &["xian"]),
    ('冼', &["xian"]),
    ('沈', &["shen"]),
    ('褚', &["chu"]),
    ('盛', &["sheng"]),
    ('曲', &["qu"]),
    ('陆', &["lu"]),
    ('祭', &["zhai"]),
    ('宿', &["su"]),
    ('叶', &["ye"]),
    ('番', &["pan"]),
    ('瞿', &["qu"]),
    ('宓', &["mi"]),
    ('郇', &["huan"]),
    ('莘', &["shen"]),
    ('逄', &["pang"]),
    ('殷', &["yin"]),
    ('臧', &["zang"]),
    ('强', &["qiang"]),
    ('谷', &["gu"]),
    ('隽', &["juan"]),
    ('澹', &["tan"]),
    ('眭', &["sui"]),
    ('睢', &["sui"]),
    ('缑', &["gou"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_take_each_characters_first_letter() {
        assert_eq!(initials("张三"), "zs");
        assert_eq!(initials("李四光"), "lsg");
    }

    #[test]
    fn polyphonic_surnames_are_read_as_surnames() {
        for (name, expected) in [
            ("曾国藩", "zgf"),
            ("单雄信", "sxx"),
            ("解缙", "xj"),
            ("仇英", "qy"),
            ("区寄", "oj"),
            ("朴树", "ps"),
            ("查良镛", "zly"),
            ("翟志刚", "zzg"),
            ("尉健行", "wjx"),
            ("盖叫天", "gjt"),
            ("覃振", "qz"),
            ("长平", "cp"),
        ] {
            assert_eq!(initials(name), expected, "{name}");
        }
    }

    #[test]
    fn compound_surnames_are_matched_before_single_ones() {
        assert_eq!(initials("欧阳修"), "oyx");
        assert_eq!(initials("尉迟恭"), "ycg");
        assert_eq!(initials("长孙无忌"), "zswj");
        assert_eq!(initials("万俟卨"), "mqx");
        assert_eq!(initials("澹台灭明"), "ttmm");
        assert_eq!(initials("单于夜"), "cyy");
    }

    #[test]
    fn two_characters_are_never_a_compound_surname_alone() {
        assert_eq!(initials("单于"), "sy");
        assert_eq!(sort_key("欧阳"), "ouyang");
    }

    #[test]
    fn only_the_first_character_is_a_surname() {
        // 曾 in a given name keeps the crate's reading.
        assert_eq!(initials("张曾"), "zc");
    }

    #[test]
    fn transliterated_names_drop_the_middle_dot() {
        assert_eq!(initials("阿依古丽·买买提"), "ayglmmt");
        assert_eq!(sort_key("阿依古丽·买买提"), "ayigulimaimaiti");
        assert_eq!(initials("阿依古丽 • 买买提"), "ayglmmt");
    }

    #[test]
    fn ascii_is_kept_lowercased_and_other_symbols_dropped() {
        assert_eq!(initials("Tom 张"), "tomz");
        assert_eq!(initials("张三2"), "zs2");
        assert_eq!(initials("张三（小）"), "zsx");
        assert_eq!(initials("ＡＢ张"), "abz");
        assert_eq!(initials(""), "");
        assert_eq!(initials("😀"), "");
    }

    #[test]
    fn sort_key_is_full_toneless_pinyin() {
        assert_eq!(sort_key("曾国藩"), "zengguofan");
        assert_eq!(sort_key("单雄信"), "shanxiongxin");
        assert_eq!(sort_key("欧阳修"), "ouyangxiu");
        assert_eq!(sort_key("吕布"), "lvbu");
        assert!(sort_key("陆游") < sort_key("吕布"));
        assert!(sort_key("安") < sort_key("曾国藩"));
    }

    #[test]
    fn everything_returned_is_lowercase_ascii() {
        for name in ["吕女绿", "欸", "嗯", "𠀀㐀", "阿依古丽·买买提", "Ｚｈａｎｇ"] {
            let all = [initials(name), sort_key(name)].into_iter().chain(initials_variants(name, 10));
            for s in all {
                assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{name}: {s}");
            }
        }
    }

    #[test]
    fn variants_cover_heteronyms_in_the_given_name() {
        // 乐 in a given name is "le" first, "yue" as well.
        assert_eq!(initials_variants("张乐", 8), vec!["zl", "zy"]);
        // 曾 as surname never varies; 乐 and 行 each do.
        let v = initials_variants("曾乐行", 8);
        assert_eq!(v[0], initials("曾乐行"));
        assert_eq!(v[0], "zlx");
        assert!(v.contains(&"zyh".to_string()));
        assert!(v.iter().all(|s| s.starts_with('z')));
        let mut unique = v.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), v.len());
    }

    #[test]
    fn variants_prefer_fewer_departures_and_respect_the_limit() {
        // One departure (zlh, zyx) comes before two (zyh); among equals, later
        // characters vary first.
        assert_eq!(initials_variants("曾乐行", 3), vec!["zlx", "zlh", "zyx"]);
        assert_eq!(initials_variants("曾乐行", 9), vec!["zlx", "zlh", "zyx", "zyh"]);
        assert!(initials_variants("曾乐行", 0).is_empty());
        assert_eq!(initials_variants("张三", 4), vec!["zs"]);
    }

    #[test]
    fn surnames_with_two_accepted_readings_offer_both_as_variants() {
        assert_eq!(initials_variants("乐嘉", 4), vec!["yj", "lj"]);
        assert_eq!(initials("乐嘉"), "yj");
    }

    #[test]
    fn a_long_name_of_heteronyms_stays_bounded() {
        let name = "乐行朝长重还乐行朝长重还乐行朝长重还";
        let v = initials_variants(name, 4);
        assert_eq!(v.len(), 4);
        assert_eq!(v[0], initials(name));
    }
}
