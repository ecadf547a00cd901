//! Training the tagger on synthesised series (training/synth.py): cached embeddings in, a model
//! folder out (weights + manifest + report). Burn autodiff on the configured backend (libtorch in
//! the shipped build), AdamW, fixed seeds, early stopping on the dev series' scores.

use crate::features::channels::input_rows;
use crate::model::{average_scores, decode, emissions_of, IntroModel, Manifest, Member, ModelConfig, Tagger, INTRO, RECAP, TAGS};
use crate::encoder::FrameEncoder;
use crate::features::embed_episode;
use crate::error::{io_error, Error, Result};
use crate::lab::eval::{Interval, Labels};
use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One episode ready for training or scoring, in both modes.
pub struct Example {
    pub name: String,
    /// Input with the rest of its season (season mode).
    pub rows: Vec<f32>,
    /// Inputs with smaller seasons (one other episode left out each): training augmentation, as
    /// users open seasons of any size.
    pub rows_subsets: Vec<Vec<f32>>,
    /// Input of the episode alone.
    pub rows_single: Vec<f32>,
    pub tags: Vec<usize>,
    pub seconds: Vec<u32>,
    pub truth: Labels,
}

/// Every `*.truth.json` under `dir` (any depth) whose video (`*.mp4` beside it) exists.
pub fn truth_files(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if p.is_dir() && !name.starts_with('.') && name != "work" && name != "pool" {
                walk(&p, out)?;
            } else if let Some(stem) = name.strip_suffix(".truth.json") {
                let video = p.with_file_name(format!("{stem}.mp4"));
                if video.is_file() {
                    out.push((p.clone(), video));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    if out.is_empty() {
        return Err(Error::input(dir, "no episodes (<name>.truth.json beside <name>.mp4) found; build them with scripts/build-dataset.sh"));
    }
    Ok(out)
}

/// Per-second tags from a truth file: the kind of the segment that contains each sampled second.
fn tags_from_truth(path: &Path, seconds: &[u32]) -> Result<(Vec<usize>, Labels)> {
    let segments = crate::segments::Segments::read(path)?;
    let kind_at = |t: f64| segments.segments.iter().find(|s| s.start_ms as f64 / 1000.0 <= t && t < s.end_ms as f64 / 1000.0).map(|s| s.kind);
    let tags = seconds
        .iter()
        .map(|&s| match kind_at(s as f64) {
            Some(crate::segments::Kind::Intro) => INTRO,
            Some(crate::segments::Kind::Recap) => RECAP,
            _ => 0,
        })
        .collect();
    let intros = segments
        .segments
        .iter()
        .filter(|s| s.kind == crate::segments::Kind::Intro)
        .map(|s| Interval { start: s.start_ms as f64 / 1000.0, end: s.end_ms as f64 / 1000.0 })
        .collect();
    Ok((tags, Labels { intros, ..Default::default() }))
}

/// Embed (through the cache) and label every episode under `dir`; the episodes of one folder are
/// a season.
pub fn load_examples(dir: &Path, encoder: &mut dyn FrameEncoder, window_s: u32) -> Result<Vec<Example>> {
    let files = truth_files(dir)?;
    let mut features = Vec::with_capacity(files.len());
    for (i, (_, video)) in files.iter().enumerate() {
        eprint!("\rintroskip: embedding {} ({}/{})            ", dir.display(), i + 1, files.len());
        features.push(embed_episode(video, window_s, encoder, true, &mut |_| true)?.0);
    }
    eprintln!();
    let mut out = Vec::with_capacity(files.len());
    for (i, (truth, video)) in files.iter().enumerate() {
        let season: Vec<&crate::features::EpisodeFeatures> =
            files.iter().zip(&features).enumerate().filter(|(j, ((_, v), _))| *j != i && v.parent() == video.parent()).map(|(_, (_, f))| f).collect();
        let f = &features[i];
        let (tags, labels) = tags_from_truth(truth, &f.seconds)?;
        let rows_subsets = if season.len() >= 2 {
            (0..season.len()).map(|k| input_rows(f, &season.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, e)| *e).collect::<Vec<_>>())).collect()
        } else {
            Vec::new()
        };
        out.push(Example {
            name: crate::lab::eval::episode_name(truth),
            rows: input_rows(f, &season),
            rows_subsets,
            rows_single: input_rows(f, &[]),
            tags,
            seconds: f.seconds.clone(),
            truth: labels,
        });
    }
    Ok(out)
}

