//! OpenAI CLIP's byte-pair tokenizer: a port of `simple_tokenizer.py` and `clip.tokenize` from
//! OpenAI's `clip` package, with its own vocabulary (`bpe_simple_vocab_16e6.txt.gz`, MIT, OpenAI)
//! compiled in. A text tower is only as good as the ids it is fed, so the port is proven id for id
//! against OpenAI's code (`training/reference/clip_text_reference.py`, `tests/it/clip.rs`).
//!
//! The steps are OpenAI's: `ftfy.fix_text`, `html.unescape` twice, strip, runs of whitespace to
//! one space, lower case, the pre-tokenizer regex, UTF-8 bytes to the printable stand-ins of
//! `bytes_to_unicode`, BPE by merge rank, vocabulary ids.
//!
//! ftfy cannot be matched exactly. Its character-level fixes are ported with its own tables
//! (HTML entities with ftfy's rules, C1 controls as Windows-1252, Latin ligatures, full- and
//! half-width forms, curly quotes, line breaks, terminal escapes, control characters, repeated
//! until nothing changes), but two are not: its mojibake repair (`fix_encoding`, a statistical
//! guess whether text was decoded in the wrong encoding) and NFC normalisation (it needs Unicode's
//! composition tables). Clean, precomposed text — what a user types — is unaffected; mojibake,
//! decomposed accents or compatibility characters such as the Ångström sign may get other ids.
//! Python's regex module and Rust's regex crate may also differ on characters assigned in one
//! Unicode version and not the other.

use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::OnceLock;

/// OpenAI's vocabulary file: a version line, then merges in rank order (and more we do not use).
static VOCAB_GZ: &[u8] = include_bytes!("../../assets/clip/bpe_simple_vocab_16e6.txt.gz");
/// The cleaning's character tables, from Python and ftfy (`training/reference/clip_text_tables.py`).
static TABLES: &str = include_str!("../../assets/clip/text_tables.txt");

/// Every OpenAI CLIP reads 77 tokens.
pub const CONTEXT_LENGTH: usize = 77;
/// `simple_tokenizer.py` keeps the first 49152 − 256 − 2 merges of the file.
const MERGES: usize = 49152 - 256 - 2;
const SOT: &str = "<|startoftext|>";
const EOT: &str = "<|endoftext|>";
/// The pre-tokenizer, as OpenAI writes it (case-insensitive, on lower-cased text).
const PATTERN: &str = r"(?i)<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

/// A text as CLIP's text tower reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// Start token, the text's tokens, end token, then zeros to the context length.
    pub ids: Vec<u32>,
    /// The text did not fit and was cut (its end token kept).
    pub truncated: bool,
}

pub struct ClipTokenizer {
    /// Byte → id of its printable stand-in (`bytes_to_unicode`), and of that stand-in + `</w>`.
    byte_ids: [u32; 256],
    /// (left id, right id) → (merge rank, merged id).
    merges: HashMap<(u32, u32), (u32, u32)>,
    pub sot: u32,
    pub eot: u32,
    pub vocab_size: usize,
    pattern: regex::Regex,
    clean: Cleaner,
}

