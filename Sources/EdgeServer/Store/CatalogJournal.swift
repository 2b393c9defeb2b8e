import Logging
import NIOPosix

/// The catalog's session journal (sessions opened, resumed and closed), written in order on a
/// thread of its own: HELLO and BYE arrive on event loops and connection tasks, and a SQLite
/// write can wait up to the catalog's busy timeout, which none of them may spend. The records
/// are diagnostics — the sessions themselves live in memory — so a write that fails is logged
/// and the journal goes on.
final class CatalogJournal: Sendable {
    private let catalog: Catalog
    private let logger: Logger
    private let writer = NIOThreadPool(numberOfThreads: 1)

    init(catalog: Catalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
        writer.start()
    }

    /// Queues `write`; records are written in the order they were queued.
    func record(_ what: String, _ write: @escaping @Sendable (Catalog) throws -> Void) {
        // A writer that is shutting down runs the item at once on this thread instead: late
        // records (sessions closed during the drain) are still written.
        writer.submit { [catalog, logger] _ in
            do {
                try write(catalog)
            } catch {
                logger.warning("catalog: could not record \(what)", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Writes what is queued, then stops the writer thread.
    func close() async {
        try? await writer.shutdownGracefully()
    }
}
