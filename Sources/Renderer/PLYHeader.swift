/// The parsed header of a PLY file: encoding, elements and their scalar properties.
struct PLYHeader {
    enum Encoding { case binaryLittleEndian, binaryBigEndian }

    /// A scalar property type and its size in bytes.
    enum ScalarType: String {
        case int8, uint8, int16, uint16, int32, uint32, float32, float64

        init?(plyName: String) {
            switch plyName {
            case "char", "int8": self = .int8
            case "uchar", "uint8": self = .uint8
            case "short", "int16": self = .int16
            case "ushort", "uint16": self = .uint16
            case "int", "int32": self = .int32
            case "uint", "uint32": self = .uint32
            case "float", "float32": self = .float32
            case "double", "float64": self = .float64
            default: return nil
            }
        }

        var size: Int {
            switch self {
            case .int8, .uint8: 1
            case .int16, .uint16: 2
            case .int32, .uint32, .float32: 4
            case .float64: 8
            }
        }
    }

    struct Property {
        let name: String
        let type: ScalarType
        /// Byte offset inside one element row.
        let offset: Int
    }

    struct Element {
        let name: String
        let count: Int
        var properties: [Property] = []
        /// Set when the element has a list property: its rows have no fixed size.
        var hasList = false
        var rowSize: Int { properties.reduce(0) { $0 + $1.type.size } }
    }

    let encoding: Encoding
    let elements: [Element]
    /// Bytes from the start of the file to the first data byte.
    let dataOffset: Int

    /// Parses the header at the start of `bytes`.
    init(bytes: UnsafeRawBufferPointer) throws {
        let marker = Array("end_header".utf8)
        guard let end = Self.find(marker, in: bytes, limit: 1 << 20) else {
            throw RendererError(.badHeader, "no end_header line within the first MiB; not a PLY file?")
        }
        var offset = end + marker.count
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\r") { offset += 1 }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\n") { offset += 1 }
        dataOffset = offset
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.split(separator: " ").map(String.init) }
        guard lines.first == ["ply"] else { throw RendererError(.badHeader, "file does not start with the 'ply' magic line") }
        var encoding: Encoding?
        var elements: [Element] = []
        for words in lines.dropFirst() where !words.isEmpty {
            switch words[0] {
            case "format":
                guard words.count == 3 else { throw RendererError(.badHeader, "malformed format line '\(words.joined(separator: " "))'") }
                switch words[1] {
                case "binary_little_endian": encoding = .binaryLittleEndian
                case "binary_big_endian": encoding = .binaryBigEndian
                case "ascii": throw RendererError(.badHeader, "ASCII PLY is not supported; convert the file to binary_little_endian")
                default: throw RendererError(.badHeader, "unknown PLY format '\(words[1])'")
                }
            case "element":
                guard words.count == 3, let count = Int(words[2]), count >= 0 else {
                    throw RendererError(.badHeader, "malformed element line '\(words.joined(separator: " "))'")
                }
                elements.append(Element(name: words[1], count: count))
            case "property":
                guard !elements.isEmpty else { throw RendererError(.badHeader, "property declared before any element") }
                if words.count >= 2, words[1] == "list" {
                    elements[elements.count - 1].hasList = true
                    continue
                }
                guard words.count == 3, let type = ScalarType(plyName: words[1]) else {
                    throw RendererError(.badHeader, "malformed or unsupported property line '\(words.joined(separator: " "))'")
                }
                let rowSize = elements[elements.count - 1].rowSize
                elements[elements.count - 1].properties.append(Property(name: words[2], type: type, offset: rowSize))
            case "comment", "obj_info":
                continue
            default:
                throw RendererError(.badHeader, "unknown header keyword '\(words[0])'")
            }
        }
        guard let encoding else { throw RendererError(.badHeader, "header has no format line") }
        self.encoding = encoding
        self.elements = elements
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, limit: Int) -> Int? {
        let last = min(bytes.count, limit) - needle.count
        guard last >= 0 else { return nil }
        for start in 0...last where bytes[start] == needle[0] {
            if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return start }
        }
        return nil
    }
}
