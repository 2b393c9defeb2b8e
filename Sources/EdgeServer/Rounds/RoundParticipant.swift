import Protocol
import SlotModel

/// A collector registered for a round: its session, what it declared (HELLO capabilities) and
/// its radio position (POSE).
struct RoundParticipant: Sendable {
    let session: Session
    let registration: CollectorRegistration
    let position: SIMD3<Double>
    /// π_k as the collector computed it on its own data (evaluation only; never used to select).
    let reportedTrueLoss: Double?

    /// The participant a collector session describes, or nil while its registration is
    /// incomplete (no valid capabilities or no POSE yet) or its connection is gone.
    init?(_ session: Session) {
        let state = session.snapshot
        guard session.role == .collector, state.connection != nil,
            let registration = CollectorRegistration(capabilities: state.capabilities),
            case .pose(let report)? = state.latest[.pose]
        else { return nil }
        self.session = session
        self.registration = registration
        position = report.pose.position
        reportedTrueLoss = report.oracleLoss
    }

    /// Where the store keeps this collector's upload of `kind` in `round`.
    func uploadKey(round: UInt64, kind: UploadKind) -> UploadKey {
        UploadKey(clientID: session.clientID, uploadID: String(CollectorRegistration.uploadID(round: round, kind: kind)))
    }
}
