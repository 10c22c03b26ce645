//! Routing rules (admins; agents may read them): add, change, remove, and try on a ticket as
//! it might arrive.

use kefu_api_types::routing::{
    ActionsBody, ConditionsBody, MatchedRule, RouteTestRequest, RouteTestResponse, RuleList,
    RuleRequest, RuleResponse,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::RoutingRuleId;
use kefu_domain::locale::Locale;
use kefu_domain::permissions::Actor;
use kefu_domain::routing::{self, Actions, Arrival, Conditions, RULES_MAX, Routed, RoutingRule};
use kefu_domain::{tag, time};
use kefu_store::routing::rules::{self, RuleRecord};
use kefu_store::{DbConnection, customers};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::tickets::triage;

fn response(record: RuleRecord) -> RuleResponse {
    let r = record.rule;
    RuleResponse {
        id: r.id,
        name: r.name,
        position: r.position,
        active: r.active,
        conditions: ConditionsBody {
            stages: r.conditions.stages,
            channels: r.conditions.channels,
            mailboxes: r.conditions.mailboxes,
            keywords: r.conditions.keywords,
            customers: r.conditions.customers,
            organisations: r.conditions.organisations,
            languages: r
                .conditions
                .languages
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect(),
        },
        actions: actions_body(&r.actions),
        stop: r.stop,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn actions_body(a: &Actions) -> ActionsBody {
    ActionsBody {
        team_id: a.team,
        priority: a.priority,
        tags: a.tags.iter().map(ToString::to_string).collect(),
        assignee_id: a.assignee,
    }
}

fn languages(tags: &[String]) -> Result<Vec<Locale>, AppError> {
    tags.iter()
        .map(|t| {
            Locale::parse(t).map_err(|_| {
                AppError::invalid("invalid_language", format!("`{t}` is not `en` or `zh-CN`"))
            })
        })
        .collect()
}

/// The rule a request describes, checked.
fn rule_of(
    id: RoutingRuleId,
    position: i32,
    request: &RuleRequest,
) -> Result<RoutingRule, AppError> {
    let c = &request.conditions;
    let mut rule = RoutingRule {
        id,
        name: request.name.clone(),
        position: request.position.unwrap_or(position),
        active: request.active.unwrap_or(true),
        conditions: Conditions {
            stages: c.stages.clone(),
            channels: c.channels.clone(),
            mailboxes: c.mailboxes.clone(),
            keywords: c.keywords.clone(),
            customers: c.customers.clone(),
            organisations: c.organisations.clone(),
            languages: languages(&c.languages)?,
        },
        actions: Actions {
            team: request.actions.team_id,
            priority: request.actions.priority,
            tags: tag::parse_set(&request.actions.tags)?,
            assignee: request.actions.assignee_id,
        },
        stop: request.stop,
    };
    rule.check()?;
    Ok(rule)
}

/// Refuses a rule naming a team, agent, mailbox or customer that does not exist.
fn check_references(conn: &mut DbConnection, rule: &RoutingRule) -> Result<(), AppError> {
    if let Some(team) = rule.actions.team {
        triage::check_team(conn, team)?;
    }
    if let Some(agent) = rule.actions.assignee {
        triage::check_assignee(conn, agent)?;
    }
    for mailbox in &rule.conditions.mailboxes {
        kefu_store::mail::mailboxes::find(conn, *mailbox)?.ok_or(AppError::NotFound("mailbox"))?;
    }
    let found = customers::find_many(conn, &rule.conditions.customers)?.len();
    if found != rule.conditions.customers.len() {
        return Err(AppError::NotFound("customer"));
    }
    Ok(())
}

/// Every rule, in the order they are tried (staff).
pub async fn list(app: &App, actor: Actor) -> Result<RuleList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let items = rules::list(conn)?.into_iter().map(response).collect();
            Ok::<_, AppError>(RuleList { items })
        })
        .await
}

/// One rule (staff).
pub async fn show(app: &App, actor: Actor, id: RoutingRuleId) -> Result<RuleResponse, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            Ok::<_, AppError>(response(
                rules::find(conn, id).map_err(AppError::not_found_as("routing rule"))?,
            ))
        })
        .await
}

