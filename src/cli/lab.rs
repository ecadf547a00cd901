//! The lab's commands: `train`, `eval`, `baseline` and `bench detect` — the printing around
//! [`crate::lab`] (training, scoring, the baseline) and the per-stage timing of `detect`.

use super::{batch_result, media_arguments};
use crate::error::{io_error, Error, Result};
use std::path::{Path, PathBuf};

pub(super) fn bench_detect(inputs: &[PathBuf], window: u32, model: Option<&Path>) -> Result<()> {
    let inputs = if inputs.is_empty() { vec![crate::paths::demo_dir()] } else { inputs.to_vec() };
    let (media, failures) = media_arguments(&inputs)?;
    batch_result(failures, inputs.len())?;
    let mut encoder = crate::encoder::default_encoder();
    let model = crate::model::load_model(model, encoder.as_ref())?;
    let mut all = Vec::new();
    let mut embed_ms = Vec::new();
    // Each stage alone, then the head as `detect` runs it: the sound in its own thread beside the
    // picture's sampling and encoding.
    let (mut picture_ms, mut sound_ms) = (Vec::new(), Vec::new());
    for file in &media {
        let t = std::time::Instant::now();
        crate::features::picture_features(file, 0, window, crate::features::TextKept::head(file), encoder.as_mut(), &mut |_| true)?;
        picture_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        crate::features::sound::sound_features_from(file, 0, window)?;
        sound_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        all.push(crate::features::embed_episode(file, window, encoder.as_mut(), false, &mut |_| true)?.0);
        embed_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // The tail (credits): its own seek, sampling with text cues, and its judgement as `detect`
    // makes it (the rule, Tesseract reading the credits' edges and what follows them, snapping
    // to cuts); against the head's analysis of the same episode in this run (#18's budget: at
    // most 30 % more). Nothing is taken from the cache, what Tesseract reads included. Beside it, the same tail sampled whole at 1 FPS and the rule alone
    // (what a long tail costs without the keyframe pass).
    let (mut tail_ms, mut whole_ms) = (Vec::new(), Vec::new());
    let mut memory = crate::service::detect::JudgeMemory::default();
    memory.uncached = true;
    // Tesseract starts once per process (its language model loaded), not once per tail: outside
    // the first episode's time, as `detect` on a season pays it once.
    memory.start_reader();
    for file in &media {
        let t = std::time::Instant::now();
        let mut notes = Vec::new();
        let tail = crate::service::detect::analyse_tail(file, crate::features::tail::DEFAULT_TAIL, encoder.as_mut(), false, &mut notes, &|| true)?;
        if let Some(tail) = &tail {
            let _ = crate::service::detect::judge_tail(file, tail, true, &mut memory, &mut notes);
        }
        tail_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        if let Some(tail) = &tail {
            let (start, len) = tail.window;
            let (features, _) = crate::features::embed_window(file, start, len, crate::features::TextKept::Cues, encoder.as_mut(), false, &mut |_| true)?;
            let _ = crate::model::credits::find_tail(&features, tail.duration_s);
        }
        whole_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<40} {:>10} {:>9} {:>22} {:>10} {:>12} {:>10} {:>11} {:>16}", "episode", "picture", "sound", "head (both at once)", "model", "model share", "tail", "tail / head", "1 FPS tail / head");
    let mut model_ms = Vec::new();
    let mut snaps = Vec::new();
    for (i, file) in media.iter().enumerate() {
        let season: Vec<&crate::features::EpisodeFeatures> = all.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, f)| f).collect();
        // Median of 5 (the first run warms libtorch up).
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                let _ = model.detect(&all[i], &season);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let m = times[2];
        // Decoding the stretch around the intro's edges that snapping looks at for cuts and
        // fades, as `detect` does, against decoding every frame from the keyframe in full
        // (before 2026-12-01).
        let edges: Vec<f64> = model.detect(&all[i], &season).intros.iter().flat_map(|s| [s.start, s.end]).filter(|b| *b > 0.0).collect();
        let snap = |exact: bool| -> Result<f64> {
            let t = std::time::Instant::now();
            for b in &edges {
                let reach = crate::model::snap::Reach::default();
                let span = reach.cut.max(reach.fade);
                crate::video::cuts::find_cuts_with(file, b - span, b + span, exact)?;
            }
            Ok(t.elapsed().as_secs_f64() * 1000.0)
        };
        // Alternating, median of 3 each: the machine is shared.
        let (mut exact_ms, mut fast_ms) = (Vec::new(), Vec::new());
        for round in 0..3 {
            for exact in if round % 2 == 0 { [true, false] } else { [false, true] } {
                let ms = snap(exact)?;
                if exact { exact_ms.push(ms) } else { fast_ms.push(ms) }
            }
        }
        exact_ms.sort_by(f64::total_cmp);
        fast_ms.sort_by(f64::total_cmp);
        let (snap_exact, snap_fast) = (exact_ms[1], fast_ms[1]);
        snaps.push(format!("{:.0} ms against {:.0} ms decoding in full ({:.2}×, {} edges)", snap_fast, snap_exact, snap_fast / snap_exact.max(1e-9), edges.len()));
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let head = m + embed_ms[i];
        let hidden = (picture_ms[i] + sound_ms[i] - embed_ms[i]) / sound_ms[i].max(1e-9) * 100.0;
        println!(
            "{name:<40} {:>7.0} ms {:>6.0} ms {:>8.0} ms ({:>3.0}% of sound hidden) {:>7.1} ms {:>11.1}% {:>7.0} ms {:>10.1}% {:>15.1}%",
            picture_ms[i], sound_ms[i], embed_ms[i], hidden, m, m / head * 100.0, tail_ms[i], tail_ms[i] / head * 100.0, whole_ms[i] / head * 100.0
        );
        model_ms.push(m);
    }
    for (file, line) in media.iter().zip(&snaps) {
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        println!("{name:<40} snapping the intro's edges (cuts, fades): {line}");
    }
    // #18's budget end to end: `detect` on these episodes as the command runs it (the tail's
    // keyframes read beside the head, then its 1 FPS pass, judgement and, where the season's
    // end theme can use it, a credits-less tail's sound), nothing cached (a fresh judging
    // memory each run, Tesseract started before the clock), with the default tail against
    // `--tail off`. Alternating, median of 3; beside the wall time, the CPU time of every
    // thread, which a shared machine's noise moves far less (the same build's wall ratio swung
    // 26 % to 49 % an hour apart on 2026-12-07).
    let (mut with_ms, mut without_ms) = (Vec::new(), Vec::new());
    let (mut with_cpu, mut without_cpu) = (Vec::new(), Vec::new());
    for round in 0..3 {
        for tail in if round % 2 == 0 { [false, true] } else { [true, false] } {
            let options = crate::service::detect::JudgeOptions {
                tail: if tail { crate::features::tail::DEFAULT_TAIL } else { crate::features::tail::TailSpec::Off },
                window_s: window,
                ..crate::service::detect::JudgeOptions::season()
            };
            let mut memory = crate::service::detect::JudgeMemory::default();
            memory.start_reader();
            let (t, cpu) = (std::time::Instant::now(), cpu_seconds());
            crate::service::detect::detect_in(&media, window, encoder.as_mut(), &model, options, None, false, &mut memory)?;
            let (ms, cpu) = (t.elapsed().as_secs_f64() * 1000.0, cpu_seconds() - cpu);
            if tail {
                with_ms.push(ms);
                with_cpu.push(cpu);
            } else {
                without_ms.push(ms);
                without_cpu.push(cpu);
            }
        }
    }
    for v in [&mut with_ms, &mut without_ms, &mut with_cpu, &mut without_cpu] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "detect, all {} episode(s), nothing cached: {:.0} ms with the tail against {:.0} ms without: the tail adds {:.1}% (median of 3, alternating); CPU time {:.1} s against {:.1} s: {:+.1}%",
        media.len(),
        with_ms[1],
        without_ms[1],
        (with_ms[1] / without_ms[1].max(1e-9) - 1.0) * 100.0,
        with_cpu[1],
        without_cpu[1],
        (with_cpu[1] / without_cpu[1].max(1e-9) - 1.0) * 100.0
    );
    // The series' title (#19): what keeping the title reading's gate costs the head, and
    // reading the strongest text from the seconds the gate chooses, each decoded from its
    // keyframe, against the second pass over the window that chose them before 2026-12-04. In
    // this run, one after the other (picture with and without the gate, alternating by file).
    for (i, file) in media.iter().enumerate() {
        if crate::features::TextKept::head(file) != crate::features::TextKept::Gate {
            continue;
        }
        let mut head = |text: crate::features::TextKept| -> Result<(f64, crate::features::EpisodeFeatures)> {
            let t = std::time::Instant::now();
            let f = crate::features::picture_features(file, 0, window, text, encoder.as_mut(), &mut |_| true)?;
            Ok((t.elapsed().as_secs_f64() * 1000.0, f))
        };
        let (with, features, without) = if i % 2 == 0 {
            let (with, f) = head(crate::features::TextKept::Gate)?;
            (with, f, head(crate::features::TextKept::Nothing)?.0)
        } else {
            let without = head(crate::features::TextKept::Nothing)?.0;
            let (with, f) = head(crate::features::TextKept::Gate)?;
            (with, f, without)
        };
        let gates = features.gates().unwrap_or_default();
        let seconds = crate::features::ocr::strongest_runs(&gates, crate::service::detect::ALONE_TITLE_READS);
        let t = std::time::Instant::now();
        crate::features::ocr::frames_at(file, &seconds)?;
        let sought = t.elapsed().as_secs_f64() * 1000.0;
        let t = std::time::Instant::now();
        crate::features::ocr::gates_of(file, 0, window)?;
        let pass = t.elapsed().as_secs_f64() * 1000.0;
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{name:<40} the series' title: the head keeping its gate {with:.0} ms against {without:.0} ms without ({:.2}×); its {} strongest seconds decoded alone {sought:.0} ms against a second pass over the window {pass:.0} ms ({:.2}×; Tesseract's reading not counted)",
            with / without.max(1e-9),
            seconds.len(),
            sought / pass.max(1e-9)
        );
    }
    if all.len() >= 2 {
        // Season alignment from scratch (no pairs remembered), median of 5; and the fingerprint
        // of one window's sound (part of "sound" above), on 180 s of tones at 16 kHz.
        let refs: Vec<&crate::features::EpisodeFeatures> = all.iter().collect();
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                let _ = crate::features::align::season_repeats(&refs, &mut crate::features::align::PairCache::default());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let tones: Vec<f32> = (0..window as usize * 16_000).map(|i| 0.3 * ((i as f32) * 0.05 * (1.0 + (i / 8000 % 7) as f32)).sin()).collect();
        let t = std::time::Instant::now();
        let _ = crate::features::sound::fingerprint_of(&tones, 16_000);
        let print_ms = t.elapsed().as_secs_f64() * 1000.0;
        let analysis: f64 = embed_ms.iter().sum::<f64>() + model_ms.iter().sum::<f64>();
        let added = times[2] + print_ms * all.len() as f64;
        println!(
            "season of {}: alignment {:.1} ms + fingerprints {:.1} ms ({:.1} ms each) = {:.1} % of the season's analysis ({:.0} ms)",
            all.len(),
            times[2],
            print_ms * all.len() as f64,
            print_ms,
            added / analysis * 100.0,
            analysis
        );
        // The season as `detect DIR` runs it, its features not cached, against each episode
        // judged alone (a new judgement per episode, as `detect --single` per file; Tesseract
        // started before the clock, as one process pays it once), in this run; and how busy the
        // cores were (CPU time of every thread over wall time). Nothing cached, what Tesseract
        // reads included (until 2026-12-07 its words were taken from the disk cache here, so
        // credits read once were free in every later run).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let mut whole = |files: &[PathBuf], single: bool| -> Result<(f64, f64)> {
            let mut memory = crate::service::detect::JudgeMemory::default();
            memory.start_reader();
            let options = crate::service::detect::JudgeOptions { single, ..crate::service::detect::JudgeOptions::season() };
            let (t, cpu) = (std::time::Instant::now(), cpu_seconds());
            crate::service::detect::detect_in(files, window, encoder.as_mut(), &model, options, None, false, &mut memory)?;
            Ok((t.elapsed().as_secs_f64(), cpu_seconds() - cpu))
        };
        let (season_s, season_cpu) = whole(&media, false)?;
        let (mut alone_s, mut alone_cpu) = (0.0, 0.0);
        for file in &media {
            let (s, c) = whole(std::slice::from_ref(file), true)?;
            alone_s += s;
            alone_cpu += c;
        }
        println!(
            "{} episodes as `detect DIR` runs them, nothing cached: {season_s:.1} s (cores busy {:.0} % of {cores}); each episode alone: {alone_s:.1} s in all (busy {:.0} %); season / sum of the episodes alone {:.2}×",
            media.len(),
            season_cpu / season_s / cores * 100.0,
            alone_cpu / alone_s / cores * 100.0,
            season_s / alone_s
        );
    }
    Ok(())
}

