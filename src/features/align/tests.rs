//! Season alignment's tests, and the synthetic sound and episodes other modules' tests build on.

use super::*;

#[test]
fn a_sting_a_partner_found_in_this_episode_counts_that_partner_too() {
    // This episode's sting, 120.6–125.7 s: partner 3 found it seen and heard; partner 2 found
    // it only from its own side (5.6 s there, 3.6 s here: under the 4 s floor this side
    // counts in). Wider family B's Northern Garden E01.
    let m = |start: f64, end: f64, other_start: f64, other_end: f64, by: By| Match { start, end, other_start, other_end, by, distance: 1.0 };
    let own = vec![m(120.6, 125.7, 0.0, 5.1, By::Sound), m(120.6, 125.7, 0.0, 5.1, By::Picture)];
    let theirs = vec![m(35.3, 40.9, 121.9, 125.5, By::Sound), m(35.3, 40.9, 121.9, 125.5, By::Picture)];
    let seen_from_here = mirrored(&[], &theirs);
    assert_eq!(seen_from_here.len(), 1, "sound only: {seen_from_here:?}");
    assert_eq!((seen_from_here[0].start, seen_from_here[0].end, seen_from_here[0].other_start, seen_from_here[0].other_end), (121.9, 125.5, 35.3, 40.9));
    let matches: Vec<(usize, Match)> = own.into_iter().map(|x| (3, x)).chain(seen_from_here.into_iter().map(|x| (2, x))).collect();
    let repeats = group(matches, &[]);
    let sting = repeats.iter().find(|r| r.start < 121.0 && r.end > 125.0).expect("the sting");
    assert_eq!(sting.partners, vec![2, 3], "both partners hold it");
    // What this side found already is not counted twice.
    assert!(mirrored(&[m(121.0, 125.6, 35.3, 40.9, By::Sound)], &theirs).is_empty());
}

/// Deterministic "music": a melody of random notes with harmonics, 0.25–0.6 s each.
pub(super) fn melody(seed: u64, seconds: f64, rate: u32) -> Vec<f32> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let total = (seconds * f64::from(rate)) as usize;
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        let freq = 110.0 * 2f64.powf((next() * 36.0).floor() / 12.0);
        let len = ((0.25 + 0.35 * next()) * f64::from(rate)) as usize;
        for k in 0..len.min(total - out.len()) {
            let t = k as f64 / f64::from(rate);
            let v = (2.0 * std::f64::consts::PI * freq * t).sin() + 0.5 * (4.0 * std::f64::consts::PI * freq * t).sin();
            out.push((0.3 * v) as f32);
        }
    }
    out
}

pub(super) fn print(samples: &[f32]) -> Vec<u32> {
    super::super::sound::fingerprint_of(samples, 16_000)
}

fn m(start: f64, end: f64, by: By) -> Match {
    Match { start, end, other_start: start + 50.0, other_end: end + 50.0, by, distance: 3.0 }
}

/// [`group`] where nothing is known of the sound's loudness.
fn group_all(matches: Vec<(usize, Match)>) -> Vec<Repeat> {
    group(matches, &[])
}

#[test]
fn a_partner_whose_match_runs_on_over_quieter_sound_does_not_carry_the_intro_end() {
    // The demo's S01E03: the theme (loud) fades out at 20 s; partner 0's copy ends there,
    // partner 1's match runs on to 22.2 s over the forest sound both stories share, 16 dB
    // quieter. Partner 1 also holds the intro's first 2 s that partner 0 trims, as loud as
    // the rest, or quieter (a fade-in): that reach stands.
    let loudness: Vec<f32> = (0..40).map(|s| if (2..20).contains(&s) { 0.7 } else { 0.42 }).collect();
    let found = group(vec![(0, m(2.0, 19.9, By::Sound)), (1, m(0.0, 22.2, By::Sound))], &loudness);
    let spans: Vec<(f64, f64)> = found.iter().map(|r| ((r.start * 10.0).round() / 10.0, (r.end * 10.0).round() / 10.0)).collect();
    assert_eq!(spans[0], (0.0, 19.9), "{found:?}");
    // As loud beyond the core (the intro's own sound that one partner trims): reached. The
    // start reaches out whatever the loudness: a theme may fade in.
    let found = group(vec![(0, m(2.0, 19.9, By::Sound)), (1, m(0.0, 22.2, By::Sound))], &[0.7; 40]);
    assert_eq!(((found[0].start * 10.0).round() / 10.0, (found[0].end * 10.0).round() / 10.0), (0.0, 22.2), "{found:?}");
}

