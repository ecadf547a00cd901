//! The credits rule on hand-made tails: what each cue finds, joins and leaves.

use super::*;
use image::RgbImage;
use ndarray::Array2;

/// A tail of `kinds` seconds from second 100: 's' story (a textured shot; a new shot at every
/// upper-case 'S'), 'b' black, 'c' credits over black (three lines), 'p' a preview shot
/// with a caption, 'u' story with a subtitle, 'k' one line on black (a film's title card);
/// 'R' a new shot with one line that rolls up 10 px a second over the run of 'R's; 'q' the
/// picture squeezed to the left with names beside it, 'Q' squeezed, a new shot, no names.
fn tail(kinds: &str) -> EpisodeFeatures {
    let n = kinds.len();
    let mut f = EpisodeFeatures::empty(2);
    f.start_s = 100;
    f.seconds = (100..100 + n as u32).collect();
    let mut shot = 0usize;
    let mut rows = Vec::new();
    // 'f', 'l' and 'g' are one shot of footage: names over it, the last line leaving, none.
    let group = |k: u8| if matches!(k, b'f' | b'l' | b'g') { b'f' } else { k };
    for (i, k) in kinds.chars().enumerate() {
        if matches!(k, 'S' | 'p' | 'R' | 'Q') || (i > 0 && group(kinds.as_bytes()[i - 1]) != group(k as u8)) {
            shot += 1;
        }
        let angle = shot as f32 * 1.1;
        rows.extend([angle.cos(), angle.sin()]);
        // How many 'R's came before this one in its run: the rolling line's step.
        let rolled = kinds.as_bytes()[..i].iter().rev().take_while(|&&c| c == b'R').count() as u32;
        let roll = [(56 - 10 * rolled)..(60 - 10 * rolled)];
        let lines: &[std::ops::Range<u32>] = match k {
            'c' | 'f' => &[20..24, 27..31, 34..38],
            'p' | 'u' => &[60..64],
            'l' => &[8..12],
            'k' => &[30..34],
            'R' => &roll,
            'q' => &[14..18, 30..34, 46..50],
            _ => &[],
        };
        let squeeze = matches!(k, 'q' | 'Q');
        let base = |x: u32, y: u32| -> u8 {
            match k {
                'b' | 'c' | 'k' => 10,
                'q' | 'Q' if !((3..80).contains(&x) && (14..58).contains(&y)) => 4,
                _ => (90 + ((x * 7 + y * 13 + shot as u32 * 31) % 23) * 3) as u8,
            }
        };
        // The squeezed picture's names sit beside it, in the right part of the frame.
        let glyphs = if squeeze { 88..124 } else { 30..98 };
        f.thumbnails.push(RgbImage::from_fn(128, 72, |x, y| {
            let on = lines.iter().any(|r| r.contains(&y)) && glyphs.contains(&x) && x % 3 == 0;
            image::Rgb([if on { 255 } else { base(x, y) }; 3])
        }));
    }
    f.embeddings = Array2::from_shape_vec((n, 2), rows).unwrap();
    f
}

#[test]
fn credits_over_black_then_a_preview_with_a_caption() {
    // 10 s story, 2 s black, 15 s credits, 1 s black, then a 6 s preview of 2 s shots.
    let t = tail("ssssssssssbbcccccccccccccccbpSSSSS");
    let found = find_tail(&t, 134.0);
    let credits = found.credits.expect("credits");
    assert_eq!((credits.start, credits.end), (109.5, 127.5), "credits: {credits:?}");
    let preview = found.preview.expect("preview");
    assert_eq!((preview.start, preview.end), (127.5, 134.0));
    assert!(found.after_credits.is_none());
}

/// [`find_tail`] and then [`split_credits`], as the tail's judgement runs them.
fn split(kinds: &str, duration_s: f64) -> TailFound {
    let t = tail(kinds);
    let mut found = find_tail(&t, duration_s);
    split_credits(&t, &mut found, duration_s);
    found
}

fn spans(found: &TailFound) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = found.credits.iter().chain(&found.more_credits).map(|c| (c.start, c.end)).collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

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