#[derive(Clone, Debug, Serialize)]
pub struct TrainOptions {
    pub epochs: usize,
    pub batch: usize,
    pub learning_rate: f64,
    pub weight_decay: f32,
    pub patience: usize,
    pub seed: u64,
    pub window_s: u32,
    /// Drop up to this many seconds from the start of a training sequence (augmentation: intros
    /// at other offsets); 0 disables.
    pub max_crop_s: usize,
    /// Ensemble size (members trained from consecutive seeds).
    pub members: usize,
    /// Epochs before the dev score may pick a model.
    pub min_epochs: usize,
    /// Share (%) of training sequences whose intro gets [`calm_intro`]; 0 disables.
    pub calm_intro_percent: usize,
    /// Share (%) of season-mode training sequences in which a span of story gets the season
    /// repetition of the intro ([`shared_story`]); 0 disables.
    pub shared_story_percent: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 100, batch: 8, learning_rate: 1e-3, weight_decay: 1e-2, patience: 40, seed: 2026, window_s: crate::video::DEFAULT_WINDOW_S, max_crop_s: 30, members: 3, min_epochs: 20, calm_intro_percent: 30, shared_story_percent: 0 }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EpochLog {
    pub epoch: usize,
    pub train_nll: f64,
    pub dev_f1: f64,
    pub dev_mean_iou: f64,
    pub dev_single_f1: f64,
    pub dev_single_mean_iou: f64,
    pub seconds: f64,
}

/// splitmix64: the shuffles and crops, reproducible from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Score a model (one tagger or an ensemble) on examples with `introskip eval`'s numbers, in
/// season or single-episode mode.
pub fn score(taggers: &[Tagger], config: &ModelConfig, examples: &[Example], device: &Device, post: &crate::model::postprocess::PostProcess, window_s: u32, season: bool) -> crate::lab::eval::Report {
    let scores = average_scores(taggers);
    let pairs: Vec<(String, Labels, Labels)> = examples
        .iter()
        .map(|ex| {
            let rows = if season { &ex.rows } else { &ex.rows_single };
            let em = emissions_of(taggers, rows, ex.seconds.len(), config.input_dim(), device);
            let d = decode(&em, &scores, post, &ex.seconds);
            let pred = Labels { intros: d.intros.iter().map(|s| Interval { start: s.start, end: s.end }).collect(), probability: d.intro_probability, confidence: d.intros.first().map(|s| s.confidence) };
            (ex.name.clone(), ex.truth.clone(), pred)
        })
        .collect();
    crate::lab::eval::evaluate(&pairs, window_s as usize)
}

/// One trained member: its best epoch's weights (on the plain device) and its epoch log.
struct Trained {
    tagger: Tagger,
    best_epoch: usize,
    log: Vec<EpochLog>,
}

/// Train `options.members` members (seeds seed, seed+1, …), each keeping its best epoch on `dev`;
/// save the ensemble as the model folder `out` with its manifest, report and curves.
pub fn train(train_set: &[Example], dev_set: &[Example], encoder: &dyn FrameEncoder, options: &TrainOptions, recipe: serde_json::Value, out: &Path) -> Result<crate::lab::eval::Report> {
    if train_set.is_empty() || dev_set.is_empty() {
        return Err(Error::Usage("training needs episodes in both the training and the dev set".into()));
    }
    let started = Instant::now();
    let config = ModelConfig::for_encoder(encoder.dim());
    let post = crate::model::postprocess::PostProcess::default();
    let device = crate::encoder::burn_device();
    let count = options.members.max(1);
    let mut members = Vec::new();
    for k in 0..count {
        let seed = options.seed + k as u64;
        eprintln!("introskip: training member {} of {count} (seed {seed})", k + 1);
        members.push(train_member(train_set, dev_set, &config, options, seed)?);
    }
    let taggers: Vec<Tagger> = members.iter().map(|m| m.tagger.clone()).collect();
    let report = score(&taggers, &config, dev_set, &device, &post, options.window_s, true);
    let single = score(&taggers, &config, dev_set, &device, &post, options.window_s, false);
    let metrics = |r: &crate::lab::eval::Report| {
        serde_json::json!({
            "micro": r.micro,
            "mean_iou": r.mean_iou,
            "start_abs_error": r.start_abs_error,
            "end_abs_error": r.end_abs_error,
            "reference_style": r.reference_style,
        })
    };
    let mut manifest = Manifest {
        format: 1,
        encoder_id: encoder.id(),
        encoder_version: encoder.version(),
        config: config.clone(),
        tags: TAGS.iter().map(|s| s.to_string()).collect(),
        postprocess: post,
        training: serde_json::json!({
            "recipe": recipe,
            "options": options,
            "train_episodes": train_set.len(),
            "dev_episodes": dev_set.len(),
            "epochs_run": members.iter().map(|m| m.log.len()).collect::<Vec<_>>(),
            "wall_seconds": started.elapsed().as_secs_f64().round(),
        }),
        dev_metrics: serde_json::json!({ "season_mode": metrics(&report), "single_episode_mode": metrics(&single) }),
        members: members
            .iter()
            .enumerate()
            .map(|(k, m)| Member { weights: format!("member-{k}.safetensors"), sha256: String::new(), seed: options.seed + k as u64, best_epoch: m.best_epoch })
            .collect(),
    };
    IntroModel::save(&taggers, &mut manifest, out)?;
    write_report(out, &members)?;
    Ok(report)
}

