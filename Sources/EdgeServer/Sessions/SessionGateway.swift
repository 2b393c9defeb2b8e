import Protocol

/// HELLO for every transport: version negotiation, authentication, the session limit and
/// resume, and the WELCOME that answers it.
struct SessionGateway: Sendable {
    let sessions: SessionRegistry
    /// `limits.max_frame_bytes`: the largest payload a client may send after WELCOME.
    let maxFrameBytes: Int
    let channelSeed: UInt64
    let slotLengthMilliseconds: Double
    let maxPlannedPoses: Int
    /// Where the slot loop is (WELCOME's current slot).
    let slotStatistics: SlotStatisticsBox

    init(configuration: ServerConfiguration, sessions: SessionRegistry, slotStatistics: SlotStatisticsBox) {
        self.sessions = sessions
        maxFrameBytes = configuration.limits.maxFrameBytes
        channelSeed = configuration.channelSeed
        slotLengthMilliseconds = configuration.slotLengthMilliseconds
        maxPlannedPoses = configuration.maxPlannedPoses
        self.slotStatistics = slotStatistics
    }

    /// Opens (or resumes) the session HELLO asks for, bound to `connection`.
    ///
    /// - Throws: the refusal to send back (no session exists afterwards).
    func open(
        _ hello: Hello, transport: SessionStateMachine.Transport, connection: any SessionConnection
    ) throws(ProtocolError) -> (Session, Welcome) {
        let version = try hello.negotiatedVersion()
        let role: SessionRole =
            switch hello.role {
            case .robot: .robot
            case .user: .user
            case .collector: .collector
            }
        do {
            let (session, _) = try sessions.open(
                clientID: hello.clientID, role: role, token: hello.token, transport: transport.rawValue, connection: connection)
            session.declare(capabilities: hello.capabilities)
            return (session, welcome(for: session, version: version))
        } catch {
            throw error.protocolError
        }
    }

    /// The WELCOME a session receives after its HELLO.
    func welcome(for session: Session, version: UInt8) -> Welcome {
        Welcome(
            version: version, sessionID: session.id, linkID: session.linkID, channelSeed: channelSeed,
            slotLengthMicroseconds: UInt32(slotLengthMilliseconds * 1000),
            currentSlot: UInt64(slotStatistics.value.slotsCompleted),
            maxPayloadLength: UInt32(maxFrameBytes),
            // UPLOAD_CHUNK spends 20 payload bytes on upload id, offset and blob length.
            maxChunkLength: UInt32(max(1, maxFrameBytes - 20)),
            maxPlannedPoses: UInt16(maxPlannedPoses))
    }
}