/// `kinds` ([`tail`]) with the seconds `on` turned into a dark scene: a lit disc's worth of
/// picture on black, 80 % of it black (the earth at night), no card.
fn with_dark_scene(kinds: &str, on: std::ops::Range<usize>) -> EpisodeFeatures {
    let mut t = tail(kinds);
    for img in &mut t.thumbnails[on] {
        for y in 0..72 {
            for x in 0..26 {
                img.put_pixel(x, y, image::Rgb([(70 + (x * 5 + y * 3) % 40) as u8; 3]));
            }
        }
        let share = crate::features::picture::black_share(img);
        assert!((BLACK_CARD..SCENE_BLACK).contains(&share), "{share}");
    }
    t
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
fn a_caption_read_only_a_second_into_the_shot_after_the_credits_still_opens_a_preview() {
    // Credits, then one shot to the end: the second after its opening is read too.
    let t = tail(&format!("ssss{}{}", "c".repeat(12), "u".repeat(8)));
    let base = find_tail(&t, 124.0);
    let end = base.credits.as_ref().map(|c| c.end).expect("credits");
    assert!(base.preview.is_some() || base.after_credits.is_some(), "{base:?}");
    let seconds = seconds_to_read(&t, &base);
    assert_eq!(&seconds[..2], &[(116, false), (117, true)], "{seconds:?}");
    // Its opening read as other words (the caption fading in, or misread), the next second
    // as "Next time": a preview from the credits' end, not from the second it was read at.
    let mut found = base.clone();
    weigh_words(&mut found, 124.0, &[ReadAfter { second: 116, preview: false, continues: false }, ReadAfter { second: 117, preview: true, continues: true }]);
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(end), "{found:?}");
    assert_eq!(found.after_credits, None);
    // The opening read nothing at all: the same.
    let mut found = base.clone();
    weigh_words(&mut found, 124.0, &[ReadAfter { second: 117, preview: true, continues: true }]);
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(end), "{found:?}");
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
fn story_after_the_credits_is_a_post_credits_scene_and_credits_at_the_end_run_to_it() {
    let t = tail("sssssssscccccccccccsssssssss");
    let found = find_tail(&t, 128.0);
    let credits = found.credits.expect("credits");
    assert_eq!((credits.start, credits.end), (107.5, 118.5));
    assert_eq!(found.after_credits, Some((118.5, 128.0)));
    assert!(found.preview.is_none());
    // Credits to the very end of the file.
    let found = find_tail(&tail("ssssssssccccccccccccbb"), 122.0);
    assert_eq!(found.credits.map(|c| (c.start, c.end)), Some((107.5, 122.0)));
}

#[test]
fn credits_over_footage_run_to_the_end_as_their_last_line_scrolls_out() {
    // Names over one shot of footage; the last line leaves at the top, the shot plays on to
    // the end of the file: all credits, not a preview opening with a caption.
    let found = find_tail(&tail("ssssssffffffffffllggg"), 121.0);
    let credits = found.credits.expect("credits over footage");
    assert_eq!((credits.start, credits.end), (105.5, 121.0));
    assert!(found.preview.is_none() && found.after_credits.is_none(), "{:?} {:?}", found.preview, found.after_credits);
    // Names over footage, then a cut to a scene: the run-on stops at the cut, and the scene
    // is story after the credits, not credits and not a preview.
    let found = find_tail(&tail("ssssffffffffffSssssss"), 121.0);
    let credits = found.credits.clone().expect("credits over footage");
    assert_eq!(credits.end, 113.5, "{found:?}");
    assert!(found.preview.is_none() && found.after_credits == Some((113.5, 121.0)), "{found:?}");
}

