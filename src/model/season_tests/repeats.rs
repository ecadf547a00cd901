//! Intros found by what repeats across the season: the passes, recaps, lone guesses, a
//! title sequence that changes mid-season, an intro that follows its partners'.

use super::*;

#[test]
fn an_intro_seen_and_heard_again_beats_a_score_cue_every_episode_plays() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0–2 play the intro (sound and picture) at different times, after cold opens;
    // all four play a loud score cue over other pictures, which the model takes for the
    // intro. Episode 3 has no intro; the model's pick there overlaps only the cue.
    let at = [(10.0, 50.0), (60.0, 100.0), (110.0, 150.0)];
    let cue = [(150.0, 165.0), (120.0, 135.0), (20.0, 35.0), (40.0, 55.0)];
    let mut d: Vec<Detection> = (0..4).map(|e| {
        let (a, b) = (cue[e].0 as u32, cue[e].1 as u32);
        detection(Some((a, b)), &[(a, b, 0.95)], &[])
    }).collect();
    let mut repeats: Vec<Vec<Repeat>> = Vec::new();
    for e in 0..4 {
        let mut list = Vec::new();
        if e < 3 {
            let partners: Vec<usize> = (0..3).filter(|&j| j != e).collect();
            let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, at[j].0, at[j].1)).collect();
            list.push(Repeat { start: at[e].0, end: at[e].1, partners, start_by: By::Sound, end_by: By::Picture, sound: true, picture: true, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: true });
        }
        let partners: Vec<usize> = (0..4).filter(|&j| j != e).collect();
        let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, cue[j].0, cue[j].1)).collect();
        list.push(Repeat { start: cue[e].0, end: cue[e].1, partners, start_by: By::Sound, end_by: By::Sound, sound: true, picture: false, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: false });
        repeats.push(list);
    }
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    for e in 0..3 {
        assert_eq!((d[e].intros[0].start, d[e].intros[0].end), at[e], "episode {e}: {:?}", d[e].intros);
    }
    assert!(d[3].intros.is_empty(), "the cue is no intro where the season's intro is absent: {:?}", d[3].intros);
    assert!(matches!(out[3], Outcome::DroppedLone { .. }), "{:?}", out[3]);
}

#[test]
fn the_passes_repeat_until_an_episode_that_first_took_a_score_cue_backs_the_intro() {
    let seconds: Vec<u32> = (0..180).collect();
    // Four episodes; 0, 1 and 3 play the intro, 2 has none; all four play a score cue. In
    // episode 0 alignment hears the intro but does not see it, so pass 1 takes the cue there
    // (every partner plays it); episodes 1 and 3 see and hear theirs, and the model drew an
    // intro inside them. Pass 2 settles episode 0 on the intro, but then 1 and 3 have only one
    // backing partner each; pass 3 gives them two again.
    let intro = [(20.0, 60.0), (70.0, 110.0), (0.0, 0.0), (100.0, 140.0)];
    let cue = [(150.0, 165.0), (20.0, 35.0), (40.0, 55.0), (60.0, 75.0)];
    let mut d: Vec<Detection> = (0..4)
        .map(|e| {
            let (a, b) = intro[e];
            if e == 1 || e == 3 { detection(Some((a as u32 + 10, b as u32)), &[(a as u32 + 10, b as u32, 0.6)], &[]) } else { detection(None, &[], &[]) }
        })
        .collect();
    let with = [0usize, 1, 3];
    let mut repeats: Vec<Vec<Repeat>> = Vec::new();
    for e in 0..4 {
        let mut list = Vec::new();
        if e != 2 {
            let partners: Vec<usize> = with.iter().copied().filter(|&j| j != e).collect();
            let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, intro[j].0, intro[j].1)).collect();
            list.push(Repeat { start: intro[e].0, end: intro[e].1, partners, start_by: By::Sound, end_by: By::Sound, sound: true, picture: e != 0, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: e != 0 });
        }
        // The cue is a music scene played from different points: each partner's copy is
        // another part of it than the part that partner repeats most.
        let partners: Vec<usize> = (0..4).filter(|&j| j != e).collect();
        let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, cue[j].0 + 30.0, cue[j].1 + 30.0)).collect();
        list.push(Repeat { start: cue[e].0, end: cue[e].1, partners, start_by: By::Sound, end_by: By::Sound, sound: true, picture: false, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: false });
        repeats.push(list);
    }
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    judge_season(&mut d, &s, &repeats);
    for e in [0, 1, 3] {
        assert_eq!(d[e].intros.len(), 1, "episode {e}: {:?}", d[e].intros);
        assert_eq!((d[e].intros[0].start, d[e].intros[0].end), intro[e], "episode {e}");
    }
    assert!(d[2].intros.is_empty(), "{:?}", d[2].intros);
}

