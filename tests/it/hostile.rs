//! The hostile-input corpus (`scripts/hostile-corpus.py`: broken, odd and valid-but-unusual media
//! and label files) through every CLI command, as a user meets them: no panic, no hang, no run over
//! 1 GiB, and the expected class of answer — success, or one line that names the file.

use crate::common::*;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(serde::Deserialize)]
struct Entry {
    name_hex: String,
    class: String,
    why: String,
    /// The class for `eval` where it differs (it reads a season's labels where export reads one).
    #[serde(default)]
    eval: Option<String>,
}

#[derive(serde::Deserialize)]
struct Manifest {
    media: Vec<Entry>,
    labels: Vec<Entry>,
}

fn corpus() -> (PathBuf, Manifest) {
    let dir = introskip::paths::cache_dir().join("hostile");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/hostile-corpus.py");
    let out = Command::new("python3").arg(&script).arg(&dir).output().expect("python3 runs");
    assert!(out.status.success(), "building the corpus: {}", String::from_utf8_lossy(&out.stderr));
    let manifest = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    (dir, manifest)
}

fn name_of(e: &Entry) -> OsString {
    let bytes: Vec<u8> = (0..e.name_hex.len()).step_by(2).map(|i| u8::from_str_radix(&e.name_hex[i..i + 2], 16).unwrap()).collect();
    OsString::from_vec(bytes)
}

