//! The readers must survive anything: a small in-process fuzzer (structure-aware mutations of real
//! files plus random bytes, deterministic from a seed) runs each reader 100,000 times; a panic
//! fails with the input that caused it. (`fuzz/` holds the same targets for cargo-fuzz.)

use introskip::formats::import::{parse_as, Detected};
use std::path::Path;

/// Seeds: what our writers produce, plus the odd shapes other tools write.
fn seeds(format: Detected) -> Vec<String> {
    use introskip::formats::{render_with, ExportOptions, Format};
    use introskip::segments::{Kind, Segment, Segments, Source};
    let segs = Segments {
        version: 1,
        duration_ms: Some(600_000),
        absent: Vec::new(),
        verified: false,
        segments: vec![
            Segment { kind: Kind::Recap, start_ms: 0, end_ms: 20_000, source: Source::Predicted, confidence: Some(0.5) },
            Segment { kind: Kind::Intro, start_ms: 20_000, end_ms: 75_500, source: Source::HumanVerified, confidence: None },
            Segment { kind: Kind::Credits, start_ms: 560_000, end_ms: 600_000, source: Source::Imported, confidence: None },
        ],
        media: None,
    };
    let o = ExportOptions { duration_ms: Some(600_000), fps: Some(23.976), name: "Show = S01;E02 #1".into(), ..Default::default() };
    let ours = |f: Format| render_with(f, &segs, &o).unwrap();
    match format {
        Detected::Json => vec![ours(Format::Json), r#"{"segments": [{"kind": "intro", "start_ms": 5, "end": 9.5}]}"#.into()],
        Detected::Sis => vec![ours(Format::Sis), r#"{"x": {"start": 12.5, "end": "1:02:03"}}"#.into()],
        Detected::Ffmetadata => vec![ours(Format::Ffmetadata), ";FFMETADATA1\ntitle=a\\\nb\n[STREAM]\n[CHAPTER]\nTIMEBASE=1/90000\nSTART=0\nEND=900000\ntitle=Opening\n".into()],
        Detected::MkvXml => vec![ours(Format::MkvXml)],
        Detected::Webvtt => vec![ours(Format::Webvtt), "WEBVTT\n\n00:10.000 --> 01:00.000 align:start\nOP\n".into()],
        Detected::ResolveEdl => vec![ours(Format::ResolveEdl)],
        Detected::Edl => vec![ours(Format::Edl), "0:00:10.5 0:01:00 0\n# comment\n100 120\n".into()],
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &["\n", ":", ".", "=", "\\", "-->", "<", ">", "</ChapterAtom>", "<ChapterAtom>", "|D:", "|M:", "[CHAPTER]", "START=", "9999999999999999999999", "-1", "0", "\"", "{", "}", "1e308", "NaN", "\u{feff}", "é", "\r\n"];

fn mutate(rng: &mut Rng, input: &[u8], seeds: &[String]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            3 => v.truncate(at),
            4 => {
                let other = seeds[rng.below(seeds.len())].as_bytes();
                let from = rng.below(other.len());
                let to = (from + rng.below(64)).min(other.len());
                v.splice(at..at, other[from..to].iter().copied());
            }
            5 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = b"0123456789:.-\n "[rng.below(15)];
            }
            _ => {
                let n = rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
        }
    }
    v
}

fn fuzz(format: Detected, executions: usize) {
    let seeds = seeds(format);
    let mut rng = Rng(0x9E3779B97F4A7C15 ^ format as u64);
    let mut corpus: Vec<Vec<u8>> = seeds.iter().map(|s| s.clone().into_bytes()).collect();
    let mut ok = 0usize;
    for i in 0..executions {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = if i % 50 == 0 { (0..rng.below(256)).map(|_| rng.next() as u8).collect() } else { mutate(&mut rng, &base, &seeds) };
        let text = String::from_utf8_lossy(&input).into_owned();
        let result = std::panic::catch_unwind(|| parse_as(format, &text, Path::new("fuzz")));
        match result {
            Err(_) => panic!("{format:?} reader panicked on {text:?}"),
            Ok(Ok(_)) => {
                ok += 1;
                // Inputs that still parse are good material for further mutation.
                if corpus.len() < 512 {
                    corpus.push(input);
                }
            }
            Ok(Err(e)) => assert!(e.to_string().contains("fuzz"), "errors name the file: {e}"),
        }
    }
    assert!(ok > 0, "{format:?}: nothing parsed: the mutator never kept a valid file");
}

#[test]
fn readers_survive_100k_mutated_inputs_each() {
    let started = std::time::Instant::now();
    for format in [Detected::Json, Detected::Sis, Detected::Ffmetadata, Detected::MkvXml, Detected::Webvtt, Detected::ResolveEdl, Detected::Edl] {
        fuzz(format, 100_000);
    }
    eprintln!("7 readers × 100,000 executions in {:.1} s", started.elapsed().as_secs_f64());
}

/// The same mutations, for a reader of raw bytes: it must answer every input without panicking.
fn fuzz_bytes(name: &str, seeds: &[Vec<u8>], executions: usize, parse: &dyn Fn(&[u8]) -> bool) {
    let text_seeds: Vec<String> = seeds.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect();
    let mut rng = Rng(0x51_7C_C1_B7_27_22_0A_95 ^ name.len() as u64);
    let mut corpus: Vec<Vec<u8>> = seeds.to_vec();
    let mut ok = 0usize;
    for i in 0..executions {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = if i % 50 == 0 { (0..rng.below(256)).map(|_| rng.next() as u8).collect() } else { mutate(&mut rng, &base, &text_seeds) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(&input))) {
            Err(_) => panic!("{name} reader panicked on {input:?}"),
            Ok(true) => {
                ok += 1;
                if corpus.len() < 512 {
                    corpus.push(input);
                }
            }
            Ok(false) => {}
        }
    }
    assert!(ok > 0, "{name}: nothing parsed");
}

#[test]
fn torchscript_unpickler_and_settings_survive_100k_mutated_inputs_each() {
    use std::io::Read;
    // The real data.pkl of the committed tiny CLIP checkpoint (OpenAI's TorchScript format).
    let pt = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-tiny/state_dict.pt");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&pt).unwrap()).unwrap();
    let name = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).find(|n| n.ends_with("data.pkl")).unwrap();
    let mut pkl = Vec::new();
    zip.by_name(&name).unwrap().read_to_end(&mut pkl).unwrap();
    assert!(introskip::encoder::torchscript::tensors_in_pickle(&pkl).unwrap() > 0);
    fuzz_bytes("torchscript", &[pkl], 100_000, &|b| introskip::encoder::torchscript::tensors_in_pickle(b).is_ok());
    let settings = br#"{"clip_weights": "/w/ViT-B-32.pt", "recent": ["/tv/Show/Season 1"], "window_s": 240, "export_format": "mkv-xml", "muted": true}"#.to_vec();
    fuzz_bytes("settings", &[settings], 100_000, &|b| serde_json::from_slice::<introskip::settings::Settings>(b).is_ok());
}