#[test]
fn a_quiet_intro_every_episode_repeats_beats_the_cold_open_the_model_took() {
    let seconds: Vec<u32> = (0..180).collect();
    // The model took each 60 s cold open as the intro and barely sees the quiet theme.
    let mut d: Vec<Detection> = (0..4).map(|_| detection(Some((0, 60)), &[(0, 60, 0.9), (100, 130, 0.05)], &[])).collect();
    let repeats: Vec<Vec<Repeat>> = (0..4).map(|e| vec![seen_repeat(100.2, 130.4, &(0..4).filter(|&j| j != e).collect::<Vec<_>>())]).collect();
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    for (e, d) in d.iter().enumerate() {
        assert_eq!(d.intros.len(), 1);
        assert_eq!((d.intros[0].start, d.intros[0].end), (100.2, 130.4), "episode {e}");
        assert_eq!(d.intros[0].start_by, vec![Evidence::Sound]);
        assert_eq!(d.intros[0].repeats_in, 3);
        assert!(matches!(out[e], Outcome::Aligned { repeats_in: 3, .. }));
    }
}

#[test]
fn a_recap_repeat_stays_a_recap_and_minority_footage_is_not_an_intro() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episode 0: recap 0–20 (repeats episode 1's story), intro 30–60 (all repeat it).
    // Episode 1: shares a 12 s shot of story with episode 2 only, at 120–132, model says no.
    let mut d = vec![
        detection(Some((30, 60)), &[(30, 60, 0.9)], &[(0, 20, 0.8)]),
        detection(Some((30, 60)), &[(30, 60, 0.9)], &[]),
        detection(Some((30, 60)), &[(30, 60, 0.9)], &[]),
        detection(Some((30, 60)), &[(30, 60, 0.9)], &[]),
    ];
    let repeats = vec![
        vec![repeat(0.0, 20.0, &[1]), repeat(30.0, 60.0, &[1, 2, 3])],
        vec![repeat(30.0, 60.0, &[0, 2, 3]), repeat(120.0, 132.0, &[2]), repeat(140.0, 160.0, &[0])],
        vec![repeat(30.0, 60.0, &[0, 1, 3]), repeat(120.0, 132.0, &[1])],
        vec![repeat(30.0, 60.0, &[0, 1, 2])],
    ];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    judge_season(&mut d, &s, &repeats);
    assert_eq!(d[0].recaps.len(), 1, "the recap repeat is a recap: {:?}", d[0]);
    assert_eq!((d[0].recaps[0].start, d[0].recaps[0].end), (0.0, 20.0));
    for d in &d {
        assert_eq!((d.intros[0].start, d.intros[0].end), (30.0, 60.0));
    }
}

#[test]
fn an_episode_without_the_seasons_intro_keeps_no_lone_intro() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0–2 share an intro; episode 3 has none, and the model calls a loud music scene
    // at 90–120 an intro with confidence.
    let mut d = vec![
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((90, 120)), &[(90, 120, 0.97)], &[]),
    ];
    let repeats = vec![vec![repeat(20.0, 28.4, &[1, 2])], vec![repeat(20.0, 28.4, &[0, 2])], vec![repeat(20.0, 28.4, &[0, 1])], vec![]];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(d[3].intros.is_empty(), "{:?}", d[3]);
    assert_eq!(out[3], Outcome::DroppedLone { dropped: vec![(90.0, 120.0, 0.9)] });
    // The model's own end, 0.4 s from the aligned one, refines it.
    assert!((0..3).all(|e| d[e].intros.len() == 1 && d[e].intros[0].end == 28.0 && d[e].intros[0].end_by == [Evidence::Sound, Evidence::Model]));
}

#[test]
fn an_episode_without_the_seasons_intro_keeps_none_of_two_lone_guesses() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0–2 share an intro; episode 3 has none, and the model draws two intros in it
    // (6071's Secret Signal E04: the note said "no intro" of the first, the second stayed).
    let mut d = vec![
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((20, 28)), &[(20, 28, 0.7)], &[]),
        detection(Some((60, 70)), &[(60, 70, 0.9), (100, 138, 0.9)], &[]),
    ];
    d[3].intros.push(DetectedSegment::by_model(100.0, 138.0, 0.92));
    let repeats = vec![vec![repeat(20.0, 28.4, &[1, 2])], vec![repeat(20.0, 28.4, &[0, 2])], vec![repeat(20.0, 28.4, &[0, 1])], vec![]];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(d[3].intros.is_empty(), "{:?}", d[3]);
    assert_eq!(out[3], Outcome::DroppedLone { dropped: vec![(60.0, 70.0, 0.9), (100.0, 138.0, 0.92)] });
}