/// #19's comparison: `detect` beside a Python pipeline of the research systems' kind
/// (`training/reference/python_pipeline.py`: OpenCV decodes every frame of the window and converts
/// one a second, OpenAI's preprocessing and ViT-B/32 in PyTorch with one thread per core), on the same
/// file, in this process, rounds alternating the order. Ours: `detect --single` as the command
/// runs it, nothing cached (the embedded encoder; with the default tail and with `--tail off`),
/// and the head's analysis with the same ViT-B/32 weights, fp32 and bf16 (sampling with CLIP's
/// preprocessing, the tower, the sound beside them; the tagger, ~30 ms, is left out: it needs a
/// model trained on those embeddings).
pub(super) fn bench_pipeline(file: Option<&Path>, window: u32, runs: usize) -> Result<()> {
    let file = match file {
        Some(f) => f.to_path_buf(),
        None => crate::lab::bench::x264_defaults_episode()?,
    };
    crate::video::probe(&file)?;
    let (model_py, fixture) = crate::lab::bench::clip_b32_fixture()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("training/reference/python_pipeline.py");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut embedded = crate::encoder::default_encoder();
    let model = crate::model::load_model(None, embedded.as_ref())?;
    let weights = fixture.join("openclip.safetensors");
    let mut clip32 = crate::encoder::ClipEncoder::load(&weights)?;
    let mut clip16 = crate::encoder::ClipEncoder::load(&weights)?.into_bf16();
    let python = |batch: usize| -> Result<serde_json::Value> {
        let out = std::process::Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(&model_py)
            .arg(fixture.join("state_dict.pt"))
            .arg(&file)
            .arg(window.to_string())
            .arg(threads.to_string())
            // The batch CLIP takes here (`Feeding`).
            .arg(batch.to_string())
            // Its OpenMP and OpenBLAS pools share 2 cores: with spinning workers its tower took
            // 18.1 s for what it does in 9.4 s with sleeping ones (2026-12-05), so it gets the
            // faster unless the caller set a policy.
            .env("OMP_WAIT_POLICY", std::env::var_os("OMP_WAIT_POLICY").unwrap_or_else(|| "PASSIVE".into()))
            .output()
            .map_err(|e| Error::Usage(format!("cannot run the Python pipeline ({e})")))?;
        serde_json::from_slice::<serde_json::Value>(&out.stdout).map_err(|_| {
            Error::Usage(format!("the Python pipeline failed (run scripts/fetch-clip-reference.sh): {}", String::from_utf8_lossy(&out.stderr).trim()))
        })
    };
    let media = vec![file.clone()];
    let mut detect = |tail: crate::features::tail::TailSpec| -> Result<f64> {
        let options = crate::service::detect::JudgeOptions { single: true, tail, window_s: window, ..crate::service::detect::JudgeOptions::season() };
        let mut memory = crate::service::detect::JudgeMemory::default();
        memory.start_reader();
        let t = std::time::Instant::now();
        let run = crate::service::detect::detect_in(&media, window, embedded.as_mut(), &model, options, None, false, &mut memory)?;
        let seconds = t.elapsed().as_secs_f64();
        // A failed detection is not a fast one.
        if let Some(e) = run.failures.into_iter().next() {
            return Err(e);
        }
        Ok(seconds)
    };
    let head = |encoder: &mut dyn crate::encoder::FrameEncoder| -> Result<(f64, crate::features::EpisodeFeatures)> {
        let t = std::time::Instant::now();
        let (features, _) = crate::features::embed_window(&file, 0, window, crate::features::TextKept::head(&file), encoder, false, &mut |_| true)?;
        Ok((t.elapsed().as_secs_f64(), features))
    };
    const NAMES: [&str; 5] = ["Python pipeline", "detect, default tail", "detect --tail off", "head, ViT-B/32 fp32", "head, ViT-B/32 bf16"];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); NAMES.len()];
    let (mut python_decode, mut python_embed) = (Vec::new(), Vec::new());
    let mut agreement = None;
    for round in 0..runs.max(1) {
        for k in 0..NAMES.len() {
            let which = (k + round) % NAMES.len();
            eprint!("\rround {}/{}: {:<24}", round + 1, runs.max(1), NAMES[which]);
            let seconds = match which {
                0 => {
                    let v = python(crate::encoder::FrameEncoder::feeding(&clip32).batch)?;
                    python_decode.push(v["decode_s"].as_f64().unwrap_or(f64::NAN));
                    python_embed.push(v["embed_s"].as_f64().unwrap_or(f64::NAN));
                    v["total_s"].as_f64().unwrap_or(f64::NAN)
                }
                1 => detect(crate::features::tail::DEFAULT_TAIL)?,
                2 => detect(crate::features::tail::TailSpec::Off)?,
                3 => head(&mut clip32)?.0,
                _ => {
                    let (s, f16) = head(&mut clip16)?;
                    if agreement.is_none() {
                        // bf16 against fp32 on the same samples: the worst and mean cosine.
                        let (_, f32s) = head(&mut clip32)?;
                        let cos: Vec<f32> = (0..f16.seconds.len().min(f32s.seconds.len())).map(|i| crate::encoder::cosine_similarity(f16.embedding(i), f32s.embedding(i))).collect();
                        agreement = Some((cos.iter().copied().fold(1.0f32, f32::min), cos.iter().sum::<f32>() / cos.len().max(1) as f32));
                    }
                    s
                }
            };
            times[which].push(seconds);
        }
    }
    eprintln!();
    let medians: Vec<f64> = times.into_iter().map(crate::lab::bench::median).collect();
    println!("{} ({} s window), {threads} cores, median of {}, rounds alternating the order:", file.display(), window, runs.max(1));
    println!(
        "  {:<22} {:>7.2} s  (OpenCV decoding every frame {:.2} s, ViT-B/32 in PyTorch {:.2} s)",
        NAMES[0],
        medians[0],
        crate::lab::bench::median(python_decode),
        crate::lab::bench::median(python_embed)
    );
    for (i, name) in NAMES.iter().enumerate().skip(1) {
        println!("  {name:<22} {:>7.2} s  the Python pipeline / this: {:.2}×", medians[i], medians[0] / medians[i]);
    }
    if let Some((min, mean)) = agreement {
        println!("  bf16 against fp32 embeddings of the same samples: cosine min {min:.5}, mean {mean:.5}");
    }
    // The tower alone on 64 frames (the fixture's two images in turn), by batch size: what
    // `picture_features` hands it at a time.
    let inputs = crate::lab::bench::read_npy(&fixture.join("inputs.npy"))?;
    let per_image = 3 * 224 * 224;
    if inputs.len() >= 2 * per_image {
        let frames: Vec<&[f32]> = (0..64).map(|i| &inputs[(i % 2) * per_image..(i % 2 + 1) * per_image]).collect();
        for (name, tower) in [("fp32", crate::encoder::clip::ClipVision::new(&crate::encoder::clip::Weights::load(&weights)?, &crate::encoder::burn_device())?), ("bf16", crate::encoder::clip::ClipVision::new(&crate::encoder::clip::Weights::load(&weights)?, &crate::encoder::burn_device())?.into_bf16())] {
            let mut line = format!("  the ViT-B/32 tower alone, {name}, frames/s by batch:");
            for batch in [1usize, 4, 8, 16, 32, 64] {
                tower.embed(&frames[..batch])?; // warm-up
                let t = std::time::Instant::now();
                for chunk in frames.chunks(batch) {
                    tower.embed(chunk)?;
                }
                line.push_str(&format!(" {batch}: {:.1}", frames.len() as f64 / t.elapsed().as_secs_f64()));
            }
            println!("{line}");
        }
    }
    Ok(())
}

