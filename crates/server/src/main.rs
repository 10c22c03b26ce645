//! The `kefu` binary; everything happens in the library.

/// mimalloc returns freed memory to the system within moments; glibc's allocator kept what a
/// search-index build had used (a third of a gigabyte) for the life of the process. Built
/// without transparent huge pages (`no_thp`): each 2 MiB page a thread's heap touched counted
/// whole in the process's memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kefu::cli::run()
}
