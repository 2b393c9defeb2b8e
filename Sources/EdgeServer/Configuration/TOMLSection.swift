import SlotModel
import TOMLKit

/// One TOML table with typed, path-aware reads, so every error names the full dotted key.
struct TOMLSection {
    let table: TOMLTable
    let path: String

    init(_ table: TOMLTable, path: String) throws(ConfigurationError) {
        self.table = table
        self.path = path
    }

    /// `name` with this table's path in front, as errors spell it.
    func dottedKey(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func requireOnly(_ known: Set<String>) throws(ConfigurationError) {
        for name in table.keys.sorted() where !known.contains(name) {
            throw ConfigurationError(
                code: .unknownKey, key: dottedKey(name),
                message: "unknown key; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    func section(_ name: String) throws(ConfigurationError) -> TOMLSection? {
        guard let value = table[name] else { return nil }
        guard let nested = value.table else { throw wrongType(name, expected: "a table", got: value) }
        return try TOMLSection(nested, path: dottedKey(name))
    }

    /// An array of tables (`[[name]]`), each named `name[i]` in errors.
    func sections(_ name: String) throws(ConfigurationError) -> [TOMLSection] {
        guard let value = table[name] else { return [] }
        guard let array = value.array else { throw wrongType(name, expected: "an array of tables", got: value) }
        var sections: [TOMLSection] = []
        for (index, element) in array.enumerated() {
            guard let nested = element.table else { throw wrongType("\(name)[\(index)]", expected: "a table", got: element) }
            sections.append(try TOMLSection(nested, path: dottedKey("\(name)[\(index)]")))
        }
        return sections
    }

    func read(_ name: String, into target: inout String) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let string = value.string else { throw wrongType(name, expected: "a string", got: value) }
        target = string
    }

    func readOptional(_ name: String, into target: inout String?) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let string = value.string else { throw wrongType(name, expected: "a string", got: value) }
        target = string.isEmpty ? nil : string
    }

    func read(_ name: String, into target: inout Int) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let int = value.int else { throw wrongType(name, expected: "an integer", got: value) }
        target = int
    }

    func read(_ name: String, into target: inout Double) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        if let double = value.double {
            target = double
        } else if let int = value.int {
            target = Double(int)
        } else {
            throw wrongType(name, expected: "a number", got: value)
        }
    }

    /// An image size written `"WIDTHxHEIGHT"`.
    func read(_ name: String, into target: inout ImageSize) throws(ConfigurationError) {
        var text = target.description
        try read(name, into: &text)
        guard let size = ImageSize(text) else { throw .invalid(dottedKey(name), "\"\(text)\" is not WIDTHxHEIGHT (1…4096)") }
        target = size
    }

    /// One of a closed set of names (a solver, an estimator), refused with the list of names.
    func read<Value: RawRepresentable & CaseIterable>(_ name: String, into target: inout Value) throws(ConfigurationError)
    where Value.RawValue == String {
        var text = target.rawValue
        try read(name, into: &text)
        guard let value = Value(rawValue: text) else {
            throw .invalid(dottedKey(name), "\"\(text)\" is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        target = value
    }

    func read(_ name: String, into target: inout Bool) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let bool = value.bool else { throw wrongType(name, expected: "true or false", got: value) }
        target = bool
    }

    func read(_ name: String, into target: inout [String]) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let array = value.array else { throw wrongType(name, expected: "an array of strings", got: value) }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.string else {
                throw wrongType("\(name)[\(index)]", expected: "a string", got: element)
            }
            strings.append(string)
        }
        target = strings
    }

    private func wrongType(_ name: String, expected: String, got value: any TOMLValueConvertible) -> ConfigurationError {
        ConfigurationError(code: .wrongType, key: dottedKey(name), message: "expected \(expected), got \(value.type)")
    }
}

/// A type one TOML key can hold, read through ``TOMLSection`` so that errors name the dotted key.
protocol TOMLValue {
    /// Replaces `target` with the value at `name` in `section`; leaves it alone when the key is absent.
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError)
}

extension String: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

extension Optional: TOMLValue where Wrapped == String {
    /// An empty string unsets the value.
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.readOptional(name, into: &target)
    }
}

extension Int: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

extension Int64: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        var value = Int(target)
        try section.read(name, into: &value)
        target = Int64(value)
    }
}

extension UInt64: TOMLValue {
    /// Seeds: a TOML integer is signed, so negative values are refused rather than reinterpreted.
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        var value = Int(truncatingIfNeeded: target)
        try section.read(name, into: &value)
        guard value >= 0 else { throw .invalid(section.dottedKey(name), "must be ≥ 0") }
        target = UInt64(value)
    }
}

extension Double: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

extension Bool: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

extension Array: TOMLValue where Element == String {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

extension ImageSize: TOMLValue {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}

/// Closed sets of names (solvers, estimators) hold their raw value and are refused with the list.
extension TOMLValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    static func read(_ name: String, from section: TOMLSection, into target: inout Self) throws(ConfigurationError) {
        try section.read(name, into: &target)
    }
}
