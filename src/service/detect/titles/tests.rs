//! The title readings' tests: an episode's own title over the level of its sound, an episode
//! judged alone, and a stretch a partner plays as its title-found intro.

#[cfg(all(test, feature = "ocr"))]
mod tests {
    use super::super::*;

    #[test]
    fn a_dropped_guess_is_kept_where_its_pictures_read_the_series_title_and_not_where_they_read_a_sign() {
        // 30 s of story; the title "QUIET HARBOR" over it from 10 to 14 s, a sign "EXIT" from 22
        // to 26 s. Season judgement dropped two guesses: 5–18 s (the title inside) and 20–30 s.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Quiet Harbor - S01E02.mkv");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!(
            "mandelbrot=s=640x360:r=25,trim=duration=30,setpts=PTS-STARTPTS,drawtext=fontfile={font}:text='QUIET HARBOR':fontcolor=white:fontsize=40:borderw=3:x=(w-tw)/2:y=(h-th)/2:enable='between(t,10,14)',drawtext=fontfile={font}:text='EXIT':fontcolor=white:fontsize=30:borderw=2:x=40:y=40:enable='between(t,22,26)',format=yuv420p[v]"
        );
        let ok = std::process::Command::new("ffmpeg").args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast"]).arg(&file).status().unwrap().success();
        assert!(ok, "ffmpeg");
        // What shows text is judged from the file's own 144 px pictures, not from these features.
        let mut features = EpisodeFeatures::empty(4);
        features.seconds = (0..30).collect();
        let (mut memory, mut notes) = (JudgeMemory::default(), Vec::new());
        let got = titled(&file, &features, &[(20.0, 30.0, 0.8), (5.0, 18.0, 0.9)], &mut memory, &mut notes);
        let (guess, second, key) = got.unwrap_or_else(|| panic!("title not read: {notes:?}"));
        assert_eq!((guess, key.as_str()), (1, "quietharbor"), "the second guess holds the title");
        assert!((10..14).contains(&second), "read at {second}");
        assert!(titled(&file, &features, &[(20.0, 30.0, 0.8)], &mut memory, &mut notes).is_none(), "a sign is no title");
        // Shared story is passed over only where it was looked at: no text, or text without the
        // title, is looked at; a file name without a series name cannot be.
        let spans = [(0.0, 8.0, 0.0), (5.0, 18.0, 0.0), (20.0, 30.0, 0.0)];
        let (reads, _) = title_reads(&file, &features, &spans, &mut memory, &mut notes, false).expect("looked at");
        assert!(reads[0].is_none() && reads[1].is_some_and(|s| (10..14).contains(&s)) && reads[2].is_none(), "{reads:?}");
        // Looking for the first that shows it, what comes after it is not read.
        let (first, _) = title_reads(&file, &features, &spans, &mut memory, &mut notes, true).expect("looked at");
        assert_eq!(first, reads[..2].to_vec());
        assert!(title_reads(&dir.path().join("ab.mkv"), &features, &[(0.0, 8.0, 0.0)], &mut memory, &mut notes, false).is_none());
        // Without Tesseract nothing is looked at (and no stretch is taken for story).
        let mut blind = JudgeMemory { reader_missing: Some("no Tesseract".into()), ..Default::default() };
        assert!(title_reads(&file, &features, &[(0.0, 8.0, 0.0)], &mut blind, &mut notes, false).is_none());
        assert!(notes.is_empty(), "{notes:?}");
    }
}

#[cfg(test)]
mod level_tests {
    use super::super::level_around;