#[test]
fn an_intro_three_partners_share_stays_one_repeat_where_one_partner_runs_on_into_shared_story() {
    // Partner 0 repeats the intro 10–40 and runs on through 60 (it shares the story's first
    // scene too); partner 1 has the intro trimmed by 2 s at the head; partner 2 holds it by
    // picture only; partner 1 also shares a scene at 100–115.
    let found = group_all(vec![
        (0, m(10.0, 60.0, By::Sound)),
        (1, m(12.0, 40.2, By::Sound)),
        (2, m(10.0, 40.0, By::Picture)),
        (1, m(100.0, 115.0, By::Sound)),
    ]);
    let spans: Vec<(f64, f64, usize)> = found.iter().map(|r| ((r.start * 10.0).round() / 10.0, (r.end * 10.0).round() / 10.0, r.partners.len())).collect();
    assert_eq!(spans, vec![(10.0, 40.2, 3), (40.2, 60.0, 1), (100.0, 115.0, 1)], "{found:?}");
    assert_eq!((found[0].start_by, found[0].end_by), (By::Sound, By::Sound));
}

#[test]
fn a_sting_right_after_footage_other_partners_share_is_a_repeat_of_its_own() {
    // Family B's Silver Meadow E01: a cold open partners 1 and 3 repeat (0–20.3), partner 1
    // running on to 21.5; then a 4.5 s sting that partner 2 sees and hears again, its match
    // starting 0.3 s before partner 1's ends. Alone at one partner, the run from 20.3 to
    // 25.7 is neither an intro's length nor inside the sting.
    let sting = m(21.2, 25.7, By::Sound);
    let seen = Match { by: By::Picture, ..sting.clone() };
    let found = group_all(vec![(1, m(0.0, 21.5, By::Sound)), (3, m(0.0, 20.3, By::Sound)), (2, sting), (2, seen)]);
    let spans: Vec<(f64, f64, usize)> = found.iter().map(|r| ((r.start * 10.0).round() / 10.0, (r.end * 10.0).round() / 10.0, r.partners.len())).collect();
    assert_eq!(spans, vec![(0.0, 21.5, 2), (21.5, 25.7, 1)], "{found:?}");
    assert!(found[1].together && found[1].partners == vec![2], "{found:?}");
}

#[test]
fn an_intro_and_the_story_a_partner_shows_later_are_two_repeats() {
    // With one partner: its intro 0–25 repeats ours at 0–25, and ours 26–43 is a scene it
    // shows at 153–170. Contiguous here, a jump there.
    let mut story = m(25.8, 43.0, By::Sound);
    (story.other_start, story.other_end) = (153.0, 170.0);
    let mut intro = m(0.0, 25.8, By::Sound);
    (intro.other_start, intro.other_end) = (0.0, 25.8);
    let found = group_all(vec![(1, intro), (1, story)]);
    let spans: Vec<(f64, f64)> = found.iter().map(|r| ((r.start * 10.0).round() / 10.0, (r.end * 10.0).round() / 10.0)).collect();
    assert_eq!(spans, vec![(0.0, 25.8), (25.8, 43.0)], "{found:?}");
}

#[test]
fn a_static_picture_is_no_repeat_and_costs_one_pass() {
    // Every second of both windows is the same frame: all 1,200 × 1,200 cells hit.
    let mut a = EpisodeFeatures::empty(4);
    for s in 0..1200u32 {
        a.seconds.push(s);
        a.frame_times.push(f64::from(s));
        a.embeddings.push_row(ndarray::ArrayView1::from(&[0.5f32, 0.5, 0.5, 0.5])).unwrap();
    }
    // One pass (each row's longest path end only), and a picture that never changes is no
    // footage shown again.
    assert!(picture_matches(&a, &a.clone()).is_empty());
}

