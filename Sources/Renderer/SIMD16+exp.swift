extension SIMD16 where Scalar == Float {
    /// e^x lane by lane, accurate to about 2 ulp for x ≤ 0 (inputs are clamped to [−87, 88]).
    ///
    /// Cody–Waite range reduction x = n·ln2 + r with |r| ≤ ln2/2, then a degree-7 Taylor
    /// polynomial (truncation error < 1e-8 relative), scaled by 2ⁿ through the exponent bits.
    @inlinable @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let clamped = x.clamped(lowerBound: SIMD16(repeating: -87), upperBound: SIMD16(repeating: 88))
        let n = (clamped * 1.442695040888963).rounded(.toNearestOrEven)
        let r = clamped - n * 0.693145751953125 - n * 1.428606820309417e-06
        var p = SIMD16<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let integerPart = SIMD16<Int32>(n, rounding: .towardZero)
        let exponent = (integerPart &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: SIMD16<Float>.self)
    }
}