#[test]
fn story_a_series_reuses_that_only_one_episodes_model_believes_does_not_make_a_season_with_an_intro() {
    let seconds: Vec<u32> = (0..180).collect();
    // No episode has an intro (6072's Golden Kingdom). Episode 2's model believes in 12 s of
    // story heard again (not seen: another crop) in the story of episodes 0 and 3, where their
    // models see story; episode 3's model guesses an intro right after its recap.
    let mut d = vec![
        detection(None, &[], &[]),
        detection(None, &[], &[]),
        detection(Some((36, 44)), &[(36, 44, 0.9), (72, 84, 0.7)], &[]),
        detection(Some((18, 27)), &[(18, 27, 0.85)], &[]),
    ];
    let repeats = vec![
        vec![heard_story(101.0, 108.0, &[(2, 72.0, 84.0), (3, 147.0, 158.0)])],
        vec![],
        vec![heard_story(72.0, 84.0, &[(0, 101.0, 108.0), (3, 147.0, 158.0)])],
        vec![heard_story(147.0, 158.0, &[(0, 101.0, 108.0), (2, 72.0, 84.0)])],
    ];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(d.iter().all(|d| d.intros.is_empty()), "no intro anywhere: {:?}", d.iter().map(|d| &d.intros).collect::<Vec<_>>());
    assert!(matches!(out[2], Outcome::DroppedUnrepeated { .. }) && matches!(out[3], Outcome::DroppedUnrepeated { .. }), "{out:?}");
}

#[test]
fn a_pick_on_story_no_partner_plays_as_its_intro_is_a_lone_guess_beside_a_shared_intro() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0 and 1 share their intro (seen and heard); episode 2's model believes in 12 s of
    // story heard again in the story of episodes 0 and 3 (no intro there), and draws nothing
    // over it; episode 3 has no intro.
    let mut d = vec![
        detection(Some((20, 28)), &[(20, 28, 0.9)], &[]),
        detection(Some((20, 28)), &[(20, 28, 0.9)], &[]),
        detection(Some((36, 44)), &[(36, 44, 0.9), (72, 84, 0.7)], &[]),
        detection(None, &[], &[]),
    ];
    let repeats = vec![
        vec![seen_repeat(20.0, 28.0, &[1]), heard_story(101.0, 108.0, &[(2, 72.0, 84.0), (3, 147.0, 158.0)])],
        vec![seen_repeat(20.0, 28.0, &[0])],
        vec![heard_story(72.0, 84.0, &[(0, 101.0, 108.0), (3, 147.0, 158.0)])],
        vec![heard_story(147.0, 158.0, &[(0, 101.0, 108.0), (2, 72.0, 84.0)])],
    ];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(d[2].intros.is_empty() && matches!(&out[2], Outcome::DroppedLone { dropped } if dropped.len() == 1 && dropped[0].0 == 72.0), "{out:?} {:?}", d[2].intros);
    assert!((0..2).all(|e| d[e].intros.len() == 1 && d[e].intros[0].start == 20.0), "the shared intro stays");
}

#[test]
fn alone_or_without_repeats_the_model_answers() {
    let seconds: Vec<u32> = (0..180).collect();
    let mut d = vec![detection(Some((10, 40)), &[(10, 40, 0.9)], &[])];
    assert_eq!(judge_season(&mut d, &[seconds.as_slice()], &[vec![]]), vec![Outcome::ModelOnly]);
    let mut d = vec![detection(Some((10, 40)), &[(10, 40, 0.9)], &[]), detection(None, &[], &[])];
    let out = judge_season(&mut d, &[seconds.as_slice(), seconds.as_slice()], &[vec![], vec![]]);
    assert_eq!(out, vec![Outcome::ModelOnly, Outcome::ModelOnly]);
    assert_eq!(d[0].intros.len(), 1);
}