fn train_member(train_set: &[Example], dev_set: &[Example], config: &ModelConfig, options: &TrainOptions, seed: u64) -> Result<Trained> {
    let device = crate::encoder::burn_device();
    device.seed(seed);
    let ad = device.clone().autodiff();
    let input_dim = config.input_dim();
    let post = crate::model::postprocess::PostProcess::default();
    let allowed = crate::model::allowed_transitions();
    let mut tagger = Tagger::new(config, &ad);
    let mut optim = AdamWConfig::new().with_weight_decay(options.weight_decay).init();
    let mut rng = Rng(seed);
    let novelty = novelty_columns(config);
    let repetition = repetition_columns(config);
    let mut log: Vec<EpochLog> = Vec::new();
    let mut best: Option<(f64, usize, Tagger, (crate::lab::eval::Report, crate::lab::eval::Report))> = None;
    let started = Instant::now();
    for epoch in 1..=options.epochs {
        let mut order: Vec<usize> = (0..train_set.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut total = 0.0;
        for batch in order.chunks(options.batch) {
            // A common length: each sequence is cropped at its start by up to max_crop_s, then all
            // are cut to the shortest.
            let crops: Vec<usize> = batch.iter().map(|&i| if options.max_crop_s > 0 && rng.below(2) == 0 { rng.below(options.max_crop_s + 1).min(train_set[i].tags.len().saturating_sub(10)) } else { 0 }).collect();
            let len = batch.iter().zip(&crops).map(|(&i, &c)| train_set[i].tags.len() - c).min().unwrap_or(0);
            if len < 2 {
                continue;
            }
            let mut x = Vec::with_capacity(batch.len() * len * input_dim);
            let mut gold = vec![0f32; batch.len() * len * TAGS.len()];
            for (b, (&i, &c)) in batch.iter().zip(&crops).enumerate() {
                let ex = &train_set[i];
                // Both modes: most sequences see their season, some only themselves.
                let rows = match rng.below(10) {
                    0..=2 => &ex.rows_single,
                    3..=5 if !ex.rows_subsets.is_empty() => &ex.rows_subsets[rng.below(ex.rows_subsets.len())],
                    _ => &ex.rows,
                };
                let at = x.len();
                x.extend_from_slice(&rows[c * input_dim..(c + len) * input_dim]);
                if options.calm_intro_percent > 0 && rng.below(100) < options.calm_intro_percent {
                    let factor = rng.below(31) as f32 / 100.0;
                    calm_intro(&mut x[at..], &ex.tags[c..c + len], input_dim, &novelty, factor);
                }
                if options.shared_story_percent > 0 && rng.below(100) < options.shared_story_percent {
                    let (length, place) = (rng.below(33) + 8, rng.next());
                    shared_story(&mut x[at..], &ex.tags[c..c + len], input_dim, &repetition, length, place);
                }
                for t in 0..len {
                    gold[(b * len + t) * TAGS.len() + ex.tags[c + t]] = 1.0;
                }
            }
            let x = Tensor::<3>::from_data(TensorData::new(x, [batch.len(), len, input_dim]), &ad);
            let gold = Tensor::<3>::from_data(TensorData::new(gold, [batch.len(), len, TAGS.len()]), &ad);
            let loss = tagger.crf.nll(tagger.emissions(x), gold, &allowed);
            total += loss.clone().into_scalar::<f32>() as f64 * batch.len() as f64;
            let grads = GradientsParams::from_grads(loss.backward(), &tagger);
            // Cosine decay to a tenth of the rate: late epochs refine rather than jump.
            let progress = (epoch - 1) as f64 / options.epochs.max(1) as f64;
            let lr = options.learning_rate * (0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()));
            tagger = optim.step(lr, tagger, grads);
        }
        let valid = tagger.valid();
        let report = score(std::slice::from_ref(&valid), config, dev_set, &device, &post, options.window_s, true);
        let single = score(std::slice::from_ref(&valid), config, dev_set, &device, &post, options.window_s, false);
        // Both modes count alike: seasons are what the app opens, lone episodes what the
        // targets are set on.
        let objective = (report.micro.f1 + report.mean_iou) / 2.0 * 0.5 + (single.micro.f1 + single.mean_iou) / 2.0 * 0.5;
        let entry = EpochLog {
            epoch,
            train_nll: total / train_set.len() as f64,
            dev_f1: report.micro.f1,
            dev_mean_iou: report.mean_iou,
            dev_single_f1: single.micro.f1,
            dev_single_mean_iou: single.mean_iou,
            seconds: started.elapsed().as_secs_f64(),
        };
        eprintln!(
            "epoch {epoch:3}: train NLL/episode {:8.3}  dev season F1 {:.3} IoU {:.3}  single F1 {:.3} IoU {:.3}  ({:.0} s)",
            entry.train_nll, entry.dev_f1, entry.dev_mean_iou, entry.dev_single_f1, entry.dev_single_mean_iou, entry.seconds
        );
        log.push(entry);
        // Early epochs are not candidates: a lucky dev score of a barely trained model is noise.
        if epoch >= options.min_epochs && best.as_ref().is_none_or(|b| objective > b.0) {
            best = Some((objective, epoch, valid, (report, single)));
        } else if best.as_ref().is_some_and(|b| epoch.saturating_sub(b.1) >= options.patience) {
            eprintln!("introskip: no dev improvement for {} epochs; stopping", options.patience);
            break;
        }
    }
    let (_, best_epoch, best_tagger, _) = best.ok_or_else(|| Error::internal("no epoch ran"))?;
    Ok(Trained { tagger: best_tagger, best_epoch, log })
}