/// CPU seconds this process has used so far, every thread's, user and system.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the struct it is given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn train_model(train: &[PathBuf], dev: &[PathBuf], out: &Path, encoder: &str, clip_weights: Option<&Path>, epochs: usize, seed: u64, window: u32, members: usize, shared_story: usize) -> Result<()> {
    let mut enc: Box<dyn crate::encoder::FrameEncoder> = match (encoder, clip_weights) {
        ("embedded", None) => crate::encoder::default_encoder(),
        ("embedded", Some(_)) => return Err(Error::Usage("--clip-weights goes with --encoder clip".into())),
        ("clip", Some(w)) => Box::new(crate::encoder::ClipEncoder::load(w)?),
        ("clip", None) => return Err(Error::Usage("--encoder clip needs --clip-weights PATH".into())),
        (other, _) => return Err(Error::Usage(format!("unknown encoder '{other}': use embedded or clip"))),
    };
    let mut load = |dirs: &[PathBuf]| -> Result<Vec<crate::lab::train::Example>> {
        let mut all = Vec::new();
        for d in dirs {
            all.extend(crate::lab::train::load_examples(d, enc.as_mut(), window)?);
        }
        Ok(all)
    };
    let train_set = load(train)?;
    let dev_set = load(dev)?;
    let defaults = crate::lab::train::TrainOptions::default();
    let options = crate::lab::train::TrainOptions { epochs, seed, window_s: window, members, min_epochs: defaults.min_epochs.min(epochs), shared_story_percent: shared_story, ..defaults };
    // Recorded relative to the cache or the repository: a manifest must not name one machine's paths.
    let portable = |p: &Path| -> String {
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let cache = std::fs::canonicalize(crate::paths::cache_dir()).unwrap_or_else(|_| crate::paths::cache_dir());
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        if let Ok(rest) = abs.strip_prefix(&cache) {
            format!("$INTROSKIP_CACHE/{}", rest.display())
        } else if let Ok(rest) = abs.strip_prefix(repo) {
            rest.display().to_string()
        } else {
            p.display().to_string()
        }
    };
    let mut args = std::env::args();
    let command = std::iter::once("introskip".to_string())
        .chain(args.by_ref().skip(1).map(|a| if Path::new(&a).exists() { portable(Path::new(&a)) } else { a }))
        .collect::<Vec<_>>()
        .join(" ");
    let recipe = serde_json::json!({
        "command": command,
        "train": train.iter().map(|p| portable(p)).collect::<Vec<_>>(), "dev": dev.iter().map(|p| portable(p)).collect::<Vec<_>>(), "data": "training/synth.py (scripts/build-dataset.sh)",
    });
    let r = crate::lab::train::train(&train_set, &dev_set, enc.as_ref(), &options, recipe, out)?;
    println!(
        "dev: frame F1 {:.3}, mean IoU {:.3}, |Δstart| median {:.2} s, |Δend| median {:.2} s; model in {}",
        r.micro.f1, r.mean_iou, r.start_abs_error.median, r.end_abs_error.median, out.display()
    );
    Ok(())
}

