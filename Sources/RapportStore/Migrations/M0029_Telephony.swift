/// Telephony: the integrations that send call events (each with its own signing secret), the
/// calls as they happened, and every event received (so a repeated one is recognised). Leads'
/// phones and e-mails join the channel index, so a call or a message finds its lead.
struct M0029_Telephony: Migration {
    let version = 29
    let name = "telephony"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        let backfill = dialect == .sqlite
            ? """
              INSERT INTO client_channels (entity, entity_id, position, kind, type, value, normalized)
              SELECT 'lead', leads.id, CAST(j.key AS INTEGER), json_extract(j.value, '$.kind'), json_extract(j.value, '$.type'),
                  json_extract(j.value, '$.value'), json_extract(j.value, '$.normalized')
              FROM leads, json_each(leads.channels) AS j
              """
            : """
              INSERT INTO client_channels (entity, entity_id, position, kind, type, value, normalized)
              SELECT 'lead', leads.id, (j.n - 1)::integer, j.item->>'kind', j.item->>'type', j.item->>'value', j.item->>'normalized'
              FROM leads, jsonb_array_elements(leads.channels::jsonb) WITH ORDINALITY AS j(item, n)
              """
        return [
            """
            CREATE TABLE integrations (
                id \(ddl.id),
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                secret TEXT NOT NULL,
                settings TEXT NOT NULL DEFAULT '{}',
                active \(ddl.bool) NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE calls (
                id \(ddl.id),
                integration_id BIGINT NOT NULL REFERENCES integrations(id),
                external_id TEXT NOT NULL,
                direction TEXT NOT NULL,
                client_number TEXT NOT NULL,
                client_phone TEXT,
                line_number TEXT,
                state TEXT NOT NULL,
                answered_by BIGINT REFERENCES users(id),
                started_at BIGINT NOT NULL,
                answered_at BIGINT,
                ended_at BIGINT,
                duration_seconds INTEGER,
                recording_url TEXT,
                missed_handled \(ddl.bool) NOT NULL DEFAULT FALSE,
                link_entity TEXT,
                link_id BIGINT,
                interaction_id BIGINT,
                task_id BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL,
                UNIQUE (integration_id, external_id)
            )
            """,
            "CREATE INDEX calls_started ON calls (started_at, id)",
            "CREATE INDEX calls_link ON calls (link_entity, link_id)",
            """
            CREATE TABLE call_events (
                integration_id BIGINT NOT NULL REFERENCES integrations(id),
                event_id TEXT NOT NULL,
                call_id BIGINT NOT NULL REFERENCES calls(id),
                kind TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                PRIMARY KEY (integration_id, event_id)
            )
            """,
            "CREATE INDEX client_channels_entity_match ON client_channels (entity, kind, normalized)",
            backfill,
        ]
    }
}
