import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 exchange with etcd's v3 JSON gateway: a POST of a JSON body, the response read
/// as it arrives. A connection per call keeps endpoint failover trivial: the next try simply
/// dials the next endpoint (the daemons call etcd a few times per second).
struct EtcdHTTPTransport: Sendable {
    let group: any EventLoopGroup

    /// Connects to `endpoint` ("host:port"), posts `body` to `path` and hands every complete
    /// newline-delimited JSON object of the response to `onObject` (a unary call has one, a
    /// stream many); `onObject` returns false to stop reading. Returns the HTTP status.
    func post(
        endpoint: String, path: String, body: Data, connectTimeout: TimeAmount,
        onObject: @Sendable (Data) async throws -> Bool
    ) async throws -> Int {
        guard let (host, port) = HostPort.parse(endpoint) else {
            throw EtcdError.unavailable(endpoints: [endpoint], lastError: "not host:port")
        }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        var headers = HTTPHeaders()
        headers.add(name: "host", value: endpoint)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            try await outbound.write(.end(nil))
            var status = 0
            var pending = Data()
            for try await part in inbound {
                switch part {
                case .head(let responseHead):
                    status = Int(responseHead.status.code)
                case .body(let buffer):
                    pending.append(contentsOf: buffer.readableBytesView)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = pending[pending.startIndex..<newline]
                        pending = Data(pending[pending.index(after: newline)...])
                        if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
                            guard try await onObject(Data(line)) else { return status }
                        }
                    }
                case .end:
                    if !pending.isEmpty { _ = try await onObject(pending) }
                    return status
                }
            }
            if !pending.isEmpty { _ = try await onObject(pending) }
            return status
        }
    }
}
