import Foundation
import NIOCore
import Protocol
import Testing

/// docs/PROTOCOL.md's hex examples are decoded verbatim, compared with the values the document
/// describes, and re-encoded byte for byte: the document cannot drift from the codec.
@Suite struct ProtocolDocumentTests {
    /// `docs/PROTOCOL.md`, found from this source file's location (Tests/ProtocolTests/…).
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/PROTOCOL.md")

    /// The bytes of every ```hex block, in document order.
    static func hexBlocks(in markdown: String) throws -> [ByteBuffer] {
        var blocks: [ByteBuffer] = []
        var current: ByteBuffer?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil {
                if line.trimmingCharacters(in: .whitespaces) == "```hex" { current = ByteBuffer() }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!)
                current = nil
                continue
            }
            // "0010: 07 72 6f …": an offset that must match the bytes so far, then the bytes.
            let parts = line.split(separator: ":", maxSplits: 1)
            let offset = try #require(parts.count == 2 ? Int(parts[0], radix: 16) : nil, "bad dump line: \(line)")
            #expect(offset == current!.readableBytes, "dump offset \(parts[0]) out of step")
            for token in parts[1].split(separator: " ") {
                current!.writeInteger(try #require(UInt8(token, radix: 16), "bad byte \(token)"))
            }
        }
        #expect(current == nil, "unterminated hex block")
        return blocks
    }

    @Test func everyMessageTypeHasExactlyOneExampleThatDecodesToTheDocumentedValues() throws {
        let markdown = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let blocks = try Self.hexBlocks(in: markdown)
        var seen: [MessageType] = []
        for bytes in blocks {
            guard case .frames(let frames) = decodeStream(bytes), frames.count == 1, let frame = frames.first else {
                Issue.record("a hex example in PROTOCOL.md is not exactly one valid frame")
                continue
            }
            let type = frame.message.type
            seen.append(type)
            #expect(frame == ProtocolExamples.frames[type], "the \(type) example differs from its documented values")
            #expect(try encoded(frame) == bytes, "the \(type) example does not re-encode byte-identically")
        }
        #expect(seen == MessageType.allCases, "examples must cover every type once, in type order")
    }

    @Test func everyErrorCodeIsDocumented() throws {
        let markdown = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let codes: [ProtocolError.Code] = [
            .badMagic, .unsupportedVersion, .unknownType, .frameTooLarge, .truncated, .trailingBytes,
            .countMismatch, .nonFiniteValue, .invalidUTF8, .stringLength, .tooManyElements, .invalidValue,
            .versionMismatch, .unauthorized, .sessionLimit, .unexpectedMessage, .idleTimeout,
            .unknownUpload, .uploadOffset, .uploadDigest, .uploadSize, .internalError,
        ]
        for code in codes {
            #expect(markdown.contains("| \(code.rawValue) | `\(code)` |"), "error code \(code.rawValue) \(code) is not in the table")
        }
    }
}