    #[test]
    fn a_model_intro_that_stops_short_of_the_series_title_is_stretched_to_hold_it() {
        use crate::features::ocr::TextGate;
        use crate::model::{DetectedSegment, Detection, Evidence};
        let file = std::path::Path::new("Cold Signal - S01E02.mp4");
        // 180 seconds; a title card shows text at 13–16 s and at 125–126 s, nothing else does.
        let mut features = crate::features::EpisodeFeatures::empty(4);
        features.seconds = (0..180).collect();
        features.gate = (0..180).map(|s| TextGate { lines: u8::from((13..=16).contains(&s) || (125..=126).contains(&s)), strength: 0.0 }).collect();
        let with = |start: f64, end: f64| Detection { intros: vec![DetectedSegment::by_model(start, end, 0.6)], ..Detection::empty() };
        let hold = |d: &mut Detection, second: u32, notes: &mut Vec<super::super::Note>| super::super::holds_title(file, &features, d, second, "cold signal", notes);
        // Title-first card read at its last second, 16 s; the model's intro from 26.5 s: it
        // starts half a second before the card's first second, and a recap the model drew up
        // to 20 s ends there.
        let (mut d, mut notes) = (with(26.5, 90.5), Vec::new());
        d.recaps = vec![DetectedSegment::by_model(0.0, 20.0, 0.9)];
        hold(&mut d, 16, &mut notes);
        assert_eq!((d.intros[0].start, d.intros[0].end, d.recaps[0].end), (12.5, 90.5, 12.5));
        assert_eq!(d.intros[0].start_by, vec![Evidence::Text]);
        assert!(notes.len() == 1 && notes[0].message.contains("0:26.5–1:30.5 stretched to 0:12.5–1:30.5"), "{notes:?}");
        // Title-last card read at 125 s after an intro ending at 123.5 s: it ends after the card.
        let (mut d, mut notes) = (with(109.5, 123.5), Vec::new());
        hold(&mut d, 125, &mut notes);
        assert_eq!((d.intros[0].start, d.intros[0].end, d.intros[0].end_by.as_slice()), (109.5, 126.5, &[Evidence::Text][..]));
        // A title inside, within the half second a sample stands for, more than 15 s away, or
        // under a recap the model drew between it and the intro: nothing moves or is said.
        for (start, end, recap) in [(10.0, 60.0, None), (16.2, 60.0, None), (0.0, 15.8, None), (32.0, 60.0, None), (26.5, 60.0, Some((14.0, 26.5)))] {
            let (mut d, mut notes) = (with(start, end), Vec::new());
            d.recaps = recap.map(|(a, b)| DetectedSegment::by_model(a, b, 0.9)).into_iter().collect();
            hold(&mut d, 16, &mut notes);
            assert_eq!(((d.intros[0].start, d.intros[0].end), notes.len()), ((start, end), 0), "{start}–{end}");
        }
        // Read in the very first second: the start is the window's, never before it.
        let (mut d, mut notes) = (with(8.0, 40.0), Vec::new());
        let mut first = features.clone();
        first.gate = (0..180).map(|s| TextGate { lines: u8::from(s < 2), strength: 0.0 }).collect();
        super::super::holds_title(file, &first, &mut d, 0, "cold signal", &mut notes);
        assert_eq!(d.intros[0].start, 0.0);
    }

    #[test]
    fn the_level_around_a_title_is_held_through_a_one_second_dip_and_ends_where_it_changes() {
        // Story swinging by 10 dB, a theme at one level from 4 to 11 (a one-second dip at 7),
        // then silence and louder story.
        let level = [0.3, 0.5, 0.3, 0.5, 0.6, 0.62, 0.59, 0.45, 0.61, 0.6, 0.63, 0.6, 0.0, 0.9, 0.9];
        assert_eq!(level_around(&level, 6), Some((4, 11)), "within 3 dB, one second off allowed");
        assert_eq!(level_around(&level, 4), Some((4, 11)), "read at its first second");
        // Two seconds off in a row end it; silence is never a theme's level.
        let level = [0.6, 0.6, 0.6, 0.4, 0.4, 0.6, 0.6];
        assert_eq!(level_around(&level, 1), Some((0, 2)));
        assert_eq!(level_around(&[0.0, 0.01, 0.0, 0.0], 1), None);
        assert_eq!(level_around(&[0.6, 0.6, 0.3, 0.6, 0.6], 2), Some((0, 4)), "the title's own second a beat off");
        assert_eq!(level_around(&[0.6], 3), None);
    }
}

#[cfg(all(test, feature = "ocr"))]
mod alone_tests {
    use super::super::*;
    use crate::model::{DetectedSegment, Detection, Evidence};

