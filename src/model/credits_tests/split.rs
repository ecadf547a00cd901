//! Credits a scene splits: parts, the story between them, what follows the last part.

use super::*;

#[test]
fn credits_a_scene_splits_are_two_parts_with_story_between_them() {
    // 12 s of names, a 6 s scene, 8 s more names and black to the end of the file.
    let found = split(&format!("ssss{}Ssssss{}bb", "c".repeat(12), "c".repeat(8)), 132.0);
    assert_eq!(spans(&found), [(103.5, 115.5), (121.5, 132.0)], "{found:?}");
    assert_eq!((found.between.as_slice(), found.after_credits), (&[(115.5, 121.5)][..], None));
    // The shorter part first: found before the longer one.
    let found = split(&format!("ssss{}Sssss{}SSsss", "c".repeat(7), "c".repeat(14)), 136.0);
    assert_eq!(spans(&found), [(103.5, 110.5), (115.5, 129.5)], "{found:?}");
    assert_eq!(found.between, [(110.5, 115.5)]);
    assert_eq!(found.after_credits, Some((129.5, 136.0)), "the story after the last part stays story");
}
#[test]
fn a_short_scene_between_black_cards_is_story_even_with_a_title_over_it() {
    // 10 s of cards, a 4 s scene whose first two seconds show a film's title (two lines), 8 s
    // more cards and black to the end: no pause between pages, however short.
    let kinds = format!("ssss{}Ssss{}bb", "c".repeat(10), "c".repeat(8));
    let mut t = tail(&kinds);
    for img in &mut t.thumbnails[14..16] {
        draw_line(img, 20..26, (30..98).step_by(3), 255);
        draw_line(img, 32..38, (30..98).step_by(3), 255);
    }
    let t = with_text(t);
    let mut found = find_tail(&t, 128.0);
    assert!(found.preview.is_none(), "the title is no preview's caption: {found:?}");
    split_credits(&t, &mut found, 128.0);
    assert_eq!(spans(&found), [(103.5, 113.5), (117.5, 128.0)], "{found:?}");
    assert_eq!(found.between, [(113.5, 117.5)]);
    assert!(found.preview.is_none() && found.after_credits.is_none(), "{found:?}");
    // Two seconds of footage are no scene: a page turn over a shot stays inside the credits.
    let found = split(&format!("ssss{}Ss{}bb", "c".repeat(10), "c".repeat(8)), 126.0);
    assert_eq!(spans(&found), [(103.5, 126.0)], "{found:?}");
}
#[test]
fn a_dark_scene_between_parts_of_the_credits_is_story() {
    // Names over footage, a cut to a dark scene, a new shot whose names arrive two seconds in:
    // the first part ends at the cut, not over the scene.
    let kinds = format!("ssss{}bbbbgg{}Ssss", "f".repeat(10), "f".repeat(8));
    let t = with_dark_scene(&kinds, 14..18);
    let mut found = find_tail(&t, 132.0);
    split_credits(&t, &mut found, 132.0);
    assert_eq!(spans(&found), [(103.5, 113.5), (119.5, 127.5)], "{found:?}");
    assert_eq!((found.between.as_slice(), found.after_credits), (&[(113.5, 119.5)][..], Some((127.5, 132.0))));
    // A dark scene, a cut to a black card, names: the card leads the names in, the scene
    // before it is story.
    let mut t = with_dark_scene(&format!("ssssbbbb{}Ssss", "c".repeat(10)), 4..7);
    t.embeddings.row_mut(7).assign(&ndarray::arr1(&[0.0, -1.0]));
    let found = find_tail(&t, 122.0);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((106.5, 117.5)), "{found:?}");
}
#[test]
fn a_caption_the_picture_saw_opening_more_credits_is_not_a_preview() {
    // Names, a scene, then a new shot with one line over it and names again: the line was
    // the second part's first, not a preview's caption.
    let found = split(&format!("ssss{}Ssssssp{}", "c".repeat(12), "c".repeat(8)), 131.0);
    assert_eq!(spans(&found), [(103.5, 115.5), (122.5, 131.0)], "{found:?}");
    assert!(found.preview.is_none() && found.after_credits.is_none(), "{found:?}");
    assert_eq!(found.between, [(115.5, 122.5)]);
}
#[test]
fn a_preview_the_words_read_after_the_last_part_is_kept_when_the_picture_began_it_too_early() {
    // Names, a scene, a new shot with one line (the picture's "caption") and names again,
    // then a new shot whose caption the words read as a preview's ("Next time").
    let t = tail(&format!("ssss{}Ssssssp{}SSsss", "c".repeat(12), "c".repeat(8)));
    let mut found = find_tail(&t, 136.0);
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(121.5), "the picture's guess: {found:?}");
    weigh_words(&mut found, 136.0, &[ReadAfter { second: 122, preview: false, continues: false }, ReadAfter { second: 131, preview: true, continues: false }]);
    split_credits(&t, &mut found, 136.0);
    assert_eq!(spans(&found), [(103.5, 115.5), (122.5, 130.5)], "{found:?}");
    assert_eq!(found.preview.as_ref().map(|p| (p.start, p.end)), Some((130.5, 136.0)), "{found:?}");
    assert_eq!(found.after_credits, None);
}
#[test]
fn what_follows_the_last_part_of_split_credits_is_read_and_a_caption_there_opens_a_preview() {
    // Names, a 5 s scene, 8 s more names, then a shot whose caption the picture missed.
    let t = tail(&format!("ssss{}sssss{}ssssss", "c".repeat(12), "c".repeat(8)));
    let mut found = find_tail(&t, 135.0);
    split_credits(&t, &mut found, 135.0);
    assert_eq!(spans(&found), [(103.5, 115.5), (120.5, 128.5)], "{found:?}");
    assert_eq!(found.after_credits, Some((128.5, 135.0)), "story after the last part until read: {found:?}");
    // Read after the last part, not after the first: its first shot, and the second after.
    let seconds = seconds_to_read(&t, &found);
    assert_eq!(&seconds[..2], &[(129, false), (130, true)], "{seconds:?}");
    weigh_words(&mut found, 135.0, &[ReadAfter { second: 129, preview: true, continues: false }]);
    assert_eq!(found.preview.as_ref().map(|p| (p.start, p.end)), Some((128.5, 135.0)), "{found:?}");
    assert_eq!((found.after_credits, found.between.as_slice()), (None, &[(115.5, 120.5)][..]), "the scene between stays story");
}
#[test]
fn where_more_shots_open_than_can_be_read_a_shot_showing_text_is_read_first() {
    // Credits, then ten quick shots (a moving camera cut by the cue into "shots"), then a shot
    // with a caption: more openings than the budget.
    let t = tail(&format!("ssss{}{}pss", "c".repeat(12), "S".repeat(10)));
    let found = find_tail(&t, 129.0);
    let seconds = seconds_to_read(&t, &found);
    assert!(seconds.len() <= 8, "at most eight frames read: {seconds:?}");
    assert_eq!(seconds.first(), Some(&(116, false)), "the first second after the credits: {seconds:?}");
    assert!(seconds.contains(&(126, false)), "the captioned shot's opening: {seconds:?}");
    assert!(seconds.windows(2).all(|w| w[0].0 < w[1].0), "in the file's order: {seconds:?}");
    // A shot of two seconds right after the credits, then nine quick ones: the second after
    // the first opening is read too, marked as continuing it, whatever the order of choosing.
    let t = tail(&format!("ssss{}ss{}", "c".repeat(12), "S".repeat(9)));
    let seconds = seconds_to_read(&t, &find_tail(&t, 127.0));
    assert_eq!((&seconds[..2], seconds.len()), (&[(116, false), (117, true)][..], 8), "{seconds:?}");
}
#[test]
fn a_sign_read_where_the_picture_saw_a_caption_leaves_the_preview_to_the_caption_read_later() {
    // Credits, then a scene opening with a line the picture takes for a caption, then shots,
    // and 13 s on a shot whose caption reads "Next time".
    let t = tail(&format!("ssss{}pssSssSssSssSsss", "c".repeat(12)));
    let mut found = find_tail(&t, 136.0);
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(115.5), "the picture's guess: {found:?}");
    // The line at its opening reads as a sign, the later opening as a preview's caption.
    weigh_words(&mut found, 136.0, &[ReadAfter { second: 116, preview: false, continues: false }, ReadAfter { second: 128, preview: true, continues: false }]);
    assert_eq!(found.preview.as_ref().map(|p| (p.start, p.end)), Some((127.5, 136.0)), "{found:?}");
    assert_eq!(found.after_credits, Some((115.5, 127.5)), "the scene is story: {found:?}");
}
#[test]
fn a_whole_shot_between_names_over_footage_and_a_card_on_black_parts_them() {
    // Names over footage, a 2 s shot and a 1 s shot of story, a card with a line on black for
    // 2 s (a film's own title in a preview), story: the card is not the credits' last page.
    let found = find_tail(&tail(&format!("ssss{}ssSkkSsssSss", "f".repeat(12))), 128.0);
    let credits = found.credits.as_ref().expect("credits");
    assert_eq!((credits.start, credits.end), (103.5, 115.5), "{found:?}");
    // Black cards of names after the shot: more credits in another look, joined.
    let found = find_tail(&tail(&format!("ssss{}ssS{}SsssSss", "f".repeat(12), "c".repeat(4))), 130.0);
    assert_eq!(found.credits.as_ref().map(|c| c.end), Some(122.5), "{found:?}");
    // A pause that holds no whole shot (the names leave, their footage plays on 3 s, a cut to
    // the card): a pause between pages, joined.
    let found = find_tail(&tail(&format!("ssss{}ggg{}Ssss", "f".repeat(12), "c".repeat(4))), 128.0);
    assert_eq!(found.credits.as_ref().map(|c| c.end), Some(122.5), "{found:?}");
}
#[test]
fn names_far_from_the_credits_or_a_black_pause_do_not_split_them() {
    // Text 100 s before the credits is the story's, whatever it shows.
    let found = split(&format!("{}{}{}", "c".repeat(7), "s".repeat(100), "c".repeat(12)), 219.0);
    assert_eq!((found.more_credits.len(), found.between.len()), (0, 0), "{found:?}");
    // Black between two runs of cards is a pause, not a scene.
    let found = split(&format!("ssss{}bbbbbbbb{}", "c".repeat(8), "c".repeat(10)), 130.0);
    assert!(found.more_credits.is_empty() && found.between.is_empty(), "{found:?}");
    // Credits with a post-credits scene and nothing more: as before.
    let found = split("sssssssscccccccccccsssssssss", 128.0);
    assert_eq!((spans(&found), found.after_credits), (vec![(107.5, 118.5)], Some((118.5, 128.0))));
}
#[test]
fn a_whole_shot_of_story_between_two_parts_of_a_squeeze_back_parts_them() {
    // Names beside a squeezed picture, a 3 s full-frame shot of story (a cut in, a cut out), more
    // names beside the picture, story: two parts and the shot between, never skipped.
    let found = split(&format!("ssss{}sss{}Sssss", "q".repeat(9), "q".repeat(9)), 129.0);
    assert_eq!(spans(&found).len(), 2, "{found:?}");
    assert_eq!(found.between.len(), 1, "{found:?}");
    assert_eq!((spans(&found), found.between.as_slice()), (vec![(103.5, 112.5), (115.5, 124.5)], &[(112.5, 115.5)][..]), "{found:?}");
    // Two shots in the pause (no whole shot from names to names): one run, as before.
    let found = split(&format!("ssss{}sSs{}Sssss", "q".repeat(9), "q".repeat(9)), 129.0);
    assert_eq!((spans(&found), found.between.len()), (vec![(103.5, 124.5)], 0), "{found:?}");
    // Between names over footage, the same shot stays inside one run: parted, the part before
    // the longer one would be lost, not joined (story shows such text too often).
    let found = split(&format!("ssss{}sss{}Sssss", "f".repeat(9), "f".repeat(9)), 129.0);
    assert_eq!((spans(&found), found.between.len()), (vec![(103.5, 124.5)], 0), "{found:?}");
    // Nor names over footage on one side only, nor a 2 s shot (shorter than a scene between parts).
    for kinds in [format!("ssss{}sss{}Sssss", "q".repeat(9), "f".repeat(9)), format!("ssss{}ss{}Ssssss", "q".repeat(9), "q".repeat(9))] {
        let found = split(&kinds, 129.0);
        assert_eq!(found.between.len(), 0, "{kinds}: {found:?}");
    }
}
#[test]
fn two_parts_of_a_squeeze_back_are_alike_whatever_the_squeezed_picture_shows() {
    // Names beside a lit picture, a 4 s scene, names beside a dark one (the box shows what the
    // broadcaster plays: tails-mid-other 6066's Hidden Lantern E02): two parts.
    let found = split(&format!("ssss{}SSSS{}Sssss", "q".repeat(10), "d".repeat(8)), 131.0);
    assert_eq!((spans(&found).len(), found.between.len()), (2, 1), "{found:?}");
    assert!(cues(&tail("d")).dark[0] && !cues(&tail("q")).dark[0], "the dark picture's seconds are dark, the lit one's not");
}
#[test]
fn names_rolling_over_footage_after_names_rolling_over_black_are_the_second_part() {
    let split_read = |kinds: &str| {
        let t = with_text(tail(kinds));
        let mut found = find_tail(&t, 131.0);
        split_credits(&t, &mut found, 131.0);
        found
    };
    // Names on black cards and rolling over black, a 4 s scene, names rolling over lit footage:
    // the second part's darkness is its footage's (tails-mid-other 6066's Last Harbor E01).
    let kinds = format!("sssscccc{}SSSSf{}Sssss", "r".repeat(6), "R".repeat(6));
    let c = cues(&with_text(tail(&kinds)));
    assert!(c.roll[20..24].iter().all(|&r| r) && !c.dark[20] && c.dark[10], "{:?}", c.roll);
    let found = split_read(&kinds);
    assert_eq!((spans(&found).len(), found.between.len()), (2, 1), "{found:?}");
    // The other way round (lit before dark), before the credits: not joined, as story before
    // the credits shows rolling names of its own (a film's credits inside the footage); the
    // credits found are the dark part.
    let found = split_read(&format!("ssssf{}SSSScccc{}Sssss", "R".repeat(6), "r".repeat(6)));
    assert_eq!((spans(&found), found.between.len()), (vec![(114.5, 124.5)], 0), "{found:?}");
    // Dark before dark: joined.
    let found = split_read(&format!("ssssc{}SSSScccc{}Sssss", "r".repeat(6), "r".repeat(6)));
    assert_eq!(found.between.len(), 1, "{found:?}");
}
