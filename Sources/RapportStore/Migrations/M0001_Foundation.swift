/// The foundation: people, access, sessions, tokens, events, settings, idempotency, throttling.
struct M0001_Foundation: Migration {
    let version = 1
    let name = "foundation"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE roles (
                id \(ddl.id),
                key TEXT UNIQUE,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL UNIQUE,
                description TEXT,
                permissions TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT,
                owner_id BIGINT,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            """
            CREATE TABLE departments (
                id \(ddl.id),
                name TEXT NOT NULL,
                parent_id BIGINT REFERENCES departments(id),
                head_user_id BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT,
                owner_id BIGINT,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX departments_parent ON departments (parent_id)",
            """
            CREATE TABLE users (
                id \(ddl.id),
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                first_name TEXT NOT NULL,
                last_name TEXT NOT NULL,
                middle_name TEXT,
                phone TEXT,
                phone_e164 TEXT,
                position TEXT,
                department_id BIGINT REFERENCES departments(id),
                role_id BIGINT NOT NULL REFERENCES roles(id),
                time_zone TEXT NOT NULL,
                locale TEXT NOT NULL,
                working_status TEXT NOT NULL,
                working_hours TEXT,
                skills TEXT NOT NULL DEFAULT '[]',
                regions TEXT NOT NULL DEFAULT '[]',
                is_active \(ddl.bool) NOT NULL DEFAULT TRUE,
                last_login_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT,
                owner_id BIGINT,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX users_department ON users (department_id)",
            "CREATE INDEX users_role ON users (role_id)",
            "CREATE INDEX users_last_name ON users (last_name, id)",
            "CREATE INDEX users_phone ON users (phone_e164)",
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES users(id),
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                ip TEXT,
                user_agent TEXT
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            "CREATE INDEX sessions_expires ON sessions (expires_at)",
            """
            CREATE TABLE api_tokens (
                id \(ddl.id),
                user_id BIGINT NOT NULL REFERENCES users(id),
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                expires_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_tokens_user ON api_tokens (user_id, id)",
            """
            CREATE TABLE events (
                id \(ddl.id),
                occurred_at BIGINT NOT NULL,
                actor_id BIGINT,
                entity TEXT NOT NULL,
                entity_id BIGINT NOT NULL,
                action TEXT NOT NULL,
                changes TEXT NOT NULL,
                owner_id BIGINT
            )
            """,
            "CREATE INDEX events_record ON events (entity, entity_id, id)",
            "CREATE INDEX events_actor ON events (actor_id, id)",
            "CREATE INDEX events_time ON events (occurred_at, id)",
            """
            CREATE TABLE company_settings (
                id BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                currency TEXT NOT NULL,
                locale TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                user_id BIGINT NOT NULL,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status INTEGER,
                content_type TEXT,
                headers TEXT,
                body TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, key)
            )
            """,
            "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)",
            """
            CREATE TABLE login_throttle (
                key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                window_started_at BIGINT NOT NULL,
                locked_until BIGINT
            )
            """,
        ]
    }
}