#[test]
fn a_copy_aligns_second_for_second_though_the_seconds_of_each_shot_look_alike() {
    // 24 shots of 5 s; the seconds of a shot are alike (cosine ~0.97, all hits), a
    // second is most like itself. The copy is the same window: its match must not drift
    // through the blocks (it reported 0–120 s as 1–111 s in the app's duplicates list).
    let mut state = 9u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as f32 / (1u64 << 31) as f32 - 0.5
    };
    let unit = |v: Vec<f32>| {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect::<Vec<f32>>()
    };
    // The copy (a re-encode) carries its own noise; the last 5 s are one held card.
    let (mut a, mut b) = (EpisodeFeatures::empty(16), EpisodeFeatures::empty(16));
    let push = |f: &mut EpisodeFeatures, second: u32, v: &[f32]| {
        f.seconds.push(second);
        f.frame_times.push(f64::from(second));
        f.embeddings.push_row(ndarray::ArrayView1::from(v)).unwrap();
    };
    for shot in 0..24u32 {
        let base = unit((0..16).map(|_| next()).collect());
        let card = shot == 23;
        for k in 0..5u32 {
            let v = if card { base.clone() } else { unit(base.iter().map(|b| b + 0.18 * next()).collect()) };
            let copy = unit(v.iter().map(|x| x + 0.01 * next()).collect());
            push(&mut a, shot * 5 + k, &v);
            push(&mut b, shot * 5 + k, &copy);
        }
    }
    let alike = crate::encoder::cosine(a.embedding(0), a.embedding(1));
    assert!((0.95..0.995).contains(&alike), "a shot's seconds are alike, not equal: {alike}");
    let found = copy_matches(&a, &b);
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!((m.start, m.end, m.other_start, m.other_end), (0.0, 120.0, 0.0, 120.0), "{m:?}");
    // The season's path, chosen on the first found, is left as it was: it drifts.
    let season = picture_matches(&a, &b);
    assert!(season.iter().any(|m| (m.other_start, m.other_end) != (m.start, m.end)), "{season:?}");
}

#[test]
fn item_length_is_chromaprints() {
    assert!((f64::from(chromaprint_config().item_duration_in_seconds()) - ITEM_S).abs() < 1e-6);
}

#[test]
fn a_shared_theme_is_found_at_its_place_in_both_episodes_within_three_quarters_of_a_second() {
    let rate = 16_000;
    let theme = melody(7, 30.0, rate);
    // Episode A: 40 s of its own sound, the theme, 50 s more. Episode B: 12 s, theme, 60 s.
    let a: Vec<f32> = melody(1, 40.0, rate).into_iter().chain(theme.iter().copied()).chain(melody(2, 50.0, rate)).collect();
    // B's copy is quieter and carries a little noise: a re-encode, another mix.
    let mut noise = 3u32;
    let b: Vec<f32> = melody(3, 12.0, rate)
        .into_iter()
        .chain(theme.iter().map(|&x| {
            noise = noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            0.6 * x + 0.02 * ((noise >> 8) as f32 / (1u32 << 24) as f32 - 0.5)
        }))
        .chain(melody(4, 60.0, rate))
        .collect();
    let found = sound_matches(&print(&a), &print(&b));
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert!((m.start - 40.0).abs() < 0.75 && (m.end - 70.0).abs() < 0.75, "in A: {m:?}");
    assert!((m.other_start - 12.0).abs() < 0.75 && (m.other_end - 42.0).abs() < 0.75, "in B: {m:?}");
    assert!(m.distance < MAX_BIT_ERROR);
}

