import Protocol

/// What a collector declares when it registers for an STT-GS round (docs/PROTOCOL.md, "STT-GS
/// rounds"): its dataset size |D_k|, its pilot count |D̃_k| and its bits per sample V_k, carried
/// as `HELLO` capabilities `sttgs-items=N`, `sttgs-pilots=M`, `sttgs-bits=V` (V in whole bits).
/// Its radio position follows in a `POSE`.
public struct CollectorRegistration: Sendable, Equatable {
    /// |D_k| (≥ 1).
    public var items: Int
    /// |D̃_k| (1…items).
    public var pilots: Int
    /// V_k in bits (> 0).
    public var bitsPerSample: Double

    /// The largest V_k accepted (1 Pbit per sample): whole bits stay exact in a Double and an Int.
    public static let maxBitsPerSample = 1e15

    /// A registration; nil unless 1 ≤ pilots ≤ items and 1 ≤ bits ≤ ``maxBitsPerSample``.
    public init?(items: Int, pilots: Int, bitsPerSample: Double) {
        guard items >= 1, (1...items).contains(pilots), bitsPerSample.isFinite, (1...Self.maxBitsPerSample).contains(bitsPerSample)
        else { return nil }
        self.items = items
        self.pilots = pilots
        self.bitsPerSample = bitsPerSample.rounded()
    }

    /// Parses the capabilities of a `HELLO`; nil when any of the three is missing or invalid
    /// (other capabilities are ignored).
    public init?(capabilities: [String]) {
        var values: [String: Double] = [:]
        for capability in capabilities {
            let parts = capability.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite else { continue }
            values[String(parts[0])] = value
        }
        // Ranges first: any finite number is legal in a capability, and Int() traps outside its own.
        guard let items = values["sttgs-items"], let pilots = values["sttgs-pilots"], let bits = values["sttgs-bits"],
            items == items.rounded(), pilots == pilots.rounded(), (1..<1e9).contains(items), (1...items).contains(pilots)
        else { return nil }
        self.init(items: Int(items), pilots: Int(pilots), bitsPerSample: bits)
    }

    /// The `HELLO` capabilities that carry this registration.
    public var capabilities: [String] {
        ["sttgs-items=\(items)", "sttgs-pilots=\(pilots)", "sttgs-bits=\(Int(bitsPerSample))"]
    }

    /// The upload id of a collector's pilot set (`kind == .pilots`) or remaining dataset
    /// (`.dataset`) in round `round`: `2·round + 1` and `2·round + 2`, so a restarted collector
    /// resumes the same upload.
    public static func uploadID(round: UInt64, kind: UploadKind) -> UInt64 {
        2 * round + (kind == .pilots ? 1 : 2)
    }
}
