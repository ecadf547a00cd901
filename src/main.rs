fn main() {
    // libtorch sizes its OpenMP pool at start-up: one thread per core unless the user chose.
    if std::env::var_os("OMP_NUM_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: set before any other thread exists.
        unsafe { std::env::set_var("OMP_NUM_THREADS", cores.to_string()) };
    }
    std::process::exit(introskip::cli::main());
}
