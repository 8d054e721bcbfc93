/// The client base: companies, contacts, their links, and their contact channels.
struct M0002_Clients: Migration {
    let version = 2
    let name = "clients"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE companies (
                id \(ddl.id),
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                short_name TEXT NOT NULL,
                full_name TEXT,
                inn TEXT,
                kpp TEXT,
                foreign_tax_id TEXT,
                addresses TEXT NOT NULL DEFAULT '[]',
                bank_account TEXT,
                region TEXT,
                time_zone TEXT,
                reliability TEXT,
                client_class TEXT,
                price_type TEXT,
                delivery_terms TEXT,
                lead_time_days INTEGER,
                advertising_source TEXT,
                birthday TEXT,
                work_started_on TEXT,
                name_key TEXT NOT NULL,
                match_key TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT,
                owner_id BIGINT REFERENCES users(id),
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX companies_name ON companies (name_key, id)",
            "CREATE INDEX companies_match ON companies (match_key)",
            "CREATE INDEX companies_inn ON companies (inn)",
            "CREATE INDEX companies_owner ON companies (owner_id, id)",
            "CREATE INDEX companies_created ON companies (created_at, id)",
            """
            CREATE TABLE contacts (
                id \(ddl.id),
                first_name TEXT NOT NULL,
                middle_name TEXT,
                last_name TEXT,
                position TEXT,
                birthday TEXT,
                time_zone TEXT,
                region TEXT,
                name_key TEXT NOT NULL,
                match_key TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT,
                owner_id BIGINT REFERENCES users(id),
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX contacts_name ON contacts (name_key, id)",
            "CREATE INDEX contacts_match ON contacts (match_key)",
            "CREATE INDEX contacts_owner ON contacts (owner_id, id)",
            "CREATE INDEX contacts_created ON contacts (created_at, id)",
            """
            CREATE TABLE company_contacts (
                company_id BIGINT NOT NULL REFERENCES companies(id),
                contact_id BIGINT NOT NULL REFERENCES contacts(id),
                role TEXT,
                PRIMARY KEY (company_id, contact_id)
            )
            """,
            "CREATE INDEX company_contacts_contact ON company_contacts (contact_id)",
            """
            CREATE TABLE client_channels (
                id \(ddl.id),
                entity TEXT NOT NULL,
                entity_id BIGINT NOT NULL,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                type TEXT,
                value TEXT NOT NULL,
                normalized TEXT
            )
            """,
            "CREATE INDEX client_channels_owner ON client_channels (entity, entity_id, position)",
            "CREATE INDEX client_channels_match ON client_channels (kind, normalized)",
            """
            CREATE TABLE client_relationships (
                id \(ddl.id),
                entity TEXT NOT NULL,
                from_id BIGINT NOT NULL,
                to_id BIGINT NOT NULL,
                kind TEXT NOT NULL,
                note TEXT,
                created_at BIGINT NOT NULL,
                created_by BIGINT
            )
            """,
            "CREATE INDEX client_relationships_from ON client_relationships (entity, from_id)",
            "CREATE INDEX client_relationships_to ON client_relationships (entity, to_id)",
            """
            CREATE TABLE client_merges (
                id \(ddl.id),
                entity TEXT NOT NULL,
                survivor_id BIGINT NOT NULL,
                merged_id BIGINT NOT NULL,
                merged_at BIGINT NOT NULL,
                merged_by BIGINT
            )
            """,
            "CREATE INDEX client_merges_survivor ON client_merges (entity, survivor_id)",
        ]
    }
}