/// Adds a rule, last unless a position is given (admins, audited); it routes tickets that
/// arrive from now on.
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: RuleRequest,
) -> Result<RuleResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let all = rules::list(conn)?;
            if all.len() >= RULES_MAX {
                return Err(AppError::invalid(
                    "too_many_rules",
                    format!("a helpdesk has at most {RULES_MAX} routing rules"),
                ));
            }
            let last = all.iter().map(|r| r.rule.position).max().unwrap_or(0);
            let rule = rule_of(RoutingRuleId::new(), last.saturating_add(1), &request)?;
            check_references(conn, &rule)?;
            let now = time::now();
            let record = RuleRecord {
                rule,
                created_at: now,
                updated_at: now,
            };
            rules::insert(conn, &record)?;
            audit_rule(
                conn,
                &origin,
                AuditAction::RoutingRuleCreated,
                &actor,
                &record.rule,
            )?;
            book.drop_book();
            Ok(response(record))
        })
        .await
}

/// Changes a rule (admins, audited).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: RoutingRuleId,
    request: RuleRequest,
) -> Result<RuleResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let mut record =
                rules::find(conn, id).map_err(AppError::not_found_as("routing rule"))?;
            let rule = rule_of(id, record.rule.position, &request)?;
            check_references(conn, &rule)?;
            if rule != record.rule {
                record.rule = rule;
                record.updated_at = time::now();
                rules::update(conn, &record)?;
                audit_rule(
                    conn,
                    &origin,
                    AuditAction::RoutingRuleUpdated,
                    &actor,
                    &record.rule,
                )?;
                book.drop_book();
            }
            Ok::<_, AppError>(response(record))
        })
        .await
}

/// Removes a rule (admins, audited); tickets it routed keep what it set.
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: RoutingRuleId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let record = rules::find(conn, id).map_err(AppError::not_found_as("routing rule"))?;
            rules::delete(conn, id)?;
            audit_rule(
                conn,
                &origin,
                AuditAction::RoutingRuleDeleted,
                &actor,
                &record.rule,
            )?;
            book.drop_book();
            Ok::<_, AppError>(())
        })
        .await
}

fn audit_rule(
    conn: &mut DbConnection,
    origin: &Origin,
    action: AuditAction,
    actor: &Actor,
    rule: &RoutingRule,
) -> Result<(), AppError> {
    audit::record_by(
        conn,
        origin,
        action,
        actor,
        Some(Target::new("routing_rule", rule.id, rule.name.clone())),
        Some(serde_json::json!({
            "conditions": rule.conditions,
            "actions": rule.actions,
            "position": rule.position,
            "active": rule.active,
            "stop": rule.stop,
        })),
        time::now(),
    )?;
    Ok(())
}

/// Which rules would match a ticket arriving as described, and what they would set (staff):
/// the rule editor's "try it".
pub async fn test(
    app: &App,
    actor: Actor,
    request: RouteTestRequest,
) -> Result<RouteTestResponse, AppError> {
    actor.may_work_tickets()?;
    let language = request
        .language
        .as_deref()
        .map(|l| languages(&[l.to_owned()]))
        .transpose()?
        .and_then(|mut l| l.pop());
    app.store
        .read(move |conn| {
            let all: Vec<RoutingRule> = rules::list(conn)?.into_iter().map(|r| r.rule).collect();
            let organisation = match (&request.organisation, request.customer_id) {
                (Some(o), _) => Some(o.clone()),
                (None, Some(c)) => {
                    customers::find(conn, c)
                        .map_err(AppError::not_found_as("customer"))?
                        .organisation
                }
                (None, None) => None,
            };
            let arrival = Arrival {
                stage: request.stage,
                channel: request.channel,
                mailbox: request.mailbox_id,
                subject: &request.subject,
                body: &request.body,
                customer: request.customer_id.unwrap_or_default(),
                organisation: organisation.as_deref(),
                language: language.unwrap_or_else(|| {
                    Locale::guess(&format!("{} {}", request.subject, request.body))
                }),
            };
            let routed = routing::route(&all, &arrival);
            Ok::<_, AppError>(test_response(&routed))
        })
        .await
}

fn test_response(routed: &Routed) -> RouteTestResponse {
    RouteTestResponse {
        matched: routed
            .rules
            .iter()
            .map(|(id, name)| MatchedRule {
                id: *id,
                name: name.clone(),
            })
            .collect(),
        result: actions_body(&Actions {
            team: routed.team,
            priority: routed.priority,
            tags: routed.tags.clone(),
            assignee: routed.assignee,
        }),
    }
}
