//! `search` and `duplicates`: the cached per-second embeddings as an index of the collection
//! (the use cases are in `service::search`); `bench search`.

use super::batch_result;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The episodes named (folders walked as a library); none at all is refused with the reason.
fn collection(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Error>)> {
    let (media, failures) = crate::service::library::collection(inputs)?;
    if media.is_empty() {
        return Err(batch_result(failures, inputs.len()).err().unwrap_or_else(|| Error::Usage("no episodes given".into())));
    }
    Ok((media, failures))
}

/// Features of every episode, failures kept (`pictures`: with their thumbnails).
fn analysed(media: &[PathBuf], window: u32, encoder: &mut dyn crate::encoder::FrameEncoder, pictures: bool, failures: &mut Vec<Error>) -> Result<Vec<(PathBuf, crate::features::EpisodeFeatures)>> {
    crate::service::library::analysed(media, window, encoder, pictures, failures, &|| true, &mut |_, _| {})
}

/// `EPISODE@TIME`: the last `@` splits (file names may hold one).
fn parse_frame_arg(text: &str) -> Result<(PathBuf, f64)> {
    let (file, time) = text.rsplit_once('@').ok_or_else(|| Error::Usage(format!("--frame '{text}': give EPISODE@TIME, e.g. 'Show - S01E01.mkv@0:01:05'")))?;
    let seconds = crate::clock::parse_clock(time).filter(|s| s.is_finite() && *s >= 0.0).ok_or_else(|| Error::Usage(format!("--frame '{text}': the time '{time}' is not seconds or [HH:]MM:SS[.mmm]")))?;
    Ok((PathBuf::from(file), seconds))
}

pub use crate::service::library::IndexMode;

#[allow(clippy::too_many_arguments)]
pub(super) fn search(frame: Option<&str>, image: Option<PathBuf>, inputs: &[PathBuf], min_similarity: f32, top: usize, window: u32, json: bool, mode: IndexMode) -> Result<()> {
    use crate::service::search::{query_embedding, Query};
    let query = match (frame, image) {
        (Some(f), _) => {
            let (episode, second) = parse_frame_arg(f)?;
            Query::Frame { episode, second }
        }
        (None, Some(image)) => Query::Image(image),
        (None, None) => return Err(Error::Usage("search: give the query as --frame EPISODE@TIME, --image FILE.png, --text WORDS or --ocr WORDS".into())),
    };
    let (media, mut failures) = collection(inputs)?;
    // Every file and folder given, for "K of N failed" (a folder without video is one of them).
    let total = media.len() + failures.len();
    let mut encoder = crate::encoder::default_encoder();
    let q = query_embedding(&query, window, encoder.as_mut())?;
    let features = analysed(&media, window, encoder.as_mut(), false, &mut failures)?;
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = features.iter().map(|(p, f)| (p.clone(), f)).collect();
    let exclude = match &query {
        Query::Frame { episode, second } => Some((episode.as_path(), *second)),
        Query::Image(_) => None,
    };
    let mut hits = crate::service::library::find_shot_in(&q, &refs, window, encoder.as_ref(), exclude, min_similarity, mode, &mut |note| eprintln!("note: {note}"))?;
    hits.truncate(top);
    if json {
        println!("{}", serde_json::json!({"hits": hits}));
    } else if hits.is_empty() {
        println!("no place in {} looks like it (similarity ≥ {min_similarity:.2})", crate::words::count(refs.len(), "episode", "episodes"));
    } else {
        for h in &hits {
            let span = if h.to > h.from { format!(" (seconds {}–{})", crate::clock::clock(f64::from(h.from), 0, true), crate::clock::clock(f64::from(h.to) + 1.0, 0, true)) } else { String::new() };
            println!("{:.3}  {}  {}{span}", h.similarity, crate::clock::clock(f64::from(h.second), 0, true), crate::error::printable(&h.episode.display().to_string()));
        }
    }
    batch_result(failures, total)
}