#[test]
fn a_scene_after_the_credits_keeps_playing_before_a_preview_and_fast_cuts_are_not_a_preview() {
    // Credits, a 9 s scene cut fast (3 s shots), then a preview opening with its caption.
    let found = find_tail(&tail("ssssccccccccccSssSssSsspSSSS"), 128.0);
    assert_eq!(found.credits.as_ref().map(|c| c.end), Some(113.5), "{found:?}");
    assert_eq!(found.after_credits, Some((113.5, 122.5)), "the scene is story: {found:?}");
    assert_eq!(found.preview.map(|p| (p.start, p.end)), Some((122.5, 128.0)));
    // The same scene with no preview after it: story to the end, however fast it cuts.
    let found = find_tail(&tail("ssssccccccccccSsSsSsSsSs"), 124.0);
    assert!(found.preview.is_none() && found.after_credits == Some((113.5, 124.0)), "{found:?}");
}

/// The fixture with text cues read from its pictures, as the tail's analysis keeps them.
fn with_text(mut f: EpisodeFeatures) -> EpisodeFeatures {
    f.text = f.thumbnails.iter().map(crate::features::picture::text_cue).collect();
    f
}

/// The fixture with a channel's logo in the top right corner of every picture (rows 3–6), and
/// its text cues read from them.
fn with_logo(mut f: EpisodeFeatures) -> EpisodeFeatures {
    for img in &mut f.thumbnails {
        draw_line(img, 3..7, (104..122).step_by(2), 230);
    }
    with_text(f)
}

/// A line of glyph strokes at `rows`, one column at each of `columns`, at grey `level`.
fn draw_line(img: &mut RgbImage, rows: std::ops::Range<u32>, columns: impl Iterator<Item = u32> + Clone, level: u8) {
    for y in rows {
        for x in columns.clone() {
            img.put_pixel(x, y, image::Rgb([level; 3]));
        }
    }
}

#[test]
fn a_channel_s_logo_over_a_dark_scene_is_no_line_of_credits() {
    // Story, 8 s of black whose only text is the logo (a dark scene), a scene, 14 s of names
    // over black (with the logo), story: the logo made the black a card, and split credits'
    // first part.
    let kinds = format!("sssss{}Ssssss{}Ssss", "b".repeat(8), "c".repeat(14));
    let duration = 100.0 + kinds.len() as f64;
    let mut found = find_tail(&with_logo(tail(&kinds)), duration);
    split_credits(&with_logo(tail(&kinds)), &mut found, duration);
    assert_eq!(spans(&found), [(118.5, 132.5)], "{found:?}");
    assert!(found.between.is_empty(), "{found:?}");
    // A line at the logo's height on black cards of one stretch (the credits' own top line, on
    // every card) is no logo: those cards stay the credits.
    let mut one = tail(&format!("sssss{}ssss", "b".repeat(10)));
    for img in &mut one.thumbnails[5..15] {
        draw_line(img, 3..7, (30..98).step_by(3), 255);
    }
    let found = find_tail(&with_text(one), 119.0);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((104.5, 114.5)), "{found:?}");
}

/// `kinds` ([`tail`]) with the subtitle of 'u' drawn over the black seconds `on` too, and the
/// text cues read from the pictures.
fn subtitle_over_black(kinds: &str, on: std::ops::Range<usize>) -> EpisodeFeatures {
    let mut f = tail(kinds);
    for img in &mut f.thumbnails[on] {
        draw_line(img, 60..64, (30..98).step_by(3), 255);
    }
    with_text(f)
}

#[test]
fn a_subtitle_the_scene_holds_through_black_is_no_line_of_credits() {
    // A subtitled scene dips to black for 8 s, the subtitle still on, and comes back; later
    // 12 s of names over black. The black seconds were "a line over a black card": credits
    // 16 s early (family C 2043's Northern Harbor E03 and E04).
    let kinds = format!("sssss{}{}uuuSssss{}Ssss", "u".repeat(6), "b".repeat(8), "c".repeat(12));
    let duration = 100.0 + kinds.len() as f64;
    let f = subtitle_over_black(&kinds, 11..19);
    let mut found = find_tail(&f, duration);
    split_credits(&f, &mut found, duration);
    assert_eq!(spans(&found), [(126.5, 138.5)], "{found:?}");
    // The subtitle is still text where it shows, black or not: what the app's lane draws.
    assert!(found.evidence[11..19].iter().all(|&e| e == 0.5), "{:?}", found.evidence);
    // A line over black cards that footage showed for 5 s or less is a card's line (a name
    // over the last shot, held as the picture goes to black): the cards stay the credits.
    let kinds = format!("sssssssssuu{}sssss", "b".repeat(8));
    let found = find_tail(&subtitle_over_black(&kinds, 11..19), 124.0);
    assert_eq!(found.credits.as_ref().map(|c| c.start), Some(110.5), "{found:?}");
}

