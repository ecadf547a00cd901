//! An intro that runs past the window in one episode: its sound is heard further, so that the
//! other episodes' copies align to their end and not to where that window stops
//! ([`heard_further`]; README "An intro that runs past the window").

use super::JudgeMemory;
use crate::features::align::season_repeats;
use crate::features::EpisodeFeatures;
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