    /// 40 s: story whose sound swings by 28 dB every 2 s, an intro from 10 to 25 s with its
    /// theme at one level and the title "QUIET HARBOR" on screen from 12 to 16 s, story again.
    fn episode(dir: &Path) -> (std::path::PathBuf, EpisodeFeatures) {
        let file = dir.join("Quiet Harbor - S01E03.mkv");
        let font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
        let graph = format!(
            "mandelbrot=s=640x360:r=25,trim=duration=40,setpts=PTS-STARTPTS,drawtext=fontfile={font}:text='QUIET HARBOR':fontcolor=white:fontsize=40:borderw=3:x=(w-tw)/2:y=(h-th)/2:enable='between(t,12,16)',format=yuv420p[v];\
             aevalsrc='if(between(t,10,25),0.3,if(lt(mod(t,4),2),0.5,0.02))*sin(2*PI*330*t)':s=48000:d=40[a]"
        );
        let ok = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-nostdin", "-filter_complex", &graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac"])
            .arg(&file)
            .status()
            .unwrap()
            .success();
        assert!(ok, "ffmpeg");
        let sound = crate::features::sound::sound_features(&file, 40).unwrap();
        let mut features = EpisodeFeatures::empty(4);
        features.seconds = (0..40).collect();
        // What the head keeps of each second's text: the card's (12–16 s).
        features.gate = (0..40).map(|s| crate::features::ocr::TextGate { lines: u8::from((12..=16).contains(&s)), strength: 0.0 }).collect();
        features.audio = ndarray::Array2::from_shape_vec((sound.rows.len(), crate::features::sound::AUDIO_DIM), sound.rows.concat()).unwrap();
        (file, features)
    }

    #[test]
    fn alone_the_title_places_the_intro_where_the_sound_holds_its_level_unless_the_model_found_it_there() {
        let dir = tempfile::tempdir().unwrap();
        let (file, features) = episode(dir.path());
        let (mut memory, mut notes) = (JudgeMemory::default(), Vec::new());
        // The model took story at 33–39 s, far from the title: the title puts the intro at 10–25 s.
        let mut detection = Detection { intros: vec![DetectedSegment::by_model(33.0, 39.0, 0.9)], ..Default::default() };
        assert!(titled_by_level(&file, &features, &mut detection, TitleSeen::Alone, &mut memory, &mut notes), "{notes:?}");
        let intro = &detection.intros[..];
        assert_eq!(intro.len(), 1);
        assert!((intro[0].start - 10.0).abs() <= 1.0 && (intro[0].end - 25.0).abs() <= 1.0, "{intro:?}");
        assert_eq!((intro[0].start_by.as_slice(), intro[0].confidence), (&[Evidence::Level][..], TITLE_CONFIDENCE));
        assert!(notes.last().is_some_and(|n| n.message.contains("\"quietharbor\" read at") && n.message.contains("judged alone")), "{notes:?}");
        // A season's model intro no other episode plays, away from the title: the same, said so.
        let mut unshared = Detection { intros: vec![DetectedSegment::by_model(33.0, 39.0, 0.9)], ..Default::default() };
        assert!(titled_by_level(&file, &features, &mut unshared, TitleSeen::Unshared, &mut memory, &mut notes));
        assert_eq!(unshared.intros, detection.intros);
        assert!(notes.last().is_some_and(|n| n.message.contains("instead of the model's, which no other episode plays")), "{notes:?}");
        // The model's intro holding the title stands as it is.
        let mut found = Detection { intros: vec![DetectedSegment::by_model(11.0, 24.0, 0.9)], ..Default::default() };
        let before = found.intros.clone();
        assert!(!titled_by_level(&file, &features, &mut found, TitleSeen::Alone, &mut memory, &mut notes));
        assert_eq!(found.intros, before);
        // One beginning within 15 s after the title stands too, stretched back to hold the card
        // (on screen from 12 s): half a second before its first second.
        let mut found = Detection { intros: vec![DetectedSegment::by_model(25.0, 33.0, 0.9)], ..Default::default() };
        assert!(!titled_by_level(&file, &features, &mut found, TitleSeen::Alone, &mut memory, &mut notes));
        assert_eq!((found.intros[0].start, found.intros[0].end, found.intros[0].start_by.as_slice()), (11.5, 33.0, &[Evidence::Text][..]), "{notes:?}");
        // Left without an intro by its season: the model's guess alone by the title is taken
        // (flagged), else the level's.
        let mut none = Detection::default();
        assert!(titled_by_level(&file, &features, &mut none, TitleSeen::Dropped(&[DetectedSegment::by_model(11.0, 24.0, 0.9)]), &mut memory, &mut notes));
        assert_eq!((none.intros[0].start, none.intros[0].end, none.intros[0].confidence), (11.0, 24.0, TITLE_CONFIDENCE));
        let mut none = Detection::default();
        assert!(titled_by_level(&file, &features, &mut none, TitleSeen::Dropped(&[]), &mut memory, &mut notes));
        assert_eq!(none.intros[0].start_by, vec![Evidence::Level]);
        // Silent where the title shows: no level places an intro; the model's answer stands, and
        // the note says where the title is.
        let mut silent = features.clone();
        silent.audio.column_mut(0).fill(0.0);
        let mut model = Detection { intros: vec![DetectedSegment::by_model(33.0, 39.0, 0.9)], ..Default::default() };
        assert!(!titled_by_level(&file, &silent, &mut model, TitleSeen::Alone, &mut memory, &mut notes));
        assert_eq!(model.intros[0].start, 33.0);
        assert!(notes.last().is_some_and(|n| n.message.contains("the sound's level there places none")), "{notes:?}");
        // A reading over the model's recap is no title card; nor is a file named for no series.
        let mut recap = Detection { recaps: vec![DetectedSegment::by_model(10.0, 18.0, 0.9)], ..Default::default() };
        assert!(!titled_by_level(&file, &features, &mut recap, TitleSeen::Alone, &mut memory, &mut notes));
        let renamed = dir.path().join("ab.mkv");
        std::fs::copy(&file, &renamed).unwrap();
        assert!(!titled_by_level(&renamed, &features, &mut Detection::default(), TitleSeen::Alone, &mut memory, &mut notes));
    }
}