#[test]
fn a_sting_is_found_beside_longer_stretches_two_episodes_share_at_other_offsets() {
    // Family B's Silver Meadow E01/E03: besides their intro's 5 s sting, the two episodes
    // share footage with its sound at four other offsets (cold opens, scenes), each with
    // more votes than the sting; the sting's offset comes fifth.
    let rate = 16_000;
    let part = |seed: u64| melody(seed, 15.0, rate);
    let (s1, s2, s3, s4, sting) = (part(51), part(52), part(53), part(54), melody(55, 5.0, rate));
    let cat = |pieces: &[&[f32]]| -> Vec<f32> { pieces.iter().flat_map(|p| p.iter().copied()).collect() };
    let a = cat(&[&s1, &s2, &s3, &s4, &melody(56, 3.0, rate), &sting, &melody(57, 10.0, rate)]);
    let b = cat(&[&sting, &melody(58, 3.0, rate), &s3, &melody(59, 5.0, rate), &s1, &melody(60, 7.0, rate), &s4, &melody(61, 3.0, rate), &s2]);
    let found = sound_matches_of(&print(&a), &print(&b), MIN_SHORT_S);
    let at = |t: f64| found.iter().find(|m| m.start < t && m.end > t).cloned();
    let m = at(65.5).unwrap_or_else(|| panic!("the sting at 63–68 s: {found:?}"));
    assert!((m.other_start - 0.0).abs() < 1.0 && (m.other_end - 5.0).abs() < 1.0, "{m:?}");
    for (t, there) in [(7.5, 35.5), (22.5, 75.5), (37.5, 15.5), (52.5, 57.5)] {
        let m = at(t).unwrap_or_else(|| panic!("the stretch around {t} s: {found:?}"));
        assert!((m.other_start + (t - m.start) - there).abs() < 1.0, "{m:?}");
    }
}

#[test]
fn unrelated_sound_and_silence_do_not_match() {
    let rate = 16_000;
    let a = melody(11, 90.0, rate);
    let b = melody(12, 90.0, rate);
    assert!(sound_matches(&print(&a), &print(&b)).is_empty());
    let silence = vec![0.0f32; 90 * rate as usize];
    assert!(sound_matches(&print(&silence), &print(&silence)).is_empty(), "silence is not a repeat");
}

/// An episode of `seconds` whose sound is `sound` (16 kHz) and whose pictures are
/// `picture(second)`: unrelated seconds get unrelated directions.
pub(super) fn episode(sound: &[f32], seconds: u32, picture: impl Fn(u32) -> u64) -> EpisodeFeatures {
    let dim = 32;
    let mut e = EpisodeFeatures::empty(dim);
    for s in 0..seconds {
        let mut state = picture(s).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        e.seconds.push(s);
        e.frame_times.push(f64::from(s));
        e.embeddings.push_row(ndarray::ArrayView1::from(&v)).unwrap();
    }
    e.fingerprint = print(sound);
    e
}

#[test]
fn a_five_second_sting_seen_and_heard_again_is_a_repeat_but_its_sound_over_other_pictures_is_not() {
    let rate = 16_000;
    let sting = melody(40, 5.0, rate);
    // A: the sting at 20–25 s; B: at 10–15 s with the same pictures; C: at 30–35 s over its
    // own pictures (a jingle over other footage).
    let a_sound: Vec<f32> = melody(31, 20.0, rate).into_iter().chain(sting.iter().copied()).chain(melody(32, 35.0, rate)).collect();
    let b_sound: Vec<f32> = melody(33, 10.0, rate).into_iter().chain(sting.iter().copied()).chain(melody(34, 45.0, rate)).collect();
    let c_sound: Vec<f32> = melody(35, 30.0, rate).into_iter().chain(sting.iter().copied()).chain(melody(36, 25.0, rate)).collect();
    let a = episode(&a_sound, 60, |s| if (20..25).contains(&s) { 1000 + u64::from(s - 20) } else { 100 + u64::from(s) });
    let b = episode(&b_sound, 60, |s| if (10..15).contains(&s) { 1000 + u64::from(s - 10) } else { 200 + u64::from(s) });
    let c = episode(&c_sound, 60, |s| 300 + u64::from(s));
    assert!(sound_matches(&a.fingerprint, &b.fingerprint).is_empty(), "under 6 s: no plain sound match");
    let mut cache = PairCache::default();
    let found = season_repeats(&[&a, &b], &mut cache);
    assert_eq!(found[0].len(), 1, "{found:?}");
    let r = &found[0][0];
    assert!(r.together && r.sound && r.picture, "{r:?}");
    assert!((r.start - 20.0).abs() < 0.75 && (r.end - 25.0).abs() < 0.75, "{r:?}");
    assert!((r.elsewhere[0].1 - 10.0).abs() < 0.75, "{r:?}");
    let found = season_repeats(&[&a, &c], &mut cache);
    assert!(found[0].is_empty() && found[1].is_empty(), "the sting's sound over other pictures: {found:?}");
}

