//! Season judgement on hand-made seasons: what each rule of [`super`] keeps and drops, one
//! file per concern; the hand-made seasons' parts are here.

use super::*;

/// Intros found by what repeats, the passes, recaps, lone guesses, a changed title sequence.
mod repeats;
/// Short stings and channel idents, and a sting cut from the story music after it.
mod stings;
/// Story episodes share: not an intro where it is not theirs.
mod story;

fn detection(intro: Option<(u32, u32)>, p_intro: &[(u32, u32, f32)], p_recap: &[(u32, u32, f32)]) -> Detection {
    let fill = |spans: &[(u32, u32, f32)]| (0..180u32).map(|s| spans.iter().find(|(a, b, _)| (*a..*b).contains(&s)).map_or(0.02, |x| x.2)).collect();
    Detection {
        intros: intro.map(|(a, b)| DetectedSegment::by_model(f64::from(a), f64::from(b), 0.9)).into_iter().collect(),
        recaps: vec![],
        intro_probability: fill(p_intro),
        recap_probability: fill(p_recap),
    }
}

/// A repeat that plays at the same times in each partner.
fn repeat(start: f64, end: f64, partners: &[usize]) -> Repeat {
    let elsewhere: Vec<(usize, f64, f64)> = partners.iter().map(|&j| (j, start, end)).collect();
    Repeat { start, end, partners: partners.to_vec(), start_by: By::Sound, end_by: By::Sound, sound: true, picture: false, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: false }
}

/// A repeat heard (not seen) in partners at their own times (partner, start, end there): story
/// the series reuses with its sound.
fn heard_story(start: f64, end: f64, partners: &[(usize, f64, f64)]) -> Repeat {
    Repeat { elsewhere: partners.to_vec(), heard_in: partners.to_vec(), ..repeat(start, end, &partners.iter().map(|p| p.0).collect::<Vec<_>>()) }
}

/// A repeat some partner plays *and shows* at the same place.
fn seen_repeat(start: f64, end: f64, partners: &[usize]) -> Repeat {
    Repeat { picture: true, together: true, ..repeat(start, end, partners) }
}

/// Two-episode repeats, seen and heard, at each episode's own times: `pairs` lists (episode,
/// partner) with each one's span.
fn pair_repeats(n: usize, pairs: &[((usize, (f64, f64)), (usize, (f64, f64)))]) -> Vec<Vec<Repeat>> {
    let mut repeats: Vec<Vec<Repeat>> = vec![Vec::new(); n];
    for &((e, (s, t)), (j, (a, b))) in pairs {
        for (x, (p, q), y, (u, v)) in [(e, (s, t), j, (a, b)), (j, (a, b), e, (s, t))] {
            let elsewhere = vec![(y, u, v)];
            repeats[x].push(Repeat { start: p, end: q, partners: vec![y], start_by: By::Sound, end_by: By::Sound, sound: true, picture: true, here: Vec::new(), heard_in: elsewhere.clone(), elsewhere, together: true });
        }
    }
    repeats
}
