fn main() {
    std::process::exit(introskip::cli::main());
}