#[test]
fn a_list_rolls_past_a_channel_s_logo() {
    // Two dark scenes show the channel's logo alone (it is found as the logo), then names over
    // footage whose last line rolls on alone across cuts to the end of the file, the logo in
    // every picture: the logo stays while the line moves, and is no line of the list (family
    // B 2044's Quiet Frontier E04, whose names were never seen to roll under its logo).
    let kinds = "bbbbbbssssbbbbbbSsssffffffffRRRRR";
    let duration = 100.0 + kinds.len() as f64;
    let f = with_logo(tail(kinds));
    // The last line is seen to roll under the logo (the credits' extent would hold here without
    // it: the logo reads as a second line over the fixture's footage).
    assert!(cues(&f).roll[29..33].iter().all(|&r| r), "{:?}", cues(&f).roll);
    let found = find_tail(&f, duration);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((119.5, duration)), "{found:?}");
    assert!(found.preview.is_none() && found.after_credits.is_none(), "{found:?}");
}

#[test]
fn still_black_after_the_last_names_to_the_end_of_the_file_is_the_credits_own() {
    // A dark scene (6 s of black, the logo on it), story, 12 s of names, then 14 s of black to
    // the end of the file with the logo on it: no scene follows the names.
    let kinds = format!("{}ssss{}{}", "b".repeat(6), "c".repeat(12), "b".repeat(14));
    let found = find_tail(&with_logo(tail(&kinds)), 136.0);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((109.5, 136.0)), "{found:?}");
    assert_eq!((found.after_credits, found.preview.is_some()), (None, false));
    // Picture after the black (a scene that opens out of it) is a post-credits scene again.
    let kinds = format!("{}ssss{}{}ssss", "b".repeat(6), "c".repeat(12), "b".repeat(10));
    let found = find_tail(&with_logo(tail(&kinds)), 136.0);
    assert_eq!(found.credits.as_ref().map(|c| c.end), Some(127.5), "{found:?}");
    assert!(found.after_credits.is_some(), "{found:?}");
}

#[test]
fn a_last_line_rolling_up_over_the_footages_own_cuts_is_still_the_credits() {
    // Names over footage, then the list's last line rolls on alone across three cuts of the
    // footage to the end of the file: credits to the end, not a preview opening with a
    // caption (a caption stays where it is).
    let found = find_tail(&with_text(tail("ssssffffffffRRRRR")), 117.0);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((103.5, 117.0)), "{found:?}");
    assert!(found.preview.is_none() && found.after_credits.is_none(), "{found:?}");
    // The same cuts with a caption that stays put: a preview after the credits.
    let found = find_tail(&with_text(tail("ssssffffffffpSSSS")), 117.0);
    assert_eq!(found.preview.map(|p| p.start), Some(111.5));
}

#[test]
fn a_squeeze_back_is_the_credits_until_the_picture_fills_the_frame_again() {
    assert!(squeezed(&tail("q").thumbnails[0]) && squeezed(&tail("Q").thumbnails[0]));
    assert!(!squeezed(&tail("s").thumbnails[0]) && !squeezed(&tail("c").thumbnails[0]));
    // Names roll beside the squeezed picture, end, and the promo plays on squeezed over its
    // own cuts: all credits. Then story fills the frame: a post-credits scene.
    let found = find_tail(&with_text(tail("ssssqqqqqqqqQQQQQQQQSsssss")), 126.0);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((103.5, 119.5)), "{found:?}");
    assert_eq!(found.after_credits, Some((119.5, 126.0)), "{found:?}");
}

