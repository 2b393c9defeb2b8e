/// Stable least-significant-digit radix sort of 32-bit keys with 32-bit payloads.
enum RadixSort {
    private static let bitsPerPass = 11
    private static let buckets = 1 << bitsPerPass

    /// Sorts `keys` ascending and permutes `values` alongside; equal keys keep their order.
    /// The scratch arrays are grown as needed and may be reused across calls.
    static func sort(keys: inout [UInt32], values: inout [UInt32], scratchKeys: inout [UInt32], scratchValues: inout [UInt32]) {
        let n = keys.count
        guard n > 1 else { return }
        if scratchKeys.count < n {
            scratchKeys = [UInt32](repeating: 0, count: n)
            scratchValues = [UInt32](repeating: 0, count: n)
        }
        var counts = [Int](repeating: 0, count: buckets)
        var inKeys = true
        for shift in stride(from: 0, to: 32, by: bitsPerPass) {
            let mask = UInt32(buckets - 1)
            keys.withUnsafeMutableBufferPointer { k in
                values.withUnsafeMutableBufferPointer { v in
                    scratchKeys.withUnsafeMutableBufferPointer { sk in
                        scratchValues.withUnsafeMutableBufferPointer { sv in
                            let (sourceKeys, sourceValues, destinationKeys, destinationValues) = inKeys ? (k, v, sk, sv) : (sk, sv, k, v)
                            for b in 0..<buckets { counts[b] = 0 }
                            for i in 0..<n { counts[Int((sourceKeys[i] >> UInt32(shift)) & mask)] += 1 }
                            var total = 0
                            for b in 0..<buckets {
                                let c = counts[b]
                                counts[b] = total
                                total += c
                            }
                            for i in 0..<n {
                                let bucket = Int((sourceKeys[i] >> UInt32(shift)) & mask)
                                let position = counts[bucket]
                                destinationKeys[position] = sourceKeys[i]
                                destinationValues[position] = sourceValues[i]
                                counts[bucket] = position + 1
                            }
                        }
                    }
                }
            }
            inKeys.toggle()
        }
        if !inKeys {
            for i in 0..<n {
                keys[i] = scratchKeys[i]
                values[i] = scratchValues[i]
            }
        }
    }
}
