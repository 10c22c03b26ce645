//! The `kefu` binary; everything happens in the library.

fn main() -> std::process::ExitCode {
    kefu::cli::run()
}
