//! An intro that runs past the window in one episode: its sound is heard further, so that the
//! other episodes' copies align to their end and not to where that window stops
//! ([`heard_further`]; README "An intro that runs past one episode's window"), and what is said of
//! an intro a window cuts off ([`window_note`]).

use super::{JudgeMemory, Note};
use crate::features::align::season_repeats;
use crate::features::EpisodeFeatures;
use crate::model::snap::Reach;
use std::path::Path;

/// How far past its window an episode's sound is fingerprinted where one of its repeats runs to
/// the window's end: the longest intro the detection issue names (150 s), so that an intro begun
/// anywhere in the window is heard to its end.
pub const HEARD_FURTHER_S: u32 = 150;

/// A repeat ending this near the window's end ran into it: a fingerprint's last item describes
/// 2.6 s of sound from its start, and a match's end is placed a little after its last item.
const CUT_S: f64 = 4.0;

/// For each of `features` (one season, in the order given), the same features with the sound's
/// fingerprint [`HEARD_FURTHER_S`] past the window where one of the episode's repeats seen and
/// heard runs to the window's end and the file goes on past it; None where nothing changes. Only the
/// fingerprint grows (alignment reads it): the model's per-second inputs stay the window's, and
/// judging clamps every segment to it. Read once per file and window ([`JudgeMemory`]; the sound
/// cache on disk unless the memory says otherwise).
pub fn heard_further(files: &[&Path], features: &[&EpisodeFeatures], window_s: u32, memory: &mut JudgeMemory) -> Vec<Option<EpisodeFeatures>> {
    let mut out: Vec<Option<EpisodeFeatures>> = vec![None; features.len()];
    if features.len() < 2 {
        return out;
    }
    let repeats = season_repeats(features, &mut memory.pairs);
    for (k, f) in features.iter().enumerate() {
        let window_end = f.start_s.saturating_add(window_s);
        let goes_on = f.seconds.last().is_some_and(|&last| last.saturating_add(1) >= window_end);
        // Seen and heard: an intro repeats its pictures with its theme; story music or a score
        // cue the season replays, heard alone, is no intro cut off (family C 2029's Lost
        // Circuit E03 and E04 share 17 s of it up to their windows' end).
        let cut = repeats[k].iter().any(|r| r.together && r.end >= f64::from(window_s) - CUT_S);
        if f.start_s != 0 || f.fingerprint.is_empty() || !goes_on || !cut {
            continue;
        }
        let key = (files[k].to_path_buf(), window_s, crate::fsio::fnv64(&f.fingerprint.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()));
        let heard = match memory.heard.get(&key) {
            Some(heard) => heard.clone(),
            None => {
                // A sound that cannot be read further keeps the window's fingerprint.
                let read = crate::features::sound::cached_sound_features_from(files[k], 0, window_s.saturating_add(HEARD_FURTHER_S), !memory.uncached);
                let heard = read.ok().map(|(sound, _)| sound.fingerprint).filter(|fp| fp.len() > f.fingerprint.len());
                memory.heard.insert(key, heard.clone());
                heard
            }
        };
        if let Some(fingerprint) = heard {
            out[k] = Some(EpisodeFeatures { fingerprint, ..(*f).clone() });
        }
    }
    out
}

/// `features` with those [`heard_further`] gave in their place.
pub fn heard<'a>(features: &[&'a EpisodeFeatures], further: &'a [Option<EpisodeFeatures>]) -> Vec<&'a EpisodeFeatures> {
    features.iter().enumerate().map(|(k, &f)| further.get(k).and_then(Option::as_ref).unwrap_or(f)).collect()
}

/// What `window_note` says of an intro a window cuts off (the app shows the note in the intro's colour).
pub const GOES_ON: &str = "may go on past it";