/// OpenAI's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves, the others for
/// code points from 256 up, in byte order. Returned in the vocabulary's order: the printable
/// ones first, then the rest.
fn bytes_to_unicode() -> Vec<(u8, char)> {
    let printable = |b: u8| (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || (0xAE..=0xFF).contains(&b);
    let mut out: Vec<(u8, char)> = (0..=255u8).filter(|&b| printable(b)).map(|b| (b, char::from(b))).collect();
    let mut n = 0;
    for b in 0..=255u8 {
        if !printable(b) {
            out.push((b, char::from_u32(256 + n).unwrap_or(char::REPLACEMENT_CHARACTER)));
            n += 1;
        }
    }
    out
}

impl ClipTokenizer {
    /// The tokenizer every caller shares: its vocabulary and tables are built once.
    pub fn shared() -> Result<&'static ClipTokenizer> {
        static SHARED: OnceLock<std::result::Result<ClipTokenizer, String>> = OnceLock::new();
        SHARED.get_or_init(|| ClipTokenizer::new().map_err(|e| e.to_string())).as_ref().map_err(|e| Error::internal(e.clone()))
    }

    /// Build OpenAI's vocabulary: the 256 byte stand-ins, the same with `</w>`, one entry per
    /// merge, then the start and end tokens (49408 in all).
    pub fn new() -> Result<Self> {
        let broken = |what: &str| Error::internal(format!("the compiled-in CLIP vocabulary is broken: {what}"));
        let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(VOCAB_GZ));
        let lines: Vec<String> = reader.lines().skip(1).take(MERGES).collect::<std::io::Result<_>>().map_err(|e| broken(&e.to_string()))?;
        if lines.len() != MERGES {
            return Err(broken(&format!("{} merges, expected {MERGES}", lines.len())));
        }
        let bytes = bytes_to_unicode();
        let mut vocab: Vec<String> = bytes.iter().map(|(_, c)| c.to_string()).collect();
        vocab.extend(bytes.iter().map(|(_, c)| format!("{c}</w>")));
        let merges: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| {
                let mut parts = l.split_whitespace();
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(b), None) => Ok((a, b)),
                    _ => Err(broken(&format!("merge line '{l}'"))),
                }
            })
            .collect::<Result<_>>()?;
        vocab.extend(merges.iter().map(|(a, b)| format!("{a}{b}")));
        vocab.push(SOT.into());
        vocab.push(EOT.into());
        // As Python's dict(zip(vocab, range(...))): a later duplicate wins.
        let encoder: HashMap<&str, u32> = vocab.iter().enumerate().map(|(i, s)| (s.as_str(), i as u32)).collect();
        let mut byte_ids = [0u32; 256];
        for (i, (b, _)) in bytes.iter().enumerate() {
            byte_ids[*b as usize] = i as u32;
        }
        let mut merge_map = HashMap::with_capacity(merges.len());
        for (rank, (a, b)) in merges.iter().enumerate() {
            // Every symbol of a word is in the vocabulary, so a merge whose halves are not can never apply.
            if let (Some(&x), Some(&y), Some(&xy)) = (encoder.get(a), encoder.get(b), encoder.get(format!("{a}{b}").as_str())) {
                merge_map.insert((x, y), (rank as u32, xy));
            }
        }
        let pattern = regex::Regex::new(PATTERN).map_err(|e| Error::internal(format!("CLIP's pre-tokenizer regex: {e}")))?;
        Ok(ClipTokenizer { byte_ids, merges: merge_map, sot: encoder[SOT], eot: encoder[EOT], vocab_size: vocab.len(), pattern, clean: Cleaner::new()? })
    }

    /// `SimpleTokenizer.encode`: the text's token ids, without start and end tokens.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        self.encode_at_most(text, usize::MAX)
    }

    /// Stops once `limit` ids are out: what follows would be cut anyway.
    fn encode_at_most(&self, text: &str, limit: usize) -> Vec<u32> {
        let text = whitespace_clean(&self.clean.basic_clean(text)).to_lowercase();
        let mut ids = Vec::new();
        for token in self.pattern.find_iter(&text) {
            if ids.len() >= limit {
                break;
            }
            match token.as_str() {
                SOT => ids.push(self.sot),
                EOT => ids.push(self.eot),
                t => ids.extend(self.bpe(t.as_bytes())),
            }
        }
        ids.truncate(limit);
        ids
    }

    /// BPE on one pre-token: its bytes' stand-ins (the last marked end-of-word), then the
    /// lowest-ranked adjacent pair merged, every occurrence left to right, until none is a merge.
    fn bpe(&self, bytes: &[u8]) -> Vec<u32> {
        let n = bytes.len();
        let mut word: Vec<u32> = bytes.iter().enumerate().map(|(i, &b)| self.byte_ids[b as usize] + if i + 1 == n { 256 } else { 0 }).collect();
        while word.len() > 1 {
            let best = word.windows(2).filter_map(|p| self.merges.get_key_value(&(p[0], p[1]))).min_by_key(|(_, (rank, _))| *rank);
            let Some((&pair, &(_, merged))) = best else { break };
            let mut next = Vec::with_capacity(word.len());
            let mut i = 0;
            while i < word.len() {
                if i + 1 < word.len() && (word[i], word[i + 1]) == pair {
                    next.push(merged);
                    i += 2;
                } else {
                    next.push(word[i]);
                    i += 1;
                }
            }
            word = next;
        }
        word
    }

    /// `clip.tokenize(text, context_length, truncate=True)`: start token, ids, end token, zeros.
    /// OpenAI raises on a text too long unless asked to truncate; a search query is better cut
    /// than refused, so this cuts as `truncate=True` does — the first `context_length − 1` tokens
    /// with the last replaced by the end token — and says so in `truncated`.
    pub fn tokenize(&self, text: &str, context_length: usize) -> Tokens {
        let context_length = context_length.max(2);
        let mut ids = vec![self.sot];
        ids.extend(self.encode_at_most(text, context_length - 1));
        ids.push(self.eot);
        let truncated = ids.len() > context_length;
        if truncated {
            ids.truncate(context_length);
            ids[context_length - 1] = self.eot;
        }
        ids.resize(context_length, 0);
        Tokens { ids, truncated }
    }
}

