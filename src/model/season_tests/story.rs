//! Story that episodes share is not their intro.

use super::*;

#[test]
fn story_two_episodes_share_is_not_an_intro_where_it_is_not_theirs() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0–2 share an intro at 30–60; episode 3 has none, and shares 85–97 of its story
    // with episodes 1 and 2 (their story too: 85–97 there is after their intros).
    let mut d: Vec<Detection> = (0..3).map(|_| detection(Some((30, 60)), &[(30, 60, 0.9)], &[])).collect();
    d.push(detection(None, &[], &[]));
    let repeats = vec![
        vec![repeat(30.0, 60.0, &[1, 2])],
        vec![repeat(30.0, 60.0, &[0, 2]), repeat(85.0, 97.0, &[3])],
        vec![repeat(30.0, 60.0, &[0, 1]), repeat(85.0, 97.0, &[3])],
        vec![repeat(85.0, 97.0, &[1, 2])],
    ];
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let out = judge_season(&mut d, &s, &repeats);
    assert!(d[3].intros.is_empty(), "a false skip of story: {:?}", d[3].intros);
    assert_eq!(out[3], Outcome::ModelOnly);
    assert!((0..3).all(|e| d[e].intros[0].start == 30.0));
}

#[test]
fn story_two_episodes_share_stays_story_where_the_model_doubts_it_or_it_is_short() {
    let seconds: Vec<u32> = (0..180).collect();
    // Episodes 0 and 2 share their intro (the model agrees in both); 1 and 3 have none and
    // share 28 s of story, where episode 1's model drew a weak intro (P 0.3): not enough to
    // carry the pair. Episode 3 shares 14 s of its story with 25 s of episode 0's intro (a shot
    // the intro borrows from the story), and episode 1 25 s of its story with 14 s of episode
    // 2's intro: too short to carry a pair, on either side.
    let mut d = vec![
        detection(Some((10, 50)), &[(10, 50, 0.9)], &[]),
        detection(Some((0, 28)), &[(0, 28, 0.3)], &[]),
        detection(Some((70, 110)), &[(70, 110, 0.9)], &[]),
        detection(None, &[], &[]),
    ];
    let repeats = pair_repeats(
        4,
        &[((0, (10.0, 50.0)), (2, (70.0, 110.0))), ((1, (0.0, 28.0)), (3, (150.0, 178.0))), ((0, (25.0, 50.0)), (3, (100.0, 114.0))), ((2, (80.0, 94.0)), (1, (120.0, 145.0)))],
    );
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    judge_season(&mut d, &s, &repeats);
    assert_eq!(d[0].intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>(), vec![(10.0, 50.0)]);
    assert_eq!(d[2].intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>(), vec![(70.0, 110.0)]);
    assert!(d[1].intros.is_empty() && d[3].intros.is_empty(), "{:?} / {:?}", d[1].intros, d[3].intros);
}