/// What `search --text` says when no CLIP weights are configured: the embedded encoder has no
/// text side, so there is nothing to rank by.
pub const TEXT_NEEDS_CLIP: &str = "search --text needs CLIP weights (a whole model: its text tower reads the words, its image tower the frames): \
give --clip-weights FILE (OpenAI's ViT-B-32.pt, or an open_clip or Hugging Face CLIPModel checkpoint), set INTROSKIP_CLIP_WEIGHTS, or choose them in the app";

/// `search --text`: frames ranked by CLIP's image–text cosine, one line per shot.
pub(super) fn search_text(text: &str, clip_weights: Option<&Path>, inputs: &[PathBuf], min_similarity: Option<f32>, top: usize, window: u32, json: bool) -> Result<()> {
    let (weights, saved) = crate::encoder::clip_weights_for(clip_weights).ok_or_else(|| Error::Usage(TEXT_NEEDS_CLIP.into()))?;
    let (mut image, words) = crate::encoder::clip_pair(&weights).map_err(|e| if saved { crate::encoder::saved_weights_error(e) } else { e })?;
    let (media, mut failures) = collection(inputs)?;
    // Every file and folder given, for "K of N failed" (a folder without video is one of them).
    let total = media.len() + failures.len();
    let (query, truncated) = words.embed(text)?;
    if truncated {
        eprintln!("note: the text is longer than CLIP's 77 tokens; only its start is used");
    }
    let features = analysed(&media, window, &mut image, false, &mut failures)?;
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = features.iter().map(|(p, f)| (p.clone(), f)).collect();
    let mut hits = crate::service::search::find_text(&query, &refs, top);
    if let Some(min) = min_similarity {
        hits.retain(|h| h.similarity >= min);
    }
    if json {
        println!("{}", serde_json::json!({"hits": hits, "truncated": truncated}));
    } else if hits.is_empty() {
        match min_similarity {
            Some(min) => println!("no frame in {} is that alike to the text (similarity ≥ {min:.2})", crate::words::count(refs.len(), "episode", "episodes")),
            None => println!("no frame to rank in {}", crate::words::count(refs.len(), "episode", "episodes")),
        }
    } else {
        for h in &hits {
            let span = if h.to > h.from { format!(" (shot {}–{})", crate::clock::clock(f64::from(h.from), 0, true), crate::clock::clock(f64::from(h.to) + 1.0, 0, true)) } else { String::new() };
            println!("{:.3}  {}  {}{span}", h.similarity, crate::clock::clock(f64::from(h.second), 0, true), crate::error::printable(&h.episode.display().to_string()));
        }
    }
    batch_result(failures, total)
}

/// `search --ocr`: the seconds whose on-screen text holds every word, one line per run.
pub(super) fn search_ocr(words: &str, inputs: &[PathBuf], top: usize, window: u32, json: bool) -> Result<()> {
    use crate::features::ocr;
    if words.split_whitespace().all(|w| ocr::normalise(w).is_empty()) {
        return Err(Error::Usage(format!("search --ocr '{words}': give words with letters or digits")));
    }
    let mut reader = ocr::Ocr::new()?;
    let (media, mut failures) = collection(inputs)?;
    // Every file and folder given, for "K of N failed" (a folder without video is one of them).
    let total = media.len() + failures.len();
    let mut texts = Vec::new();
    for path in &media {
        match ocr::read_episode(path, 0, window, &mut reader, true, &mut |_| true) {
            Ok(text) => texts.push((path.clone(), text)),
            Err(e) => failures.push(e),
        }
    }
    let refs: Vec<(PathBuf, &ocr::EpisodeText)> = texts.iter().map(|(p, t)| (p.clone(), t)).collect();
    let mut hits = ocr::find_words(words, &refs);
    hits.truncate(top);
    if json {
        println!("{}", serde_json::json!({"hits": hits}));
    } else if hits.is_empty() {
        let looked: usize = texts.iter().map(|(_, t)| t.looked_at).sum();
        println!("no on-screen text in {} holds those words ({} with text read)", crate::words::count(refs.len(), "episode", "episodes"), crate::words::count(looked, "second", "seconds"));
    } else {
        for h in &hits {
            let span = if h.to > h.from { format!(" (seconds {}–{})", crate::clock::clock(f64::from(h.from), 0, true), crate::clock::clock(f64::from(h.to) + 1.0, 0, true)) } else { String::new() };
            println!("{:.2}  {}  {}{span}  \"{}\"", h.score, crate::clock::clock(f64::from(h.second), 0, true), crate::error::printable(&h.episode.display().to_string()), crate::error::printable(&h.line));
        }
    }
    batch_result(failures, total)
}

