//! What season judgement did to an episode, said to the user ([`outcome_note`]).

use crate::model::season::Outcome;
use crate::model::DetectedSegment;

/// The note for one episode's season [`Outcome`] (`intro`: its intro after judgement; `season`:
/// how many episodes were judged together), or None where there is nothing to tell.
pub(super) fn outcome_note(outcome: &Outcome, intro: Option<&DetectedSegment>, season: usize) -> Option<String> {
    let clock = |t: f64| crate::clock::clock(t, 1, true);
    match outcome {
        Outcome::DroppedLone { dropped } => {
            let guesses: Vec<String> = dropped.iter().map(|&(s, e, c)| format!("{}–{} (confidence {c:.2})", clock(s), clock(e))).collect();
            let is = if dropped.len() == 1 { "is" } else { "are" };
            // An intro kept beside them (on a repeat a partner backs) is not "no intro".
            Some(match intro {
                Some(kept) => format!(
                    "the model's {} dropped: {} nothing another episode plays as its intro, while the others share theirs; {}–{} kept",
                    guesses.join(" and "),
                    if dropped.len() == 1 { "it is" } else { "they are" },
                    clock(kept.start),
                    clock(kept.end)
                ),
                None => format!("no intro: the model's {} {is} nothing another episode plays as its intro, while the others share theirs", guesses.join(" and ")),
            })
        }
        Outcome::DroppedUnrepeated { dropped } => {
            let guesses: Vec<String> = dropped.iter().map(|&(s, e, c)| format!("{}–{} (confidence {c:.2})", clock(s), clock(e))).collect();
            Some(format!(
                "no intro: no episode of these {season} shares its intro with another, so the model's {} is its guess alone (where an episode has an intro, mark it by hand)",
                guesses.join(" and ")
            ))
        }
        Outcome::SharedTheme { partners, dropped } => {
            let s = intro?;
            let others: String = dropped.iter().map(|&(a, b, c)| format!("; the model's {}–{} (confidence {c:.2}) shares nothing and is dropped", clock(a), clock(b))).collect();
            Some(format!(
                "the model's intro {}–{} kept though no episode's intro repeats as one: {} 20 s or more of its sound inside {} own intro (a new title sequence on the old theme); its edges are the model's alone: check them{others}",
                clock(s.start),
                clock(s.end),
                if *partners == 1 { "1 other episode plays".to_string() } else { format!("{partners} other episodes play") },
                if *partners == 1 { "its" } else { "their" }
            ))
        }
        Outcome::DroppedStory { dropped } => {
            // Touching pieces as the one stretch a viewer sees.
            let mut stretches: Vec<(f64, f64)> = Vec::new();
            let mut sorted = dropped.clone();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (s, e) in sorted {
                match stretches.last_mut() {
                    Some(last) if s <= last.1 + 1.0 => last.1 = last.1.max(e),
                    _ => stretches.push((s, e)),
                }
            }
            let spans: Vec<String> = stretches.iter().map(|&(s, e)| format!("{}–{}", clock(s), clock(e))).collect();
            Some(format!(
                "no intro: {} plays in other episodes too, but the model sees story there in every one of them and the series' title does not show (footage the series reuses; if it is the intro, mark it by hand)",
                spans.join(" and ")
            ))
        }
        Outcome::Aligned { .. } | Outcome::ModelOnly => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_shared_theme_names_the_intro_its_partners_and_what_was_dropped() {
        let intro = DetectedSegment::by_model(21.5, 76.5, 0.6);
        let one = outcome_note(&Outcome::SharedTheme { partners: 1, dropped: vec![(150.0, 160.0, 0.7)] }, Some(&intro), 4).unwrap();
        assert!(one.contains("0:21.5–1:16.5") && one.contains("1 other episode plays") && one.contains("inside its own intro"), "{one}");
        assert!(one.ends_with("the model's 2:30.0–2:40.0 (confidence 0.70) shares nothing and is dropped"), "{one}");
        let two = outcome_note(&Outcome::SharedTheme { partners: 2, dropped: vec![] }, Some(&intro), 4).unwrap();
        assert!(two.contains("2 other episodes play") && two.contains("inside their own intro") && two.ends_with("check them"), "{two}");
        // Touching story repeats are named as the one stretch a viewer sees.
        let story = outcome_note(&Outcome::DroppedStory { dropped: vec![(24.0, 40.0), (0.0, 24.0)] }, None, 4).unwrap();
        assert!(story.starts_with("no intro: 0:00.0–0:40.0 plays in other episodes too"), "{story}");
        assert_eq!(outcome_note(&Outcome::ModelOnly, Some(&intro), 4), None);
    }

    #[test]
    fn dropped_lone_guesses_say_no_intro_only_where_none_is_left() {
        let two = Outcome::DroppedLone { dropped: vec![(60.0, 70.0, 0.9), (101.5, 138.5, 0.92)] };
        let none = outcome_note(&two, None, 4).unwrap();
        assert_eq!(none, "no intro: the model's 1:00.0–1:10.0 (confidence 0.90) and 1:41.5–2:18.5 (confidence 0.92) are nothing another episode plays as its intro, while the others share theirs");
        let kept = DetectedSegment::by_model(20.0, 28.0, 0.8);
        let beside = outcome_note(&Outcome::DroppedLone { dropped: vec![(60.0, 70.0, 0.9)] }, Some(&kept), 4).unwrap();
        assert!(!beside.starts_with("no intro") && beside.contains("1:00.0–1:10.0 (confidence 0.90) dropped: it is nothing") && beside.ends_with("0:20.0–0:28.0 kept"), "{beside}");
    }
}