#[cfg(test)]
mod partner_tests {
    use super::super::*;
    use crate::features::align::{By, Repeat};

    /// A stretch of this episode (start–end) heard again in partners (partner, start, end there),
    /// and with `picture` seen there too (a sound and a picture match each).
    fn seen_in(start: f64, end: f64, copies: &[(usize, f64, f64)], picture: bool) -> Repeat {
        let elsewhere: Vec<(usize, f64, f64)> = copies.iter().chain(if picture { copies } else { &[] }).copied().collect();
        let here = elsewhere.iter().map(|&(p, _, _)| (p, start, end)).collect();
        let heard_in = copies.to_vec();
        Repeat { start, end, partners: copies.iter().map(|c| c.0).collect(), start_by: By::Sound, end_by: By::Sound, sound: true, picture, here, heard_in, elsewhere, together: picture }
    }

    #[test]
    fn a_recap_the_model_saw_over_an_intro_is_cut_around_it() {
        // Family B 2050's Hollow Circuit E01: a 7.5 s intro after 4 s of text on black, inside
        // the 16.6 s the model took for a recap; what is left either side is too short for one.
        use crate::model::{DetectedSegment, Evidence};
        let recap = |a: f64, b: f64| DetectedSegment::by_model(a, b, 0.85);
        let intro = |a: f64, b: f64| DetectedSegment { start_by: vec![Evidence::Sound], end_by: vec![Evidence::Picture], ..DetectedSegment::by_model(a, b, 0.6) };
        let spans = |d: &crate::model::Detection| d.recaps.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>();
        let mut d = crate::model::Detection { intros: vec![], recaps: vec![recap(0.0, 16.6)], intro_probability: vec![], recap_probability: vec![] };
        recaps_around(&mut d, &intro(3.9, 11.4));
        assert!(d.recaps.is_empty(), "{:?}", d.recaps);
        // A recap before the intro, overlapping its first seconds, ends where it begins (placed
        // as the intro's start is); one wholly after it stays; one inside it goes.
        d.recaps = vec![recap(0.0, 24.0), recap(60.0, 70.0), recap(30.0, 40.0)];
        recaps_around(&mut d, &intro(20.0, 50.0));
        assert_eq!(spans(&d), vec![(0.0, 20.0), (60.0, 70.0)]);
        assert_eq!(d.recaps[0].end_by, vec![Evidence::Sound]);
        // One that starts inside and runs on begins at its end; one that spans it keeps only
        // its part before it (a recap comes before the intro).
        d.recaps = vec![recap(45.0, 58.0)];
        recaps_around(&mut d, &intro(20.0, 50.0));
        assert_eq!((spans(&d), d.recaps[0].start_by.clone()), (vec![(50.0, 58.0)], vec![Evidence::Picture]));
        d.recaps = vec![recap(0.0, 70.0)];
        recaps_around(&mut d, &intro(20.0, 50.0));
        assert_eq!(spans(&d), vec![(0.0, 20.0)]);
    }