pub(super) fn duplicates(inputs: &[PathBuf], min_share: f64, window: u32, json: bool) -> Result<()> {
    let (media, mut failures) = collection(inputs)?;
    // Every file and folder given, for "K of N failed" (a folder without video is one of them).
    let total = media.len() + failures.len();
    let mut encoder = crate::encoder::default_encoder();
    let features = analysed(&media, window, encoder.as_mut(), false, &mut failures)?;
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = features.iter().map(|(p, f)| (p.clone(), f)).collect();
    let found = crate::service::search::duplicates(&refs, min_share);
    if json {
        println!("{}", serde_json::json!({"duplicates": found}));
    } else if found.is_empty() {
        println!("no duplicates among {} (each window ≥ {:.0} % in the other)", crate::words::count(refs.len(), "episode", "episodes"), min_share * 100.0);
    } else {
        let t = |s: f64| crate::clock::clock(s, 1, true);
        for d in &found {
            println!("{} = {}: {:.0} % / {:.0} % of the windows aligned", crate::error::printable(&d.a.display().to_string()), crate::error::printable(&d.b.display().to_string()), d.share_a * 100.0, d.share_b * 100.0);
            for &(a, b, c, e) in &d.ranges {
                println!("    {}–{}  ↔  {}–{}", t(a), t(b), t(c), t(e));
            }
        }
    }
    batch_result(failures, total)
}

/// `introskip scenes`: the season's recurring scenes, printed (or as JSON), and a contact sheet.
pub(super) fn scenes(inputs: &[PathBuf], min_similarity: f32, sheet: Option<&std::path::Path>, window: u32, json: bool) -> Result<()> {
    if !(0.0..=1.0).contains(&min_similarity) {
        return Err(Error::Usage(format!("--min-similarity {min_similarity}: give a cosine between 0 and 1 (0.85 groups a place's shots)")));
    }
    let (media, mut failures) = collection(inputs)?;
    // Every file and folder given, for "K of N failed" (a folder without video is one of them).
    let total = media.len() + failures.len();
    let mut encoder = crate::encoder::default_encoder();
    let features = analysed(&media, window, encoder.as_mut(), true, &mut failures)?;
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = features.iter().map(|(p, f)| (p.clone(), f)).collect();
    let found = crate::service::search::recurring_scenes(&refs, min_similarity)?;
    if let Some(path) = sheet {
        // One row per scene: the middle second of each occurrence, at thumbnail size.
        let rows: Vec<Vec<&image::RgbImage>> = found
            .iter()
            .map(|scene| {
                scene
                    .occurrences
                    .iter()
                    .filter_map(|o| {
                        let f = &features.iter().find(|(p, _)| *p == o.episode)?.1;
                        let mid = (o.from + o.to) / 2;
                        f.seconds.iter().position(|&s| s == mid).and_then(|i| f.thumbnails.get(i))
                    })
                    .take(12)
                    .collect()
            })
            .collect();
        let (w, h) = rows.iter().flatten().next().map_or((1, 1), |t| (t.width(), t.height()));
        let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1) as u32;
        let mut canvas = image::RgbImage::new(cols * (w + 4), (rows.len().max(1) as u32) * (h + 4));
        for (r, row) in rows.iter().enumerate() {
            for (c, thumb) in row.iter().enumerate() {
                image::imageops::replace(&mut canvas, *thumb, i64::from(c as u32 * (w + 4)), i64::from(r as u32 * (h + 4)));
            }
        }
        crate::fsio::write_atomic(path, |out| {
            let mut png = std::io::Cursor::new(Vec::new());
            canvas.write_to(&mut png, image::ImageFormat::Png).map_err(std::io::Error::other)?;
            out.write_all(png.get_ref())
        })?;
    }
    if json {
        println!("{}", serde_json::json!({"scenes": found}));
    } else if found.is_empty() {
        println!("no scene recurs among {} (shots at least {min_similarity:.2} alike)", crate::words::count(refs.len(), "episode", "episodes"));
    } else {
        let t = |s: u32| crate::clock::clock(f64::from(s), 0, true);
        for (i, scene) in found.iter().enumerate() {
            println!("scene {}: {} episodes, {} s", i + 1, scene.episodes, scene.seconds);
            for o in &scene.occurrences {
                let name = o.episode.file_name().map_or_else(|| o.episode.display().to_string(), |n| n.to_string_lossy().into_owned());
                println!("    {}  {}–{}", crate::error::printable(&name), t(o.from), t(o.to + 1));
            }
        }
    }
    batch_result(failures, total)
}

