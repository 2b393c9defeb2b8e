import COpenBLAS
import Foundation

/// A floating-point type the ILO network can run in: Float (production, `cblas_sgemm`) or
/// Double (gradient checks, `cblas_dgemm`).
public protocol ILOScalar: BinaryFloatingPoint, Codable, Sendable {
    /// C ← α op(A) op(B) + β C, row-major; op transposes when the flag is set.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
        c: UnsafeMutablePointer<Self>, ldc: Int)
    /// eˣ.
    static func exponential(_ x: Self) -> Self
    /// ln x.
    static func logarithm(_ x: Self) -> Self
    /// √x.
    static func root(_ x: Self) -> Self
}

@inline(__always) private func blasTranspose(_ flag: Bool) -> CBLAS_TRANSPOSE {
    flag ? CblasTrans : CblasNoTrans
}

extension Float: ILOScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n),
            Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
    public static func root(_ x: Float) -> Float { x.squareRoot() }
}

extension Double: ILOScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n),
            Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    public static func root(_ x: Double) -> Double { x.squareRoot() }
}

/// A dense row-major matrix.
public struct ILOMatrix<Scalar: ILOScalar>: Sendable, Equatable {
    /// Rows (samples).
    public var rows: Int
    /// Columns (features / units).
    public var columns: Int
    /// rows × columns entries, row-major.
    public var values: [Scalar]

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Scalar](repeating: 0, count: rows * columns))
    }

    /// A matrix over existing row-major values.
    public init(rows: Int, columns: Int, values: [Scalar]) {
        precondition(values.count == rows * columns, "matrix values do not match its shape")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// op(self) · op(other), the product through BLAS gemm.
    public func multiplied(
        by other: ILOMatrix, transposeSelf: Bool = false, transposeOther: Bool = false
    ) -> ILOMatrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let n = transposeOther ? other.rows : other.columns
        precondition(k == (transposeOther ? other.columns : other.rows), "gemm shapes disagree")
        var product = ILOMatrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return product }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                product.values.withUnsafeMutableBufferPointer { c in
                    Scalar.gemm(
                        transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                        alpha: 1, a: a.baseAddress!, lda: columns, b: b.baseAddress!, ldb: other.columns,
                        beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return product
    }
}
