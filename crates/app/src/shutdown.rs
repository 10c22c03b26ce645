//! How a role's long-running loops learn that their node is stopping.

use tokio::sync::watch;

/// Whether a loop is to stop: it was told so, or nobody is left to tell it.
pub fn told_to_stop(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

#[cfg(test)]
mod tests {
    use super::told_to_stop;

    #[test]
    fn a_loop_stops_when_told_or_when_nobody_is_left_to_tell_it() {
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        assert!(!told_to_stop(&shutdown));
        let _ = stop.send(true);
        assert!(told_to_stop(&shutdown));

        let (stop, shutdown) = tokio::sync::watch::channel(false);
        drop(stop);
        assert!(told_to_stop(&shutdown));
    }
}
