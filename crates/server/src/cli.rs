//! The command line: `kefu serve`, `kefu migrate`, `kefu users …`, `kefu demo seed`,
//! `kefu bench`.
#![allow(
    clippy::print_stdout,
    reason = "the CLI's output goes to standard output"
)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kefu_domain::role::Role;
use kefu_store::Store;

use crate::config::Config;
use crate::demo::{SeedOptions, seed};
use crate::{serve, telemetry, users};

/// How often a long command without a terminal prints how far it got.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Kefu (客服): the open-source customer-support helpdesk.
#[derive(Debug, Parser)]
#[command(name = "kefu", version, about, long_about = None)]
pub struct Cli {
    /// A TOML configuration file (also `KEFU_CONFIG`); `KEFU_*` variables override it.
    #[arg(long, short, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run Kefu: migrate the database, then serve the API and the web front ends, and the
    /// chat gateway beside them.
    Serve {
        /// The roles this node runs, comma-separated (all by default).
        #[arg(long, value_delimiter = ',', default_value = serve::ALL_ROLES)]
        roles: Vec<serve::Role>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// The search index.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// The email channel.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Reports.
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ReportsCommand {
    /// Build the report summary again from the tickets and ratings, after a restore or a change
    /// with triggers off (writers wait meanwhile: 20 s for a million tickets on PostgreSQL).
    Rebuild,
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Take in one mail read from standard input (an MTA's pipe transport). Exits 0 when it
    /// was taken, 65 when it was kept in quarantine instead, 75 when nothing could keep it
    /// (the MTA should try again later); the reason goes to standard error.
    Ingest {
        /// The mailbox it came in on (by name); by default the one among its recipients.
        #[arg(long)]
        mailbox: Option<String>,
    },
    /// Take quarantined mail in again.
    Retry {
        /// The quarantine entries to retry.
        ids: Vec<String>,
        /// Retry every quarantined mail.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Write every ticket's search entries again from its subject and messages (the server
    /// keeps serving meanwhile).
    Reindex,
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create an account (the password is asked for, or read with --password-stdin).
    Create {
        /// The address to sign in with.
        #[arg(long)]
        email: String,
        /// The name shown to others.
        #[arg(long)]
        name: String,
        /// admin, agent, vendor or customer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Preferred language: en or zh-CN.
        #[arg(long)]
        locale: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a single-use link (valid 30 minutes) with which the account's owner sets a new
    /// password; earlier links stop working.
    ResetLink {
        /// The account's address.
        #[arg(long)]
        email: String,
    },
    /// Set an account's password and end its sessions.
    SetPassword {
        /// The account's address.
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Add demo teams, agents, customers and tickets (English and Chinese).
    Seed {
        /// How many tickets to add.
        #[arg(long, default_value_t = 500)]
        tickets: u64,
        /// Tickets per transaction.
        #[arg(long, default_value_t = 2_000)]
        batch: usize,
        /// Random seed, to repeat a run.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).map_err(|e| e.to_string())
}

/// Parses the command line and runs it; the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Mail {
        command: MailCommand::Ingest { mailbox },
    } = &cli.command
    {
        return run_ingest(cli.config.as_deref(), mailbox.as_deref());
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kefu: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kefu: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `kefu mail ingest`: its own exit codes, for MTAs.
fn run_ingest(config: Option<&std::path::Path>, mailbox: Option<&str>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kefu: cannot start the async runtime: {error}");
            return ExitCode::from(75);
        }
    };
    runtime.block_on(async {
        let prepared = async {
            let config = Config::load(config).context("reading the configuration")?;
            telemetry::init(&config.log.filter);
            let store = open_store(&config).await?;
            crate::mail::app_of(&store, &config)
        };
        match prepared.await {
            Ok(app) => crate::mail::ingest_stdin(&app, mailbox).await,
            Err(error) => {
                eprintln!("kefu: the mail could not be kept (try again later): {error:#}");
                ExitCode::from(75)
            }
        }
    })
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("opening {}", serve::redact(&config.database.url)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

async fn execute(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref()).context("reading the configuration")?;
    telemetry::init(&config.log.filter);
    match cli.command {
        Command::Serve { roles } => serve::serve(config, &roles).await,
        Command::Migrate => {
            let store = Store::open(&config.database).await?;
            let applied = store.migrate().await?;
            println!("applied {} migration(s)", applied.len());
            Ok(())
        }
        Command::Users { command } => {
            let store = open_store(&config).await?;
            match command {
                UsersCommand::Create {
                    email,
                    name,
                    role,
                    locale,
                    password_stdin,
                } => {
                    let password = users::read_password(password_stdin)?;
                    let user =
                        users::create(&store, &email, &name, role, locale.as_deref(), password)
                            .await?;
                    println!("created {} {} ({})", user.role, user.email, user.id);
                }
                UsersCommand::ResetLink { email } => {
                    let link = users::reset_link(&store, &email, &config.api.public_url()).await?;
                    println!("reset link for {email} (single use, valid 30 minutes):\n{link}");
                }
                UsersCommand::SetPassword {
                    email,
                    password_stdin,
                } => {
                    let password = users::read_password(password_stdin)?;
                    users::set_password(&store, &email, password).await?;
                    println!("password set for {email}; their sessions have ended");
                }
            }
            Ok(())
        }
        Command::Demo {
            command:
                DemoCommand::Seed {
                    tickets,
                    batch,
                    seed: random_seed,
                },
        } => {
            let store = open_store(&config).await?;
            let progress = Progress::new("seeding", "tickets");
            let options = SeedOptions {
                tickets,
                batch: batch.max(1),
                seed: random_seed,
                site: config.api.public_url(),
            };
            let report = seed(&store, &options, |done| progress.update(done, tickets)).await?;
            let started = progress.finish();
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "seeded {} tickets ({} messages, {} calls), {} customers, {} agents in {} teams in {seconds:.1} s ({:.0} tickets/s)",
                report.tickets,
                report.messages,
                report.calls,
                report.customers,
                report.agents,
                report.teams,
                report.tickets as f64 / seconds.max(0.001),
            );
            match report.agent_password {
                Some(password) => println!(
                    "demo agents sign in as {} (and the others) with password {password}",
                    report.agent_email
                ),
                None => println!("demo agents existed already; their password is unchanged"),
            }
            let chat_agents: Vec<String> = report
                .team_agents
                .iter()
                .map(|(team, email)| format!("{team}: {email}"))
                .collect();
            println!(
                "live chats go to the team of the stage the visitor picks; an agent of each: {}",
                chat_agents.join(", ")
            );
            println!(
                "{} vendors, {} escalations, {} field-service visits; the vendor portal is at /vendor",
                report.vendors.vendors, report.vendors.escalations, report.visits
            );
            println!(
                "{} SLA policies on 2 business calendars (Shanghai with 2026's holidays, a European desk); see Admin → Service levels; {} shared macros (type / in a reply)",
                report.sla_policies, report.macros
            );
            if report.routing_rules > 0 {
                println!(
                    "{} routing rules and round-robin assignment in the Orders team; see Admin → Routing",
                    report.routing_rules
                );
            }
            println!(
                "{} satisfaction ratings on solved tickets (the survey link is mailed as tickets are solved)",
                report.ratings
            );
            if report.triggers > 0 {
                println!(
                    "{} triggers (a breach raises the priority; 3 quiet days pending solves, switched off until you turn it on); see Admin → Triggers",
                    report.triggers
                );
            }
            if report.extensions > 0 {
                println!(
                    "phone extensions 801–{} for the demo agents; turn the telephony webhook on under Admin → Telephony",
                    800 + report.extensions
                );
            }
            match report.vendors.password {
                Some(password) => println!(
                    "demo vendor users sign in as {} (and the others) with password {password}",
                    report.vendors.user_email
                ),
                None => println!("demo vendor users existed already; their password is unchanged"),
            }
            Ok(())
        }
        Command::Mail { command } => {
            let store = open_store(&config).await?;
            let app = crate::mail::app_of(&store, &config)?;
            match command {
                MailCommand::Ingest { .. } => Ok(()),
                MailCommand::Retry { ids, all } => {
                    if !all && ids.is_empty() {
                        anyhow::bail!("name the quarantine entries to retry, or give --all");
                    }
                    if crate::mail::retry(&app, &ids, all).await? {
                        Ok(())
                    } else {
                        anyhow::bail!("some mail is still in quarantine")
                    }
                }
            }
        }
        Command::Reports {
            command: ReportsCommand::Rebuild,
        } => {
            let store = open_store(&config).await?;
            let app = crate::users::use_cases(&store)?;
            let started = std::time::Instant::now();
            let rows = kefu_app::reports::rebuild(&app).await?;
            println!(
                "rebuilt the report summary ({rows} rows) in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Search {
            command: SearchCommand::Reindex,
        } => {
            let store = open_store(&config).await?;
            let app = crate::users::use_cases(&store)?;
            let progress = Progress::new("indexing", "tickets");
            let done =
                kefu_app::search::reindex(&app, |done, total| progress.update(done, total)).await?;
            let started = progress.finish();
            println!(
                "indexed {done} tickets in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// How far a long command got: a bar on a terminal; without one (a log file, CI), a line
/// every few seconds.
struct Progress {
    bar: ProgressBar,
    quiet: bool,
    what: &'static str,
    unit: &'static str,
    started: Instant,
    last_line: std::sync::Mutex<Instant>,
}

impl Progress {
    fn new(what: &'static str, unit: &'static str) -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let quiet = !std::io::stderr().is_terminal();
        if quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        Self {
            bar,
            quiet,
            what,
            unit,
            started: Instant::now(),
            last_line: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn update(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        if self.quiet && (last.elapsed() >= PROGRESS_EVERY || done == total) {
            *last = Instant::now();
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            eprintln!("{}: {done}/{total} {} ({rate:.0}/s)", self.what, self.unit);
        }
    }

    /// Clears the bar and returns when the command started.
    fn finish(self) -> Instant {
        self.bar.finish_and_clear();
        self.started
    }
}
