import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Where etcd is and how patiently to call it.
public struct EtcdConfiguration: Sendable, Equatable {
    /// Client URLs' "host:port" of the members; calls fail over between them.
    public var endpoints: [String]
    /// Deadline of one call, all tries included (seconds).
    public var callTimeoutSeconds: Double = 2
    /// Tries of one call over the endpoints before it fails with ``EtcdError/unavailable(endpoints:lastError:)``.
    public var attempts = 4
    /// Pause between two tries (seconds; doubled after each).
    public var retryBackoffSeconds: Double = 0.05

    public init(endpoints: [String], callTimeoutSeconds: Double = 2, attempts: Int = 4, retryBackoffSeconds: Double = 0.05) {
        self.endpoints = endpoints
        self.callTimeoutSeconds = callTimeoutSeconds
        self.attempts = attempts
        self.retryBackoffSeconds = retryBackoffSeconds
    }
}

/// A client of etcd's v3 API over its JSON gateway (HTTP/1.1 POSTs of JSON, the same
/// messages as the gRPC API): key-value reads and writes, transactions, leases and watches.
///
/// Every unary call has a deadline (``EtcdConfiguration/callTimeoutSeconds``) and is retried on
/// the next endpoint when an endpoint is down or answers "unavailable" — what a client sees
/// while one member of three is killed or a leader election runs. Why the gateway and not gRPC:
/// the same v3 messages with no generated code and no gRPC stack for a handful of calls made a
/// few times per second per daemon; its per-call cost against gRPC is not yet measured.
public final class EtcdClient: Sendable {
    public let configuration: EtcdConfiguration
    private let transport: EtcdHTTPTransport
    /// Index of the endpoint that answered last; the next call starts there.
    private let preferred = NIOLockedValueBox(0)

    public init(configuration: EtcdConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.transport = EtcdHTTPTransport(group: group)
    }

    // MARK: Key-value

    /// The value at `key`, or nil.
    public func get(_ key: String) async throws -> EtcdKeyValue? {
        try await range(["key": EtcdJSON.base64(key)]).values.first
    }

    /// Every key-value under `prefix`, by key, and the store revision they were read at.
    public func getPrefix(_ prefix: String) async throws -> (values: [EtcdKeyValue], revision: Int64) {
        try await range(["key": EtcdJSON.base64(prefix), "range_end": EtcdJSON.prefixEnd(prefix)])
    }

    /// Writes `value` at `key` (attached to `lease` when non-zero); returns the new revision.
    @discardableResult
    public func put(_ key: String, _ value: Data, lease: Int64 = 0) async throws -> Int64 {
        var body: [String: Any] = ["key": EtcdJSON.base64(key), "value": value.base64EncodedString()]
        if lease != 0 { body["lease"] = String(lease) }
        return EtcdJSON.revision(try await unary("/v3/kv/put", body))
    }

    /// Deletes `key`; returns the new revision.
    @discardableResult
    public func delete(_ key: String) async throws -> Int64 {
        EtcdJSON.revision(try await unary("/v3/kv/deleterange", ["key": EtcdJSON.base64(key)]))
    }

    /// Runs `success` when every comparison holds, else `failure`, atomically.
    public func transaction(
        compare: [EtcdCompare], success: [EtcdOperation], failure: [EtcdOperation] = []
    ) async throws -> EtcdTxnResult {
        let response = try await unary(
            "/v3/kv/txn",
            [
                "compare": compare.map(EtcdJSON.compare), "success": success.map(EtcdJSON.operation),
                "failure": failure.map(EtcdJSON.operation),
            ])
        var values: [EtcdKeyValue] = []
        for part in (response["responses"] as? [[String: Any]]) ?? [] {
            if let range = part["response_range"] as? [String: Any] { values += try EtcdJSON.keyValues(range) }
        }
        return EtcdTxnResult(succeeded: response["succeeded"] as? Bool ?? false, revision: EtcdJSON.revision(response), values: values)
    }

    private func range(_ body: [String: Any]) async throws -> (values: [EtcdKeyValue], revision: Int64) {
        let response = try await unary("/v3/kv/range", body)
        return (try EtcdJSON.keyValues(response), EtcdJSON.revision(response))
    }

    // MARK: Leases

    /// Grants a lease of `ttlSeconds`; returns its id and the TTL etcd granted.
    public func grantLease(ttlSeconds: Int) async throws -> (id: Int64, ttl: Int) {
        let response = try await unary("/v3/lease/grant", ["TTL": String(ttlSeconds)])
        let id = EtcdJSON.int64(response["ID"])
        guard id != 0 else { throw EtcdError.malformedResponse("lease grant without an ID") }
        return (id, Int(EtcdJSON.int64(response["TTL"])))
    }

    /// Renews lease `id` once; returns the TTL left. Throws ``EtcdError/leaseExpired(id:)`` when
    /// the lease is gone (etcd answers TTL 0).
    @discardableResult
    public func keepAlive(lease id: Int64) async throws -> Int {
        let result = try await call("/v3/lease/keepalive", ["ID": String(id)], stream: true)
        let ttl = EtcdJSON.int64((result["result"] as? [String: Any])?["TTL"])
        guard ttl > 0 else { throw EtcdError.leaseExpired(id: id) }
        return Int(ttl)
    }

    /// Revokes lease `id`, deleting every key attached to it.
    public func revoke(lease id: Int64) async throws {
        _ = try await unary("/v3/lease/revoke", ["ID": String(id)])
    }

    // MARK: Maintenance