#[test]
fn a_season_where_nothing_repeats_as_an_intro_keeps_none_of_the_models_guesses() {
    let seconds: Vec<u32> = (0..180).collect();
    // Three episodes of a series without an intro (opening credits over the story); the
    // model calls a different stretch of each an intro, and nothing repeats.
    let guesses = [(0, 12), (40, 70), (90, 120)];
    let mut d: Vec<Detection> = guesses.iter().map(|&(a, b)| detection(Some((a, b)), &[(a, b, 0.8)], &[])).collect();
    let s: Vec<&[u32]> = (0..3).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &[vec![], vec![], vec![]]);
    assert!(d.iter().all(|d| d.intros.is_empty()), "{d:?}");
    for (o, &(a, b)) in out.iter().zip(&guesses) {
        assert_eq!(*o, Outcome::DroppedUnrepeated { dropped: vec![(f64::from(a), f64::from(b), 0.9)] });
    }
    // One repeat that two episodes play as their intro is enough to keep those.
    let mut d: Vec<Detection> = [(20, 40), (20, 40), (90, 120)].iter().map(|&(a, b)| detection(Some((a, b)), &[(a, b, 0.8)], &[])).collect();
    let repeats = vec![vec![repeat(20.0, 40.0, &[1])], vec![repeat(20.0, 40.0, &[0])], vec![]];
    let out = judge_season(&mut d, &s, &repeats);
    assert!(matches!(out[0], Outcome::Aligned { .. }) && matches!(out[1], Outcome::Aligned { .. }), "{out:?}");
    assert!(matches!(out[2], Outcome::DroppedLone { .. }) && d[2].intros.is_empty(), "the third's guess repeats nowhere: {out:?}");
}

#[test]
fn a_new_title_sequence_keeping_the_old_theme_is_the_intro_where_partners_play_that_theme_as_theirs() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0 and 1 share their intro at 10–40 (theme and pictures); episode 2 plays the
    // same theme there over new pictures (heard only) and the model doubts it.
    let mut d: Vec<Detection> = vec![
        detection(Some((10, 40)), &[(10, 40, 0.9)], &[]),
        detection(Some((10, 40)), &[(10, 40, 0.9)], &[]),
        detection(None, &[(10, 40, 0.2)], &[]),
    ];
    let repeats = vec![
        vec![Repeat { partners: vec![1, 2], elsewhere: vec![(1, 10.0, 40.0), (2, 10.0, 40.0)], heard_in: vec![(1, 10.0, 40.0), (2, 10.0, 40.0)], ..seen_repeat(10.0, 40.0, &[1]) }],
        vec![Repeat { partners: vec![0, 2], elsewhere: vec![(0, 10.0, 40.0), (2, 10.0, 40.0)], heard_in: vec![(0, 10.0, 40.0), (2, 10.0, 40.0)], ..seen_repeat(10.0, 40.0, &[0]) }],
        vec![repeat(10.0, 40.0, &[0, 1])],
    ];
    let s: Vec<&[u32]> = (0..3).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(out.iter().all(|o| matches!(o, Outcome::Aligned { .. })), "{out:?}");
    assert_eq!((d[2].intros[0].start, d[2].intros[0].end), (10.0, 40.0));
}

#[test]
fn a_lone_guess_that_only_touches_a_repeat_is_still_lone() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0–2 share their intro at 10–40; episode 3 has none, and the model's guess
    // there, 41.5–73.5, ends where a scene starts that episode 0 shows in its intro's last
    // seconds (a look-alike): touching it by 0.1 s does not make the guess an intro.
    let mut d: Vec<Detection> = (0..3).map(|_| detection(Some((10, 40)), &[(10, 40, 0.9)], &[])).collect();
    let mut guess = detection(Some((41, 73)), &[(41, 73, 0.97)], &[]);
    (guess.intros[0].start, guess.intros[0].end) = (41.5, 73.5);
    d.push(guess);
    let mut repeats: Vec<Vec<Repeat>> = (0..3).map(|e| vec![seen_repeat(10.0, 40.0, &(0..3).filter(|&j| j != e).collect::<Vec<_>>())]).collect();
    repeats.push(vec![Repeat { elsewhere: vec![(0, 30.0, 48.0)], heard_in: vec![(0, 30.0, 48.0)], ..seen_repeat(73.4, 91.4, &[0]) }]);
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(matches!(out[3], Outcome::DroppedLone { .. }) && d[3].intros.is_empty(), "{out:?}");
}