#[test]
fn story_three_episodes_reuse_is_no_intro_once_its_pictures_show_no_title() {
    let seconds: Vec<u32> = (0..180).collect();
    // A series without an intro whose story reuses 40 s of footage with its sound in three of
    // four episodes (family C seed 2031, Hollow Bureau): alignment cuts it into two pieces
    // shared with different partners; the model sees story there everywhere (P 0.02).
    let at = [(0.0, 40.0), (100.0, 140.0), (60.0, 100.0)];
    let piece = |e: usize, a: f64, b: f64, partners: &[usize]| {
        let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, at[j].0 + a, at[j].0 + b)).collect();
        Repeat { here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, ..seen_repeat(at[e].0 + a, at[e].0 + b, partners) }
    };
    let repeats: Vec<Vec<Repeat>> = vec![
        vec![piece(0, 0.0, 24.0, &[1, 2]), piece(0, 24.0, 40.0, &[1])],
        vec![piece(1, 0.0, 24.0, &[0, 2]), piece(1, 24.0, 40.0, &[0])],
        vec![piece(2, 0.0, 24.0, &[0, 1])],
        vec![],
    ];
    let fresh = || -> Vec<Detection> { (0..4).map(|_| detection(None, &[], &[])).collect() };
    let s: Vec<&[u32]> = (0..4).map(|_| seconds.as_slice()).collect();
    let story = shared_story(&fresh(), &s, &repeats);
    assert_eq!(story, vec![vec![0usize, 1], vec![0, 1], vec![0], vec![]], "every piece of the stretch, in each episode");
    let mut d = fresh();
    let out = judge_season_with(&mut d, &s, &repeats, &story);
    assert!(d.iter().all(|d| d.intros.is_empty()), "{out:?}");
    assert_eq!(out[0], Outcome::DroppedStory { dropped: vec![(0.0, 24.0), (24.0, 40.0)] });
    // Not looked at (no reader), the same repeats are the intro: a quiet intro looks the same.
    let mut d = fresh();
    judge_season(&mut d, &s, &repeats);
    assert_eq!(d[0].intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>(), vec![(0.0, 24.0)], "the piece most episodes share");
    // So whether the pictures show the title matters here, and they are read...
    assert!(story_matters(&fresh(), &s, &repeats, &story));
    // ... but not where the season's own intro, which all four play and the model believes in,
    // is chosen whatever the stretch is: nothing is read there.
    let theme = |e: usize| seen_repeat(150.0, 175.0, &(0..4).filter(|&j| j != e).collect::<Vec<_>>());
    let with_intro: Vec<Vec<Repeat>> = repeats.iter().enumerate().map(|(e, list)| list.iter().cloned().chain(std::iter::once(theme(e))).collect()).collect();
    let believed_intro = || -> Vec<Detection> { (0..4).map(|_| detection(Some((150, 175)), &[(150, 175, 0.9)], &[])).collect() };
    assert!(!story_matters(&believed_intro(), &s, &with_intro, &shared_story(&believed_intro(), &s, &with_intro)));
    assert!(!shared_story(&believed_intro(), &s, &with_intro).iter().all(Vec::is_empty), "still candidates: only their reading is skipped");
    assert!(!story_matters(&fresh(), &s, &repeats, &[vec![], vec![], vec![], vec![]]), "no candidate, nothing to read");
    // No candidate where the model sees an intro in one copy (P 0.6 in episode 1)...
    let mut believed = fresh();
    believed[1] = detection(None, &[(100, 140, 0.6)], &[]);
    assert!(shared_story(&believed, &s, &repeats).iter().all(Vec::is_empty));
    // ... nor where the stretch is sting-short (a 9 s sting the model never learnt).
    let sting: Vec<Vec<Repeat>> = repeats.iter().map(|list| list.iter().take(1).map(|r| Repeat { end: r.start + 9.0, ..r.clone() }).collect()).collect();
    assert!(shared_story(&fresh(), &s, &sting).iter().all(Vec::is_empty));
    // A reuse longer than a sting is a candidate: 17 s of a scene three episodes play (family C
    // seed 2033's Last Harbor, a series without an intro, taken for the intro of three episodes
    // while the floor was 20 s).
    let scene: Vec<Vec<Repeat>> = repeats.iter().map(|list| list.iter().take(1).map(|r| Repeat { end: r.start + 17.0, ..r.clone() }).collect()).collect();
    assert_eq!(shared_story(&fresh(), &s, &scene), vec![vec![0usize], vec![0], vec![0], vec![]]);
    // ... nor where the sting touches footage the model believes in (an intro, a recap): the
    // stretch counts story pieces only.
    let beside: Vec<Vec<Repeat>> = vec![vec![piece(0, 0.0, 9.0, &[1]), piece(0, 9.0, 30.0, &[1])], vec![piece(1, 0.0, 9.0, &[0]), piece(1, 9.0, 30.0, &[0])], vec![], vec![]];
    let mut believed = fresh();
    believed[0] = detection(None, &[(9, 30, 0.6)], &[]);
    believed[1] = detection(None, &[(109, 130, 0.6)], &[]);
    assert!(shared_story(&believed, &s, &beside).iter().all(Vec::is_empty), "{:?}", shared_story(&believed, &s, &beside));
    // ... nor where a copy has no sampled second to say what the model sees there.
    let short: Vec<&[u32]> = vec![seconds.as_slice(), &seconds[..50], seconds.as_slice(), seconds.as_slice()];
    assert!(shared_story(&fresh(), &short, &repeats)[0].iter().all(|&k| k != 1), "episode 1's copy at 124–140 s is unsampled");
}
