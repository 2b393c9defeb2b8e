import Foundation

/// A key and its value as etcd stores them, with the revisions that guard transactions.
public struct EtcdKeyValue: Sendable, Equatable {
    public var key: String
    public var value: Data
    /// Revision of the key's creation (0: absent).
    public var createRevision: Int64
    /// Revision of the key's last change.
    public var modRevision: Int64
    /// The lease the key is attached to (0: none).
    public var lease: Int64
}

/// One change seen by a watch.
public struct EtcdEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case put, delete }
    public var kind: Kind
    public var keyValue: EtcdKeyValue
}

/// What a transaction compares (the v3 API's `Compare`).
public struct EtcdCompare: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        case createRevision(Int64)
        case modRevision(Int64)
        case value(Data)
    }
    var key: String
    var target: Target

    /// The key was created at `revision` (0: the key does not exist).
    public static func createRevision(_ key: String, equals revision: Int64) -> Self { Self(key: key, target: .createRevision(revision)) }
    /// The key was last changed at `revision` (0: the key does not exist).
    public static func modRevision(_ key: String, equals revision: Int64) -> Self { Self(key: key, target: .modRevision(revision)) }
    /// The key holds exactly `value`.
    public static func value(_ key: String, equals value: Data) -> Self { Self(key: key, target: .value(value)) }
}

/// One operation of a transaction branch.
public enum EtcdOperation: Sendable, Equatable {
    case put(key: String, value: Data, lease: Int64)
    case get(key: String)
    case delete(key: String)
}

/// What a transaction returned: which branch ran, the store's revision after it, and the
/// key-values of the branch's gets.
public struct EtcdTxnResult: Sendable, Equatable {
    public var succeeded: Bool
    public var revision: Int64
    public var values: [EtcdKeyValue]
}

/// The v3 gateway's JSON: int64 fields travel as decimal strings, bytes as base64, and fields
/// holding their zero value are omitted.
enum EtcdJSON {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The smallest key greater than every key starting with `prefix` (etcd's range_end).
    static func prefixEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return Data(bytes).base64EncodedString()
            }
            bytes.removeLast()
        }
        return Data([0]).base64EncodedString()
    }

    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EtcdError.malformedResponse(String(decoding: data.prefix(200), as: UTF8.self))
        }
        return object
    }

    static func int64(_ value: Any?) -> Int64 {
        switch value {
        case let text as String: Int64(text) ?? 0
        case let number as NSNumber: number.int64Value
        default: 0
        }
    }

    static func revision(_ response: [String: Any]) -> Int64 {
        int64((response["header"] as? [String: Any])?["revision"])
    }

    static func keyValue(_ object: [String: Any]) throws -> EtcdKeyValue {
        guard let keyText = object["key"] as? String, let key = Data(base64Encoded: keyText) else {
            throw EtcdError.malformedResponse("key-value without a base64 key")
        }
        let value = (object["value"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
        return EtcdKeyValue(
            key: String(decoding: key, as: UTF8.self), value: value,
            createRevision: int64(object["create_revision"]), modRevision: int64(object["mod_revision"]),
            lease: int64(object["lease"]))
    }

    static func keyValues(_ response: [String: Any]) throws -> [EtcdKeyValue] {
        try ((response["kvs"] as? [[String: Any]]) ?? []).map(keyValue)
    }

    static func compare(_ compare: EtcdCompare) -> [String: Any] {
        var object: [String: Any] = ["key": base64(compare.key), "result": "EQUAL"]
        switch compare.target {
        case .createRevision(let revision):
            object["target"] = "CREATE"
            object["create_revision"] = String(revision)
        case .modRevision(let revision):
            object["target"] = "MOD"
            object["mod_revision"] = String(revision)
        case .value(let value):
            object["target"] = "VALUE"
            object["value"] = value.base64EncodedString()
        }
        return object
    }

    static func operation(_ operation: EtcdOperation) -> [String: Any] {
        switch operation {
        case .put(let key, let value, let lease):
            var put: [String: Any] = ["key": base64(key), "value": value.base64EncodedString()]
            if lease != 0 { put["lease"] = String(lease) }
            return ["request_put": put]
        case .get(let key):
            return ["request_range": ["key": base64(key)]]
        case .delete(let key):
            return ["request_delete_range": ["key": base64(key)]]
        }
    }
}