#[test]
fn what_is_read_after_the_credits_decides_preview_or_story() {
    use crate::features::ocr::Word;
    let words = |t: &str| t.split(' ').map(|w| Word { text: w.into(), confidence: 90.0 }).collect::<Vec<_>>();
    assert!(reads_as_preview(&words("Next time")) && reads_as_preview(&words("Nexttime on")) && reads_as_preview(&words("KTV COMING UP")));
    assert!(reads_as_preview(&words("On the next episode")) && reads_as_preview(&words("Next week.")));
    assert!(!reads_as_preview(&words("NO PARKING")) && !reads_as_preview(&words("Where were you last night?")));
    // "Soon" alone is dialogue; words that only run together into "next" are not it.
    assert!(!reads_as_preview(&words("See you soon")) && !reads_as_preview(&words("Anne Xu also on")) && !reads_as_preview(&words("the annex")));
    // A caption read in part still counts, its capital misread too, but not "text" or a lone word.
    assert!(reads_as_preview(&words("Next tme")) && reads_as_preview(&words("L Wext week")) && reads_as_preview(&words("Mext time")));
    assert!(!reads_as_preview(&words("the text time")) && !reads_as_preview(&words("Wext")) && !reads_as_preview(&words("Vext on")));
    // Credits, then a scene whose sign the text cue took for a caption: a "preview" at 122.5.
    let t = tail("ssssccccccccccSssSssSsspSSSS");
    let base = find_tail(&t, 128.0);
    assert_eq!(base.preview.as_ref().map(|p| p.start), Some(122.5));
    let seconds = seconds_to_read(&t, &base);
    assert_eq!(seconds.first(), Some(&(114, false)), "the first second after the credits: {seconds:?}");
    assert!(seconds.contains(&(123, false)), "each shot's first second: {seconds:?}");
    // Its opening read, no preview's words: story to the end, never skipped.
    let mut found = base.clone();
    weigh_words(&mut found, 128.0, &seconds.iter().map(|&(second, continues)| ReadAfter { second, preview: false, continues }).collect::<Vec<_>>());
    assert!(found.preview.is_none() && found.after_credits == Some((113.5, 128.0)), "{found:?}");
    // "Next time" read there: the preview stands, the scene before it is story.
    let mut found = base.clone();
    weigh_words(&mut found, 128.0, &seconds.iter().map(|&(second, continues)| ReadAfter { second, preview: second == 123, continues }).collect::<Vec<_>>());
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(122.5));
    assert_eq!(found.after_credits, Some((113.5, 122.5)));
    // A caption the cue missed, read at a later shot of what looked like story: a preview
    // from that shot on.
    let plain = find_tail(&t_without_caption(), 128.0);
    assert!(plain.preview.is_none());
    let mut found = plain.clone();
    weigh_words(&mut found, 128.0, &[ReadAfter { second: 114, preview: false, continues: false }, ReadAfter { second: 120, preview: true, continues: false }]);
    assert_eq!(found.preview.as_ref().map(|p| p.start), Some(119.5));
    assert_eq!(found.after_credits, Some((113.5, 119.5)));
    // Nothing looked at: the picture's answer stands.
    let mut found = base.clone();
    weigh_words(&mut found, 128.0, &[]);
    assert_eq!(found.preview.map(|p| p.start), Some(122.5));
}

/// What [`rolled_in`] or [`rolled_out`] make of `readings`, every second from 90 to 130
/// looked at unless `looked` says which, the words of `furniture` read far away.
fn walked(out: bool, edge: u32, readings: &[crate::features::ocr::Reading], looked: Option<&[u32]>, furniture: &[&str]) -> Walk {
    let far = FarWords { furniture: furniture.iter().map(|w| w.to_string()).collect(), strangers: Vec::new() };
    walked_knowing(out, edge, readings, looked, &far)
}

/// [`walked`], knowing both kinds of words read far away ([`FarWords`]).
fn walked_knowing(out: bool, edge: u32, readings: &[crate::features::ocr::Reading], looked: Option<&[u32]>, far: &FarWords) -> Walk {
    let all: Vec<u32> = (90..=130).collect();
    let reads = EdgeReads { looked: looked.unwrap_or(&all), readings, furniture: &far.furniture, strangers: &far.strangers };
    if out { rolled_out(edge, &reads) } else { rolled_in(edge, &reads) }
}

