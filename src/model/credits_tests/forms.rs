//! One run's forms and the furniture around it: cards, footage, rolls, squeeze-backs, logos, subtitles.

use super::*;

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
fn a_subtitle_held_over_a_dark_scene_is_no_line_of_credits() {
    // A dark scene (the earth at night: 80 % black, a black card by its share) holds one
    // subtitle for 17 s; later 12 s of names over black. No second of the hold is lit footage,
    // so it was "a line over a black card" for 17 s, the longest run: credits 22 s early
    // (tails-mid-other 6070's Secret Academy E04). A dim picture showing one line counts as
    // the scene's in the hold; a true black card (over 0.9 black) does not.
    let kinds = format!("sssss{}Sssss{}Ssss", "b".repeat(17), "c".repeat(12));
    let duration = 100.0 + kinds.len() as f64;
    let mut f = tail(&kinds);
    for img in &mut f.thumbnails[5..22] {
        earth_at_night(img, 4..28, 40..88);
        draw_line(img, 60..64, (30..98).step_by(3), 255);
    }
    let f = with_text(f);
    let mut found = find_tail(&f, duration);
    split_credits(&f, &mut found, duration);
    assert_eq!(spans(&found), [(126.5, 138.5)], "{found:?}");
    // Names over such a dim picture — three lines a second, one page held 12 s — stay credits.
    let kinds = format!("sssss{}Ssss", "c".repeat(12));
    let mut f = tail(&kinds);
    for img in &mut f.thumbnails[5..17] {
        earth_at_night(img, 60..72, 0..128);
    }
    let found = find_tail(&with_text(f), 100.0 + kinds.len() as f64);
    assert_eq!(found.credits.as_ref().map(|c| (c.start, c.end)), Some((104.5, 116.5)), "{found:?}");
}
/// The lit earth, smooth, at `rows` and `columns` of a black picture: a dark scene, black
/// enough by its share to be a card.
fn earth_at_night(img: &mut RgbImage, rows: std::ops::Range<u32>, columns: std::ops::Range<u32>) {
    for y in rows {
        for x in columns.clone() {
            img.put_pixel(x, y, image::Rgb([(70 + y) as u8; 3]));
        }
    }
    let share = crate::features::picture::black_share(img);
    assert!((BLACK_CARD..SCENE_BLACK).contains(&share), "{share}");
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