    #[test]
    fn a_stretch_a_partner_plays_as_its_title_found_intro_is_the_intro_here_too() {
        // Last Empire E03 (the wider family-B set): 0–33.9 s plays in E04 at 102.9–137.0, which
        // E04's title card made its intro (102.9–136.8); a story stretch plays in E01.
        let story = seen_in(40.0, 60.0, &[(0, 150.0, 170.0)], true);
        let intro = seen_in(0.0, 33.9, &[(3, 102.9, 137.0)], true);
        let found = [(3, 102.9, 136.8)];
        assert_eq!(partners_titled(&[story.clone(), intro.clone()], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), Some((1, 0.0, 33.9, 3, false)));
        // Heard alone (no picture match) in a partner whose intro its title found, even where
        // the model here believes it (only a title-kept intro's whole copy counts heard alone:
        // `song_tests`), mostly outside the partner's intro, or in a partner with no title-found
        // intro: nothing.
        let heard = seen_in(0.0, 33.9, &[(3, 102.9, 137.0)], false);
        assert_eq!(partners_titled(&[heard], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| true), None);
        assert_eq!(partners_titled(&[seen_in(0.0, 33.9, &[(3, 120.0, 154.0)], true)], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), None, "half inside");
        assert_eq!(partners_titled(&[intro.clone()], &[(2, 102.9, 136.8)], 180.0, &|_| f64::INFINITY, false, &|_, _| false), None, "another partner's intro");
        // Seen in another partner only: the titled partner's copy is heard, not seen.
        let mut elsewhere_seen = seen_in(0.0, 33.9, &[(3, 102.9, 137.0)], false);
        elsewhere_seen.elsewhere.push((1, 50.0, 84.0));
        elsewhere_seen.here.push((1, 0.0, 33.9));
        elsewhere_seen.partners.push(1);
        assert_eq!(partners_titled(&[elsewhere_seen], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), None, "the titled partner's copy only heard");
        // Where several partners share parts of the stretch, this episode's part of the titled
        // partner's copy is taken; it is clipped to the window and must still be long enough.
        let mut shared = seen_in(0.0, 60.0, &[(1, 10.0, 30.0), (3, 102.9, 137.0)], true);
        shared.here = vec![(1, 40.0, 60.0), (3, 0.0, 33.9), (1, 40.0, 60.0), (3, 0.0, 33.9)];
        assert_eq!(partners_titled(&[shared], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), Some((0, 0.0, 33.9, 3, false)));
        assert_eq!(partners_titled(&[intro], &found, crate::features::align::MIN_SHORT_S - 1.0, &|_| f64::INFINITY, false, &|_, _| false), None, "too little of it in the window");
        // A partner heard past its window: its copy counts as far as that window goes (its
        // title-found intro, 150–180 s, cannot reach further).
        let past = seen_in(0.0, 60.0, &[(3, 150.0, 210.0)], true);
        let at_the_end = [(3, 150.0, 180.0)];
        assert_eq!(partners_titled(&[past.clone()], &at_the_end, 180.0, &|_| 180.0, false, &|_, _| false), Some((0, 0.0, 60.0, 3, false)));
        assert_eq!(partners_titled(&[past], &at_the_end, 180.0, &|_| f64::INFINITY, false, &|_, _| false), None, "half of the copy unseen");
        // A partner whose intro the title kept (its edges the model's), whose copy holds all of
        // that intro and runs on over story both share (6069's Bright Meadow: E04's 143.8–187.7
        // heard as E03's 21.0–64.9, E03's intro 22.5–52.5): this episode's part matching the
        // intro, only where asked for (`whole`) and where the copy holds most of that intro.
        let on = seen_in(143.8, 177.0, &[(2, 21.0, 64.9)], true);
        let mut on = on;
        on.here = vec![(2, 143.8, 187.7), (2, 143.8, 187.7)];
        let kept = [(2, 22.5, 52.5)];
        let got = partners_titled(&[on.clone()], &kept, 180.0, &|_| 180.0, true, &|_, _| false).expect("the intro's part");
        assert!((got.1 - 145.3).abs() < 1e-6 && (got.2 - 175.3).abs() < 1e-6 && got.3 == 2 && got.4, "{got:?}");
        assert_eq!(partners_titled(&[on.clone()], &kept, 180.0, &|_| 180.0, false, &|_, _| false), None, "two thirds of the copy inside");
        assert_eq!(partners_titled(&[on], &[(2, 10.0, 40.0)], 180.0, &|_| 180.0, true, &|_, _| false), None, "a copy of a third of that intro");
    }