/// Where the novelty channels sit in an input row of `config`.
fn novelty_columns(config: &ModelConfig) -> Vec<usize> {
    config.channels.iter().enumerate().filter(|(_, c)| c.starts_with("novelty_")).map(|(i, _)| config.embed_dim + i).collect()
}

/// Augmentation: scale the novelty channels (`columns`) of a sequence's intro seconds by
/// `factor`, as if its shots were of one calm scene (a static camera, a slow pan). The training
/// intros are montages of many short shots; without this the model learnt "many cuts" as the sign
/// of an intro and missed themes over calm footage, which it must find by their music and title
/// card.
fn calm_intro(rows: &mut [f32], tags: &[usize], input_dim: usize, columns: &[usize], factor: f32) {
    for (row, _) in rows.chunks_exact_mut(input_dim).zip(tags).filter(|(_, tag)| **tag == INTRO) {
        for &c in columns {
            row[c] *= factor;
        }
    }
}

/// Where the season-repetition channels sit in an input row of `config` (`season` excluded).
fn repetition_columns(config: &ModelConfig) -> Vec<usize> {
    config.channels.iter().enumerate().filter(|(_, c)| c.starts_with("repeat_") || c.starts_with("run_")).map(|(i, _)| config.embed_dim + i).collect()
}

/// Augmentation: give `length` seconds of story (outside seconds, placed by `place` among the
/// runs long enough) the repetition channels (`columns`) of the sequence's intro, second by
/// second. The training series never show their story again, so without this the model learnt
/// "repeated" as the sign of an intro; real series replay scenes, songs and stock shots, and other
/// generators (family B's loud music scenes) do too. Nothing happens to a sequence seen alone
/// (its repetition is zero) or without an intro.
fn shared_story(rows: &mut [f32], tags: &[usize], input_dim: usize, columns: &[usize], length: usize, place: u64) {
    let intro: Vec<usize> = (0..tags.len()).filter(|&t| tags[t] == INTRO).collect();
    if intro.is_empty() || columns.is_empty() || intro.iter().all(|&t| columns.iter().all(|&c| rows[t * input_dim + c] == 0.0)) {
        return;
    }
    // Starts of `length` outside seconds in a row.
    let starts: Vec<usize> = (0..tags.len().saturating_sub(length - 1)).filter(|&s| tags[s..s + length].iter().all(|&t| t == 0)).collect();
    if starts.is_empty() {
        return;
    }
    let start = starts[(place % starts.len() as u64) as usize];
    for k in 0..length {
        let from = intro[k % intro.len()];
        for &c in columns {
            rows[(start + k) * input_dim + c] = rows[from * input_dim + c];
        }
    }
}

