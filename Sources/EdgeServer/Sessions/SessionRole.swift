/// What a client is, as announced in HELLO.
enum SessionRole: String, CaseIterable, Sendable, Codable {
    /// A GSMR robot: streams poses and uploads images when scheduled.
    case robot
    /// An ECO-GS render user: streams head poses and receives frames.
    case user
    /// An STT-GS data collector: registers datasets and uploads pilots and items.
    case collector
}
