//! `kefu mail ingest` (an MTA's pipe transport: one mail on standard input) and
//! `kefu mail retry` (quarantined mail taken in again).
#![allow(
    clippy::print_stdout,
    reason = "the CLI's output goes to standard output"
)]

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use kefu_app::App;
use kefu_app::mail::ingest::{self, Delivery, Ingested, Source};
use kefu_domain::ids::QuarantineId;
use kefu_store::Store;

use crate::config::Config;

/// sysexits' EX_DATAERR: the mail was kept in quarantine, not taken.
const EXIT_QUARANTINED: u8 = 65;
/// sysexits' EX_TEMPFAIL: nothing could keep the mail; the MTA should try again later.
const EXIT_TRY_LATER: u8 = 75;

/// The use cases with the files directory and mail settings of `config`.
pub fn app_of(store: &Store, config: &Config) -> anyhow::Result<App> {
    Ok(crate::users::use_cases(store)?
        .with_files(open_files(config)?)
        .with_mail(config.mail.clone())
        .with_console_url(&config.api.public_url()))
}

/// The files directory of `config` (beside the SQLite database by default).
pub fn open_files(config: &Config) -> anyhow::Result<kefu_app::files::FileStore> {
    let dir = config
        .files
        .dir
        .clone()
        .unwrap_or_else(|| config.database.files_dir());
    kefu_app::files::FileStore::open(&dir, config.files.max_bytes)
        .with_context(|| format!("opening the files directory {}", dir.display()))
}

/// What a mail became, in one line.
pub fn describe(outcome: &Ingested) -> String {
    match outcome {
        Ingested::Created { number, rule, .. } => {
            format!("opened ticket #{} ({})", number.get(), rule.as_str())
        }
        Ingested::Added { number, rule, .. } => {
            format!("added to ticket #{} (by {})", number.get(), rule.as_str())
        }
        Ingested::Duplicate { .. } => "already taken before (same Message-ID); nothing new".into(),
        Ingested::Bounce {
            recipient,
            permanent,
            ..
        } => format!(
            "a delivery report: {recipient} {}",
            if *permanent {
                "is undeliverable"
            } else {
                "failed for now"
            }
        ),
        Ingested::Escalation {
            escalation,
            rule,
            status,
            ..
        } => format!(
            "a vendor's reply, added to escalation {} (by {}){}",
            kefu_app::escalations::reference(*escalation),
            rule.as_str(),
            status
                .map(|s| format!("; it is now {s}"))
                .unwrap_or_default()
        ),
        Ingested::Quarantined { id, reason, detail } => {
            format!("kept in quarantine {id} ({reason}): {detail}")
        }
    }
}

/// Reads one mail from standard input and takes it in; the exit code says how it went.
pub async fn ingest_stdin(app: &App, mailbox: Option<&str>) -> ExitCode {
    let mut raw = Vec::new();
    if let Err(error) = std::io::stdin().lock().read_to_end(&mut raw) {
        eprintln!("kefu: reading the mail from standard input: {error}");
        return ExitCode::from(EXIT_TRY_LATER);
    }
    let mailbox = match mailbox {
        Some(name) => match kefu_app::mail::mailboxes::find_by_name(app, name).await {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                eprintln!(
                    "kefu: there is no mailbox named {name:?}; the mail goes by its recipients"
                );
                None
            }
            Err(error) => {
                eprintln!("kefu: reading the mailboxes: {error}");
                return ExitCode::from(EXIT_TRY_LATER);
            }
        },
        None => None,
    };
    let delivery = Delivery {
        raw,
        source: Source::Pipe,
        mailbox,
    };
    match ingest::ingest(app, delivery).await {
        Ok(changed) => {
            let outcome = app.published(changed);
            let line = describe(&outcome);
            if let Ingested::Quarantined { .. } = outcome {
                eprintln!("kefu: the mail was not taken: {line}");
                ExitCode::from(EXIT_QUARANTINED)
            } else {
                println!("{line}");
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            eprintln!("kefu: the mail could not be kept (try again later): {error}");
            ExitCode::from(EXIT_TRY_LATER)
        }
    }
}

/// Takes quarantined mail in again: the ids given, or all of it.
pub async fn retry(app: &App, ids: &[String], all: bool) -> anyhow::Result<bool> {
    let ids: Vec<QuarantineId> = if all {
        kefu_app::mail::quarantine::all_ids(app).await?
    } else {
        ids.iter()
            .map(|id| {
                id.parse()
                    .map_err(|_| anyhow::anyhow!("`{id}` is not a quarantine id"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut all_taken = true;
    for id in ids {
        let outcome = app.published(kefu_app::mail::quarantine::retry(app, None, id).await?);
        if matches!(outcome, Ingested::Quarantined { .. }) {
            all_taken = false;
        }
        println!("{id}: {}", describe(&outcome));
    }
    Ok(all_taken)
}