    #[test]
    fn an_intro_found_by_its_title_in_a_piece_of_one_copy_takes_the_copy_two_partners_agree_on() {
        // Family B 2052's Hollow Forest E02: its 40 s intro plays in E03 and E04 (seen and
        // heard); a 4 s shot of E01's story looks like its start, so alignment made 2.1–16.0 a
        // three-partner piece, and the title was read there.
        let mut piece = seen_in(2.1, 16.0, &[(2, 0.0, 40.8), (3, 39.2, 80.2)], true);
        piece.here = vec![(2, 2.1, 41.2), (3, 2.1, 41.0), (2, 2.1, 41.2), (3, 2.1, 41.0)];
        piece.elsewhere.push((0, 115.0, 119.0));
        piece.here.push((0, 2.1, 6.1));
        piece.partners.push(0);
        assert_eq!(one_copy(&piece, (2.1, 16.0)), Some((2.1, 41.0)));
        // One partner alone does not stretch it (its match may run on into story it shares).
        let mut one = seen_in(2.1, 16.0, &[(2, 0.0, 40.8)], true);
        one.here = vec![(2, 2.1, 41.2), (2, 2.1, 41.2)];
        assert_eq!(one_copy(&one, (2.1, 16.0)), None);
        // Heard alone in them (no picture match beside): nothing either.
        let mut heard = seen_in(2.1, 16.0, &[(2, 0.0, 40.8), (3, 39.2, 80.2)], false);
        heard.here = vec![(2, 2.1, 41.2), (3, 2.1, 41.0)];
        assert_eq!(one_copy(&heard, (2.1, 16.0)), None);
    }

    #[test]
    fn a_stretch_only_seen_in_a_partner_s_title_found_intro_is_not_the_intro() {
        // Family B 2044's Quiet Frontier E01: 92.9–106.9 s (a fixed camera) is heard in E04's
        // story at 93.7–107.1, and 93–101 looks like E04's intro's first shot (5–9 s, picture
        // only: the intro plays its theme there). E04's intro was found by its title.
        let found = [(3, 4.6, 58.3)];
        let mut story = seen_in(92.9, 106.9, &[(3, 93.7, 107.1)], false);
        story.elsewhere.push((3, 5.0, 9.0));
        story.here.push((3, 93.0, 101.0));
        story.picture = true;
        assert_eq!(partners_titled(&[story.clone()], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), None);
        // Family C 2043's Northern Harbor E01: seen in E02's intro and heard nowhere.
        let mut seen = story.clone();
        seen.heard_in.clear();
        assert_eq!(partners_titled(&[seen], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), None);
        // Heard where that partner shows it (a sound match over the picture match's copy, itself
        // partly outside the intro): the intro here too, as far as the picture match goes.
        let mut intro = story.clone();
        intro.heard_in = vec![(3, 0.0, 14.0)];
        intro.elsewhere[0] = (3, 0.0, 14.0);
        assert_eq!(partners_titled(&[intro], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), Some((0, 93.0, 101.0, 3, false)));
        // Seen over most of the partner's intro, unheard (a theme mixed anew): the intro.
        let mut remixed = story;
        remixed.heard_in.clear();
        remixed.elsewhere = vec![(3, 5.0, 50.0)];
        remixed.here = vec![(3, 93.0, 138.0)];
        assert_eq!(partners_titled(&[remixed], &found, 180.0, &|_| f64::INFINITY, false, &|_, _| false), Some((0, 93.0, 138.0, 3, false)));
    }