pub(super) fn eval(truth: &Path, pred: &Path, window: usize, json: bool, plots: Option<&Path>) -> Result<()> {
    let truth_set = crate::lab::eval::read_label_set(truth)?;
    let pred_set = crate::lab::eval::read_label_set(pred)?;
    if truth_set.is_empty() {
        return Err(Error::input(truth, "no truth labels found"));
    }
    for name in pred_set.keys().filter(|n| !truth_set.contains_key(*n)) {
        eprintln!("introskip: note: prediction for '{name}' has no truth; ignored");
    }
    let pairs: Vec<_> = truth_set
        .iter()
        .map(|(name, t)| {
            let p = pred_set.get(name).cloned().unwrap_or_else(|| {
                eprintln!("introskip: note: no prediction for '{name}'; scored as no intro found");
                Default::default()
            });
            (name.clone(), t.clone(), p)
        })
        .collect();
    let r = crate::lab::eval::evaluate(&pairs, window);
    // The end of the episode, when the truth labels credits and the predictions looked for them.
    let tail = {
        let (truth_tail, pred_tail) = (crate::lab::eval_tail::read_tail_label_set(truth)?, crate::lab::eval_tail::read_tail_label_set(pred)?);
        let looked = pred_tail.values().any(|p| !p.is_empty());
        (looked && truth_tail.values().any(|t| !t.credits.is_empty())).then(|| {
            let pairs: Vec<_> = truth_tail.iter().map(|(name, t)| (name.clone(), t.clone(), pred_tail.get(name).cloned().unwrap_or_default())).collect();
            crate::lab::eval_tail::evaluate_tail(&pairs)
        })
    };
    if plots.is_some() {
        if let Some(n) = crate::lab::report::missing_font_note() {
            eprintln!("introskip: note: {n}");
        }
    }
    if let Some(dir) = plots {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        for ((name, t, p), score) in pairs.iter().zip(&r.episodes) {
            let title = format!("{name}   F1 {:.3}  IoU {:.3}", score.frames.f1, score.iou);
            crate::lab::report::plot_episode(&dir.join(format!("{name}.png")), &title, window, t, p, &p.probability)?;
        }
    }
    if json {
        let mut doc = serde_json::to_value(&r).map_err(|e| Error::internal(e.to_string()))?;
        if let (Some(t), Some(obj)) = (&tail, doc.as_object_mut()) {
            obj.insert("tail".into(), serde_json::to_value(t).map_err(|e| Error::internal(e.to_string()))?);
        }
        println!("{}", serde_json::to_string_pretty(&doc).map_err(|e| Error::internal(e.to_string()))?);
        return Ok(());
    }
    let err = |e: Option<f64>| e.map_or("     —".to_string(), |v| format!("{v:+6.2}"));
    println!("{:<36} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}", "episode", "P", "R", "F1", "IoU", "Δstart", "Δend");
    for e in &r.episodes {
        println!("{:<36} {:6.3} {:6.3} {:6.3} {:6.3} {:>7} {:>7}", e.episode, e.frames.precision, e.frames.recall, e.frames.f1, e.iou, err(e.start_error), err(e.end_error));
    }
    println!("{:<36} {:6.3} {:6.3} {:6.3} {:6.3}   (micro-average; mean IoU, misses count 0)", format!("all {} episodes", r.episodes.len()), r.micro.precision, r.micro.recall, r.micro.f1, r.mean_iou);
    println!("|Δstart| median {:.2} s, p90 {:.2} s, max {:.2} s; |Δend| median {:.2} s, p90 {:.2} s, max {:.2} s",
        r.start_abs_error.median, r.start_abs_error.p90, r.start_abs_error.max, r.end_abs_error.median, r.end_abs_error.p90, r.end_abs_error.max);
    println!("{} with an intro, {} without; missed {}, false skips {} (≥ {} s of story skipped); with misses as the window: |Δstart| median {:.2} s, p90 {:.2} s; |Δend| median {:.2} s, p90 {:.2} s",
        r.with_intro, r.without_intro, r.missed, r.false_skips, crate::lab::eval::FALSE_SKIP_S,
        r.start_abs_error_with_misses.median, r.start_abs_error_with_misses.p90, r.end_abs_error_with_misses.median, r.end_abs_error_with_misses.p90);
    let rs = &r.reference_style;
    println!("reference project's score (60-frame windows with intro frames only: {} of {}; closing 3): P {:.3} R {:.3} F1 {:.3}, mean IoU {:.3}",
        rs.windows_kept, rs.windows_total, rs.frames.precision, rs.frames.recall, rs.frames.f1, rs.mean_iou);
    println!("  (flatters: windows without intro are dropped, so spurious intros there cost nothing; compare its published F1 0.7111 / IoU 0.6295)");
    let bins: Vec<String> = r.reliability.iter().filter(|b| b.episodes > 0).map(|b| format!("{:.2}–{:.2}: {}/{} right", b.from, b.to, b.right, b.episodes)).collect();
    if !bins.is_empty() {
        println!("reliability of the intro's confidence (right: IoU ≥ 0.5, no false skip): {}", bins.join("; "));
    }
    if let Some(t) = &tail {
        println!();
        println!("{:<36} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>8}", "end of episode", "P", "R", "F1", "IoU", "Δstart", "Δend", "preview");
        for e in &t.episodes {
            println!("{:<36} {:6.3} {:6.3} {:6.3} {:6.3} {:>7} {:>7} {:8.3}{}", e.episode, e.credits.precision, e.credits.recall, e.credits.f1, e.credits_iou, err(e.start_error), err(e.end_error), e.preview.f1,
                if e.swallowed > 0 { "  post-credits scene skipped" } else { "" });
        }
        println!("credits: F1 {:.3}, mean IoU {:.3} (misses count 0); |Δstart| median {:.2} s, p90 {:.2} s; |Δend| median {:.2} s, p90 {:.2} s; {} with credits, missed {}, spurious {}",
            t.credits.f1, t.credits_mean_iou, t.credits_start_abs_error.median, t.credits_start_abs_error.p90, t.credits_end_abs_error.median, t.credits_end_abs_error.p90, t.with_credits, t.missed, t.spurious);
        println!("preview: F1 {:.3} over {} episodes with one; post-credits scenes: {}, skipped by a prediction: {}", t.preview.f1, t.with_preview, t.post_credits_scenes, t.swallowed);
    }
    Ok(())
}

