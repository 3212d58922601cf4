import Foundation
@testable import HotlinePostgres
import Testing

/// Migrations run one statement at a time (the extended query protocol), so the splitter
/// must cut exactly at statement ends.
@Suite struct MigrationSplitTests {
    @Test func splitsAtSemicolonsAtTheEndOfALine() {
        let sql = """
        -- a comment
        CREATE TABLE a (
            id integer PRIMARY KEY
        );

        CREATE INDEX a_id ON a (id);
        """
        #expect(Migrator.statements(in: sql) == [
            "CREATE TABLE a (\n    id integer PRIMARY KEY\n);",
            "CREATE INDEX a_id ON a (id);",
        ])
    }

    @Test func keepsADollarQuotedBodyWhole() {
        let sql = """
        CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- kept: inside the body
            RAISE EXCEPTION 'no';
        END;
        $$;
        CREATE TABLE b (id integer);
        """
        let statements = Migrator.statements(in: sql)
        #expect(statements.count == 2)
        #expect(statements.first?.hasPrefix("CREATE FUNCTION f()") == true)
        #expect(statements.first?.hasSuffix("$$;") == true)
        #expect(statements.first?.contains("RAISE EXCEPTION 'no';") == true)
        #expect(statements.first?.contains("-- kept: inside the body") == true)
        #expect(statements.last == "CREATE TABLE b (id integer);")
    }

    @Test func aFinalStatementWithoutSemicolonIsKept() {
        #expect(Migrator.statements(in: "SELECT 1;\nSELECT 2\n") == ["SELECT 1;", "SELECT 2"])
        #expect(Migrator.statements(in: "-- only a comment\n\n").isEmpty)
    }

    @Test func aSemicolonInsideALineDoesNotEndTheStatement() {
        #expect(Migrator.statements(in: "INSERT INTO t VALUES ('a;b');\n") == ["INSERT INTO t VALUES ('a;b');"])
    }

    @Test func theShippedMigrationsSplitCleanly() throws {
        let migrator = try Migrator()
        #expect(!migrator.migrations.isEmpty)
        // Numbers are reserved per branch (0012 for consumer lag, 0013 and 0014 for the knowledge base), so a
        // gap may exist until both are merged; a number used twice never may.
        let versions = migrator.migrations.map(\.version)
        #expect(versions.first == 1 && versions == versions.sorted() && Set(versions).count == versions.count, "versions 1, 2, 3… each once, in order")
        for migration in migrator.migrations {
            let statements = Migrator.statements(in: migration.sql)
            #expect(!statements.isEmpty, "\(migration.name)")
            for statement in statements {
                // Every statement ends with ";" — a trailing comment after ";" would glue two statements together.
                #expect(statement.hasSuffix(";"), "\(migration.name): \(statement.prefix(60))")
                #expect(!statement.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("--"))
                let body = statement.replacingOccurrences(of: "'", with: "")
                #expect(body.components(separatedBy: "$$").count % 2 == 1, "unbalanced $$ in \(migration.name)")
            }
            // No statement swallowed a second one.
            let creates = migration.sql.components(separatedBy: "\nCREATE ").count - 1 + (migration.sql.hasPrefix("CREATE ") ? 1 : 0)
            let createStatements = statements.filter { $0.hasPrefix("CREATE ") }.count
            #expect(creates == createStatements, "\(migration.name)")
        }
    }
}
