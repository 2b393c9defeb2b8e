import Foundation
import GRDB

/// The daemon's SQLite catalog: sessions, committed uploads and daemon runs.
///
/// The catalog is the source of truth for "which uploads exist"; the upload store writes a row
/// only after the bytes were verified and renamed into place. Schema changes go through
/// ``migrator`` so an upgraded daemon opens an older data directory in place.
final class Catalog: Sendable {
    let queue: DatabaseQueue

    /// Opens (creating and migrating) the catalog at `path`; `":memory:"` for a throwaway one.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        queue =
            path == ":memory:"
            ? try DatabaseQueue(configuration: configuration)
            : try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(queue)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("version", .text).notNull()
                table.column("startedAt", .datetime).notNull()
                table.column("stoppedAt", .datetime)
                table.column("binaryAddress", .text).notNull()
                table.column("httpAddress", .text).notNull()
            }
            try db.create(table: "session") { table in
                table.column("id", .text).primaryKey()
                table.column("runId", .integer).references("run")
                table.column("clientId", .text).notNull().indexed()
                table.column("role", .text).notNull()
                table.column("transport", .text).notNull()
                table.column("openedAt", .datetime).notNull()
                table.column("closedAt", .datetime)
                table.column("closeReason", .text)
            }
            try db.create(table: "upload") { table in
                table.column("clientId", .text).notNull()
                table.column("uploadId", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("sha256", .text).notNull()
                table.column("committedAt", .datetime).notNull()
                table.primaryKey(["clientId", "uploadId"])
            }
        }
        registerSampleMigration(&migrator)
        registerModelMigration(&migrator)
        return migrator
    }

    // MARK: Runs

    /// Records a daemon start; returns the run id.
    func startRun(version: String, binaryAddress: String, httpAddress: String) throws -> Int64 {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO run (version, startedAt, binaryAddress, httpAddress) VALUES (?, ?, ?, ?)",
                arguments: [version, Date(), binaryAddress, httpAddress])
            return db.lastInsertedRowID
        }
    }

    func stopRun(_ id: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE run SET stoppedAt = ? WHERE id = ?", arguments: [Date(), id])
            // Sessions still open when the daemon stops were closed by the shutdown.
            try db.execute(
                sql: "UPDATE session SET closedAt = ?, closeReason = 'shutdown' WHERE runId = ? AND closedAt IS NULL",
                arguments: [Date(), id])
        }
    }

    func runCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") ?? 0 }
    }

    // MARK: Sessions

    func openSession(id: String, runID: Int64?, clientID: String, role: String, transport: String) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO session (id, runId, clientId, role, transport, openedAt) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET closedAt = NULL, closeReason = NULL, transport = excluded.transport
                    """,
                arguments: [id, runID, clientID, role, transport, Date()])
        }
    }

    func closeSession(id: String, reason: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE session SET closedAt = ?, closeReason = ? WHERE id = ?",
                arguments: [Date(), reason, id])
        }
    }

    /// Sessions not yet closed (across runs), for tests and diagnostics.
    func openSessionCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session WHERE closedAt IS NULL") ?? 0 }
    }

    // MARK: Uploads

    /// Records a verified upload; recording the same upload twice is a no-op.
    func record(_ upload: CommittedUpload) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO upload (clientId, uploadId, size, sha256, committedAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [upload.key.clientID, upload.key.uploadID, upload.size, upload.sha256Hex, upload.committedAt])
        }
    }

    func upload(_ key: UploadKey) throws -> CommittedUpload? {
        try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT size, sha256, committedAt FROM upload WHERE clientId = ? AND uploadId = ?",
                arguments: [key.clientID, key.uploadID]
            ).map { row in
                CommittedUpload(key: key, size: row["size"], sha256Hex: row["sha256"], committedAt: row["committedAt"])
            }
        }
    }

    func uploadCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM upload") ?? 0 }
    }
}