pub(super) fn baseline(season: &Path, out: &Path, window: u32) -> Result<()> {
    let files = crate::paths::media_files_in(season).map_err(|e| io_error(season, e))?;
    if files.is_empty() {
        // A data set: one season per subfolder.
        let mut seasons: Vec<PathBuf> = std::fs::read_dir(season)
            .map_err(|e| io_error(season, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && crate::paths::media_files_in(p).is_ok_and(|f| f.len() >= 2))
            .collect();
        seasons.sort();
        if !seasons.is_empty() {
            return seasons.iter().try_for_each(|s| baseline(s, out, window));
        }
    }
    if files.len() < 2 {
        return Err(Error::input(season, "the baseline needs a season folder with at least two episodes"));
    }
    std::fs::create_dir_all(out).map_err(|e| io_error(out, e))?;
    let mut encoder = crate::encoder::default_encoder();
    for (file, labels) in crate::lab::baseline::detect_season(&files, window, encoder.as_mut())? {
        let name = crate::lab::eval::episode_name(&file.with_extension(""));
        let segments: Vec<_> = labels.intros.iter().map(|i| serde_json::json!({"kind": "intro", "start": i.start, "end": i.end, "source": "predicted", "by": "baseline"})).collect();
        let doc = serde_json::json!({"version": 1, "episode": name, "segments": segments});
        let path = out.join(format!("{name}.pred.json"));
        crate::fsio::write_atomic(&path, |w| serde_json::to_writer_pretty(w, &doc).map_err(std::io::Error::other))?;
        println!("{name}: {}", labels.intros.first().map_or("no intro".into(), |i| format!("intro {:.0}–{:.0} s", i.start, i.end)));
    }
    Ok(())
}