/// Python's `str.isspace` (what `str.strip()` removes): Unicode White_Space and U+001C–U+001F.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `whitespace_clean`: runs of `\s` (the regex module's, Unicode White_Space) to one space, stripped.
fn whitespace_clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out.trim_matches(py_space).to_string()
}

/// The tables of Python's `html.unescape` and of the ported ftfy fixes.
struct Cleaner {
    html5: HashMap<String, String>,
    charrefs: HashMap<u32, String>,
    invalid: HashSet<u32>,
    /// ftfy's entities: `&name;` for each html5 name with its semicolon, and the all-caps ones.
    ftfy_entities: HashMap<String, String>,
    ligatures: HashMap<char, String>,
    width: HashMap<char, String>,
    c1: HashMap<char, String>,
    control: HashSet<char>,
    html_charref: regex::Regex,
    ftfy_entity: regex::Regex,
    terminal_escape: regex::Regex,
}

impl Cleaner {
    fn new() -> Result<Self> {
        let broken = |line: &str| Error::internal(format!("the compiled-in text tables are broken at '{line}'"));
        let mut c = Cleaner {
            html5: HashMap::new(),
            charrefs: HashMap::new(),
            invalid: HashSet::new(),
            ftfy_entities: HashMap::new(),
            ligatures: HashMap::new(),
            width: HashMap::new(),
            c1: HashMap::new(),
            control: HashSet::new(),
            // html.unescape's pattern and ftfy's HTML_ENTITY_RE / ANSI_RE, verbatim.
            html_charref: regex::Regex::new(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)").map_err(|e| Error::internal(e.to_string()))?,
            ftfy_entity: regex::Regex::new(r"&#?[0-9A-Za-z]{1,24};").map_err(|e| Error::internal(e.to_string()))?,
            terminal_escape: regex::Regex::new(r"\x1b\[((?:\d|;)*)([a-zA-Z])").map_err(|e| Error::internal(e.to_string()))?,
        };
        let code = |s: &str| u32::from_str_radix(s, 16).ok();
        let chars = |s: &str| s.split(' ').filter(|p| !p.is_empty()).map(|p| code(p).and_then(char::from_u32)).collect::<Option<String>>();
        for line in TABLES.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut f = line.split('\t');
            let (kind, key, value) = (f.next().unwrap_or(""), f.next().unwrap_or(""), f.next().unwrap_or(""));
            let value = chars(value).ok_or_else(|| broken(line))?;
            let key_char = || code(key).and_then(char::from_u32).ok_or_else(|| broken(line));
            match kind {
                "html5" => {
                    if key.ends_with(';') {
                        c.ftfy_entities.insert(format!("&{key}"), value.clone());
                    }
                    c.html5.insert(key.to_string(), value);
                }
                "ftfy-upper" => drop(c.ftfy_entities.insert(format!("&{key}"), value)),
                "charref" => drop(c.charrefs.insert(code(key).ok_or_else(|| broken(line))?, value)),
                "invalid" => drop(c.invalid.insert(code(key).ok_or_else(|| broken(line))?)),
                "ligature" => drop(c.ligatures.insert(key_char()?, value)),
                "width" => drop(c.width.insert(key_char()?, value)),
                "c1" => drop(c.c1.insert(key_char()?, value)),
                "control" => drop(c.control.insert(key_char()?)),
                _ => return Err(broken(line)),
            }
        }
        if c.html5.len() < 2000 || c.ligatures.is_empty() || c.width.is_empty() {
            return Err(broken("(tables missing)"));
        }
        Ok(c)
    }

    /// `basic_clean`: ftfy, `html.unescape` twice, strip.
    fn basic_clean(&self, text: &str) -> String {
        let text = self.fix_text(text);
        let text = self.html_unescape(&self.html_unescape(&text));
        text.trim_matches(py_space).to_string()
    }

    /// Python's `html.unescape`: numeric references (with the HTML5 replacements for invalid
    /// ones) and named ones, also without a semicolon, by the longest known prefix.
    fn html_unescape(&self, s: &str) -> String {
        if !s.contains('&') {
            return s.to_string();
        }
        self.html_charref
            .replace_all(s, |caps: &regex::Captures| {
                let r = &caps[1];
                if let Some(num) = r.strip_prefix('#') {
                    let (digits, radix) = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => (hex, 16),
                        None => (num, 10),
                    };
                    let digits = digits.trim_end_matches(';');
                    // Python's int has no limit: anything too big is past U+10FFFF all the same.
                    let n = digits.chars().try_fold(0u64, |acc, d| Some(acc.saturating_mul(radix).saturating_add(u64::from(d.to_digit(radix as u32)?)))).unwrap_or(u64::MAX);
                    if let Some(v) = u32::try_from(n).ok().and_then(|n| self.charrefs.get(&n)) {
                        return v.clone();
                    }
                    if (0xD800..=0xDFFF).contains(&n) || n > 0x10FFFF {
                        return "\u{FFFD}".into();
                    }
                    if self.invalid.contains(&(n as u32)) {
                        return String::new();
                    }
                    return char::from_u32(n as u32).map_or_else(|| "\u{FFFD}".into(), String::from);
                }
                if let Some(v) = self.html5.get(r) {
                    return v.clone();
                }
                let ends: Vec<usize> = r.char_indices().map(|(i, _)| i).skip(2).collect();
                for &end in ends.iter().rev() {
                    if let Some(v) = self.html5.get(&r[..end]) {
                        return format!("{v}{}", &r[end..]);
                    }
                }
                format!("&{r}")
            })
            .into_owned()
    }

    /// `ftfy.fix_text` with its default settings, less mojibake repair and NFC (see the module
    /// doc): line by line (segments of at most a million characters), each fixed until stable.
    /// HTML entities are decoded until a line holds a `<`, and not in that line or after it.
    fn fix_text(&self, text: &str) -> String {
        const MAX_SEGMENT: usize = 1_000_000;
        let mut out = String::with_capacity(text.len());
        let mut unescape = true;
        let mut rest = text;
        while !rest.is_empty() {
            let mut end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            if let Some((i, _)) = rest[..end].char_indices().nth(MAX_SEGMENT) {
                end = i;
            }
            let segment = &rest[..end];
            if segment.contains('<') {
                unescape = false;
            }
            out.push_str(&self.fix_segment(segment, unescape));
            rest = &rest[end..];
        }
        out
    }

    fn fix_segment(&self, segment: &str, unescape: bool) -> String {
        let mut text = segment.to_string();
        loop {
            let before = text.clone();
            if unescape {
                text = self.ftfy_unescape(&text);
            }
            let map = |t: &str, table: &HashMap<char, String>| -> String {
                let mut o = String::with_capacity(t.len());
                for ch in t.chars() {
                    match table.get(&ch) {
                        Some(v) => o.push_str(v),
                        None => o.push(ch),
                    }
                }
                o
            };
            text = map(&text, &self.c1);
            text = map(&text, &self.ligatures);
            text = map(&text, &self.width);
            text = text.chars().map(|c| if c == '\u{2bc}' || ('\u{2018}'..='\u{201b}').contains(&c) { '\'' } else if ('\u{201c}'..='\u{201f}').contains(&c) { '"' } else { c }).collect();
            text = text.replace("\r\n", "\n").replace(['\r', '\u{2028}', '\u{2029}', '\u{85}'], "\n");
            text = self.terminal_escape.replace_all(&text, "").into_owned();
            text.retain(|c| !self.control.contains(&c));
            if text == before {
                return text;
            }
        }
    }

    /// ftfy's `unescape_html`: only entities with their semicolon, also some in all caps.
    fn ftfy_unescape(&self, text: &str) -> String {
        self.ftfy_entity
            .replace_all(text, |caps: &regex::Captures| {
                let m = &caps[0];
                if let Some(v) = self.ftfy_entities.get(m) {
                    return v.clone();
                }
                if m.starts_with("&#") {
                    let u = self.html_unescape(m);
                    // Decoded only in part (the semicolon left over): keep it as it was.
                    return if u.contains(';') { m.to_string() } else { u };
                }
                m.to_string()
            })
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_openai_s() {
        let t = ClipTokenizer::shared().unwrap();
        assert_eq!((t.vocab_size, t.sot, t.eot), (49408, 49406, 49407));
        // "a" alone is byte 'a' + </w>: 256 + its place among the printable bytes ('!' = 0).
        assert_eq!(t.encode("a"), [256 + u32::from(b'a' - b'!')]);
    }

    #[test]
    fn long_text_is_cut_keeping_its_end_token() {
        let t = ClipTokenizer::shared().unwrap();
        let short = t.tokenize("title card", CONTEXT_LENGTH);
        assert!(!short.truncated);
        assert_eq!(short.ids.len(), CONTEXT_LENGTH);
        assert_eq!(&short.ids[..4], &[t.sot, 3644, 2601, t.eot]);
        assert!(short.ids[4..].iter().all(|&i| i == 0));
        let long = t.tokenize(&"word ".repeat(200), CONTEXT_LENGTH);
        assert!(long.truncated);
        assert_eq!((long.ids[0], long.ids[CONTEXT_LENGTH - 1]), (t.sot, t.eot));
        assert!(long.ids[1..CONTEXT_LENGTH - 1].iter().all(|&i| i != 0 && i != t.eot));
        // Exactly full: 75 tokens + start + end is not cut.
        let full = t.tokenize(&"word ".repeat(75), CONTEXT_LENGTH);
        assert!(!full.truncated && full.ids[CONTEXT_LENGTH - 1] == t.eot);
    }

    #[test]
    fn html_unescape_follows_python() {
        let c = &ClipTokenizer::shared().unwrap().clean;
        for (input, expected) in [
            ("&amp; &lt;&gt; &copy 2020", "& <> © 2020"),
            ("&notit; &ampxyz", "¬it; &xyz"),
            ("&#65;&#x42;&#X43 &#0; &#x80; &#xD800; &#99999999999999999999999; &#1;", "ABC \u{FFFD} € \u{FFFD} \u{FFFD} "),
            ("&nosuch; & alone", "&nosuch; & alone"),
        ] {
            assert_eq!(c.html_unescape(input), expected, "{input}");
        }
    }
}
