//! Chooses the front end: a subcommand runs the command line, anything else opens the app.
//! Neither front end imports the other.

use clap::Parser;
use introskip::cli::Cli;

fn main() {
    // libtorch sizes its OpenMP pool at start-up: one thread per core unless the user chose.
    if std::env::var_os("OMP_NUM_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: set before any other thread exists.
        unsafe { std::env::set_var("OMP_NUM_THREADS", cores.to_string()) };
    }
    // A command line clap cannot take is a usage error: exit status 1 as documented (clap's
    // own is 2, which the README keeps for internal errors); --help and --version exit 0.
    let cli = Cli::try_parse().unwrap_or_else(|e| {
        let _ = e.print();
        std::process::exit(if e.use_stderr() { 1 } else { 0 });
    });
    let code = match cli.command {
        Some(command) => {
            // The app keeps Rust's defaults: a panic in a background job must not end it.
            introskip::cli::install_process_handlers();
            introskip::cli::main(command)
        }
        None => open_app(cli.path, cli.demo),
    };
    std::process::exit(code);
}

/// Open the app on a file, a season folder or the demo season.
fn open_app(path: Option<std::path::PathBuf>, demo: bool) -> i32 {
    let result = (|| {
        let path = if demo {
            let dir = introskip::paths::demo_dir();
            if !dir.is_dir() {
                return Err(introskip::Error::Usage(format!("the demo series is not built yet ({}): run scripts/demo.sh", dir.display())));
            }
            Some(dir)
        } else {
            path
        };
        // A path that cannot be read is said here for a terminal, and the app opens anyway and
        // shows it: started from a file manager, nobody reads stderr.
        // Without a display (a terminal over ssh) there is no window to show it in: the line
        // alone, exit status 1.
        if let Some(p) = &path {
            if let Err(e) = std::fs::metadata(p) {
                let e = introskip::error::io_error(p, e);
                let set = |v: &str| std::env::var_os(v).is_some_and(|d| !d.is_empty());
                let display = cfg!(feature = "gui") && (cfg!(any(target_os = "windows", target_os = "macos")) || set("DISPLAY") || set("WAYLAND_DISPLAY"));
                if !display {
                    return Err(e);
                }
                eprintln!("introskip: error: {e}");
            }
        }
        #[cfg(feature = "gui")]
        {
            introskip::gui::run(path)
        }
        #[cfg(not(feature = "gui"))]
        {
            let _ = path;
            Err(introskip::Error::Usage("this build has no GUI (built without the `gui` feature); see `introskip --help`".into()))
        }
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("introskip: error: {e}");
            e.exit_code()
        }
    }
}
