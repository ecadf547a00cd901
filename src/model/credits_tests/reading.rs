//! The words read at the credits' edges and after them: where they begin and end, preview or story.

use super::*;

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
    // "Coming up" in Tesseract's block order or with a letter lost; not "becoming" nor "coming" alone.
    assert!(reads_as_preview(&words("up, Coming a KTV")) && reads_as_preview(&words("xe Comig up")) && reads_as_preview(&words("Coming te af up")));
    assert!(!reads_as_preview(&words("becoming up")) && !reads_as_preview(&words("I am coming")) && !reads_as_preview(&words("Comi ng up")));
    assert!(!reads_as_preview(&words("becomng up")) && !reads_as_preview(&words("xcomlng up")) && !reads_as_preview(&words("comngs up")));
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
    // A held subtitle stops it by its words (no list moving); a logo beside it read in one
    // of the two seconds only could be what set them apart.
    let held = [read(110, "Where were you KTV"), read(111, "Where were you")];
    assert!(walk(&held, &[]).stopped_by_words);
    assert_eq!(walk(&held, &["ktv"]).reached, None);
    // The same words in both (a static card of names on black, the subtitle held whole):
    // whatever is left out of both leaves them the same, and it says no far word could help.
    for same in [[read(110, "Directed by Alice Morgan"), read(111, "Directed by Alice Morgan")], [read(110, "Where were you"), read(111, "you were Where")]] {
        let w = walk(&same, &[]);
        assert_eq!((w.reached, w.stopped_by_words, w.wants_more), (None, false, false));
        assert_eq!(walk(&same, &["alice", "were"]).reached, None);
    }
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