fn reading(second: u32, text: &str) -> crate::features::ocr::Reading {
    use crate::features::ocr::Word;
    // A word written "~word" was read unsurely.
    let words = text.split(' ').map(|w| Word { text: w.into(), confidence: if w.starts_with('~') { 60.0 } else { 90.0 } }).collect();
    crate::features::ocr::Reading { second, words }
}

#[test]
fn the_credits_begin_where_their_rolling_names_are_first_read() {
    use crate::features::ocr::Reading;
    let read = reading;
    let start = |readings: &[Reading], furniture: &[&str]| walked(false, 110, readings, None, furniture).reached;
    // The cue saw the names from 110; from 107 the list was rolling in over bright footage,
    // its lines read in part at the picture's edge ("ast", "Directe"); before it, a
    // subtitle. The channel's logo is in every picture, and in the one read far away.
    let readings = [
        read(105, "KTV Look at the sky."),
        read(106, "KTV Look at the sky."),
        read(107, "KTV ast"),
        read(108, "KTV Cast Directe"),
        read(109, "KTV Cast Directed by"),
        read(110, "KTV Cast Directed by Nova Brook"),
        read(111, "KTV Directed by Nova Brook Visual"),
    ];
    assert_eq!(start(&readings, &["ktv"]), Some(107));
    // The story before shows the logo alone: it ties nothing once read far away, whatever
    // its length.
    let logo = [read(108, "KTV"), read(109, "KTV ~wi"), read(110, "KTV Cast Directed"), read(111, "KTV Cast")];
    assert_eq!(start(&logo, &["ktv"]), None);
    // A three-letter logo ties nothing even where the picture read far away missed it.
    assert_eq!(start(&logo, &[]), None);
    let logo = [read(108, "NETFLIX"), read(109, "NETFLIX"), read(110, "NETFLIX Cast Directed"), read(111, "NETFLIX Cast")];
    assert_eq!(start(&logo, &["netflix"]), None);
    // A second mostly theirs brings its other lines: the list's next title, read first in
    // the second before.
    let titles = [read(108, "STORYBOARD SCRIPT"), read(109, "STORYBOARD SCRIPT Jansen Keller"), read(110, "Cast Jansen Keller"), read(111, "Keller Novak")];
    assert_eq!(start(&titles, &[]), Some(108));
    // One word of theirs among a line of dialogue is the story.
    assert_eq!(start(&[read(109, "Cast where were you"), read(110, "Cast Directed"), read(111, "Cast")], &[]), None);
    // One second read as nothing (a frame between lines) is passed over, two end the walk.
    let gap = [read(105, "Cast"), read(108, "Cast"), read(110, "Cast Directed"), read(111, "Cast")];
    assert_eq!(start(&gap, &[]), Some(108));
    // A second not looked at yet asks for more, however the last one read was.
    let looked = [109, 110, 111];
    assert_eq!(walked(false, 110, &gap[2..], Some(&looked), &[]), Walk { reached: None, wants_more: true, stopped_by_words: false });
    assert_eq!(walked(false, 110, &[read(109, "Cast"), gap[2].clone(), gap[3].clone()], Some(&looked), &[]), Walk { reached: Some(109), wants_more: true, stopped_by_words: false });
    // Unsure junk ties nothing, and an opening read as junk decides nothing.
    assert_eq!(start(&[read(109, "~Cast"), read(110, "Cast"), read(111, "Cast Directed")], &[]), None);
    assert_eq!(start(&[read(109, "Cast"), read(110, "~Cast"), read(111, "~a")], &[]), None);
    // A subtitle held over a dark scene, taken by the cue for the credits' first lines: the
    // same words second after second, not a list rolling in.
    let held: Vec<Reading> = (100..112).map(|s| read(s, "I never said that.")).collect();
    assert_eq!(start(&held, &[]), None);
    // Not further back than READ_BACK_S.
    let long: Vec<Reading> = (80..112).map(|s| read(s, &format!("Cast N{s}x"))).collect();
    assert_eq!(start(&long, &[]), Some(110 - READ_BACK_S));
}

