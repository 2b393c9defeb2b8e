import CNGHTTP2

/// A header list laid out for nghttp2's submit calls: the names and values back to back in one
/// byte array, their lengths in a second, and the `nghttp2_nv` list built over them only for
/// the call — no `String` per field, and nothing nghttp2 keeps (it copies the fields during
/// `nghttp2_submit_request` and `nghttp2_submit_response`).
///
/// Names are lower-cased as HTTP/2 requires (RFC 9113 §8.2.1); the connection-specific fields
/// HTTP/2 forbids are skipped (§8.2.2).
public struct NGHTTP2HeaderBlock {
    private var storage: [UInt8] = []
    private var lengths: [(name: Int, value: Int)] = []

    /// An empty block with room for about `fields` fields.
    public init(fields: Int = 8) {
        storage.reserveCapacity(32 * fields)
        lengths.reserveCapacity(fields)
    }

    /// Appends one field, its name lower-cased; connection-specific fields are dropped.
    public mutating func append(_ name: String, _ value: String) {
        guard !Self.isConnectionSpecific(name) else { return }
        let start = storage.count
        storage.append(contentsOf: name.utf8)
        let nameEnd = storage.count
        for index in start..<nameEnd where 0x41...0x5A ~= storage[index] { storage[index] |= 0x20 }
        storage.append(contentsOf: value.utf8)
        lengths.append((nameEnd - start, storage.count - nameEnd))
    }

    /// Calls `body` with the `nghttp2_nv` list and its length; the pointers are valid during
    /// the call only.
    public mutating func withNameValues<Result>(_ body: (UnsafePointer<nghttp2_nv>?, Int) -> Result) -> Result {
        let lengths = self.lengths
        return storage.withUnsafeMutableBufferPointer { bytes in
            guard var cursor = bytes.baseAddress else { return body(nil, 0) }
            // The list lives on the stack for the call (small blocks) rather than in an array.
            return withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: lengths.count) { list in
                for (index, (nameLength, valueLength)) in lengths.enumerated() {
                    list.initializeElement(
                        at: index,
                        to: nghttp2_nv(
                            name: cursor, value: cursor + nameLength, namelen: nameLength, valuelen: valueLength,
                            flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                    cursor += nameLength + valueLength
                }
                defer { list.deinitialize() }
                return body(UnsafePointer(list.baseAddress), list.count)
            }
        }
    }

    /// The connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2), any case.
    private static func isConnectionSpecific(_ name: String) -> Bool {
        switch name.utf8.count {
        case 7: name.lowercased() == "upgrade"
        case 10: ["connection", "keep-alive"].contains(name.lowercased())
        case 16: name.lowercased() == "proxy-connection"
        case 17: name.lowercased() == "transfer-encoding"
        default: false
        }
    }
}
