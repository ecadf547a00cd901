//! The data synthesiser (training/synth.py): deterministic from its seed, and its truth agrees
//! with an independent check that finds each intro in the episode's own audio.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn synth(out: &Path, extra: &[&str]) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = introskip::paths::cache_dir();
    Command::new(reference_python())
        .arg(root.join("training/synth.py"))
        .arg("--media")
        .arg(cache.join("media"))
        .arg("--pool")
        .arg(cache.join("dataset/v1/pool"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("python3 runs training/synth.py")
}

fn truth_files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = walk(dir).into_iter().filter(|p| p.to_string_lossy().ends_with(".truth.json")).map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())).collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_plan_is_a_function_of_the_seed() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let o = synth(dir.path(), &["--plan-only", "--seed", seed]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (ta, tb, tc) = (truth_files(a.path()), truth_files(b.path()), truth_files(c.path()));
    assert_eq!(ta.len(), 4 * 4 + 32 * 4, "dev 4 series × 4 episodes, train 32 × 4");
    assert_eq!(ta, tb, "same seed, same truth, byte for byte");
    assert_ne!(ta, tc, "another seed, other series");
    // Every episode has segments tiling it from 0 without gaps, and at most one intro.
    for (name, text) in &ta {
        let t: serde_json::Value = serde_json::from_str(text).unwrap();
        let segs = t["segments"].as_array().unwrap();
        let mut at = 0.0;
        for s in segs {
            assert!((s["start"].as_f64().unwrap() - at).abs() < 1e-6, "{name}: gap before {s}");
            at = s["end"].as_f64().unwrap();
        }
        assert!((at - t["duration"].as_f64().unwrap()).abs() < 1e-6, "{name}");
        assert!(segs.iter().filter(|s| s["kind"] == "intro").count() <= 1, "{name}");
    }
}

#[test]
fn rendered_episodes_agree_with_the_independent_truth_check() {
    let out = tempfile::tempdir().unwrap();
    let o = synth(out.path(), &["--split", "dev", "--series", "1", "--episodes", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let check = Command::new(reference_python()).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("training/check_truth.py")).arg(out.path()).args(["--split", "dev"]).output().unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{report}{}", String::from_utf8_lossy(&check.stderr));
    assert!(report.contains("2/2 episodes agree with their truth"), "{report}");
    // And it is a real check: truth moved by one second is caught.
    let truth = walk(out.path()).into_iter().find(|p| p.to_string_lossy().ends_with("S01E01.truth.json")).unwrap();
    let mut t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    for s in t["segments"].as_array_mut().unwrap() {
        if s["kind"] == "intro" {
            s["start"] = serde_json::json!(s["start"].as_f64().unwrap() + 1.0);
        }
    }
    std::fs::write(&truth, serde_json::to_string(&t).unwrap()).unwrap();
    let check = Command::new(reference_python()).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("training/check_truth.py")).arg(out.path()).args(["--split", "dev"]).output().unwrap();
    assert!(!check.status.success(), "a wrong truth file passed: {}", String::from_utf8_lossy(&check.stdout));
}

/// A theme that leads the intro's picture (family C) over a synthesised bed, the training
/// split's music: the lead is the master's bed from `offset` seconds on, so it runs on into the
/// intro's own sound. (Rendering it raised KeyError 'id' until 2026-12-05.) The shifted bed's
/// samples equal the unshifted bed's 2 s later.
#[test]
fn a_synthesised_theme_leads_the_picture_with_the_masters_own_sound() {
    let script = r#"
import subprocess, sys
sys.path.insert(0, sys.argv[1])
import synth
spec = {"kind": "synth", "seed": 11, "base": 131, "bpm": 120}
def pcm(s, d):
    return subprocess.run(["ffmpeg", "-v", "error"] + synth.music_input(s, d) + ["-ac", "1", "-f", "s16le", "-"], check=True, capture_output=True).stdout
whole = pcm(spec, 3.0)
lead = pcm(dict(spec, offset=2.0), 1.0)
rate = synth.AUDIO_RATE
tail = whole[2 * rate * 2:3 * rate * 2]
import array
x, y = array.array("h", tail), array.array("h", lead)
diff = max(abs(p - q) for p, q in zip(x, y))
print(len(tail), len(lead), diff)
"#;
    let o = Command::new(reference_python()).arg("-c").arg(script).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("training")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let v: Vec<i64> = out.split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert!(v[0] > 0 && (v[0] - v[1]).abs() <= 4, "lengths {out}");
    // 16-bit rounding of the same values; a bed started from 0 differs by thousands.
    assert!(v[2] <= 2, "the lead is not the master's bed 2 s on: max sample difference {}", v[2]);
}