    #[test]
    fn an_intro_found_by_its_title_is_as_long_as_the_copy_a_titled_partner_plays_as_its_intro() {
        // Quiet Frontier E02: its title was read in 27.0–56.2, a piece of the copy 2.5–56.2 that
        // E04 plays at 4.6–58.3 (seen and heard), cut there because a look-alike shot a third
        // episode shows claimed 12–26. E04's intro was found by its title over all of its copy.
        let mut piece = seen_in(27.0, 56.2, &[(3, 4.6, 58.3)], true);
        piece.here = vec![(3, 2.5, 56.2), (3, 2.5, 56.2)];
        assert_eq!(along_titled_partner(&piece, (27.0, 56.2), &[(1, 27.0, 56.2), (3, 4.6, 58.3)], 1), Some((2.5, 56.2)));
        // Not where the partner's intro holds only part of the copy, where the partner's intro was
        // not found by its title, or where the copy is only seen (no sound match carries it).
        assert_eq!(along_titled_partner(&piece, (27.0, 56.2), &[(1, 27.0, 56.2), (3, 29.0, 58.3)], 1), None);
        assert_eq!(along_titled_partner(&piece, (27.0, 56.2), &[(1, 27.0, 56.2)], 1), None);
        let mut seen = piece.clone();
        seen.heard_in.clear();
        assert_eq!(along_titled_partner(&seen, (27.0, 56.2), &[(1, 27.0, 56.2), (3, 4.6, 58.3)], 1), None);
        // Nothing past the intro already found: no reach.
        assert_eq!(along_titled_partner(&piece, (2.5, 56.2), &[(1, 2.5, 56.2), (3, 4.6, 58.3)], 1), None);
        // A copy running on 5 s past the partner's intro (story both play after it) reaches only
        // as far as that intro goes.
        let mut longer = seen_in(27.0, 61.2, &[(3, 4.6, 63.3)], true);
        longer.here = vec![(3, 2.5, 61.2), (3, 2.5, 61.2)];
        let reach = along_titled_partner(&longer, (27.0, 56.2), &[(1, 27.0, 56.2), (3, 4.6, 58.3)], 1).unwrap();
        assert!((reach.0 - 2.5).abs() < 1e-9 && (reach.1 - 56.2).abs() < 1e-9, "{reach:?}");
    }
}

#[cfg(test)]
mod song_tests {
    use super::super::*;
    use crate::features::align::{By, Repeat};
    use crate::model::{DetectedSegment, Detection};

    /// Heard (not seen) in partners at their own times (partner, start, end there).
    fn heard(start: f64, end: f64, copies: &[(usize, f64, f64)]) -> Repeat {
        let here = copies.iter().map(|&(p, _, _)| (p, start, end)).collect();
        Repeat { start, end, partners: copies.iter().map(|c| c.0).collect(), start_by: By::Sound, end_by: By::Sound, sound: true, picture: false, here, heard_in: copies.to_vec(), elsewhere: copies.to_vec(), together: false }
    }

    fn believing(spans: &[(u32, u32, f32)], intro: (f64, f64)) -> Detection {
        Detection {
            intros: vec![DetectedSegment::by_model(intro.0, intro.1, 0.97)],
            recaps: vec![],
            intro_probability: (0..180u32).map(|s| spans.iter().find(|(a, b, _)| (*a..*b).contains(&s)).map_or(0.02, |x| x.2)).collect(),
            recap_probability: vec![0.0; 180],
        }
    }

    /// Family C 2050's Hollow Circuit, as alignment and the model saw it: E01 shares nothing that
    /// matters; E02 (no intro), E03 and E04 play 7 s of story music (heard only, over other
    /// pictures), which the model takes for the intro at 1.00 in all three; E03 and E04 play a
    /// 7.5 s sting, heard only too (E03 letterboxed by cropping, E04 full frame), which the model
    /// believes at 0.9 and 1.0.
    fn hollow_circuit() -> (Vec<Detection>, Vec<Vec<Repeat>>) {
        let song = [(1, 82.9, 95.8), (2, 130.2, 137.2), (3, 83.4, 90.3)];
        let others = |e: usize| song.iter().copied().filter(|c| c.0 != e).collect::<Vec<_>>();
        let repeats = vec![
            vec![],
            vec![heard(82.9, 95.8, &others(1))],
            vec![heard(87.0, 94.5, &[(3, 75.8, 83.3)]), heard(130.2, 137.2, &others(2))],
            vec![heard(75.8, 83.3, &[(2, 87.0, 94.5)]), heard(83.4, 90.3, &others(3))],
        ];
        let detections = vec![
            believing(&[], (0.0, 0.0)),
            believing(&[(83, 104, 1.0)], (82.5, 104.5)),
            believing(&[(87, 95, 0.9), (125, 143, 1.0)], (124.5, 142.5)),
            believing(&[(75, 92, 1.0)], (74.5, 91.5)),
        ];
        let mut detections = detections;
        detections[0].intros.clear();
        // E03's model draws the sting as well as the song.
        detections[2].intros.insert(0, DetectedSegment::by_model(86.5, 94.5, 0.9));
        (detections, repeats)
    }