#[test]
fn a_sting_over_a_held_still_is_seen_and_heard_but_a_fixed_camera_at_other_times_is_only_heard() {
    let rate = 16_000;
    let sting = melody(50, 9.0, rate);
    // A: a 9 s sting at 20–29 s over one held still; B: the same at 40–49 s. C plays the same
    // sound over a fixed camera's other moments: each episode's take barely changes from one
    // second to the next (a held picture to picture matching) and is alike to the other take
    // at cosine ~0.96, not the same frames.
    let sound = |before: u64, at: f64, after: u64| -> Vec<f32> { melody(before, at, rate).into_iter().chain(sting.iter().copied()).chain(melody(after, 60.0 - at - 9.0, rate)).collect() };
    let unit = |seed: u64| -> Vec<f32> { episode(&[], 1, |_| seed).embeddings.row(0).to_vec() };
    let (still, camera) = (unit(7000), unit(8000));
    let with = |sound: &[f32], at: u32, picture: &dyn Fn(u32) -> Vec<f32>| {
        let mut e = episode(sound, 60, |s| 500 + u64::from(s) + u64::from(at) * 1000);
        for s in at..at + 9 {
            let v = picture(s);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            e.embeddings.row_mut(s as usize).assign(&ndarray::Array1::from_iter(v.iter().map(|x| x / norm)));
        }
        e
    };
    let a = with(&sound(51, 20.0, 52), 20, &|_| still.clone());
    let b = with(&sound(53, 40.0, 54), 40, &|_| still.clone());
    let take = |moment: u64| -> Box<dyn Fn(u32) -> Vec<f32>> {
        let (camera, at) = (camera.clone(), unit(moment));
        Box::new(move |s: u32| camera.iter().zip(&at).zip(unit(moment + 1 + u64::from(s))).map(|((x, y), z)| x + 0.2 * y + 0.02 * z).collect())
    };
    let c = with(&sound(55, 30.0, 56), 30, &*take(9000));
    let mut cache = PairCache::default();
    let found = season_repeats(&[&a, &b], &mut cache);
    let r = found[0].iter().find(|r| r.start < 25.0 && r.end > 25.0).unwrap_or_else(|| panic!("{found:?}"));
    assert!(r.together && r.picture && r.sound, "a still is the same picture along the sound: {r:?}");
    let a_camera = with(&sound(51, 20.0, 52), 20, &*take(9100));
    let found = season_repeats(&[&a_camera, &c], &mut cache);
    let r = found[0].iter().find(|r| r.start < 25.0 && r.end > 25.0).unwrap_or_else(|| panic!("{found:?}"));
    assert!(r.sound && !r.together, "another moment of the same place is not the same picture: {r:?}");
}

#[test]
fn sound_heard_past_a_window_carries_on_a_match_and_finds_none_of_its_own() {
    // B's window is 60 s and its print is heard to 100 s. A plays a theme at 10–40 s, which
    // B plays from 50 s: 10 s of it in B's window. A scene's sound A plays at 60–75 s, B
    // plays only past its window (85–100 s).
    let rate = 16_000;
    let (theme, scene) = (melody(80, 30.0, rate), melody(81, 15.0, rate));
    let cat = |pieces: &[&[f32]]| -> Vec<f32> { pieces.iter().flat_map(|p| p.iter().copied()).collect() };
    let a = print(&cat(&[&melody(82, 10.0, rate), &theme, &melody(83, 20.0, rate), &scene, &melody(84, 5.0, rate)]));
    let b = print(&cat(&[&melody(85, 50.0, rate), &theme, &melody(86, 5.0, rate), &scene]));
    let found = sound_matches_within(&a, &b, MIN_SHORT_S, (f64::INFINITY, 60.0));
    let theme_match = found.iter().find(|m| m.start < 20.0).unwrap_or_else(|| panic!("the theme: {found:?}"));
    assert!((theme_match.start - 10.0).abs() < 1.0 && (theme_match.end - 40.0).abs() < 1.0 && (theme_match.other_start - 50.0).abs() < 1.0, "carried on to its end: {theme_match:?}");
    assert!(found.iter().all(|m| m.other_start < 60.0), "nothing begun past B's window: {found:?}");
    // Without the window, the scene is a match too; with B's print cut at its window, the
    // theme ends where the window does.
    assert!(sound_matches_within(&a, &b, MIN_SHORT_S, (f64::INFINITY, f64::INFINITY)).iter().any(|m| (m.start - 60.0).abs() < 1.0 && (m.other_start - 85.0).abs() < 1.0));
    let cut = &b[..((60.0 / ITEM_S) as usize).min(b.len())];
    let short = sound_matches_of(&a, cut, MIN_SHORT_S);
    assert!(!short.is_empty() && short.iter().all(|m| m.end < 25.0), "{short:?}");
}

