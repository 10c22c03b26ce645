//! The server's memory while a benchmark runs, read from `/proc/<pid>/status` (Linux).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// How often the server's memory is read.
const EVERY: Duration = Duration::from_millis(100);

/// The most memory the server held while it was watched, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryPeak {
    /// Anonymous memory (heap, stacks): what the process itself allocated.
    pub rss_anon_kib: u64,
    /// All resident memory, the mapped database file included.
    pub rss_kib: u64,
}

/// Reads `VmRSS` and `RssAnon` of `pid`, in KiB.
pub fn read(pid: u32) -> Option<MemoryPeak> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
    };
    Some(MemoryPeak {
        rss_anon_kib: field("RssAnon:")?,
        rss_kib: field("VmRSS:")?,
    })
}

/// Watches a process's memory in the background until stopped.
pub struct MemoryWatch {
    stop: Arc<AtomicBool>,
    anon: Arc<AtomicU64>,
    rss: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl MemoryWatch {
    /// Starts reading `pid`'s memory every 100 ms.
    pub fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let anon = Arc::new(AtomicU64::new(0));
        let rss = Arc::new(AtomicU64::new(0));
        let (s, a, r) = (Arc::clone(&stop), Arc::clone(&anon), Arc::clone(&rss));
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                if let Some(now) = read(pid) {
                    a.fetch_max(now.rss_anon_kib, Ordering::Relaxed);
                    r.fetch_max(now.rss_kib, Ordering::Relaxed);
                }
                tokio::time::sleep(EVERY).await;
            }
        });
        Self {
            stop,
            anon,
            rss,
            task,
        }
    }

    /// Stops watching and returns the peak.
    pub async fn stop(self) -> MemoryPeak {
        self.stop.store(true, Ordering::Relaxed);
        if let Err(error) = self.task.await {
            eprintln!("the memory watch failed: {error}");
        }
        MemoryPeak {
            rss_anon_kib: self.anon.load(Ordering::Relaxed),
            rss_kib: self.rss.load(Ordering::Relaxed),
        }
    }
}