/// Peak resident memory of any child this process has waited for, in bytes.
fn children_peak_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run with a time limit; a run past it is killed and reported, not waited for. Both pipes are
/// read while it runs (a batch can print more than a pipe holds).
fn run(mut cmd: Command, limit: Duration) -> Result<Outcome, String> {
    use std::io::Read;
    let shown = format!("{cmd:?}");
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| format!("{shown}: {e}"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Outcome { code: status.code(), stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("HANG: {shown} ran past {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Judge one run against its expected class; returns what is wrong, if anything.
fn judge(what: &str, file: &Path, class: &str, outcome: Result<Outcome, String>) -> Option<String> {
    let o = match outcome {
        Ok(o) => o,
        Err(hang) => return Some(hang),
    };
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    if o.stderr.contains("panicked") || o.stderr.contains("internal error") || !matches!(o.code, Some(0 | 1)) {
        return Some(format!("CRASH: {what} {name:?}: exit {:?}: {}", o.code, o.stderr.trim()));
    }
    if o.stderr.bytes().any(|b| b == 0x1b || b == 0x07) {
        return Some(format!("RAW CONTROL BYTES: {what} {name:?}: {:?}", o.stderr));
    }
    let errors: Vec<&str> = o.stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
    match (class, o.code) {
        ("ok", Some(0)) | ("any", Some(0)) => None,
        ("ok", _) => Some(format!("REFUSED: {what} {name:?} should work: {}", o.stderr.trim())),
        ("error", Some(0)) => Some(format!("ACCEPTED: {what} {name:?} should be refused; it printed {}", o.stdout.chars().take(200).collect::<String>())),
        (_, _) if errors.len() != 1 => Some(format!("NOT ONE LINE: {what} {name:?}: {}", o.stderr.trim())),
        (_, _) => {
            // The line names the file (as the file name's printable form).
            let printable = introskip::error::printable(&name).into_owned();
            (!errors[0].contains(&printable)).then(|| format!("WRONG FILE NAMED: {what} {name:?}: {}", errors[0]))
        }
    }
}

#[test]
fn every_command_survives_the_hostile_corpus() {
    let (dir, manifest) = corpus();
    assert!(manifest.media.len() >= 200, "{} media files", manifest.media.len());
    assert!(manifest.labels.len() >= 150, "{} label files", manifest.labels.len());
    let media_dir = dir.join("media");
    let label_dir = dir.join("labels");
    let out = tempfile::tempdir().unwrap();
    let good_media = media_dir.join("h264.mp4");
    let good_labels = label_dir.join("ours.json");
    let mut problems: Vec<String> = Vec::new();
    let mut runs = 0usize;
    fn check(problems: &mut Vec<String>, runs: &mut usize, what: &str, file: &Path, class: &str, cmd: Command, limit: u64) {
        let before = children_peak_rss();
        let verdict = judge(what, file, class, run(cmd, Duration::from_secs(limit)));
        *runs += 1;
        let after = children_peak_rss();
        if after > before && after > 1 << 30 {
            // Runs on two workers overlap: the peak is this run's or the one beside it.
            problems.push(format!("MEMORY: {what} {:?} (or the run beside it) peaked at {} MiB", file.file_name().unwrap_or_default(), after >> 20));
        }
        problems.extend(verdict);
    }
    // The commands that take many files (probe, sample, embed, search --ocr, detect) run over the
    // corpus in batches, as a user passes a season to them; export and remux (one output per
    // input) run once per file. Every process start pays ~0.7 s of libtorch's start-up (it is
    // linked for the model): one run per file and command was 1,859 processes and most of this
    // test's 14 minutes. All of it on as many workers as there are cores (up to 4), each worker
    // writing into its own folder.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    let media: Vec<&Entry> = manifest.media.iter().collect();
    let chunk = media.len().div_ceil(workers).max(1);
    let done: Vec<(Vec<String>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = media
            .chunks(chunk)
            .enumerate()
            .map(|(w, part)| {
                let (media_dir, good_labels) = (&media_dir, &good_labels);
                let out = out.path().join(format!("worker{w}"));
                scope.spawn(move || {
                    std::fs::create_dir_all(&out).unwrap();
                    let (mut problems, mut runs) = (Vec::new(), 0usize);
                    let files: Vec<(PathBuf, &Entry)> = part.iter().map(|e| (media_dir.join(name_of(e)), *e)).collect();
                    for batch in files.chunks(32) {
                        check_batches(&mut problems, &mut runs, batch, &out);
                    }
                    // export and remux write <episode>.* into one folder: batches whose episodes
                    // have different names, each episode's labels copied to <episode>.segments.json.
                    let batches = distinct_stems(&files.iter().collect::<Vec<_>>(), 32);
                    for (n, batch) in batches.iter().enumerate() {
                        let alone = check_copies(&mut problems, &mut runs, batch, good_labels, &out.join(format!("copies{n}")));
                        for e in alone {
                            check_media(&mut problems, &mut runs, media_dir, good_labels, &out, e);
                        }
                    }
                    (problems, runs)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (p, r) in done {
        problems.extend(p);
        runs += r;
    }
    /// `files` in batches of at most `size` in which no two share an episode name (their stem, as
    /// outputs name it): what a command prints or writes per episode then tells them apart.
    fn distinct_stems<'a, 'e>(files: &[&'a (PathBuf, &'e Entry)], size: usize) -> Vec<Vec<&'a (PathBuf, &'e Entry)>> {
        let stem = |f: &Path| f.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let mut batches: Vec<Vec<&(PathBuf, &Entry)>> = Vec::new();
        for &f in files {
            match batches.iter_mut().find(|b| b.len() < size && b.iter().all(|g| stem(&g.0) != stem(&f.0))) {
                Some(b) => b.push(f),
                None => batches.push(vec![f]),
            }
        }
        batches
    }
    /// One run over a batch of `n` files, held to what every run must do: finish in time, under
    /// 1 GiB, without a crash, and print no raw escape sequence (a file name's, on either stream).
    /// The outcome, for the per-file checks; None where the run already failed as a whole.
    fn run_batch(problems: &mut Vec<String>, runs: &mut usize, what: &str, cmd: Command, n: usize) -> Option<Outcome> {
        let before = children_peak_rss();
        let outcome = run(cmd, Duration::from_secs(600));
        *runs += 1;
        let after = children_peak_rss();
        if after > before && after > 1 << 30 {
            problems.push(format!("MEMORY: {what} on a batch of {n} (or the run beside it) peaked at {} MiB", after >> 20));
        }
        let o = match outcome {
            Err(hang) => {
                problems.push(hang);
                return None;
            }
            Ok(o) => o,
        };
        if o.stderr.contains("panicked") || o.stderr.contains("internal error") || !matches!(o.code, Some(0 | 1)) {
            problems.push(format!("CRASH: {what} batch: exit {:?}: {}", o.code, o.stderr.trim()));
            return None;
        }
        if (o.stderr.clone() + &o.stdout).bytes().any(|b| b == 0x1b || b == 0x07) {
            problems.push(format!("RAW CONTROL BYTES: {what} batch: {:?} {:?}", o.stdout, o.stderr));
        }
        Some(o)
    }
    /// What a batch run must say as a whole, once its files' verdicts are in: exit 1 and "K of N
    /// episodes failed" where K files were refused, exit 0 where none was; and no error line
    /// that names none of them.
    fn check_summary(problems: &mut Vec<String>, what: &str, o: &Outcome, refused: usize, n: usize, named: usize) {
        let errors: Vec<&str> = o.stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
        let expected = if refused == 0 { 0 } else { 1 };
        if o.code != Some(expected) {
            problems.push(format!("EXIT: {what} batch exited {:?} with {refused} of {n} files refused: {}", o.code, o.stderr.trim()));
        }
        let summary = format!("{refused} of {n} episodes failed");
        let summaries = errors.iter().filter(|l| l.contains("episodes failed")).count();
        if (refused >= 1 && n >= 2 && (summaries != 1 || !errors.iter().any(|l| l.contains(&summary)))) || (refused == 0 && summaries != 0) {
            problems.push(format!("SUMMARY: {what} batch: expected \"{summary}\": {}", o.stderr.trim()));
        }
        if errors.len() != named + summaries {
            problems.push(format!("STRAY ERROR: {what} batch: {} error lines for {named} refused files: {}", errors.len(), o.stderr.trim()));
        }
    }
    /// The many-file commands over one batch: each file answered (by name in the output) or
    /// refused in exactly one line that names it, as its class says.
    fn check_batches(problems: &mut Vec<String>, runs: &mut usize, batch: &[(PathBuf, &Entry)], out: &Path) {
        let lossy = |f: &Path| f.to_string_lossy().into_owned();
        let json_files = |stdout: &str| -> Vec<String> {
            stdout.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).filter_map(|v| v["file"].as_str().map(str::to_owned)).collect()
        };
        type Answered = Box<dyn Fn(&str) -> Vec<String>>;
        let mut commands: Vec<(&str, Command, Answered)> = Vec::new();
        let mut probe = introskip();
        probe.args(["probe", "--json"]);
        commands.push(("probe --json", probe, Box::new(|stdout: &str| {
            // An array for several files (an object for one).
            let all: Vec<serde_json::Value> = match serde_json::from_str(stdout.trim()) {
                Ok(serde_json::Value::Array(all)) => all,
                Ok(one) => vec![one],
                Err(_) => Vec::new(),
            };
            all.iter().filter_map(|v| v["path"].as_str().map(str::to_owned)).collect()
        })));
        // As a person reads it: each file's block opens with its path on a line of its own,
        // control characters escaped (a name's newline must not split it).
        let mut text = introskip();
        text.arg("probe");
        commands.push(("probe", text, Box::new(|stdout: &str| stdout.lines().filter(|l| !l.starts_with(' ')).map(str::to_owned).collect())));
        let mut sample = introskip();
        sample.args(["sample", "--json", "--window", "8"]);
        commands.push(("sample", sample, Box::new(json_files)));
        let mut embed = introskip();
        embed.args(["embed", "--json", "--window", "8", "--no-cache", "--out"]).arg(out.join("npy"));
        commands.push(("embed", embed, Box::new(json_files)));
        // Words on screen: each file is sampled again at full size and its text read. Nothing is
        // printed per file, so a file counts as answered when it is not refused.
        #[cfg(feature = "ocr")]
        {
            let mut ocr = introskip();
            ocr.args(["search", "--ocr", "credits", "--window", "8"]);
            commands.push(("search --ocr", ocr, Box::new(|_: &str| vec!["*".to_owned()])));
        }
        for (what, mut cmd, answered) in commands {
            for (f, _) in batch {
                cmd.arg(f);
            }
            let Some(o) = run_batch(problems, runs, what, cmd, batch.len()) else { continue };
            let answers = answered(&o.stdout);
            let errors: Vec<&str> = o.stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
            // Each file's own time (sample and embed print it): a batch's limit is the sum.
            let times = o.stdout.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).filter_map(|v| Some((v["file"].as_str()?.to_owned(), v["elapsed_s"].as_f64()?)));
            for (f, t) in times.filter(|(_, t)| *t > 60.0) {
                problems.push(format!("SLOW: {what} {f:?} took {t:.0} s"));
            }
            let (mut refused, mut named_lines) = (0, 0);
            for (f, e) in batch {
                // The path as the line quotes it, with the colon after it: `h264.mp4` is not
                // `h264.mp4.cut02.mp4`.
                let printable = introskip::error::printable(&f.display().to_string()).into_owned();
                let named = format!("{printable}:");
                let refusals = errors.iter().filter(|l| l.contains(&named)).count();
                let by_name = answers.iter().any(|a| *a == lossy(f) || *a == printable);
                let answer = by_name || answers.iter().any(|a| a == "*");
                refused += usize::from(refusals > 0);
                named_lines += refusals;
                let name = f.file_name().unwrap_or_default();
                match e.class.as_str() {
                    "ok" if !(answer && refusals == 0) => problems.push(format!("REFUSED: {what} {name:?} should work: {}", errors.iter().find(|l| l.contains(&named)).copied().unwrap_or("no answer for it"))),
                    "error" if refusals != 1 || by_name => problems.push(format!("NOT REFUSED ONCE: {what} {name:?} is named in {refusals} error lines; stdout {}", if by_name { "answers it" } else { "does not answer it" })),
                    "any" if !(refusals == 1 && !by_name || (refusals == 0 && answer)) => problems.push(format!("SILENT OR BOTH: {what} {name:?}: named in {refusals} error lines, answered: {by_name}")),
                    _ => {}
                }
            }
            check_summary(problems, what, &o, refused, batch.len(), named_lines);
        }
    }
    /// export and remux over one batch: each file's copy written, or the file named in exactly one
    /// error line, as its class says. Returns the files whose labels could not be put beside the
    /// others (a name too long for `.segments.json`), to run one at a time.
    fn check_copies<'a>(problems: &mut Vec<String>, runs: &mut usize, batch: &[&(PathBuf, &'a Entry)], good_labels: &Path, dir: &Path) -> Vec<&'a Entry> {
        let labels = dir.join("labels");
        std::fs::create_dir_all(&labels).unwrap();
        let (mut given, mut alone) = (Vec::new(), Vec::new());
        for (f, e) in batch.iter().copied() {
            let mut name = f.file_stem().unwrap_or_default().to_os_string();
            name.push(".segments.json");
            match std::fs::copy(good_labels, labels.join(name)) {
                Ok(_) => given.push((f, *e)),
                Err(_) => alone.push(*e),
            }
        }
        if given.is_empty() {
            return alone;
        }
        let out_of = |what: &str| dir.join(what);
        for (what, ext) in [("export", "ffmetadata.txt"), ("remux", "mkv")] {
            let target = out_of(what);
            std::fs::create_dir_all(&target).unwrap();
            let mut cmd = introskip();
            match what {
                "export" => cmd.args(["export", "--format", "ffmetadata", "--segments"]),
                _ => cmd.args(["remux", "--segments"]),
            };
            cmd.arg(&labels).arg("--out").arg(&target);
            for (f, _) in &given {
                cmd.arg(f);
            }
            let Some(o) = run_batch(problems, runs, what, cmd, given.len()) else { continue };
            let errors: Vec<&str> = o.stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
            // One line per copy, each naming it (a name's newline or tab is shown escaped).
            let folder = target.display().to_string();
            if let Some(l) = o.stdout.lines().find(|l| !l.starts_with(&folder) || l.contains('\t')) {
                problems.push(format!("BROKEN LINE: {what} batch printed {l:?}"));
            }
            let (mut refused, mut named_lines) = (0, 0);
            for (f, e) in &given {
                let named = format!("{}:", introskip::error::printable(&f.display().to_string()));
                let refusals = errors.iter().filter(|l| l.contains(&named)).count();
                refused += usize::from(refusals > 0);
                named_lines += refusals;
                // Named after the episode as outputs name it (a name that is not UTF-8 with U+FFFD).
                let written = target.join(format!("{}.{ext}", f.file_stem().unwrap_or_default().to_string_lossy())).exists();
                let name = f.file_name().unwrap_or_default();
                // A valid file may still be refused by remux (a container MKV cannot take), never crash.
                let class = if what == "remux" && e.class == "ok" { "any" } else { e.class.as_str() };
                match class {
                    "ok" if !(written && refusals == 0) => problems.push(format!("REFUSED: {what} {name:?} should work: {}", errors.iter().find(|l| l.contains(&named)).copied().unwrap_or("nothing written"))),
                    "error" if refusals != 1 || written => problems.push(format!("NOT REFUSED ONCE: {what} {name:?}: named in {refusals} error lines, copy written: {written}")),
                    "any" if !(refusals == 1 || (refusals == 0 && written)) => problems.push(format!("SILENT: {what} {name:?}: neither written nor named once")),
                    _ => {}
                }
            }
            check_summary(problems, what, &o, refused, given.len(), named_lines);
        }
        alone
    }
    fn check_media(problems: &mut Vec<String>, runs: &mut usize, media_dir: &Path, good_labels: &Path, out: &Path, e: &Entry) {
        let file = media_dir.join(name_of(e));
        let mut export = introskip();
        export.args(["export", "--format", "ffmetadata", "--segments"]).arg(good_labels).arg("--out").arg(out.join("x.ffmeta")).arg(&file);
        check(problems, runs, "export", &file, &e.class, export, 30);
        // A stream copy with chapters: containers FFmpeg reads but cannot write into MKV (or files
        // without a duration) are refused by name; a valid file may still be refused, never crash.
        let mut remux = introskip();
        remux.args(["remux", "--segments"]).arg(good_labels).arg("--out").arg(out.join("copy.mkv")).arg(&file);
        let class = if e.class == "ok" { "any" } else { e.class.as_str() };
        check(problems, runs, "remux", &file, class, remux, 60);
        let _ = &e.why;
    }
    // detect: the whole corpus in batches, each episode alone; one bad file must not stop the others.
    let names: Vec<(PathBuf, &Entry)> = manifest.media.iter().map(|e| (media_dir.join(name_of(e)), e)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = names.chunks(names.len().div_ceil(workers).max(1)).map(|part| scope.spawn(move || detect_batches(part))).collect();
        for h in handles {
            let (p, r) = h.join().unwrap();
            problems.extend(p);
            runs += r;
        }
    });
    fn detect_batches(names: &[(PathBuf, &Entry)]) -> (Vec<String>, usize) {
        let (mut problems, mut runs) = (Vec::new(), 0usize);
        // detect answers by episode name (the stem): no two in a batch share one.
        for batch in distinct_stems(&names.iter().collect::<Vec<_>>(), 40) {
            let mut detect = introskip();
            detect.args(["detect", "--single", "--no-snap", "--window", "8"]);
            for (f, _) in &batch {
                detect.arg(f);
            }
            let Some(o) = run_batch(&mut problems, &mut runs, "detect", detect, batch.len()) else { continue };
            let errors: Vec<&str> = o.stderr.lines().filter(|l| l.starts_with("introskip: error:")).collect();
            let (mut refused, mut named_lines) = (0, 0);
            for (f, e) in &batch {
                // Names are printed with control characters escaped.
                let stem = introskip::error::printable(&f.file_stem().unwrap_or_default().to_string_lossy()).into_owned();
                let answered = o.stdout.lines().any(|l| l.starts_with(&format!("{stem}: ")));
                let named = format!("{}:", introskip::error::printable(&f.display().to_string()));
                let refusals = errors.iter().filter(|l| l.contains(&named)).count();
                refused += usize::from(refusals > 0);
                named_lines += refusals;
                let name = f.file_name().unwrap_or_default();
                match e.class.as_str() {
                    "ok" if !(answered && refusals == 0) => problems.push(format!("REFUSED: detect {name:?}: {}", errors.iter().find(|l| l.contains(&named)).copied().unwrap_or("no word about it"))),
                    "error" if refusals != 1 || answered => problems.push(format!("NOT REFUSED ONCE: detect {name:?}: named in {refusals} error lines, answered: {answered}")),
                    "any" if !(refusals == 1 && !answered || refusals == 0 && answered) => problems.push(format!("SILENT OR BOTH: detect {name:?}: named in {refusals} error lines, answered: {answered}")),
                    _ => {}
                }
            }
            check_summary(&mut problems, "detect", &o, refused, batch.len(), named_lines);
        }
        (problems, runs)
    }
    // scenes: a "season" of hostile files is clustered from what could be read; the rest is named.
    for batch in names.chunks(40).take(2) {
        let mut scenes = introskip();
        scenes.args(["scenes", "--window", "8"]);
        for (f, _) in batch {
            scenes.arg(f);
        }
        match run(scenes, Duration::from_secs(600)) {
            Err(hang) => problems.push(hang),
            Ok(o) => {
                runs += 1;
                if o.stderr.contains("panicked") || o.stderr.contains("internal error") || !matches!(o.code, Some(0 | 1)) {
                    problems.push(format!("CRASH: scenes batch: exit {:?}: {}", o.code, o.stderr));
                }
            }
        }
    }
    // Label files: one per run (each is the --segments of one export, the truth of one eval), on
    // the workers too, each writing into its own folder.
    let labels: Vec<&Entry> = manifest.labels.iter().collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = labels
            .chunks(labels.len().div_ceil(workers).max(1))
            .enumerate()
            .map(|(w, part)| {
                let (label_dir, good_media, good_labels) = (&label_dir, &good_media, &good_labels);
                let out = out.path().join(format!("labels{w}"));
                scope.spawn(move || {
                    std::fs::create_dir_all(&out).unwrap();
                    let (mut problems, mut runs) = (Vec::new(), 0usize);
                    for e in part {
                        let file = label_dir.join(name_of(e));
                        let mut export = introskip();
                        export.args(["export", "--format", "json", "--segments"]).arg(&file).arg("--out").arg(out.join("y.json")).arg(good_media);
                        check(&mut problems, &mut runs, "export --segments", &file, &e.class, export, 30);
                        let mut eval = introskip();
                        eval.args(["eval", "--truth"]).arg(&file).args(["--pred"]).arg(good_labels);
                        // eval reads our JSON and SIS only: other formats are refused, and must be refused well.
                        let class = match &e.eval {
                            Some(c) => c.as_str(),
                            None if e.class == "ok" && !file.extension().is_some_and(|x| x == "json") => "any",
                            None => e.class.as_str(),
                        };
                        check(&mut problems, &mut runs, "eval --truth", &file, class, eval, 30);
                    }
                    (problems, runs)
                })
            })
            .collect();
        for h in handles {
            let (p, r) = h.join().unwrap();
            problems.extend(p);
            runs += r;
        }
    });
    // Devices: endless or blocking input is refused at once.
    for special in ["/dev/zero", "/dev/urandom"] {
        for args in [vec!["probe"], vec!["export", "--format", "json", "--segments", special, "--out"]] {
            let mut c = introskip();
            c.args(&args);
            if args.len() > 1 {
                c.arg(out.path().join("z.json")).arg(&good_media);
            } else {
                c.arg(special);
            }
            check(&mut problems, &mut runs, "device", Path::new(special), "error", c, 20);
        }
    }
    eprintln!("hostile corpus: {} media, {} label files, {runs} runs, {} problems", manifest.media.len(), manifest.labels.len(), problems.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ep.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    // `introskip probe x --json | head -c0`: stdout is closed before anything is written.
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!("'{}' probe --json '{}' | head -c0; echo \"${{PIPESTATUS[0]}}\"", env!("CARGO_BIN_EXE_introskip"), f.display()));
    let c = {
        let mut b = Command::new("bash");
        b.args(c.get_args());
        b
    };
    let o = run(c, Duration::from_secs(30)).unwrap();
    assert!(!o.stderr.contains("panicked") && !o.stderr.contains("Broken pipe"), "{}", o.stderr);
    let status: i32 = o.stdout.trim().parse().unwrap();
    // Ended by SIGPIPE (141 in the shell) or exit 0, as command-line tools do.
    assert!(status == 0 || status == 141, "exit status {status}: {}", o.stderr);
}