    /// The answering member's id and the id of the Raft leader it knows (decimal strings: etcd's
    /// member ids are unsigned 64-bit).
    public func memberStatus() async throws -> (member: String, leader: String) {
        let response = try await unary("/v3/maintenance/status", [:])
        let header = response["header"] as? [String: Any]
        return ("\(header?["member_id"] ?? "")", "\(response["leader"] ?? "")")
    }

    // MARK: Watches

    /// Every change under `prefix` from `revision` on, in batches as etcd sends them. The stream
    /// ends with ``EtcdError/watchEnded(_:)`` when the endpoint goes away; the caller re-reads
    /// and watches again from the revision it has seen (watches are resumable by revision).
    public func watch(prefix: String, fromRevision revision: Int64) -> AsyncThrowingStream<[EtcdEvent], any Error> {
        let body: [String: Any] = [
            "create_request": [
                "key": EtcdJSON.base64(prefix), "range_end": EtcdJSON.prefixEnd(prefix), "start_revision": String(revision),
            ]
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        let endpoint = configuration.endpoints[preferred.withLockedValue { $0 } % configuration.endpoints.count]
        let timeout = TimeAmount.milliseconds(Int64(configuration.callTimeoutSeconds * 1000))
        return AsyncThrowingStream { continuation in
            let task = Task { [transport] in
                do {
                    let status = try await transport.post(endpoint: endpoint, path: "/v3/watch", body: data, connectTimeout: timeout) { line in
                        let object = try EtcdJSON.object(line)
                        guard let result = object["result"] as? [String: Any] else {
                            throw EtcdError.watchEnded(String(decoding: line.prefix(200), as: UTF8.self))
                        }
                        if result["canceled"] as? Bool == true { throw EtcdError.watchEnded("canceled by etcd") }
                        let events = try ((result["events"] as? [[String: Any]]) ?? []).map { event in
                            EtcdEvent(
                                kind: (event["type"] as? String) == "DELETE" ? .delete : .put,
                                keyValue: try EtcdJSON.keyValue((event["kv"] as? [String: Any]) ?? [:]))
                        }
                        if !events.isEmpty { continuation.yield(events) }
                        return true
                    }
                    continuation.finish(throwing: EtcdError.watchEnded("stream closed (HTTP \(status))"))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Calls with deadlines and retries

    private func unary(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        try await call(path, body, stream: false)
    }

    /// Posts `body` to `path`, trying the endpoints in turn from the one that answered last,
    /// all within the call's deadline. For a stream (`stream`), the first message's `result`.
    private func call(_ path: String, _ body: [String: Any], stream: Bool) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let endpoints = configuration.endpoints
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.callTimeoutSeconds * 1000))
        var backoff = configuration.retryBackoffSeconds
        var lastError: any Error = EtcdError.unavailable(endpoints: endpoints, lastError: "no endpoint configured")
        let start = preferred.withLockedValue { $0 }
        let attempts = max(configuration.attempts, 1)
        for attempt in 0..<attempts where !endpoints.isEmpty {
            let index = (start + attempt) % endpoints.count
            // Each try gets an equal share of what is left, so that a member that holds the
            // call (a follower waiting out an election) cannot use up the whole deadline.
            let left = (deadline - ContinuousClock.now) / (attempts - attempt)
            guard left > .zero else { break }
            do {
                let (status, line) = try await Self.withDeadline(left) { [transport] in
                    try await Self.exchange(transport, endpoint: endpoints[index], path: path, body: data, timeout: left)
                }
                let response = try Self.decode(status: status, line: line)
                preferred.withLockedValue { $0 = index }
                return response
            } catch let error as EtcdError where !error.isRetryable {
                throw error
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .seconds(min(backoff, max((deadline - ContinuousClock.now).seconds, 0))))
            backoff *= 2
        }
        if let etcdError = lastError as? EtcdError, case .rejected = etcdError { throw etcdError }
        throw EtcdError.unavailable(endpoints: endpoints, lastError: "\(lastError)")
    }

    /// One POST; the status and the first JSON line of the answer.
    private static func exchange(
        _ transport: EtcdHTTPTransport, endpoint: String, path: String, body: Data, timeout: Duration
    ) async throws -> (Int, Data) {
        let first = NIOLockedValueBox<Data?>(nil)
        let status = try await transport.post(
            endpoint: endpoint, path: path, body: body, connectTimeout: .nanoseconds(Int64(timeout.seconds * 1e9))
        ) { line in
            first.withLockedValue { $0 = line }
            return false
        }
        guard let line = first.withLockedValue({ $0 }) else { throw EtcdError.malformedResponse("empty response (HTTP \(status))") }
        return (status, line)
    }

    /// The answer's JSON object, or the error etcd's gateway reported.
    private static func decode(status: Int, line: Data) throws -> [String: Any] {
        guard status == 200 else {
            let message = (try? EtcdJSON.object(line)).flatMap { ($0["message"] ?? $0["error"]) as? String }
            throw EtcdError.rejected(status: status, message: message ?? String(decoding: line.prefix(200), as: UTF8.self))
        }
        let object = try EtcdJSON.object(line)
        if let error = object["error"] as? [String: Any] {
            throw EtcdError.rejected(status: Int(EtcdJSON.int64(error["http_code"])), message: error["message"] as? String ?? "")
        }
        return object
    }

    /// Runs `operation`, cancelling it when `timeout` passes first.
    static func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw EtcdError.unavailable(endpoints: [], lastError: "deadline of \(timeout) passed")
            }
            return value
        }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
