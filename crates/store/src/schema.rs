//! Diesel's view of the tables in `migrations/`; the same on both backends.
//!
//! `tickets.unsolved`, which the database computes from `status`, is read only as a filter
//! ([`crate::tickets`]). The search index (`search_entries`, and `search_terms` on SQLite) is
//! not here: its columns differ between backends, and it is reached only through
//! [`crate::search::index`].

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        email_key -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        locale -> Nullable<Text>,
        password_changed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    known_devices (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        allowance -> Double,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        scope -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        occurred_at -> Timestamp,
        action -> Text,
        actor_id -> Nullable<Text>,
        actor_name -> Nullable<Text>,
        target_kind -> Nullable<Text>,
        target_id -> Nullable<Text>,
        target_label -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        phone_line -> Nullable<Text>,
        assign_on_reply -> Bool,
        chat_open -> Bool,
        chat_capacity -> Integer,
        chat_grace_seconds -> Integer,
        chat_greeting_en -> Nullable<Text>,
        chat_greeting_zh -> Nullable<Text>,
        chat_offline_en -> Nullable<Text>,
        chat_offline_zh -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    team_members (team_id, user_id) {
        team_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        name -> Text,
        organisation -> Nullable<Text>,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    customer_emails (email_key) {
        email_key -> Text,
        email -> Text,
        customer_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_phones (customer_id, phone) {
        customer_id -> Text,
        phone -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        number -> BigInt,
        subject -> Text,
        stage -> Text,
        channel -> Text,
        status -> Text,
        priority -> Text,
        priority_rank -> SmallInt,
        requester_id -> Text,
        assignee_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_responded_at -> Nullable<Timestamp>,
        solved_at -> Nullable<Timestamp>,
        sla_due_at -> Timestamp,
    }
}

diesel::table! {
    ticket_tags (ticket_id, tag) {
        ticket_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        ticket_id -> Text,
        kind -> Text,
        visibility -> Text,
        author_kind -> Text,
        author_user_id -> Nullable<Text>,
        author_customer_id -> Nullable<Text>,
        channel -> Text,
        body -> Text,
        data -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    call_logs (id) {
        id -> Text,
        ticket_id -> Text,
        message_id -> Text,
        direction -> Text,
        from_number -> Text,
        to_number -> Text,
        started_at -> Timestamp,
        duration_seconds -> Integer,
        outcome -> Text,
        notes -> Nullable<Text>,
        logged_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_reads (user_id, ticket_id) {
        user_id -> Text,
        ticket_id -> Text,
        seen_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(customer_emails -> customers (customer_id));
diesel::joinable!(customer_phones -> customers (customer_id));
diesel::joinable!(tickets -> customers (requester_id));
diesel::joinable!(tickets -> teams (team_id));
diesel::table! {
    calendars (id) {
        id -> Text,
        name -> Text,
        time_zone -> Text,
        week -> Text,
        exceptions -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_policies (id) {
        id -> Text,
        name -> Text,
        position -> Integer,
        calendar_id -> Text,
        scope -> Text,
        first_response_minutes -> Nullable<BigInt>,
        next_response_minutes -> Nullable<BigInt>,
        resolution_minutes -> Nullable<BigInt>,
        call_back_minutes -> Nullable<BigInt>,
        warn_percent -> SmallInt,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_slas (ticket_id) {
        ticket_id -> Text,
        policy_id -> Text,
        calendar_id -> Text,
        first_response_minutes -> Nullable<BigInt>,
        next_response_minutes -> Nullable<BigInt>,
        resolution_minutes -> Nullable<BigInt>,
        warn_percent -> SmallInt,
        awaiting_since -> Nullable<Timestamp>,
        awaiting_pause_base -> BigInt,
        paused_at -> Nullable<Timestamp>,
        paused_seconds -> BigInt,
        first_response_warn_at -> Nullable<Timestamp>,
        first_response_due_at -> Nullable<Timestamp>,
        next_response_warn_at -> Nullable<Timestamp>,
        next_response_due_at -> Nullable<Timestamp>,
        resolution_warn_at -> Nullable<Timestamp>,
        resolution_due_at -> Nullable<Timestamp>,
        alert_at -> Timestamp,
        call_back_minutes -> Nullable<BigInt>,
        call_back_since -> Nullable<Timestamp>,
        call_back_pause_base -> BigInt,
        call_back_warn_at -> Nullable<Timestamp>,
        call_back_due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agent_extensions (extension) {
        extension -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    phone_calls (id) {
        id -> Text,
        provider_call_id -> Text,
        ticket_id -> Text,
        customer_id -> Text,
        direction -> Text,
        from_number -> Text,
        to_number -> Text,
        extension -> Nullable<Text>,
        agent_id -> Nullable<Text>,
        state -> Text,
        started_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        duration_seconds -> Nullable<Integer>,
        recording_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    telephony_events (event_id) {
        event_id -> Text,
        signature -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    sla_events (ticket_id, target, kind, due_at) {
        ticket_id -> Text,
        target -> Text,
        kind -> Text,
        due_at -> Timestamp,
        policy_id -> Text,
        fired_at -> Timestamp,
    }
}

diesel::table! {
    macros (id) {
        id -> Text,
        owner_id -> Nullable<Text>,
        title -> Text,
        shortcut -> Nullable<Text>,
        text_en -> Nullable<Text>,
        text_zh -> Nullable<Text>,
        changes -> Text,
        uses -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ratings (id) {
        id -> Text,
        ticket_id -> Text,
        score -> Integer,
        comment -> Nullable<Text>,
        expectation -> Nullable<Text>,
        source -> Text,
        agent_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        stage -> Text,
        channel -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    survey_links (token_hash) {
        token_hash -> Text,
        ticket_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    triggers (id) {
        id -> Text,
        name -> Text,
        position -> Integer,
        active -> Bool,
        event -> Text,
        conditions -> Text,
        actions -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    trigger_runs (trigger_id, ticket_id, run_key) {
        trigger_id -> Text,
        ticket_id -> Text,
        run_key -> Text,
        ran_at -> Timestamp,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> Text,
        name -> Text,
        position -> Integer,
        active -> Bool,
        conditions -> Text,
        actions -> Text,
        stop -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    team_assignment (team_id) {
        team_id -> Text,
        mode -> Text,
        capacities -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assignment_turns (team_id, user_id) {
        team_id -> Text,
        user_id -> Text,
        last_assigned_at -> Timestamp,
    }
}

diesel::joinable!(sla_policies -> calendars (calendar_id));
diesel::joinable!(ticket_slas -> tickets (ticket_id));
diesel::joinable!(ticket_slas -> sla_policies (policy_id));
diesel::joinable!(sla_events -> tickets (ticket_id));
diesel::joinable!(ticket_tags -> tickets (ticket_id));
diesel::joinable!(messages -> tickets (ticket_id));
diesel::joinable!(call_logs -> tickets (ticket_id));
diesel::joinable!(visitors -> widgets (widget_id));
diesel::joinable!(visitor_sessions -> visitors (visitor_id));
diesel::joinable!(conversations -> tickets (ticket_id));
diesel::joinable!(chat_messages_left -> tickets (ticket_id));
diesel::joinable!(conversations -> visitors (visitor_id));
diesel::joinable!(chat_lines -> messages (message_id));
diesel::joinable!(chat_lines -> conversations (ticket_id));
diesel::joinable!(message_files -> messages (message_id));
diesel::joinable!(mailbox_imap -> mailboxes (mailbox_id));
diesel::joinable!(email_messages -> messages (message_id));
diesel::joinable!(email_messages -> mailboxes (mailbox_id));
diesel::joinable!(email_messages -> tickets (ticket_id));
diesel::joinable!(chat_declines -> conversations (ticket_id));
diesel::joinable!(chat_index_cursors -> conversations (ticket_id));

diesel::joinable!(vendor_users -> vendors (vendor_id));
diesel::joinable!(escalations -> vendors (vendor_id));
diesel::joinable!(escalations -> tickets (ticket_id));
diesel::joinable!(escalation_messages -> escalations (escalation_id));
diesel::joinable!(escalation_reminders -> escalations (escalation_id));

diesel::allow_tables_to_appear_in_same_query!(
    ratings,
    survey_links,
    triggers,
    trigger_runs,
    routing_rules,
    team_assignment,
    assignment_turns,
    macros,
    calendars,
    sla_policies,
    ticket_slas,
    sla_events,
    users,
    sessions,
    api_tokens,
    audit_events,
    password_resets,
    settings,
    known_devices,
    login_throttle,
    teams,
    team_members,
    customers,
    customer_emails,
    customer_phones,
    tickets,
    ticket_tags,
    messages,
    call_logs,
    ticket_reads,
    widgets,
    visitors,
    visitor_sessions,
    socket_tickets,
    agent_presence,
    conversations,
    chat_messages_left,
    chat_declines,
    chat_index_cursors,
    chat_lines,
    message_files,
    mailboxes,
    mailbox_imap,
    email_messages,
    ticket_participants,
    outbox,
    undeliverable_addresses,
    mail_quarantine,
    mail_templates,
    notification_settings,
    vendors,
    vendor_users,
    escalations,
    escalation_messages,
    escalation_files,
    escalation_emails,
    webhook_deliveries,
    integrations,
    agent_extensions,
    phone_calls,
    telephony_events,
    escalation_reminders,
    visits,
);

diesel::table! {
    widgets (id) {
        id -> Text,
        name -> Text,
        origins -> Text,
        colour -> Text,
        position -> Text,
        greeting_en -> Nullable<Text>,
        greeting_zh -> Nullable<Text>,
        pre_sale_team_id -> Nullable<Text>,
        in_sale_team_id -> Nullable<Text>,
        after_sale_team_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    visitors (id) {
        id -> Text,
        widget_id -> Nullable<Text>,
        key_hash -> Text,
        customer_id -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    visitor_sessions (token_hash) {
        token_hash -> Text,
        visitor_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    socket_tickets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    agent_presence (user_id) {
        user_id -> Text,
        presence -> Text,
        changed_at -> Timestamp,
        connected_until -> Timestamp,
        idle_since -> Timestamp,
    }
}

diesel::table! {
    chat_declines (ticket_id, agent_id) {
        ticket_id -> Text,
        agent_id -> Text,
        declined_at -> Timestamp,
        passed_on -> Bool,
    }
}

diesel::table! {
    chat_messages_left (ticket_id) {
        ticket_id -> Text,
        visitor_id -> Text,
        context -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chat_index_cursors (ticket_id) {
        ticket_id -> Text,
        indexed_seq -> BigInt,
    }
}

diesel::table! {
    conversations (ticket_id) {
        ticket_id -> Text,
        visitor_id -> Text,
        state -> Text,
        team_id -> Text,
        agent_id -> Nullable<Text>,
        last_seq -> BigInt,
        waiting_since -> Timestamp,
        offered_at -> Nullable<Timestamp>,
        served_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<Text>,
        rating -> Nullable<Integer>,
        rating_comment -> Nullable<Text>,
        context -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        handed_over_by -> Nullable<Text>,
        handover_note -> Nullable<Text>,
        visitor_read_up_to -> BigInt,
        agent_read_up_to -> BigInt,
        visitor_here_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    chat_lines (ticket_id, seq) {
        ticket_id -> Text,
        seq -> BigInt,
        message_id -> Text,
        client_id -> Nullable<Text>,
    }
}

diesel::table! {
    message_files (id) {
        id -> Text,
        ticket_id -> Text,
        message_id -> Text,
        sha256 -> Text,
        size -> BigInt,
        content_type -> Text,
        name -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        thumbnail -> Bool,
        access_key -> Text,
        created_at -> Timestamp,
        content_id -> Nullable<Text>,
        inline -> Bool,
    }
}

diesel::table! {
    mailboxes (id) {
        id -> Text,
        name -> Text,
        address -> Text,
        address_key -> Text,
        team_id -> Nullable<Text>,
        stage -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        acknowledge -> Bool,
    }
}

diesel::table! {
    mailbox_imap (mailbox_id) {
        mailbox_id -> Text,
        host -> Text,
        port -> Integer,
        security -> Text,
        username -> Text,
        password -> Text,
        folder -> Text,
        after_fetch -> Text,
        move_to -> Nullable<Text>,
        uid_validity -> Nullable<BigInt>,
        last_uid -> BigInt,
        checked_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    email_messages (message_id) {
        message_id -> Text,
        ticket_id -> Text,
        mailbox_id -> Text,
        direction -> Text,
        header_id -> Text,
        from_address -> Text,
        from_name -> Nullable<Text>,
        recipients -> Text,
        subject -> Text,
        thread_rule -> Text,
        html -> Nullable<Text>,
        quoted -> Nullable<Text>,
        raw_sha256 -> Nullable<Text>,
        automatic -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_participants (ticket_id, email_key) {
        ticket_id -> Text,
        email_key -> Text,
        email -> Text,
        name -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_templates (kind, locale) {
        kind -> Text,
        locale -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> Text,
        assigned -> Bool,
        customer_replied -> Bool,
        updated_at -> Timestamp,
        vendor_update -> Bool,
        escalation_new -> Bool,
        escalation_reply -> Bool,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        ticket_id -> Nullable<Text>,
        message_id -> Nullable<Text>,
        payload -> Text,
        automatic -> Bool,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        recipient -> Nullable<Text>,
    }
}

diesel::table! {
    undeliverable_addresses (email_key) {
        email_key -> Text,
        email -> Text,
        status -> Text,
        diagnostic -> Nullable<Text>,
        bounced_at -> Timestamp,
    }
}

diesel::table! {
    mail_quarantine (id) {
        id -> Text,
        mailbox_id -> Nullable<Text>,
        source -> Text,
        raw_sha256 -> Text,
        size -> BigInt,
        reason -> Text,
        detail -> Text,
        sender -> Nullable<Text>,
        subject -> Nullable<Text>,
        attempts -> Integer,
        created_at -> Timestamp,
        last_tried_at -> Timestamp,
    }
}

diesel::table! {
    vendors (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        kind -> Text,
        contacts -> Text,
        coverage -> Text,
        acknowledge_minutes -> Integer,
        answer_minutes -> Integer,
        share_contact -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        webhook_url -> Nullable<Text>,
        webhook_secret -> Nullable<Text>,
        webhook_private -> Bool,
    }
}

diesel::table! {
    vendor_users (user_id) {
        user_id -> Text,
        vendor_id -> Text,
        integration -> Bool,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        vendor_id -> Nullable<Text>,
        integration_id -> Nullable<Text>,
        escalation_id -> Nullable<Text>,
        event -> Text,
        url -> Text,
        body -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_response -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    integrations (id) {
        id -> Text,
        name -> Text,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        allow_private -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    escalations (id) {
        id -> Text,
        ticket_id -> Text,
        vendor_id -> Text,
        status -> Text,
        subject -> Text,
        brief -> Text,
        contact -> Nullable<Text>,
        requested_at -> Timestamp,
        acknowledge_by -> Timestamp,
        answer_by -> Timestamp,
        due_at -> Nullable<Timestamp>,
        acknowledged_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
        returned_at -> Nullable<Timestamp>,
        reopened -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        ticket_id -> Text,
        vendor_id -> Nullable<Text>,
        technician_id -> Nullable<Text>,
        address -> Text,
        window_start -> Timestamp,
        window_end -> Timestamp,
        task -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        sequence -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    escalation_reminders (escalation_id) {
        escalation_id -> Text,
        soon_for -> Nullable<Timestamp>,
        late_for -> Nullable<Timestamp>,
    }
}

diesel::table! {
    escalation_messages (id) {
        id -> Text,
        escalation_id -> Text,
        kind -> Text,
        author_kind -> Text,
        author_user -> Nullable<Text>,
        body -> Text,
        data -> Nullable<Text>,
        source_message_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    escalation_emails (id) {
        id -> Text,
        escalation_id -> Text,
        entry_id -> Nullable<Text>,
        inbound -> Bool,
        header_id -> Text,
        from_address -> Text,
        subject -> Text,
        thread_rule -> Text,
        automatic -> Nullable<Text>,
        raw_sha256 -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    escalation_files (id) {
        id -> Text,
        escalation_id -> Text,
        message_id -> Text,
        source_file_id -> Nullable<Text>,
        sha256 -> Text,
        size -> BigInt,
        content_type -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}
