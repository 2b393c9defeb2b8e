import Foundation
import Optimizers
import Testing

@Suite struct STTGSInstanceTests {
    static func json(_ instance: STTGSInstance) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(instance)) as! [String: Any]
    }

    static func decode(_ object: [String: Any]) throws -> STTGSInstance {
        try STTGSInstance.decode(json: JSONSerialization.data(withJSONObject: object))
    }

    @Test func roundTripsTheAppendixKeys() throws {
        var instance = STTGSTestInstances.random(clients: 3, seed: 1)
        instance.pilotTime = 12.5
        instance.rateTargets = [1, 2, 3]
        let object = try Self.json(instance)
        for key in [
            "problem", "K", "sigma2_W", "B_Hz", "T_s", "Psum_W", "Pmax_W", "n_images", "n_pilot",
            "V_bits", "pi", "H", "T0_s", "eta",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        var extra = object
        extra["generator_seed"] = 99  // unknown keys are ignored
        #expect(try Self.decode(extra) == instance)
    }

    @Test(arguments: ["H", "pi", "n_pilot", "sigma2_W", "Psum_W"])
    func missingKeyIsNamed(key: String) throws {
        var object = try Self.json(STTGSTestInstances.random(clients: 3, seed: 2))
        object.removeValue(forKey: key)
        let error = #expect(throws: OptimizerError.self) { try Self.decode(object) }
        #expect(error?.code == .invalidInstance)
        #expect(error?.message.contains(key) == true)
    }

    @Test func badShapesAndValuesAreRejected() throws {
        let base = try Self.json(STTGSTestInstances.random(clients: 3, seed: 3))
        let cases: [(String, Any, String)] = [
            ("pi", [1.0, 2.0], "pi"),
            ("H", [[1.0, 0, 0], [0, 1.0, 0]], "H"),
            ("B_Hz", [1e6, -1e6, 1e6], "B_Hz[1]"),
            ("n_pilot", [500, 500, 500], "n_pilot[0]"),
            ("T0_s", 400.0, "T0_s"),
            ("eta", [1.0], "eta"),
            ("problem", "irac", "problem"),
            ("K", "three", "K"),
        ]
        for (key, value, named) in cases {
            var object = base
            object[key] = value
            let error = #expect(throws: OptimizerError.self) { try Self.decode(object) }
            #expect(error?.message.contains(named) == true, "\(key): \(error?.message ?? "")")
        }
        var diagonal = base
        var gains = base["H"] as! [[Double]]
        gains[1][1] = 0
        diagonal["H"] = gains
        #expect(throws: OptimizerError.self) { try Self.decode(diagonal) }
    }
}