    #[test]
    fn story_music_heard_over_other_pictures_is_passed_over_where_a_sting_heard_alone_shows_the_title() {
        let (detections, repeats) = hollow_circuit();
        let seconds: Vec<u32> = (0..180).collect();
        let seconds: Vec<&[u32]> = vec![&seconds; 4];
        let story = vec![Vec::new(); 4];
        // Every repeat heard alone that the model believes is read: the songs and the stings.
        let heard = heard_believed(&detections, &seconds, &repeats, &story);
        assert_eq!(heard, vec![vec![], vec![0], vec![0, 1], vec![0, 1]]);
        // Passing over them changes the season's answer (the songs are every episode's pick).
        assert!(crate::model::season::story_changes(&detections, &seconds, &repeats, &story, &heard));
        // The title read in E03's sting (at 1:30), not in E04's copy of it: the songs are story,
        // and so is E04's copy (its partner's title path finds it again).
        let reads = vec![vec![], vec![None], vec![Some(90), None], vec![None, None]];
        let songs = untitled_where_titled(heard.clone(), &reads);
        assert_eq!(songs, vec![vec![], vec![0], vec![1], vec![0, 1]]);
        // No title read anywhere (a series without a card): nothing says which is the intro.
        let unread = vec![vec![], vec![None], vec![None, None], vec![None, None]];
        assert_eq!(untitled_where_titled(heard, &unread), vec![Vec::<usize>::new(); 4]);
        // Judged with the songs passed over, no episode keeps the story music as its intro
        // (before, all three did); the season then repeats no intro, and the title finds the
        // stings (`titled`, `titled_repeats`: the run on the set).
        let mut judged = detections.clone();
        crate::model::season::judge_season_with(&mut judged, &seconds, &repeats, &songs);
        let on_song = |d: &Detection, (a, b): (f64, f64)| d.intros.iter().any(|i| i.end.min(b) - i.start.max(a) > 0.5 * (b - a));
        let intros: Vec<_> = judged.iter().map(|d| d.intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>()).collect();
        assert!(!on_song(&judged[1], (82.9, 95.8)) && !on_song(&judged[2], (130.2, 137.2)) && !on_song(&judged[3], (83.4, 90.3)), "{intros:?}");
        let mut unjudged = detections;
        crate::model::season::judge_season_with(&mut unjudged, &seconds, &repeats, &story);
        assert!(on_song(&unjudged[1], (82.9, 95.8)) && on_song(&unjudged[2], (130.2, 137.2)) && on_song(&unjudged[3], (83.4, 90.3)), "{:?}", unjudged.iter().map(|d| d.intros.iter().map(|i| (i.start, i.end)).collect::<Vec<_>>()).collect::<Vec<_>>());
    }

    #[test]
    fn a_sting_heard_alone_is_a_titled_partner_s_intro_here_only_whole_and_where_the_model_believes_it() {
        // E04's copy of the sting E03's title kept (E03 87.0–94.5): heard only.
        let sting = heard(75.8, 83.3, &[(2, 87.0, 94.5)]);
        let kept = [(2, 87.0, 94.5)];
        let yes = |_: f64, _: f64| true;
        let no = |_: f64, _: f64| false;
        assert_eq!(partners_titled(&[sting.clone()], &kept, 180.0, &|_| 180.0, true, &yes), Some((0, 75.8, 83.3, 2, false)));
        assert_eq!(partners_titled(&[sting.clone()], &kept, 180.0, &|_| 180.0, true, &no), None, "the model does not believe it here");
        // Only a title-kept intro's copy (`whole`): a heard copy of an intro found by its title
        // in a repeat seen again stays as before.
        assert_eq!(partners_titled(&[sting.clone()], &kept, 180.0, &|_| 180.0, false, &yes), None, "not a kept intro");
        // Inside that intro but holding less than most of it (5 s of 7.5).
        let inside = heard(76.8, 81.8, &[(2, 88.0, 93.0)]);
        assert_eq!(partners_titled(&[inside], &kept, 180.0, &|_| 180.0, true, &yes), None, "a part of it");
        // A copy of a third of that intro, heard, running on over story: a score cue, not it.
        let part = heard(75.8, 90.0, &[(2, 92.0, 106.2)]);
        assert_eq!(partners_titled(&[part], &kept, 180.0, &|_| 180.0, true, &yes), None);
        // Heard over more than the intro (the copy mostly outside it): only its part would be
        // the intro, which a sound alone does not place.
        let longer = heard(70.0, 90.0, &[(2, 81.0, 101.0)]);
        assert_eq!(partners_titled(&[longer], &kept, 180.0, &|_| 180.0, true, &yes), None);
    }
}