#[test]
fn words_read_far_away_that_the_credits_do_not_show_are_the_scene_s_and_tie_nothing() {
    let read = reading;
    // 18 s before the credits, the last scene's subtitle and the channel's logo (read there
    // surely); the credits' edge seconds show the logo (unsurely at one) and the names.
    let far = [read(92, "KTV were you last night?")];
    let own = [read(110, "~KTV ast"), read(111, "KTV Cast Cora Diaz")];
    let split = far_words(&far, &own);
    assert_eq!(split, FarWords { furniture: vec!["ktv".into()], strangers: vec!["were".into(), "you".into(), "last".into(), "night".into()] });
    // The scene holds the subtitle for its last 12 s; the first line of names is read in part
    // over its last second ("ast" of "Cast"), which ties "last".
    let mut readings: Vec<_> = (98..109).map(|s| read(s, "KTV Where were you last night?")).collect();
    readings.push(read(109, "KTV Where were ast last night?"));
    readings.extend(own.iter().cloned());
    // Every far word left out (as before 2026-12-06): of the two words left at 109, "ast"
    // ties, which is half, so "where" joins the credits' words and ties every second before:
    // 12 s into the story (family C 2041's Hidden Forest E04).
    let everything = FarWords { furniture: far_words(&far, &far).furniture, strangers: Vec::new() };
    assert_eq!(walked_knowing(false, 110, &readings, None, &everything).reached, Some(98));
    // The scene's own words count there and tie nothing: its subtitle stops the walk.
    let w = walked_knowing(false, 110, &readings, None, &split);
    assert_eq!((w.reached, w.stopped_by_words), (None, true));
    // A logo left out as furniture still lets the list's first line on beside it ...
    let rolling = [read(108, "KTV Smith"), read(109, "KTV Smith Cast"), read(110, "KTV ast Smith"), read(111, "KTV Cast Smith Cora")];
    assert_eq!(walked_knowing(false, 110, &rolling, None, &split).reached, Some(108));
    // ... and a logo the credits do not show (hidden over them) ties nothing: beside two names
    // it is one word of three, and alone, over the story before, it stops the walk. Not known,
    // it joined the credits' words beside the names and carried the walk on over the story.
    let hidden = far_words(&[read(92, "ZETAV")], &[read(110, "Cast Smith"), read(111, "Cast Smith Cora")]);
    assert_eq!(hidden, FarWords { furniture: Vec::new(), strangers: vec!["zetav".into()] });
    let mut story: Vec<_> = (104..108).map(|s| read(s, "ZETAV")).collect();
    story.extend([read(108, "ZETAV Smith Cora"), read(109, "Cast Smith"), read(110, "Cast Smith"), read(111, "Cast Smith Cora")]);
    assert_eq!(walked_knowing(false, 110, &story, None, &hidden).reached, Some(108));
    assert_eq!(walked_knowing(false, 110, &story, None, &FarWords::default()).reached, Some(104));
}

#[test]
fn a_walk_says_whether_the_picture_read_far_away_could_change_it() {
    // The far picture is read only where its words could: the caller's answers must be
    // those of reading it always.
    let read = reading;
    let walk = |readings: &[crate::features::ocr::Reading], furniture: &[&str]| walked(false, 110, readings, None, furniture);
    // Stopped by a logo beside a name: 1 of 3 words ties. The logo left out, 1 of 2 does.
    let logo = [read(109, "KTV Smith Xqzt"), read(110, "Cast Smith"), read(111, "Cast Smith Directed")];
    let without = walk(&logo, &[]);
    assert_eq!((without.reached, without.stopped_by_words), (None, true));
    assert_eq!(walk(&logo, &["ktv"]).reached, Some(109));
    // Two seconds read as nothing before the credits (on black after a silent scene): no
    // word can be taken away to let it on, and it says so.
    let black = [read(110, "Cast Smith"), read(111, "Cast Smith Directed")];
    let w = walk(&black, &[]);
    assert_eq!((w.reached, w.stopped_by_words, w.wants_more), (None, false, false));
    // A held subtitle stops it by its words (no list moving).
    let held = [read(110, "Where were you"), read(111, "Where were you")];
    assert!(walk(&held, &[]).stopped_by_words);
}

