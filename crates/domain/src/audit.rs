//! The audit log: security-relevant actions, who took them, on what, when and from where.

use chrono::{DateTime, Utc};

use crate::ids::{AuditEventId, UserId};
use crate::string_enum::string_enum;

string_enum! {
    /// What happened.
    "audit action", AuditAction {
        /// Someone signed in.
        SignIn => "sign_in",
        /// A sign-in failed (wrong password, unknown or deactivated account).
        SignInFailed => "sign_in_failed",
        /// Someone signed out.
        SignOut => "sign_out",
        /// A user changed their own password.
        PasswordChanged => "password_changed",
        /// An admin or operator set a user's password.
        PasswordSet => "password_set",
        /// A password-reset link was issued.
        PasswordResetIssued => "password_reset_issued",
        /// A password was set with a reset link.
        PasswordReset => "password_reset",
        /// An account was created.
        UserCreated => "user_created",
        /// An account's role changed.
        RoleChanged => "role_changed",
        /// An account was deactivated.
        UserDeactivated => "user_deactivated",
        /// An account was activated again.
        UserActivated => "user_activated",
        /// A personal API token was created.
        TokenCreated => "token_created",
        /// A personal API token was revoked.
        TokenRevoked => "token_revoked",
        /// A team was created.
        TeamCreated => "team_created",
        /// A team was renamed, described or given other members.
        TeamUpdated => "team_updated",
        /// An admin changed the helpdesk's settings.
        SettingsChanged => "settings_changed",
        /// An admin changed a team's live-chat settings.
        ChatSettingsChanged => "chat_settings_changed",
        /// An admin set up a chat widget.
        WidgetCreated => "widget_created",
        /// An admin changed a chat widget.
        WidgetUpdated => "widget_updated",
        /// An admin deleted a chat widget.
        WidgetDeleted => "widget_deleted",
        /// An admin added a mailbox.
        MailboxCreated => "mailbox_created",
        /// An admin changed a mailbox or its IMAP settings.
        MailboxUpdated => "mailbox_updated",
        /// An admin took a quarantined mail in again.
        QuarantineRetried => "quarantine_retried",
        /// An admin deleted a quarantined mail.
        QuarantineDeleted => "quarantine_deleted",
        /// An admin changed a mail template.
        MailTemplateChanged => "mail_template_changed",
        /// An admin went back to the mail template Kefu ships.
        MailTemplateReset => "mail_template_reset",
        /// An admin set or cleared the outgoing SMTP server.
        SmtpChanged => "smtp_changed",
        /// An admin added a vendor organisation.
        VendorCreated => "vendor_created",
        /// An admin changed a vendor organisation.
        VendorUpdated => "vendor_updated",
        /// An admin set, changed or removed a vendor's webhook.
        VendorWebhookChanged => "vendor_webhook_changed",
        /// An admin made a vendor's API key (replacing any before it).
        VendorApiKeyCreated => "vendor_api_key_created",
        /// An admin revoked a vendor's API key.
        VendorApiKeyRevoked => "vendor_api_key_revoked",
        /// A service partner's technician moved a visit or recorded how it ended.
        VisitChanged => "visit_changed",
        /// An agent escalated a ticket: what was shared with which vendor.
        EscalationShared => "escalation_shared",
        /// An escalation's status was moved (by an agent or a vendor user).
        EscalationMoved => "escalation_moved",
        /// A vendor user wrote in an escalation's thread.
        EscalationVendorReply => "escalation_vendor_reply",
        /// An admin added a business calendar.
        CalendarCreated => "calendar_created",
        /// An admin changed a business calendar's hours, zone or holidays.
        CalendarUpdated => "calendar_updated",
        /// An admin removed a business calendar.
        CalendarDeleted => "calendar_deleted",
        /// An admin added an SLA policy.
        SlaPolicyCreated => "sla_policy_created",
        /// An admin changed an SLA policy.
        SlaPolicyUpdated => "sla_policy_updated",
        /// An admin removed an SLA policy.
        SlaPolicyDeleted => "sla_policy_deleted",
        /// An admin applied the policies anew to the open tickets.
        SlaPoliciesReapplied => "sla_policies_reapplied",
        /// An admin added a shared macro.
        MacroCreated => "macro_created",
        /// An admin changed a shared macro.
        MacroUpdated => "macro_updated",
        /// An admin removed a shared macro.
        MacroDeleted => "macro_deleted",
        /// An admin added a routing rule.
        RoutingRuleCreated => "routing_rule_created",
        /// An admin changed a routing rule.
        RoutingRuleUpdated => "routing_rule_updated",
        /// An admin removed a routing rule.
        RoutingRuleDeleted => "routing_rule_deleted",
        /// An admin changed how a team hands out its tickets.
        TeamAssignmentUpdated => "team_assignment_updated",
        /// An admin added a trigger or scheduled automation.
        TriggerCreated => "trigger_created",
        /// An admin changed a trigger.
        TriggerUpdated => "trigger_updated",
        /// An admin removed a trigger.
        TriggerDeleted => "trigger_deleted",
        /// An admin added an integration webhook.
        IntegrationCreated => "integration_created",
        /// An admin changed an integration webhook (or made it a new secret).
        IntegrationUpdated => "integration_updated",
        /// An admin removed an integration webhook.
        IntegrationDeleted => "integration_deleted",
        /// An admin set up, changed or turned off the telephony webhook or the extensions.
        TelephonyChanged => "telephony_changed",
    }
}

/// One entry in the audit log. Names are copied as they were at the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// The entry's id (time-ordered).
    pub id: AuditEventId,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub action: AuditAction,
    /// Who did it, if a user did.
    pub actor: Option<UserId>,
    /// Their name then, or who else acted (`kefu CLI`).
    pub actor_name: Option<String>,
    /// What it was done to: `user`, `team`, `token`.
    pub target_kind: Option<String>,
    /// The target's id.
    pub target_id: Option<String>,
    /// The target's name or address then.
    pub target_label: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
    /// Details: what changed from what to what.
    pub detail: Option<serde_json::Value>,
}