#[test]
fn a_zero_window_is_refused_and_nothing_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ep.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    for cmd in ["detect", "embed", "sample"] {
        let mut c = introskip();
        c.args([cmd, "--window", "0"]).arg(&f);
        let o = run(c, Duration::from_secs(60)).unwrap();
        assert_eq!(o.code, Some(1), "{cmd}: {}", o.stderr);
        assert!(o.stderr.contains("at least 1 second"), "{cmd}: {}", o.stderr);
        assert!(!o.stdout.contains("no intro found"), "{cmd}: {}", o.stdout);
    }
}

#[test]
fn one_unreadable_episode_does_not_stop_the_season() {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=2 {
        let f = dir.path().join(format!("Show - S01E0{n}.mp4"));
        ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=6", "-c:v", "libx264", "-pix_fmt", "yuv420p", f.to_str().unwrap()]);
    }
    std::fs::write(dir.path().join("Show - S01E03.mp4"), b"broken").unwrap();
    let mut c = introskip();
    c.args(["detect", "--window", "6", "--no-snap"]).arg(dir.path());
    let o = run(c, Duration::from_secs(120)).unwrap();
    assert_eq!(o.code, Some(1), "a failure means a non-zero exit: {}", o.stderr);
    assert!(o.stdout.contains("Show - S01E01: ") && o.stdout.contains("Show - S01E02: "), "the others are judged: {}", o.stdout);
    assert!(o.stderr.contains("Show - S01E03.mp4: not a media file"), "{}", o.stderr);
    assert!(o.stderr.contains("1 of 3 episodes failed"), "{}", o.stderr);
}
