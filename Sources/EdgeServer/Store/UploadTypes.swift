import Foundation

/// Names an upload: the client that owns it and the client-chosen upload id.
struct UploadKey: Hashable, Sendable, Codable, CustomStringConvertible {
    var clientID: String
    var uploadID: String

    /// Both parts become path components, so they are restricted to a safe alphabet.
    func validate() throws(UploadStoreError) {
        for (name, value) in [("client id", clientID), ("upload id", uploadID)] {
            guard Self.isSafeName(value) else {
                throw UploadStoreError(.invalid, "\(name) \"\(value)\" must be 1–128 characters of A–Z a–z 0–9 . _ - and not start with a dot")
            }
        }
    }

    static func isSafeName(_ value: String) -> Bool {
        guard (1...128).contains(value.utf8.count), value.first != "." else { return false }
        return value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    var description: String { "upload \(clientID)/\(uploadID)" }
}

/// The sidecar that makes a partial upload resumable: written only after the bytes it
/// describes are fsynced.
struct UploadManifest: Codable, Sendable, Equatable {
    var key: UploadKey
    var totalSize: Int64
    var sha256Hex: String
    var durableOffset: Int64
}

/// Where an upload stands after BEGIN or a CHUNK.
struct UploadProgress: Sendable, Equatable {
    /// Bytes on stable storage; the next chunk must start here.
    var durableOffset: Int64
    var totalSize: Int64
    /// The upload was already verified and committed (BEGIN of a finished upload).
    var committed: Bool
}

/// A verified upload, as recorded in the catalog.
struct CommittedUpload: Sendable, Equatable {
    var key: UploadKey
    var size: Int64
    var sha256Hex: String
    var committedAt: Date
}

/// Bytes and file counts of the store, for `/v1/status`.
struct StoreUsage: Sendable, Equatable, Codable {
    var completeFiles = 0
    var completeBytes: Int64 = 0
    var partialFiles = 0
    var partialBytes: Int64 = 0
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Bytes of a hexadecimal string, or nil when it is not one.
    var hexBytes: [UInt8]? {
        let utf8 = Array(self.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
