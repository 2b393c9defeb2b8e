import Foundation
import GRDB

extension Catalog {
    /// Schema v3: the `model` table of the edge's model versions (docs/OPERATIONS.md, "Models").
    static func registerModelMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-models") { db in
            try db.create(table: "model") { table in
                table.column("version", .integer).primaryKey()
                table.column("parent", .integer)
                table.column("source", .text).notNull()
                table.column("path", .text).notNull()
                table.column("gaussians", .integer).notNull()
                table.column("rounds", .text).notNull()
                table.column("trainingSamples", .integer).notNull()
                table.column("heldOutSamples", .integer).notNull()
                table.column("iterations", .integer).notNull()
                table.column("finalLoss", .double)
                table.column("psnrBefore", .double)
                table.column("ssimBefore", .double)
                table.column("psnrAfter", .double)
                table.column("ssimAfter", .double)
                table.column("trainingSeconds", .double).notNull()
                table.column("promoted", .boolean).notNull()
                table.column("createdAt", .datetime).notNull()
            }
        }
    }

    /// Records a model version (its file is durable before this row exists).
    func record(model: ModelVersion) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO model (version, parent, source, path, gaussians, rounds, trainingSamples, heldOutSamples,
                        iterations, finalLoss, psnrBefore, ssimBefore, psnrAfter, ssimAfter, trainingSeconds, promoted, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    model.version, model.parent, model.source, model.path, model.gaussians,
                    model.rounds.map(String.init).joined(separator: " "), model.trainingSamples, model.heldOutSamples,
                    model.iterations, model.finalLoss, model.psnrBefore, model.ssimBefore, model.psnrAfter, model.ssimAfter,
                    model.trainingSeconds, model.promoted, model.createdAt,
                ])
        }
    }

    /// Every model version, oldest first.
    func models() throws -> [ModelVersion] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model ORDER BY version").map { row in
                let rounds: String = row["rounds"]
                return ModelVersion(
                    version: row["version"], parent: row["parent"], source: row["source"], path: row["path"],
                    gaussians: row["gaussians"], rounds: rounds.split(separator: " ").compactMap { Int($0) },
                    trainingSamples: row["trainingSamples"], heldOutSamples: row["heldOutSamples"], iterations: row["iterations"],
                    finalLoss: row["finalLoss"], psnrBefore: row["psnrBefore"], ssimBefore: row["ssimBefore"],
                    psnrAfter: row["psnrAfter"], ssimAfter: row["ssimAfter"], trainingSeconds: row["trainingSeconds"],
                    promoted: row["promoted"], createdAt: row["createdAt"])
            }
        }
    }

    /// Stored samples of `rounds` (all kinds), ordered by round, client and index.
    func samples(rounds: [Int]) throws -> [CatalogSample] {
        guard !rounds.isEmpty else { return [] }
        return try queue.read { db in
            let marks = rounds.map { _ in "?" }.joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM sample WHERE round IN (\(marks)) ORDER BY round, clientId, sampleIndex",
                arguments: StatementArguments(rounds)
            ).map { row in
                let pose: String = row["pose"]
                return CatalogSample(
                    round: row["round"], clientID: row["clientId"], sampleIndex: row["sampleIndex"], kind: row["kind"],
                    path: row["path"], pose: pose.split(separator: " ").compactMap { Double($0) }, loss: row["loss"])
            }
        }
    }

    /// Rounds that have stored samples, ascending.
    func sampleRounds() throws -> [Int] {
        try queue.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT round FROM sample ORDER BY round") }
    }
}
