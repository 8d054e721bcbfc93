/// Each stage's count and sum of leads and deals per responsible, kept by triggers on every
/// insert, move, change of responsible or amount, and delete — whatever wrote it — so a board
/// of a hundred thousand records reads its column figures from a few hundred rows.
struct M0025_StageTotals: Migration {
    let version = 25
    let name = "stage totals"

    func statements(for dialect: DatabaseKind) -> [String] {
        var statements = [
            """
            CREATE TABLE stage_totals (
                entity TEXT NOT NULL,
                pipeline_id BIGINT NOT NULL,
                stage_id BIGINT NOT NULL,
                owner_id BIGINT NOT NULL,
                n BIGINT NOT NULL,
                total BIGINT NOT NULL,
                PRIMARY KEY (entity, pipeline_id, stage_id, owner_id)
            )
            """,
        ]
        for (entity, table) in [("lead", "leads"), ("deal", "deals")] {
            statements.append("""
                INSERT INTO stage_totals (entity, pipeline_id, stage_id, owner_id, n, total)
                SELECT '\(entity)', pipeline_id, stage_id, owner_id, COUNT(*), COALESCE(SUM(amount), 0) FROM \(table)
                GROUP BY pipeline_id, stage_id, owner_id
                """)
            statements += dialect == .sqlite ? sqliteTriggers(entity, table) : postgresTriggers(entity, table)
        }
        return statements
    }

    /// Adds (sign 1) or takes away (sign -1) one record of `row` (`NEW` or `OLD`).
    func change(_ entity: String, _ row: String, sign: Int, upsert: String) -> String {
        if sign < 0 {
            return """
                UPDATE stage_totals SET n = n - 1, total = total - COALESCE(\(row).amount, 0)
                WHERE entity = '\(entity)' AND pipeline_id = \(row).pipeline_id AND stage_id = \(row).stage_id
                  AND owner_id = \(row).owner_id;
                """
        }
        return """
            INSERT INTO stage_totals (entity, pipeline_id, stage_id, owner_id, n, total)
            VALUES ('\(entity)', \(row).pipeline_id, \(row).stage_id, \(row).owner_id, 1, COALESCE(\(row).amount, 0))
            ON CONFLICT (entity, pipeline_id, stage_id, owner_id) DO UPDATE SET n = \(upsert).n + 1, total = \(upsert).total + excluded.total;
            """
    }

    static let moved = """
        OLD.pipeline_id <> NEW.pipeline_id OR OLD.stage_id <> NEW.stage_id OR OLD.owner_id <> NEW.owner_id
          OR COALESCE(OLD.amount, 0) <> COALESCE(NEW.amount, 0)
        """

    func sqliteTriggers(_ entity: String, _ table: String) -> [String] {
        [
            "CREATE TRIGGER \(table)_totals_insert AFTER INSERT ON \(table) BEGIN \(change(entity, "NEW", sign: 1, upsert: "stage_totals")) END",
            "CREATE TRIGGER \(table)_totals_delete AFTER DELETE ON \(table) BEGIN \(change(entity, "OLD", sign: -1, upsert: "stage_totals")) END",
            """
            CREATE TRIGGER \(table)_totals_update AFTER UPDATE OF pipeline_id, stage_id, owner_id, amount ON \(table)
            WHEN \(Self.moved)
            BEGIN \(change(entity, "OLD", sign: -1, upsert: "stage_totals")) \(change(entity, "NEW", sign: 1, upsert: "stage_totals")) END
            """,
        ]
    }

    func postgresTriggers(_ entity: String, _ table: String) -> [String] {
        [
            """
            CREATE FUNCTION \(table)_totals() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN \(change(entity, "OLD", sign: -1, upsert: "stage_totals")) END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN \(change(entity, "NEW", sign: 1, upsert: "stage_totals")) END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER \(table)_totals_insert AFTER INSERT OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION \(table)_totals()",
            """
            CREATE TRIGGER \(table)_totals_update AFTER UPDATE OF pipeline_id, stage_id, owner_id, amount ON \(table)
            FOR EACH ROW WHEN (\(Self.moved)) EXECUTE FUNCTION \(table)_totals()
            """,
        ]
    }
}
