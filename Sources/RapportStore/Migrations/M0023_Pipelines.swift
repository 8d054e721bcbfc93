/// Pipelines and their stages, close reasons, leads, deals, their line items, and every stay
/// of a record in a stage (the funnel's facts). Tasks a stage makes on entry remember the stay.
struct M0023_Pipelines: Migration {
    let version = 23
    let name = "pipelines, leads and deals"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        let stagePlace = """
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                stage_id BIGINT NOT NULL REFERENCES stages(id),
                stage_visit_id BIGINT NOT NULL DEFAULT 0,
                stage_entered_at BIGINT NOT NULL,
                close_reason_id BIGINT REFERENCES close_reasons(id),
                closed_at BIGINT,
            """
        return [
            """
            CREATE TABLE pipelines (
                id \(ddl.id),
                entity TEXT NOT NULL,
                name TEXT NOT NULL,
                mode TEXT NOT NULL,
                position INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE stages (
                id \(ddl.id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                name TEXT NOT NULL,
                color TEXT NOT NULL,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                required_fields TEXT NOT NULL DEFAULT '[]',
                condition TEXT,
                hint TEXT,
                hint_link TEXT,
                auto_advance \(ddl.bool) NOT NULL DEFAULT FALSE,
                refusal_task_title TEXT,
                entry_tasks TEXT NOT NULL DEFAULT '[]',
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX stages_pipeline ON stages (pipeline_id, position)",
            """
            CREATE TABLE close_reasons (
                id \(ddl.id),
                entity TEXT NOT NULL,
                label TEXT NOT NULL,
                position INTEGER NOT NULL,
                archived \(ddl.bool) NOT NULL DEFAULT FALSE
            )
            """,
            """
            CREATE TABLE leads (
                id \(ddl.id),
                title TEXT NOT NULL,
                first_name TEXT,
                middle_name TEXT,
                last_name TEXT,
                channels TEXT NOT NULL DEFAULT '[]',
                company_name TEXT,
                source TEXT,
                campaign TEXT,
                utm TEXT NOT NULL DEFAULT '{}',
                topic TEXT,
                client_type TEXT,
                object_address TEXT,
                amount BIGINT,
                currency TEXT NOT NULL,
                comments TEXT,
                owner_id BIGINT NOT NULL REFERENCES users(id),
            \(stagePlace)
                contact_id BIGINT,
                company_id BIGINT,
                deal_id BIGINT,
                converted_at BIGINT,
                custom \(ddl.json) NOT NULL DEFAULT '{}',
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            // The board: a column's cards newest first, its count and sum from the index alone.
            "CREATE INDEX leads_stage ON leads (stage_id, id)",
            "CREATE INDEX leads_stage_sums ON leads (pipeline_id, stage_id, amount)",
            "CREATE INDEX leads_owner ON leads (owner_id, stage_id, id)",
            "CREATE INDEX leads_created ON leads (created_at, id)",
            """
            CREATE TABLE deals (
                id \(ddl.id),
                title TEXT NOT NULL,
                company_id BIGINT REFERENCES companies(id),
                contact_id BIGINT REFERENCES contacts(id),
                amount BIGINT,
                currency TEXT NOT NULL,
                close_date TEXT,
                probability INTEGER,
                owner_id BIGINT NOT NULL REFERENCES users(id),
            \(stagePlace)
                lead_id BIGINT REFERENCES leads(id),
                custom \(ddl.json) NOT NULL DEFAULT '{}',
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX deals_stage ON deals (stage_id, id)",
            "CREATE INDEX deals_stage_sums ON deals (pipeline_id, stage_id, amount)",
            "CREATE INDEX deals_owner ON deals (owner_id, stage_id, id)",
            "CREATE INDEX deals_company ON deals (company_id, id)",
            "CREATE INDEX deals_contact ON deals (contact_id, id)",
            """
            CREATE TABLE line_items (
                id \(ddl.id),
                entity TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                quantity TEXT NOT NULL,
                unit TEXT,
                price BIGINT NOT NULL,
                discount_percent TEXT,
                tax_percent TEXT,
                tax_included \(ddl.bool) NOT NULL,
                total BIGINT NOT NULL
            )
            """,
            "CREATE INDEX line_items_record ON line_items (entity, record_id, position)",
            """
            CREATE TABLE stage_visits (
                id \(ddl.id),
                entity TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                pipeline_id BIGINT NOT NULL,
                stage_id BIGINT NOT NULL,
                entered_at BIGINT NOT NULL,
                left_at BIGINT,
                moved_by BIGINT
            )
            """,
            "CREATE INDEX stage_visits_record ON stage_visits (entity, record_id, id)",
            "CREATE INDEX stage_visits_stage ON stage_visits (stage_id, entered_at)",
            "ALTER TABLE tasks ADD COLUMN stage_visit_id BIGINT",
            "CREATE INDEX tasks_stage_visit ON tasks (stage_visit_id) WHERE stage_visit_id IS NOT NULL",
        ]
    }
}