#[test]
fn an_intro_that_changes_mid_season_is_kept_in_both_episodes_of_each_pair() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0 and 1 play intro A (seen and heard), 2 and 3 intro B after long cold opens
    // (family B wide, Hidden Frontier: a 67 s intro two of four episodes play). The model
    // agrees in 0 and 3; in 1 and 2 it doubts the intro (P 0.05) and takes the cold open.
    let a = [(0.0, 50.0), (60.0, 110.0)];
    let b = [(90.0, 130.0), (20.0, 60.0)];
    let mut d = vec![
        detection(Some((0, 50)), &[(0, 50, 0.9)], &[]),
        detection(Some((20, 45)), &[(20, 45, 0.8), (60, 110, 0.05)], &[]),
        detection(Some((30, 60)), &[(30, 60, 0.8), (90, 130, 0.05)], &[]),
        detection(Some((20, 60)), &[(20, 60, 0.9)], &[]),
    ];
    let repeats = pair_repeats(4, &[((0, a[0]), (1, a[1])), ((2, b[0]), (3, b[1]))]);
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    for (e, want) in [(0, a[0]), (1, a[1]), (2, b[0]), (3, b[1])] {
        assert_eq!(d[e].intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>(), vec![want], "episode {e}: {:?}", out[e]);
        assert!(matches!(out[e], Outcome::Aligned { repeats_in: 1, .. }), "episode {e}: {:?}", out[e]);
    }
    // Heard again but not seen with it, the same pair carries nothing where the model doubts it.
    let mut d = vec![
        detection(Some((0, 50)), &[(0, 50, 0.9)], &[]),
        detection(Some((20, 45)), &[(20, 45, 0.8), (60, 110, 0.05)], &[]),
        detection(Some((30, 60)), &[(30, 60, 0.8), (90, 130, 0.05)], &[]),
        detection(Some((20, 60)), &[(20, 60, 0.9)], &[]),
    ];
    let mut repeats = pair_repeats(4, &[((0, a[0]), (1, a[1])), ((2, b[0]), (3, b[1]))]);
    repeats.iter_mut().flatten().for_each(|r| r.together = false);
    judge_season(&mut d, &s, &repeats);
    assert!(d[1].intros.iter().all(|i| (i.start, i.end) != a[1]) && d[2].intros.iter().all(|i| (i.start, i.end) != b[0]), "{:?} / {:?}", d[1].intros, d[2].intros);
}

#[test]
fn an_intro_follows_where_more_episodes_play_theirs_once_the_title_placed_them() {
    // Lost Circuit (family C 2029), as the season stands after the title rules: episodes 0 and 1
    // have their sting as the intro (placed by the title), 2 kept story it shares with 3, and 3
    // kept the model's guess over that same story. Episode 2 plays the sting at 107–113 s, and 3
    // plays its sound in the middle of its own new intro, at 142–148 s.
    let at = |s: f64, e: f64| DetectedSegment::by_model(s, e, 0.9);
    let mut d: Vec<Detection> = [(140.0, 146.0), (80.0, 86.0), (62.0, 69.0), (35.0, 42.0)]
        .iter()
        .map(|&(s, e)| Detection { intros: vec![at(s, e)], ..Detection::empty() })
        .collect();
    let rep = |start: f64, end: f64, elsewhere: &[(usize, f64, f64)], picture: bool| Repeat {
        start,
        end,
        partners: elsewhere.iter().map(|m| m.0).collect(),
        start_by: By::Sound,
        end_by: By::Sound,
        sound: true,
        picture,
        here: Vec::new(),
        heard_in: elsewhere.to_vec(),
        elsewhere: elsewhere.to_vec(),
        together: picture,
    };
    let repeats = vec![
        vec![rep(140.0, 146.0, &[(2, 107.5, 113.5), (3, 142.0, 148.0)], true)],
        vec![rep(80.0, 86.0, &[(2, 107.5, 113.5), (3, 142.0, 148.0)], false)],
        vec![rep(62.0, 69.0, &[(3, 35.5, 42.0)], false), rep(107.5, 113.5, &[(0, 140.0, 146.0), (1, 80.0, 86.0)], true), rep(2.0, 6.0, &[(0, 140.0, 146.0), (1, 80.0, 86.0)], true)],
        vec![rep(34.0, 42.5, &[(2, 98.0, 107.0)], false), rep(142.0, 148.0, &[(0, 140.0, 146.0), (1, 80.0, 86.0)], false)],
    ];
    // Episode 2's third stretch lies in its recap: never the intro.
    d[2].recaps = vec![at(0.0, 10.0)];
    let mut frozen = d.clone();
    let moved = follow_partners_intros(&mut d, &repeats, &[false, false, true, true]);
    let span = |d: &Detection| (d.intros[0].start, d.intros[0].end);
    assert_eq!(span(&d[2]), (107.5, 113.5));
    assert_eq!(moved[2], Some(Followed { replaced: at(62.0, 69.0), replaced_backers: 1, backers: 2 }));
    assert_eq!(d[2].intros[0].start_by, vec![Evidence::Sound]);
    // Heard only, but where two episodes play it as their intro: taken too.
    assert_eq!(span(&d[3]), (142.0, 148.0));
    // The title's own intros stay where they are.
    assert_eq!((span(&d[0]), span(&d[1]), moved[0].clone(), moved[1].clone()), ((140.0, 146.0), (80.0, 86.0), None, None));
    // Where only one other episode plays the stretch as its intro, nothing moves.
    frozen[1].intros.clear();
    let moved = follow_partners_intros(&mut frozen, &repeats, &[false, false, true, true]);
    assert!(moved.iter().all(Option::is_none), "{moved:?}");
    assert_eq!(span(&frozen[2]), (62.0, 69.0));
}

