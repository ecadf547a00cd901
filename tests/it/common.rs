use std::path::{Path, PathBuf};
use std::process::Command;

/// Run the ffmpeg CLI quietly; panics with its stderr when it fails (a broken fixture, not a test result).
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-y", "-nostdin"])
        .args(args)
        .output()
        .expect("the ffmpeg CLI is installed (scripts/setup-system.sh test)");
    assert!(out.status.success(), "ffmpeg {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A clip whose frame N shows N in binary: a 4x4 grid of 32 px blocks, bit b = block b (row-major),
/// white for 1. Survives lossy coding, scaling and colour conversion.
pub fn counter_clip(dir: &Path, name: &str, rate: &str, seconds: f64, encode: &[&str], extra_filter: Option<&str>) -> PathBuf {
    let path = dir.join(name);
    let mut vf = "geq=lum='if(mod(floor(N/pow(2,floor(X/32)+4*floor(Y/32))),2),235,16)':cb=128:cr=128".to_string();
    if let Some(f) = extra_filter {
        vf.push(',');
        vf.push_str(f);
    }
    let src = format!("color=c=black:s=128x128:r={rate}:d={seconds}");
    let mut args = vec!["-f", "lavfi", "-i", &src, "-vf", &vf, "-pix_fmt", "yuv420p"];
    args.extend_from_slice(encode);
    let p = path.to_str().unwrap().to_string();
    args.push(&p);
    ffmpeg(&args);
    path
}

/// Read the frame number drawn by [`counter_clip`] from a decoded frame of any size.
pub fn read_counter(img: &image::RgbImage) -> u32 {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let mut n = 0;
    for bit in 0..16 {
        let (bx, by) = ((bit % 4) as f32, (bit / 4) as f32);
        let (cx, cy) = (((bx + 0.5) * w / 4.0) as u32, ((by + 0.5) * h / 4.0) as u32);
        let mut sum = 0u32;
        let mut count = 0u32;
        for y in cy.saturating_sub(3)..(cy + 3).min(img.height()) {
            for x in cx.saturating_sub(3)..(cx + 3).min(img.width()) {
                let p = img.get_pixel(x, y);
                sum += (p[0] as u32 + p[1] as u32 + p[2] as u32) / 3;
                count += 1;
            }
        }
        if sum / count.max(1) > 128 {
            n |= 1 << bit;
        }
    }
    n
}

/// Frame presentation times in display order and the file's start time, from ffprobe.
pub fn ffprobe_frame_times(path: &Path) -> (f64, Vec<f64>) {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let mut times: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    times.sort_by(f64::total_cmp);
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let start = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0.0);
    (start, times)
}

/// The binary under test.
pub fn introskip() -> Command {
    Command::new(env!("CARGO_BIN_EXE_introskip"))
}

/// Run with a deadline: bad input must never hang.
pub fn run_with_timeout(mut cmd: Command, seconds: u64) -> std::process::Output {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn introskip");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Python with Pillow and NumPy (Debian's python3-pil / python3-numpy, installed by the test setup).
pub fn reference_python() -> &'static str {
    for candidate in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import PIL, numpy"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return candidate;
        }
    }
    panic!("no Python with Pillow and NumPy: run scripts/setup-system.sh test");
}

/// Load a little-endian float32 `.npy` written by NumPy.
pub fn read_npy_f32(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let (header_len, start) = if bytes[6] == 1 {
        (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10)
    } else {
        (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
    };
    let header = std::str::from_utf8(&bytes[start..start + header_len]).unwrap();
    assert!(header.contains("'<f4'") && header.contains("'fortran_order': False"), "{header}");
    bytes[start + header_len..].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}
