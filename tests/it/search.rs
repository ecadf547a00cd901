//! `introskip search` and `introskip duplicates` on the demo season plus perturbed copies made
//! with the ffmpeg CLI (re-encoded smaller with letterbox, a logo and another grade; re-cut with
//! 10 s taken out): a shot is found wherever the season plays it, by frame or by image, and the
//! copies — not the other episodes, which share only their intro — are the duplicates.

use crate::common::*;
use std::path::{Path, PathBuf};

fn ffmpeg(args: &[&str]) {
    let out = std::process::Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).output().unwrap();
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn json(args: &[&str], inputs: &[&Path]) -> serde_json::Value {
    let mut cmd = introskip();
    cmd.args(args).args(inputs).arg("--json").env("OMP_NUM_THREADS", "1");
    let out = run_with_timeout(cmd, 600);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn name(v: &serde_json::Value) -> String {
    Path::new(v.as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_shot_is_found_where_the_season_plays_it_and_copies_of_an_episode_are_duplicates() {
    let work = tempfile::tempdir().unwrap();
    let season = work.path().join("Bunny Tales");
    std::fs::create_dir_all(&season).unwrap();
    let demo = introskip::paths::demo_dir();
    for n in 1..=3 {
        std::fs::copy(demo.join(format!("Bunny Tales - S01E0{n}.mp4")), season.join(format!("Bunny Tales - S01E0{n}.mp4"))).unwrap();
    }
    let e01 = season.join("Bunny Tales - S01E01.mp4");
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    // Another release of S01E01: 480×270 letterboxed to 2.35, a channel logo, brighter, CRF 32.
    let copies = work.path().join("Copies");
    std::fs::create_dir_all(&copies).unwrap();
    let reencoded = copies.join("Bunny Tales - S01E01 (web).mkv");
    ffmpeg(&["-i", &s(&e01), "-vf", "scale=480:204,pad=480:270:0:33,eq=brightness=0.05:saturation=1.2,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:text=KTV:fontcolor=white@0.7:fontsize=18:x=w-tw-10:y=40", "-c:v", "libx264", "-crf", "32", "-preset", "veryfast", "-c:a", "aac", &s(&reencoded)]);
    // A cut of S01E01 without 60–70 s (a scene removed).
    let recut = copies.join("Bunny Tales - S01E01 (cut).mkv");
    ffmpeg(&["-i", &s(&e01), "-filter_complex", "[0:v]select='not(between(t,60,70))',setpts=N/FRAME_RATE/TB[v];[0:a]aselect='not(between(t,60,70))',asetpts=N/SR/TB[a]", "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-crf", "23", "-preset", "veryfast", "-c:a", "aac", &s(&recut)]);

    // By frame: S01E01 at 0:10 is the intro's second shot (6–12 s); S01E02 plays the intro at
    // 30–50 s, S01E03 at 0–20 s; the copies at their 6–12 s.
    let found = json(&["search", "--frame", &format!("{}@0:10", s(&e01))], &[&season, &copies]);
    let hits = found["hits"].as_array().unwrap();
    let at = |episode: &str| hits.iter().find(|h| name(&h["episode"]) == episode).unwrap_or_else(|| panic!("{episode} not found: {found}"));
    for (episode, from, to) in [("Bunny Tales - S01E02.mp4", 36, 42), ("Bunny Tales - S01E03.mp4", 6, 12), ("Bunny Tales - S01E01 (web).mkv", 6, 12), ("Bunny Tales - S01E01 (cut).mkv", 6, 12)] {
        let h = at(episode);
        let second = h["second"].as_u64().unwrap();
        assert!((from..to).contains(&second), "{episode}: best second {second}, the shot is at {from}–{to} s: {h}");
        assert!(h["similarity"].as_f64().unwrap() >= 0.92, "{h}");
    }
    // Nowhere outside the intro (the bodies are other footage), and not the query itself.
    for h in hits {
        let second = h["second"].as_u64().unwrap();
        let intro = if name(&h["episode"]) == "Bunny Tales - S01E02.mp4" { 30..50 } else { 0..20 };
        assert!(intro.contains(&second), "a hit outside the intro: {h}");
        assert!(!(name(&h["episode"]) == "Bunny Tales - S01E01.mp4" && (8..=12).contains(&second)), "the query's own second: {h}");
    }

    // By image: a still of S01E02 at 0:40 (the same shot) finds it in S01E01 and S01E03.
    let still = work.path().join("still.png");
    ffmpeg(&["-ss", "40", "-i", &s(&season.join("Bunny Tales - S01E02.mp4")), "-frames:v", "1", &s(&still)]);
    let found = json(&["search", "--image", &s(&still)], &[&season]);
    let names: Vec<String> = found["hits"].as_array().unwrap().iter().map(|h| name(&h["episode"])).collect();
    for episode in ["Bunny Tales - S01E01.mp4", "Bunny Tales - S01E02.mp4", "Bunny Tales - S01E03.mp4"] {
        assert!(names.iter().any(|n| n == episode), "{episode} not found by the still: {found}");
    }
    // A still that is not in the season: nothing.
    let other = work.path().join("other.png");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=320x180", "-frames:v", "1", &s(&other)]);
    let found = json(&["search", "--image", &s(&other)], &[&season]);
    assert_eq!(found["hits"].as_array().unwrap().len(), 0, "{found}");

    // Duplicates: S01E01 and its two copies, pairwise; never two different episodes.
    let found = json(&["duplicates"], &[&season, &copies]);
    let mut pairs: Vec<(String, String)> = found["duplicates"].as_array().unwrap().iter().map(|d| {
        let mut p = [name(&d["a"]), name(&d["b"])];
        p.sort();
        (p[0].clone(), p[1].clone())
    }).collect();
    pairs.sort();
    assert_eq!(pairs, [
        ("Bunny Tales - S01E01 (cut).mkv".to_string(), "Bunny Tales - S01E01 (web).mkv".to_string()),
        ("Bunny Tales - S01E01 (cut).mkv".into(), "Bunny Tales - S01E01.mp4".into()),
        ("Bunny Tales - S01E01 (web).mkv".into(), "Bunny Tales - S01E01.mp4".into()),
    ], "{found}");

    // A query that is not EPISODE@TIME is one clear line.
    let mut cmd = introskip();
    cmd.args(["search", "--frame", "no-time-here"]).arg(&season);
    let out = run_with_timeout(cmd, 60);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("EPISODE@TIME"), "{stderr}");
}

/// The demo season's bodies are different footage; what it returns to is its intro (its title
/// card and shots) and its end credits. `scenes` finds those in all three episodes, nothing
/// else, and draws one sheet row per scene.
#[test]
fn a_season_s_recurring_scenes_are_its_intro_and_credits() {
    let demo = introskip::paths::demo_dir();
    let work = tempfile::tempdir().unwrap();
    let sheet = work.path().join("scenes.png");
    let found = json(&["scenes", "--sheet", sheet.to_str().unwrap()], &[&demo]);
    let scenes = found["scenes"].as_array().unwrap();
    // The truth: each episode's intro and credits, in seconds.
    let spans = |episode: &str| -> Vec<(String, f64, f64)> {
        let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(demo.join(episode.replace(".mp4", ".truth.json"))).unwrap()).unwrap();
        truth["segments"].as_array().unwrap().iter()
            .filter(|s| ["intro", "credits"].contains(&s["kind"].as_str().unwrap()))
            .map(|s| (s["kind"].as_str().unwrap().to_string(), s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap()))
            .collect()
    };
    let mut covered: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for scene in scenes {
        assert!(scene["episodes"].as_u64().unwrap() >= 2, "{scene}");
        for o in scene["occurrences"].as_array().unwrap() {
            let episode = name(&o["episode"]);
            let (from, to) = (o["from"].as_f64().unwrap(), o["to"].as_f64().unwrap() + 1.0);
            let inside = spans(&episode).into_iter().find(|(_, a, b)| from >= *a - 1.0 && to <= *b + 1.0);
            let (kind, _, _) = inside.unwrap_or_else(|| panic!("{episode} {from}–{to} s recurs but is neither its intro nor its credits: {scene}"));
            *covered.entry((episode, kind)).or_default() += (to - from) as u32;
        }
    }
    for n in 1..=3 {
        let episode = format!("Bunny Tales - S01E0{n}.mp4");
        let intro = covered.get(&(episode.clone(), "intro".into())).copied().unwrap_or(0);
        assert!(intro >= 16, "{episode}: only {intro} of the intro's 20 s are found recurring: {found}");
        assert!(covered.contains_key(&(episode.clone(), "credits".into())), "{episode}: its credits are not found recurring: {found}");
    }
    let png = image::open(&sheet).unwrap();
    assert_eq!(png.height() as usize, scenes.len() * (72 + 4), "one sheet row per scene");
}

/// The tiny whole-model fixture with its 1000-token vocabulary widened to OpenAI's 49408 (rows
/// repeated), so that the real tokenizer's ids fit; its numbers mean nothing, its shape is CLIP's.
fn tiny_clip_for_text(dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-text-tiny/openclip.safetensors");
    let bytes = std::fs::read(fixture).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let table = st.tensor("token_embedding.weight").unwrap();
    assert_eq!(table.shape(), [1000, 128]);
    let row = table.data().len() / 1000;
    let wide: Vec<u8> = (0..49408).flat_map(|i| table.data()[(i % 1000) * row..(i % 1000 + 1) * row].iter().copied()).collect();
    let mut views: Vec<(String, safetensors::tensor::TensorView)> = st.tensors().into_iter().filter(|(n, _)| n != "token_embedding.weight").collect();
    views.push(("token_embedding.weight".into(), safetensors::tensor::TensorView::new(table.dtype(), vec![49408, 128], &wide).unwrap()));
    let path = dir.join("tiny-clip.safetensors");
    safetensors::serialize_to_file(views, None, &path).unwrap();
    path
}

/// `search --text` end to end on a demo episode with a whole tiny CLIP: the frames come ranked by
/// their cosine to the text, which this test recomputes with the library's own towers. Without
/// weights it is one line saying how to give them; weights with no text tower are named.
#[test]
fn text_search_ranks_frames_by_clip_similarity_and_says_when_it_has_no_weights() {
    let work = tempfile::tempdir().unwrap();
    let weights = tiny_clip_for_text(work.path());
    let episode = introskip::paths::demo_dir().join("Bunny Tales - S01E01.mp4");
    let run = |args: &[&str]| {
        let mut cmd = introskip();
        cmd.arg("search").args(args).arg(&episode);
        // Nothing from the environment or the user's settings: only what the command gives.
        cmd.env_remove("INTROSKIP_CLIP_WEIGHTS").env("INTROSKIP_CONFIG", work.path().join("settings.json")).env("INTROSKIP_CACHE", work.path().join("cache")).env("OMP_NUM_THREADS", "1");
        run_with_timeout(cmd, 600)
    };
    let out = run(&["--text", "title card", "--clip-weights", weights.to_str().unwrap(), "--top", "5", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = found["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 5, "{found}");
    assert_eq!(found["truncated"], false);

    // The same ranking from the library: the text through the text tower, every sampled second
    // through the image tower.
    let (_, text) = introskip::encoder::clip::Weights::load_both(&weights).unwrap();
    let model = introskip::encoder::clip_text::ClipText::new(&text, &introskip::encoder::burn_device()).unwrap();
    let tokens = introskip::encoder::clip_tokenizer::ClipTokenizer::shared().unwrap().tokenize("title card", 77);
    let mut q = model.embed(&[&tokens.ids]).unwrap().remove(0);
    let norm = q.iter().map(|x| x * x).sum::<f32>().sqrt();
    q.iter_mut().for_each(|x| *x /= norm);
    let mut encoder = introskip::encoder::ClipEncoder::load(&weights).unwrap();
    let (features, _) = introskip::features::embed_episode(&episode, introskip::service::DEFAULT_WINDOW_S, &mut encoder, false, &mut |_| true).unwrap();
    let cos_at = |second: u64| -> f32 {
        let row = features.seconds.iter().position(|&s| u64::from(s) == second).unwrap_or_else(|| panic!("no sampled second {second}"));
        features.embeddings.row(row).iter().zip(&q).map(|(a, b)| a * b).sum()
    };
    let best = (0..features.seconds.len()).map(|i| features.embeddings.row(i).iter().zip(&q).map(|(a, b)| a * b).sum::<f32>()).fold(f32::MIN, f32::max);
    let mut previous = f64::INFINITY;
    for h in hits {
        assert_eq!(name(&h["episode"]), "Bunny Tales - S01E01.mp4");
        let (second, from, to) = (h["second"].as_u64().unwrap(), h["from"].as_u64().unwrap(), h["to"].as_u64().unwrap());
        let similarity = h["similarity"].as_f64().unwrap();
        assert!(from <= second && second <= to, "{h}");
        assert!(similarity <= previous, "not best first: {found}");
        assert!((similarity - f64::from(cos_at(second))).abs() < 1e-3, "{h}: the library says {}", cos_at(second));
        for s in from..=to {
            assert!(f64::from(cos_at(s)) <= similarity + 1e-3, "{h}: second {s} of the shot is more alike");
        }
        previous = similarity;
    }
    assert!((hits[0]["similarity"].as_f64().unwrap() - f64::from(best)).abs() < 1e-3, "the best frame is {best}: {found}");
    // Shots do not overlap.
    let mut spans: Vec<(u64, u64)> = hits.iter().map(|h| (h["from"].as_u64().unwrap(), h["to"].as_u64().unwrap())).collect();
    spans.sort();
    assert!(spans.windows(2).all(|w| w[0].1 < w[1].0), "{spans:?}");

    // Printed: one line per shot with its time code.
    let out = run(&["--text", "title card", "--clip-weights", weights.to_str().unwrap(), "--top", "3"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.lines().count() == 3 && stdout.lines().all(|l| l.split_whitespace().nth(1).and_then(introskip::clock::parse_clock).is_some() && l.contains("S01E01")), "{stdout}");

    // No weights anywhere: one line on how to give them, exit status 1, nothing listed.
    let out = run(&["--text", "title card"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.contains("needs CLIP weights") && stderr.contains("--clip-weights") && stderr.contains("INTROSKIP_CLIP_WEIGHTS") && stderr.trim().lines().count() == 1, "{stderr}");

    // Weights with an image tower only: refused naming the file.
    let image_only = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fixtures/clip-tiny/state_dict.pt");
    let out = run(&["--text", "title card", "--clip-weights", image_only.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("state_dict.pt") && stderr.contains("not a CLIP text tower"), "{stderr}");
}

/// The approximate index, grown season by season over the 64 episodes of the four scored sets
/// (dev, held-out, families B and C; their embeddings are cached by the results test), gets exact
/// search's top 10 for at least 95 % of queries; and `search --index ann` answers as exact does.
#[test]
fn the_approximate_index_gets_exact_searchs_top_ten_for_most_queries() {
    use introskip::service::index::{agreement, ShotIndex};
    let cache = introskip::paths::cache_dir();
    let mut encoder = introskip::encoder::default_encoder();
    let mut seasons: Vec<Vec<(String, introskip::features::EpisodeFeatures)>> = Vec::new();
    let mut some_episode = None;
    for set in ["dataset/v1/dev", "dataset/heldout-2027/dev", "dataset/familyb-v2-2028/dev", "dataset/familyc-v2-2029/dev"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(cache.join(set)).unwrap_or_else(|e| panic!("{set}: {e}")).map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
        dirs.sort();
        for dir in dirs {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "mp4")).collect();
            files.sort();
            let mut season = Vec::new();
            for f in files {
                let (features, _) = introskip::features::embed_episode(&f, 180, encoder.as_mut(), true, &mut |_| true).unwrap();
                let key = introskip::features::cache::CacheKey::new(&f, 180, encoder.as_ref()).unwrap().file_name();
                some_episode.get_or_insert((f.clone(), dir.clone()));
                season.push((key, features));
            }
            seasons.push(season);
        }
    }
    let mut index = ShotIndex::new(&encoder.id(), encoder.dim());
    for season in &seasons {
        let refs: Vec<(String, &introskip::features::EpisodeFeatures)> = season.iter().map(|(k, f)| (k.clone(), f)).collect();
        index.add(&refs).unwrap();
    }
    let all: Vec<(String, &introskip::features::EpisodeFeatures)> = seasons.iter().flatten().map(|(k, f)| (k.clone(), f)).collect();
    assert_eq!(all.len(), 64);
    assert!(index.segments() <= 8, "seasons were merged: {} segments", index.segments());
    let mut queries = Vec::new();
    let mut k = 0usize;
    while queries.len() < 300 {
        let (e, row) = ((k * 7919) % all.len(), (k * 104_729) % 180);
        if all[e].1.seconds.len() > row && all[e].1.embeddings.row(row).iter().any(|&x| x != 0.0) {
            queries.push((e, row));
        }
        k += 1;
    }
    let (same, recall) = agreement(&index, &all, &queries, 10);
    eprintln!("approximate index: exact top 10 for {:.1} % of {} queries, recall@10 {recall:.3}", same * 100.0, queries.len());
    assert!(same >= 0.95, "exact top 10 for {:.1} % of queries (recall@10 {recall:.3})", same * 100.0);
    // The command line through the index (built or grown in the cache) answers as exact search.
    let (episode, dir) = some_episode.unwrap();
    let query = format!("{}@0:30", episode.display());
    let exact = json(&["search", "--frame", &query, "--index", "exact"], &[&dir]);
    let ann = json(&["search", "--frame", &query, "--index", "ann"], &[&dir]);
    // The same hits; similarities agree to float rounding (the index keeps 1 − cosine, summed in
    // another order than exact search's matrix product: ~1e-7 apart).
    let (e, a) = (exact["hits"].as_array().unwrap(), ann["hits"].as_array().unwrap());
    assert_eq!(e.len(), a.len(), "{e:?} against {a:?}");
    for (x, y) in e.iter().zip(a) {
        for field in ["episode", "second", "from", "to"] {
            assert_eq!(x[field], y[field], "{e:?} against {a:?}");
        }
        assert!((x["similarity"].as_f64().unwrap() - y["similarity"].as_f64().unwrap()).abs() < 1e-5, "{e:?} against {a:?}");
    }
}
