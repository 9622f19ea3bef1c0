fn main() {
    std::process::exit(sim2real::cli::main());
}