#[test]
fn a_new_title_sequence_on_the_old_theme_keeps_both_intros_in_a_season_where_nothing_else_repeats() {
    let seconds: Vec<u32> = (0..180).collect();
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    // E01's intro (0–62) and E04's new one (22–76) share `len` s of the theme at 6 s and 35 s,
    // heard (`heard`) or only seen; the model believes E04's copy `p_there`. E02 has no intro and
    // the model guesses at a scene there; E03 has none. E04's model drew a second, short guess.
    let guesses = [Some((0, 62)), Some((0, 17)), None, Some((22, 76))];
    let theme = |len: f64, heard: bool, p_there: f32, there_at: f64| {
        let mut d: Vec<Detection> = guesses.iter().map(|g| detection(*g, &g.map(|(a, b)| vec![(a, b, 0.9)]).unwrap_or_default(), &[])).collect();
        d[3].intro_probability.iter_mut().for_each(|p| *p = if *p > 0.5 { p_there } else { *p });
        d[3].intros.push(DetectedSegment::by_model(150.0, 160.0, 0.7));
        let mut repeats: Vec<Vec<Repeat>> = vec![Vec::new(); 4];
        let (here, there) = ((6.0, 6.0 + len), (there_at, there_at + len));
        for (x, (p, q), y, (u, v)) in [(0, here, 3, there), (3, there, 0, here)] {
            let elsewhere = vec![(y, u, v)];
            let heard_in = if heard { elsewhere.clone() } else { Vec::new() };
            repeats[x].push(Repeat { start: p, end: q, partners: vec![y], start_by: By::Sound, end_by: By::Sound, sound: heard, picture: !heard, here: Vec::new(), heard_in, elsewhere, together: false });
        }
        let out = judge_season(&mut d, &s, &repeats);
        (d, out)
    };
    let (d, out) = theme(32.0, true, 0.9, 35.0);
    assert_eq!(out[0], Outcome::SharedTheme { partners: 1, dropped: vec![] });
    assert_eq!(out[3], Outcome::SharedTheme { partners: 1, dropped: vec![(150.0, 160.0, 0.7)] }, "E04's other guess shares nothing");
    for e in [0, 3] {
        assert_eq!(d[e].intros.len(), 1, "episode {e}: {:?}", d[e].intros);
        let i = &d[e].intros[0];
        assert_eq!((i.start, i.end, i.repeats_in), (f64::from(guesses[e].unwrap().0), f64::from(guesses[e].unwrap().1), 1), "episode {e}");
        assert!(i.confidence <= FOLLOWED_CONFIDENCE, "the model's edges alone are not a sure skip: {i:?}");
    }
    assert!(matches!(out[1], Outcome::DroppedUnrepeated { .. }) && d[1].intros.is_empty(), "E02's guess shares nothing: {out:?}");
    // Nothing is kept where the shared sound is short (a sting, a score cue), where it is only
    // seen, where the model doubts one copy, or where the partner plays it outside its intro.
    for (why, len, heard, p_there, there_at) in [("short", 12.0, true, 0.9, 35.0), ("seen only", 32.0, false, 0.9, 35.0), ("doubted there", 32.0, true, 0.4, 35.0), ("outside the intro there", 32.0, true, 0.9, 100.0)] {
        let (d, out) = theme(len, heard, p_there, there_at);
        assert!(out.iter().all(|o| !matches!(o, Outcome::SharedTheme { .. })) && d.iter().all(|d| d.intros.is_empty()), "{why}: {out:?}");
    }
}