/// The index is the per-second embeddings detection already computes, so indexing costs nothing
/// beyond analysis; what is measured is a query's time, beside the analysis of one episode.
pub(super) fn bench_search(seconds: usize) -> Result<()> {
    let demo = crate::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
    let mut encoder = crate::encoder::default_encoder();
    let started = std::time::Instant::now();
    let (features, _) = crate::features::embed_episode(&demo, crate::service::DEFAULT_WINDOW_S, encoder.as_mut(), false, &mut |_| true)?;
    let analyse_s = started.elapsed().as_secs_f64();
    // Episodes of 180 s made of the demo's rows, each perturbed (a deterministic LCG), renormalised.
    let dim = features.embeddings.ncols();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.05
    };
    let rows = features.embeddings.nrows();
    let mut episodes = Vec::new();
    for e in 0..seconds.div_ceil(180) {
        let mut f = crate::features::EpisodeFeatures::empty(dim);
        let n = 180.min(seconds - e * 180);
        f.seconds = (0..n as u32).collect();
        let mut m = ndarray::Array2::<f32>::zeros((n, dim));
        for i in 0..n {
            let src = features.embeddings.row((i * 7 + e) % rows);
            let mut row: Vec<f32> = src.iter().map(|&x| x + noise()).collect();
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            row.iter_mut().for_each(|x| *x /= norm);
            m.row_mut(i).assign(&ndarray::ArrayView1::from(&row[..]));
        }
        f.embeddings = m;
        episodes.push((PathBuf::from(format!("episode {e}")), f));
    }
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = episodes.iter().map(|(p, f)| (p.clone(), f)).collect();
    let queries = 20;
    let started = std::time::Instant::now();
    let mut found = 0;
    for q in 0..queries {
        let query = features.embeddings.row((q * 5) % rows).to_vec();
        found += crate::service::search::find_shot(&query, &refs, None, crate::features::channels::REPEAT).len();
    }
    let per_query = started.elapsed().as_secs_f64() / queries as f64;
    println!("index        {seconds} seconds in {} episodes ({dim} dimensions), {:.0} places found per query", refs.len(), found as f64 / queries as f64);
    println!("query        {:>8.1} ms   exact search (one matrix product per episode)", per_query * 1000.0);
    println!("analysis     {:>8.1} ms   one demo episode's embeddings, the same run: a query costs {:.1} % of it", analyse_s * 1000.0, 100.0 * per_query / analyse_s);
    println!("indexing     the per-second embeddings detection caches are the index: no extra cost");
    bench_index(seconds, encoder.as_ref(), analyse_s)
}

