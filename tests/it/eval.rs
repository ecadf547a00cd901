//! `introskip eval` and the baseline as a user runs them: on the demo season, on SIS labels, and on
//! malformed files (a clear error naming the file and the field).

use crate::common::*;

#[test]
fn baseline_finds_the_demo_intros_and_eval_scores_them() {
    let demo = introskip::paths::demo_dir();
    let out = tempfile::tempdir().unwrap();
    let mut c = introskip();
    c.arg("baseline").arg(&demo).arg("--out").arg(out.path());
    let o = run_with_timeout(c, 120);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut c = introskip();
    c.args(["eval", "--json", "--truth"]).arg(&demo).arg("--pred").arg(out.path());
    let o = run_with_timeout(c, 60);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["episodes"].as_array().unwrap().len(), 3);
    assert_eq!(r["micro"]["f1"], 1.0, "{r}");
    assert_eq!(r["mean_iou"], 1.0);
    // The reference-style closing erases intro frames at a window's first second (S01E01/E03).
    assert!(r["reference_style"]["frames"]["recall"].as_f64().unwrap() < 1.0);
}

#[test]
fn reads_sis_labels_and_names_bad_fields() {
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("labels.json");
    std::fs::write(&truth, r#"{"a1": {"url": "u", "name": "ep1", "start": "0:00:30", "end": "0:00:50"}}"#).unwrap();
    let pred = dir.path().join("pred.json");
    std::fs::write(&pred, r#"{"x": {"url": "u", "name": "ep1", "start": "0:00:35", "end": "0:00:55"}}"#).unwrap();
    let mut c = introskip();
    c.args(["eval", "--json", "--truth"]).arg(&truth).arg("--pred").arg(&pred);
    let o = run_with_timeout(c, 30);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["micro"]["precision"], 0.75);
    assert_eq!(r["episodes"][0]["start_error"], 5.0);

    std::fs::write(&pred, r#"{"x": {"name": "ep1", "start": "0:00:35", "end": "soon"}}"#).unwrap();
    let mut c = introskip();
    c.args(["eval", "--truth"]).arg(&truth).arg("--pred").arg(&pred);
    let o = run_with_timeout(c, 30);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&pred.display().to_string()) && err.contains("x.end") && err.contains("'soon'"), "{err}");

    std::fs::write(&pred, "{ not json").unwrap();
    let mut c = introskip();
    c.args(["eval", "--truth"]).arg(&truth).arg("--pred").arg(&pred);
    let o = run_with_timeout(c, 30);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not valid JSON"));
}