#[test]
fn a_pal_speed_up_still_aligns() {
    let rate = 16_000;
    let theme = melody(21, 40.0, rate);
    let a: Vec<f32> = melody(22, 20.0, rate).into_iter().chain(theme.iter().copied()).chain(melody(23, 30.0, rate)).collect();
    // B plays 25/23.976 faster: resample the theme (pitch rises too, as a plain speed-up).
    let speed = 25.0 / 23.976;
    let fast: Vec<f32> = (0..((theme.len() as f64) / speed) as usize).map(|k| theme[((k as f64) * speed) as usize]).collect();
    let b: Vec<f32> = melody(24, 10.0, rate).into_iter().chain(fast).chain(melody(25, 30.0, rate)).collect();
    let found = sound_matches(&print(&a), &print(&b));
    let m = found.iter().max_by(|x, y| x.len().total_cmp(&y.len())).expect("the theme matches");
    // A plain speed-up raises the pitch too: the prints differ more (7 bits), the edges blur.
    assert!(m.len() > 30.0 && (m.start - 20.0).abs() < 2.0 && (m.other_start - 10.0).abs() < 2.0, "{found:?}");
}

#[test]
fn the_same_hiss_under_silent_shots_is_no_repeat_while_a_quiet_theme_is() {
    // Two episodes share 30 s of sound at 20–50 s and 10–40 s over unrelated pictures. Played at
    // a noise floor (−57 dBFS: family B 2053's silent clips, whose one hiss every episode
    // "heard" again), it is no evidence; at a quiet theme's level (−35 dBFS), it is a repeat.
    let rate = 16_000;
    let shared = melody(50, 30.0, rate);
    let with = |gain: f32| -> (EpisodeFeatures, EpisodeFeatures) {
        let quiet: Vec<f32> = shared.iter().map(|x| x * gain).collect();
        let a_sound: Vec<f32> = melody(51, 20.0, rate).into_iter().chain(quiet.iter().copied()).chain(melody(52, 10.0, rate)).collect();
        let b_sound: Vec<f32> = melody(53, 10.0, rate).into_iter().chain(quiet.iter().copied()).chain(melody(54, 20.0, rate)).collect();
        let mut a = episode(&a_sound, 60, |s| 100 + u64::from(s));
        let mut b = episode(&b_sound, 60, |s| 200 + u64::from(s));
        for (e, sound) in [(&mut a, &a_sound), (&mut b, &b_sound)] {
            let rows = crate::features::sound::features_of(sound, 60);
            e.audio = ndarray::Array2::from_shape_vec((rows.len(), crate::features::sound::AUDIO_DIM), rows.concat()).unwrap();
        }
        (a, b)
    };
    let (a, b) = with(0.005);
    assert!(!sound_matches(&a.fingerprint, &b.fingerprint).is_empty(), "its fingerprints match");
    let level = a.audio.rows().into_iter().skip(21).take(28).map(|r| r[0]).fold(f32::MIN, f32::max);
    assert!(f64::from(level) < SILENT, "the floor's loudest second: {level}");
    let found = season_repeats(&[&a, &b], &mut PairCache::default());
    assert!(found.iter().all(Vec::is_empty), "a noise floor is no repeat: {found:?}");
    let (a, b) = with(0.06);
    let found = season_repeats(&[&a, &b], &mut PairCache::default());
    assert_eq!(found[0].len(), 1, "{found:?}");
    assert!((found[0][0].start - 20.0).abs() < 1.0 && (found[0][0].end - 50.0).abs() < 1.0, "{found:?}");
}