/// The approximate index on the library this machine has analysed (its cached head windows, up
/// to `seconds`): build costs, query time against exact search, and how often its top 10 is
/// exact's.
fn bench_index(seconds: usize, encoder: &dyn crate::encoder::FrameEncoder, analyse_s: f64) -> Result<()> {
    use crate::service::index::{agreement, ShotIndex};
    let library = crate::features::cache::cached_heads(&encoder.id(), seconds);
    let total: usize = library.iter().map(|(_, f)| f.seconds.len()).sum();
    if library.len() < 8 {
        println!("ann          skipped: only {} in the cache (analyse a library first)", crate::words::count(library.len(), "analysed episode", "analysed episodes"));
        return Ok(());
    }
    let keyed: Vec<(String, &crate::features::EpisodeFeatures)> = library.iter().map(|(k, f)| (k.file_name(), f)).collect();
    let started = std::time::Instant::now();
    let mut index = ShotIndex::new(&encoder.id(), encoder.dim());
    index.add(&keyed[..keyed.len() - 4])?;
    let build_s = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    index.add(&keyed[keyed.len() - 4..])?;
    let grow_s = started.elapsed().as_secs_f64();
    // Queries: seconds spread over the library (a fixed stride), black ones skipped.
    let mut queries = Vec::new();
    let mut k = 0usize;
    while queries.len() < 200 && k < total * 2 {
        let e = (k * 7919) % keyed.len();
        let f = keyed[e].1;
        let row = (k * 104_729) % f.seconds.len().max(1);
        if f.seconds.len() > row && f.embeddings.row(row).iter().any(|&x| x != 0.0) {
            queries.push((e, row));
        }
        k += 1;
    }
    let started = std::time::Instant::now();
    for &(e, row) in &queries {
        std::hint::black_box(index.nearest(keyed[e].1.embeddings.row(row).as_slice().unwrap_or(&[]), 10));
    }
    let ann_q = started.elapsed().as_secs_f64() / queries.len().max(1) as f64;
    let refs: Vec<(PathBuf, &crate::features::EpisodeFeatures)> = library.iter().map(|(k, f)| (PathBuf::from(k.file_name()), f)).collect();
    let started = std::time::Instant::now();
    for &(e, row) in &queries {
        std::hint::black_box(crate::service::search::find_shot(&keyed[e].1.embeddings.row(row).to_vec(), &refs, None, crate::features::channels::REPEAT));
    }
    let exact_q = started.elapsed().as_secs_f64() / queries.len().max(1) as f64;
    let (same, recall) = agreement(&index, &keyed, &queries, 10);
    println!("ann library  {total} seconds of {} analysed episodes from this machine's cache ({} distinct pictures), {}", library.len(), index.points(), crate::words::count(index.segments(), "segment", "segments"));
    println!(
        "ann build    {:>8.1} s    all but 4 episodes at once ({:.1} ms a second indexed, {:.1} % of analysing one; {:.1} ms a distinct picture)",
        build_s,
        build_s * 1000.0 / total as f64,
        100.0 * build_s / total as f64 * 180.0 / analyse_s,
        build_s * 1000.0 / index.points().max(1) as f64
    );
    println!("ann grow     {:>8.1} ms   4 more episodes as a new segment", grow_s * 1000.0);
    println!("ann query    {:>8.2} ms   against exact {:.2} ms on the same library ({:.2}x)", ann_q * 1000.0, exact_q * 1000.0, ann_q / exact_q.max(1e-12));
    println!("ann top-10   {:>8.1} %    of {} queries get exact search's top 10; mean recall@10 {:.3}", same * 100.0, queries.len(), recall);
    Ok(())
}