/// An intro that runs to the end of the window looked at, in an episode that goes on past it:
/// its end is where the looking stopped, not where the intro stops (a skip to it lands inside
/// the intro). Said, with a window that would see further where there is one. "Goes on past
/// it" is judged from the samples (the window's last second was sampled), so a file that ends
/// within that last second is taken as going on. `heard`: the repeats the season heard run on
/// past the window (another episode's copy); where one holds the intro's end, where it ends is
/// said too.
pub(super) fn window_note(file: &Path, features: &EpisodeFeatures, detection: &crate::model::Detection, window_s: u32, snap: Reach, heard: &[(f64, f64)]) -> Option<Note> {
    let last = *features.seconds.last()?;
    let window_end = features.start_s.saturating_add(window_s);
    if last.saturating_add(1) < window_end {
        return None;
    }
    // The window's end, or an edge within snapping's reach before it.
    let reaches = f64::from(window_end) - 1.0 - snap.widest();
    let intro = detection.intros.iter().find(|s| s.end >= reaches)?;
    let longest = crate::service::MAX_WINDOW_S * 8;
    let further = window_s.saturating_mul(2).min(longest);
    let hint = if further > window_s { format!("a window of {further} s looks further") } else { format!("{longest} s is the longest window") };
    let heard_to = heard.iter().filter(|&&(a, b)| a < intro.end && b > intro.end).map(|&(_, b)| b).reduce(f64::max);
    let heard = heard_to.map_or(String::new(), |t| format!(": its sound plays on to at least {}, as another episode's copy of it shows", crate::clock::clock(t, 1, true)));
    Some(Note::about(
        file,
        format!(
            "the intro found at {}–{} runs to the end of the {window_s} s looked at and {GOES_ON}{heard} ({hint})",
            crate::clock::clock(intro.start, 1, true),
            crate::clock::clock(intro.end, 1, true)
        ),
    ))
}

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::model::{DetectedSegment, Detection};

    fn seconds(n: u32) -> EpisodeFeatures {
        EpisodeFeatures { seconds: (0..n).collect(), ..EpisodeFeatures::empty(4) }
    }

    fn intro(start: f64, end: f64) -> Detection {
        Detection { intros: vec![DetectedSegment::by_model(start, end, 0.99)], ..Detection::empty() }
    }

    #[test]
    fn an_intro_cut_off_by_the_window_says_so_with_a_window_that_sees_further() {
        let file = Path::new("Show - S01E01.mkv");
        // `detect --window 5` on an episode whose intro is 20 s: 0:00–0:04.5 is not the intro's end.
        let note = window_note(file, &seconds(5), &intro(0.0, 4.5), 5, Reach::default(), &[]).expect("said");
        assert_eq!(note.message, "the intro found at 0:00.0–0:04.5 runs to the end of the 5 s looked at and may go on past it (a window of 10 s looks further)");
        // An intro that ends inside the window, none at all, or an episode shorter than the
        // window (its end is the intro's end): nothing to say.
        assert!(window_note(file, &seconds(180), &intro(10.0, 60.0), 180, Reach::default(), &[]).is_none());
        assert!(window_note(file, &seconds(180), &Detection::empty(), 180, Reach::default(), &[]).is_none());
        assert!(window_note(file, &seconds(40), &intro(0.0, 40.0), 180, Reach::default(), &[]).is_none());
        // An end snapped to a cut just before the window's end still runs to it; at the longest
        // window there is no longer one to offer.
        assert!(window_note(file, &seconds(180), &intro(100.0, 178.5), 180, Reach::default(), &[]).is_some());
        // Where another episode's copy shows where its sound ends, that is said too.
        let note = window_note(file, &seconds(180), &intro(131.8, 180.0), 180, Reach::default(), &[(126.0, 189.36)]).expect("said");
        assert_eq!(note.message, "the intro found at 2:11.8–3:00.0 runs to the end of the 180 s looked at and may go on past it: its sound plays on to at least 3:09.4, as another episode's copy of it shows (a window of 360 s looks further)");
        let longest = crate::service::MAX_WINDOW_S * 8;
        let note = window_note(file, &seconds(longest), &intro(100.0, f64::from(longest)), longest, Reach::default(), &[]).expect("said");
        assert!(note.message.ends_with(&format!("({longest} s is the longest window)")), "{}", note.message);
    }
}