#[test]
fn the_credits_end_where_their_last_lines_are_last_read_and_what_follows_moves_with_them() {
    let read = reading;
    let end = |readings: &[crate::features::ocr::Reading]| walked(true, 121, readings, None, &[]).reached;
    // The cue's run ends at 121; the list's last lines roll out over two more seconds, then
    // a preview opens on its caption.
    let out = [read(119, "Music by Noah Olsen Silver Signal"), read(120, "Silver Signal"), read(121, "Silver Signal"), read(122, "Silver Signal"), read(123, "Signal"), read(124, "Next time")];
    assert_eq!(end(&out), Some(123));
    // A post-credits scene's subtitle ties nothing: the end stands ("her" is not "Heather").
    let scene = [read(119, "Music by Heather Olsen"), read(121, "Heather Olsen Silver Signal"), read(122, "I told her.")];
    assert_eq!(end(&scene), None);
    // A subtitle the cue's run ended on, held: not a list rolling out.
    let scene = [read(119, "Where were you?"), read(120, "Where were you?"), read(121, "Where were you?"), read(122, "Where were you?")];
    assert_eq!(end(&scene), None);
    let credits = DetectedSegment { start: 100.5, end: 121.5, confidence: 1.0, start_by: vec![Evidence::Text], end_by: vec![Evidence::Text], repeats_in: 0 };
    let preview = DetectedSegment { start: 121.5, end: 130.0, ..credits.clone() };
    let mut found = TailFound { credits: Some(credits.clone()), preview: Some(preview), ..Default::default() };
    end_credits_at(&mut found, 123.5);
    assert_eq!((found.credits.as_ref().map(|c| c.end), found.preview.as_ref().map(|p| p.start)), (Some(123.5), Some(123.5)));
    // A post-credits scene keeps playing from the new end; one left shorter than
    // MIN_AFTER_S was the credits' own tail.
    let mut found = TailFound { credits: Some(credits.clone()), after_credits: Some((121.5, 130.0)), ..Default::default() };
    end_credits_at(&mut found, 123.5);
    assert_eq!(found.after_credits, Some((123.5, 130.0)));
    let mut found = TailFound { credits: Some(credits), after_credits: Some((121.5, 125.0)), ..Default::default() };
    end_credits_at(&mut found, 123.5);
    assert_eq!(found.after_credits, None);
}

/// Credits, then a scene and a preview whose caption the text cue cannot see.
fn t_without_caption() -> EpisodeFeatures {
    tail("ssssccccccccccSssSssSssSSSSS")
}

#[test]
fn subtitled_story_and_short_text_are_not_credits() {
    assert!(find_tail(&tail("ssssuuuuuuuuuuuuuuussss"), 123.0).credits.is_none(), "a subtitled scene");
    // A subtitle under a dark scene that still shows its picture (a globe on black): one
    // line over a dark picture, but not over a black card.
    let mut f = tail("ssssuuuuuuuuuuuuuuussss");
    for img in &mut f.thumbnails[4..19] {
        for (x, y, p) in img.enumerate_pixels_mut() {
            if !(56..66).contains(&y) {
                let globe = (x as i32 - 64).pow(2) + (y as i32 - 28).pow(2) < 26 * 26;
                *p = image::Rgb([if globe { 40 + (x % 5) as u8 * 8 } else { 3 }; 3]);
            }
        }
    }
    assert!(find_tail(&f, 123.0).credits.is_none(), "a subtitle over a dark scene");
    assert!(find_tail(&with_text(f), 123.0).credits.is_none(), "the same, with the tail's own text cues");
    assert!(find_tail(&tail("ssssssccccssssss"), 116.0).credits.is_none(), "4 s of names");
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
