import Foundation
import Testing
@testable import Optimizers

@Suite("SCC instance")
struct SCCInstanceTests {
    static func json(_ instance: SCCInstance) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(instance)) as! [String: Any]
    }

    static func decode(_ object: [String: Any]) throws -> SCCInstance {
        try SCCInstance.decode(json: JSONSerialization.data(withJSONObject: object))
    }

    @Test func roundTripsThroughTheSpecKeys() throws {
        let instance = try SCCTestInstances.small(seed: 1)
        let object = try Self.json(instance)
        #expect(object["problem"] as? String == "scc")
        for key in [
            "U", "V", "M", "local_mec", "q", "cache_bytes", "maintenance_J", "flops", "frame_bits",
            "mec_cache_bytes", "mec_freq_Hz", "mec_max_tasks", "t_sync_s", "e_sync_J", "t_sensor_s",
            "e_sensor_J", "t_frame_s_per_bit", "e_frame_J_per_bit", "t_ed_s_per_bit", "e_ed_J_per_bit", "kappa",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        var extended = object
        extended["generator"] = ["seed": 1]  // unknown keys are ignored
        #expect(try Self.decode(extended) == instance)
    }

    /// Each broken file fails with `.invalidInstance` and a message naming the key.
    @Test(arguments: [
        ("U", "99", "'U'"),
        ("problem", "\"irac\"", "'problem'"),
        ("local_mec", "[0, 5]", "local_mec[1]"),
        ("q", "[[0.9, 0.2], [0.5, 0]]", "q[0]"),
        ("q", "[[0.5, -0.1], [0.5, 0]]", "q[0][1]"),
        ("mec_freq_Hz", "[2, 0]", "mec_freq_Hz[1]"),
        ("mec_max_tasks", "[1, -1]", "mec_max_tasks[1]"),
        ("t_sync_s", "[[0, 3]]", "t_sync_s"),
        ("e_frame_J_per_bit", "[[0, 0.03], [0.04]]", "e_frame_J_per_bit[1]"),
        ("t_ed_s_per_bit", "[0.5]", "t_ed_s_per_bit"),
        ("kappa", "\"x\"", "kappa"),
    ])
    func invalidFilesAreRejected(key: String, value: String, mention: String) throws {
        var object = try Self.json(SCCTestInstances.hand())
        object[key] = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        do {
            _ = try Self.decode(object)
            Issue.record("accepted a bad '\(key)'")
        } catch let error as OptimizerError {
            #expect(error.code == .invalidInstance)
            #expect(error.message.contains(mention), "\(error.message)")
        }
    }

    @Test func missingKeyIsNamed() throws {
        var object = try Self.json(SCCTestInstances.hand())
        object["e_sensor_J"] = nil
        #expect(throws: OptimizerError(.invalidInstance, "missing key 'e_sensor_J'")) { try Self.decode(object) }
    }

    @Test func activePairsSkipZeroProbabilities() throws {
        let pairs = try SCCTestInstances.hand().activePairs
        #expect(pairs == [SCCPair(user: 0, space: 0), SCCPair(user: 0, space: 1), SCCPair(user: 1, space: 0)])
    }
}
