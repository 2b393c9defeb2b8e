import Foundation

/// One upload a collector made in a round stage, as the collector saw it.
struct CollectorUpload: Codable, Sendable {
    /// `pilots` or `dataset`.
    var kind: String
    var round: UInt64
    var powerW: Double
    /// The rate the server announced in the SCHEDULE.
    var expectedRateBps: Double
    /// The rate of the collector's own emulated link: B log2(1 + SINR) from the shared channel and
    /// the co-scheduled powers.
    var rateBps: Double
    var sinr: Double
    /// Samples in the upload and the bits they stand for on the emulated uplink (V_k per sample).
    var samples: Int
    var emulatedBits: Double
    /// Emulated airtime of the whole upload and the stage's deadline, in seconds.
    var airtimeSeconds: Double
    var deadlineSeconds: Double
    /// Bytes and SHA-256 of the upload (what the server must have committed).
    var bytes: Int
    var sha256: String
    /// The durable offset the server reported at UPLOAD_BEGIN (> 0 after a restart).
    var resumedFromOffset: Int
    /// Bytes this process sent.
    var bytesSent: Int
    /// The server acknowledged UPLOAD_END (digest verified, committed).
    var committed: Bool
    /// The upload could not finish before the deadline.
    var outage: Bool
    var wallSeconds: Double
}

/// A collector's report of its round: what it holds and what it sent.
struct CollectorReport: Codable, Sendable {
    var client: String
    var role = "collector"
    var link: UInt32
    /// The round it took part in (nil if none happened before --duration ran out).
    var round: UInt64?
    var position: [Double]
    var items: Int
    var pilotIndices: [Int]
    var bitsPerSample: Double
    /// Σ ℓ(image, S′) over its whole dataset, computed by the collector.
    var trueLoss: Double
    /// Whether the stage-2 SCHEDULE selected it (nil before stage 2).
    var selected: Bool?
    var uploads: [CollectorUpload] = []
    /// Why the collector stopped before the round's end (a refused upload, a lost connection).
    var failure: String?

    /// Writes `<client>.json` into `directory`.
    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(self).write(to: URL(fileURLWithPath: "\(directory)/\(client).json"))
    }

    static let header = "client                 link  items pilots  selected  pilot B   data B  power W     rate Mb/s  outages  true loss"

    /// A table row of what the collector sent.
    var line: String {
        let pilot = uploads.first { $0.kind == "pilots" }, data = uploads.first { $0.kind == "dataset" }
        let selectedText = selected.map { $0 ? "yes" : "no" } ?? "-"
        return client.padding(toLength: 22, withPad: " ", startingAt: 0)
            + String(format: " %5u %6ld %6ld ", link, items, pilotIndices.count)
            + selectedText.padding(toLength: 9, withPad: " ", startingAt: 0)
            + String(
                format: " %8ld %8ld %9.3e %12.3f %8ld %10.4f", pilot?.bytes ?? Int(0), data?.bytes ?? Int(0),
                data?.powerW ?? Double(0), (data?.rateBps ?? Double(0)) / 1e6, uploads.filter(\.outage).count, trueLoss)
    }
}
