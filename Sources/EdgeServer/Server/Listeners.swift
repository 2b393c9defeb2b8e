import ServiceLifecycle

/// Runs both listeners as one service, so a graceful shutdown reaches them at the same moment
/// (ServiceGroup would otherwise drain one only after the other had finished).
struct Listeners: Service {
    let binary: BinaryListener
    let http: HTTPListener

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await binary.run() }
            group.addTask { try await http.run() }
            try await group.waitForAll()
        }
    }
}
