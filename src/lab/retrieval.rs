//! The robustness yardstick for frame encoders: frames of a real clip against perturbed versions
//! of it (re-encodes, rescaling, letterbox, pillarbox, a channel logo, a colour grade, PAL
//! speed-up), nearest-neighbour top-1. Shared by the acceptance test and `bench encode`.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub const SECONDS: u32 = 60;

pub struct Fixtures {
    pub original: PathBuf,
    /// The original retimed so frame n shows at second n: a gallery of every frame (24 fps).
    pub every_frame: PathBuf,
    /// (name, file, source seconds per second of the file)
    pub variants: Vec<(&'static str, PathBuf, f64)>,
}

fn ffmpeg(args: &[String]) -> Result<()> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-y", "-nostdin"])
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run the ffmpeg CLI ({e}): install the `ffmpeg` package")))?;
    if !out.status.success() {
        return Err(Error::internal(format!("ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(())
}

/// Build (once, into the cache) BBB 60–120 s at 640×360 and its perturbed versions (~40 s).
pub fn fixtures() -> Result<Fixtures> {
    let cache = crate::paths::cache_dir();
    let bbb = cache.join("media").join("bbb.mp4");
    if !bbb.exists() {
        return Err(Error::Usage(format!("{} missing: run scripts/fetch-media.sh", bbb.display())));
    }
    let dir = cache.join("fixtures").join("encoder-v1");
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::io_error(&dir, e))?;
    let s = |x: &str| x.to_string();
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let make = |target: &Path, args: Vec<String>| -> Result<()> {
        if target.exists() {
            return Ok(());
        }
        let tmp = target.with_extension(format!("tmp.{}", target.extension().and_then(|e| e.to_str()).unwrap_or("mkv")));
        let mut args = args;
        args.push(path(&tmp));
        ffmpeg(&args)?;
        std::fs::rename(&tmp, target).map_err(|e| crate::error::io_error(target, e))
    };
    let original = dir.join("original.mp4");
    make(&original, vec![s("-ss"), s("60"), s("-t"), SECONDS.to_string(), s("-i"), path(&bbb), s("-an"), s("-vf"), s("scale=640:360"),
        s("-c:v"), s("libx264"), s("-preset"), s("veryfast"), s("-crf"), s("18")])?;
    let every_frame = dir.join("original-every-frame.mkv");
    make(&every_frame, vec![s("-i"), path(&original), s("-vf"), s("setpts=N/TB"), s("-r"), s("1"), s("-c:v"), s("libx264"),
        s("-preset"), s("veryfast"), s("-crf"), s("18")])?;
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let logo = format!("drawbox=x=iw-120:y=12:w=100:h=40:color=white@0.8:t=fill,drawtext=fontfile={font}:text=TV1:x=w-105:y=18:fontsize=28:fontcolor=red");
    let x264 = vec![s("-c:v"), s("libx264"), s("-preset"), s("veryfast")];
    let specs: Vec<(&'static str, Vec<String>, f64)> = vec![
        ("x265-low-bitrate", vec![s("-c:v"), s("libx265"), s("-preset"), s("ultrafast"), s("-b:v"), s("250k")], 1.0),
        ("240p", [x264.clone(), vec![s("-vf"), s("scale=426:240"), s("-crf"), s("32")]].concat(), 1.0),
        ("letterbox-2.35", [x264.clone(), vec![s("-vf"), s("crop=640:272,pad=640:360:0:44:black")]].concat(), 1.0),
        ("pillarbox-4:3", [x264.clone(), vec![s("-vf"), s("crop=480:360,pad=640:360:80:0:black")]].concat(), 1.0),
        ("channel-logo", [x264.clone(), vec![s("-vf"), logo]].concat(), 1.0),
        // The logo drawn after the padding, in the top bar's corner (as broadcasters and our
        // synthesiser do): until encoder version 2 it kept the bar and the picture matched at ~0.7.
        ("letterbox-logo-in-bar", [x264.clone(), vec![s("-vf"), format!("crop=640:272,pad=640:360:0:44:black,drawtext=fontfile={font}:text=TV1:x=w-80:y=12:fontsize=22:fontcolor=white@0.8")]].concat(), 1.0),
        ("colour-gamma", [x264.clone(), vec![s("-vf"), s("eq=gamma=1.4:saturation=1.3:brightness=0.04,colorbalance=rs=0.1:bs=-0.08")]].concat(), 1.0),
        ("pal-speedup", [x264.clone(), vec![s("-vf"), s("setpts=PTS*24/25"), s("-r"), s("25")]].concat(), 25.0 / 24.0),
    ];
    let mut variants = Vec::new();
    for (name, opts, speed) in specs {
        let file = dir.join(format!("{name}.mkv"));
        make(&file, [vec![s("-i"), path(&original)], opts].concat())?;
        variants.push((name, file, speed));
    }
    Ok(Fixtures { original, every_frame, variants })
}

/// Embeddings of a file's first `window` seconds, one row per second.
pub fn embed(path: &Path, window: u32, encoder: &mut dyn crate::encoder::FrameEncoder) -> Result<Vec<Vec<f32>>> {
    let (f, _) = crate::features::embed_episode(path, window, encoder, false, &mut |_| true)?;
    Ok((0..f.seconds.len()).map(|i| f.embedding(i).to_vec()).collect())
}

pub struct Score {
    pub hits: usize,
    pub total: usize,
    /// (name, top-1 hits, queries, queries whose own frame is a near-copy: cosine ≥
    /// [`crate::features::channels::REPEAT`], what season alignment and search call the same shot)
    pub per_variant: Vec<(&'static str, usize, usize, usize)>,
    pub misses: Vec<String>,
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.hits as f64 / self.total.max(1) as f64
    }
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self.per_variant.iter().map(|(n, h, t, r)| format!("{n}: {h}/{t} (near-copy {r})")).collect();
        format!("top-1 {:.2} % ({}/{}); {}", self.accuracy() * 100.0, self.hits, self.total, parts.join(", "))
    }
}

/// Frame-aligned variants query the original's 1 FPS samples and must find the same second; the
/// PAL speed-up shows source frame 25k at its second k and queries every original frame, ±2
/// frames (83 ms) for animation holds. `include_pal` off skips its 1,440-frame gallery.
pub fn score(fixtures: &Fixtures, encoder: &mut dyn crate::encoder::FrameEncoder, include_pal: bool) -> Result<Score> {
    let per_second = embed(&fixtures.original, SECONDS, encoder)?;
    let per_frame = if include_pal { embed(&fixtures.every_frame, SECONDS * 24, encoder)? } else { Vec::new() };
    let mut score = Score { hits: 0, total: 0, per_variant: Vec::new(), misses: Vec::new() };
    for (name, path, speed) in &fixtures.variants {
        let pal = *speed != 1.0;
        if pal && !include_pal {
            continue;
        }
        let queries = embed(path, SECONDS, encoder)?;
        let gallery = if pal { &per_frame } else { &per_second };
        let (mut h, mut n, mut r) = (0, 0, 0);
        for (k, q) in queries.iter().enumerate() {
            let expected = if pal { k * 25 } else { k };
            if expected >= gallery.len() {
                break;
            }
            let best = (0..gallery.len())
                .max_by(|&a, &b| crate::encoder::cosine(q, &gallery[a]).total_cmp(&crate::encoder::cosine(q, &gallery[b])))
                .expect("non-empty gallery");
            let ok = if pal { best.abs_diff(expected) <= 2 } else { best == expected };
            r += (crate::encoder::cosine(q, &gallery[expected]) >= crate::features::channels::REPEAT) as usize;
            if !ok {
                score.misses.push(format!("{name}@{k}s→{best} (want {expected})"));
            }
            h += ok as usize;
            n += 1;
        }
        score.per_variant.push((name, h, n, r));
        score.hits += h;
        score.total += n;
    }
    Ok(score)
}
