import Foundation
import GRDB

/// One (image, pose) pair of the edge's training set E, as the catalog records it.
struct CatalogSample: Sendable, Equatable {
    var round: Int64
    var clientID: String
    var sampleIndex: Int
    /// `pilot` or `dataset`.
    var kind: String
    /// Image file, relative to the data directory.
    var path: String
    /// Position x y z and quaternion x y z w.
    var pose: [Double]
    /// ℓ(image, S′ render at the pose), computed by the edge.
    var loss: Double
}

extension Catalog {
    /// Schema v2: the `sample` table of aggregated STT-GS data (one row per client sample and
    /// round; inserting a sample twice is a no-op, so a resumed upload never duplicates it).
    static func registerSampleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-samples") { db in
            try db.create(table: "sample") { table in
                table.column("round", .integer).notNull()
                table.column("clientId", .text).notNull()
                table.column("sampleIndex", .integer).notNull()
                table.column("kind", .text).notNull()
                table.column("path", .text).notNull()
                table.column("pose", .text).notNull()
                table.column("loss", .double).notNull()
                table.column("addedAt", .datetime).notNull()
                table.primaryKey(["round", "clientId", "sampleIndex"])
            }
        }
    }

    /// Records aggregated samples; returns how many were new.
    @discardableResult
    func record(samples: [CatalogSample]) throws -> Int {
        try queue.write { db in
            var added = 0
            for sample in samples {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO sample (round, clientId, sampleIndex, kind, path, pose, loss, addedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        sample.round, sample.clientID, sample.sampleIndex, sample.kind, sample.path,
                        sample.pose.map { "\($0)" }.joined(separator: " "), sample.loss, Date(),
                    ])
                added += db.changesCount
            }
            return added
        }
    }

    /// Samples in the training set (all rounds).
    func sampleCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample") ?? 0 }
    }
}