fn write_report(out: &Path, members: &[Trained]) -> Result<()> {
    let path = out.join("training-report.json");
    let doc: Vec<_> = members.iter().map(|m| serde_json::json!({"best_epoch": m.best_epoch, "epochs": m.log})).collect();
    crate::fsio::write_atomic(&path, |w| serde_json::to_writer_pretty(w, &serde_json::json!({"members": doc})).map_err(std::io::Error::other))?;
    const COLOURS: [(u8, u8, u8); 4] = [(200, 60, 40), (40, 90, 200), (40, 150, 70), (150, 90, 180)];
    let names: Vec<String> = (0..members.len()).map(|k| format!("member {k}")).collect();
    let nll: Vec<crate::lab::report::Curve<'_>> = members
        .iter()
        .enumerate()
        .map(|(k, m)| crate::lab::report::Curve { name: &names[k], points: m.log.iter().map(|e| (e.epoch as f64, e.train_nll)).collect(), colour: COLOURS[k % 4] })
        .collect();
    crate::lab::report::plot_curves(&out.join("training-loss.png"), "Training NLL per episode", "epoch", &nll)?;
    let labels: Vec<String> = (0..members.len()).flat_map(|k| [format!("season {k}"), format!("single {k}")]).collect();
    let dev: Vec<crate::lab::report::Curve<'_>> = members
        .iter()
        .enumerate()
        .flat_map(|(k, m)| {
            let c = COLOURS[k % 4];
            let light = (c.0 / 2 + 120, c.1 / 2 + 120, c.2 / 2 + 120);
            [
                crate::lab::report::Curve { name: &labels[2 * k], points: m.log.iter().map(|e| (e.epoch as f64, e.dev_f1)).collect(), colour: c },
                crate::lab::report::Curve { name: &labels[2 * k + 1], points: m.log.iter().map(|e| (e.epoch as f64, e.dev_single_f1)).collect(), colour: light },
            ]
        })
        .collect();
    crate::lab::report::plot_curves(&out.join("training-dev.png"), "Dev frame F1 per epoch (season / single-episode mode)", "epoch", &dev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_story_copies_the_intros_repetition_onto_story_only() {
        let config = ModelConfig::for_encoder(2);
        let width = config.input_dim();
        let columns = repetition_columns(&config);
        assert_eq!(columns, vec![4, 5, 6, 7], "repeat_max, repeat_frac, run_max and run_frac follow the novelty");
        // recap, 3 s story, 2 s intro, 10 s story.
        let tags: Vec<usize> = [RECAP].into_iter().chain([0; 3]).chain([INTRO; 2]).chain([0; 10]).collect();
        let mut rows = vec![0.0f32; tags.len() * width];
        for (t, row) in rows.chunks_exact_mut(width).enumerate() {
            if tags[t] == INTRO {
                for &c in &columns {
                    row[c] = 0.5 + t as f32;
                }
            }
        }
        let before = rows.clone();
        shared_story(&mut rows, &tags, width, &columns, 8, 1);
        let changed: Vec<usize> = (0..tags.len()).filter(|&t| rows[t * width..(t + 1) * width] != before[t * width..(t + 1) * width]).collect();
        // 8 s fit only in the last 10 s of story: starts 6, 7 or 8; place 1 picks 7.
        assert_eq!(changed, (7..15).collect::<Vec<_>>());
        assert_eq!(rows[7 * width + 4], 4.5, "first shared second takes the intro's first second");
        assert_eq!(rows[8 * width + 5], 5.5, "then its second");
        assert_eq!(rows[9 * width + 6], 4.5, "and round again");
        // A sequence seen alone has no repetition to copy: untouched.
        let mut alone = vec![0.0f32; tags.len() * width];
        shared_story(&mut alone, &tags, width, &columns, 8, 1);
        assert!(alone.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn a_calm_intro_scales_only_the_novelty_of_intro_seconds() {
        let config = ModelConfig::for_encoder(2);
        let width = config.input_dim();
        let columns = novelty_columns(&config);
        assert_eq!(columns, vec![2, 3], "novelty_prev and novelty_next follow the 2-d embedding");
        let tags = [0, INTRO, INTRO, RECAP];
        let mut rows = vec![1.0f32; tags.len() * width];
        calm_intro(&mut rows, &tags, width, &columns, 0.25);
        for (t, row) in rows.chunks_exact(width).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                let want = if tags[t] == INTRO && columns.contains(&c) { 0.25 } else { 1.0 };
                assert_eq!(v, want, "second {t}, column {c}");
            }
        }
    }
}
