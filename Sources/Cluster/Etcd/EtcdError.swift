/// Why a call to etcd failed, after its retries.
public enum EtcdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No endpoint answered within the call's deadline (every try timed out or was refused).
    case unavailable(endpoints: [String], lastError: String)
    /// An endpoint answered with an HTTP status other than 200 (etcd's gateway maps gRPC
    /// errors to statuses; the body carries etcd's message).
    case rejected(status: Int, message: String)
    /// The answer was not the JSON the v3 gateway documents.
    case malformedResponse(String)
    /// A lease expired or was revoked; whatever was written under it is gone.
    case leaseExpired(id: Int64)
    /// A watch stream ended (endpoint gone or compacted); the caller re-reads and re-watches.
    case watchEnded(String)

    public var description: String {
        switch self {
        case .unavailable(let endpoints, let lastError): "etcd unavailable at \(endpoints.joined(separator: ",")): \(lastError)"
        case .rejected(let status, let message): "etcd rejected the call (HTTP \(status)): \(message)"
        case .malformedResponse(let detail): "etcd answered with malformed JSON: \(detail)"
        case .leaseExpired(let id): "etcd lease \(id) expired"
        case .watchEnded(let detail): "etcd watch ended: \(detail)"
        }
    }

    /// Whether another endpoint or a later try may succeed (transport failures and etcd's
    /// "unavailable"/"leader changed" answers), as opposed to a definite refusal.
    var isRetryable: Bool {
        switch self {
        case .unavailable: true
        case .rejected(let status, _): status == 503 || status == 504 || status == 502
        case .malformedResponse, .leaseExpired, .watchEnded: false
        }
    }
}
