import COpenBLAS
import Testing

/// Proves the system-library target links and calls both CBLAS and LAPACKE correctly,
/// checking against results computed by hand in plain Swift.
@Suite struct COpenBLASTests {
    @Test func dgemmMatchesNaiveProduct() {
        let m = 3, k = 4, n = 2
        let a: [Double] = (0..<(m * k)).map { Double($0) * 0.5 - 1 }
        let b: [Double] = (0..<(k * n)).map { Double($0 * $0) * 0.25 - 2 }
        var c = [Double](repeating: 0, count: m * n)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            1.0, a, Int32(k), b, Int32(n), 0.0, &c, Int32(n))
        for i in 0..<m {
            for j in 0..<n {
                var expected = 0.0
                for l in 0..<k { expected += a[i * k + l] * b[l * n + j] }
                #expect(abs(c[i * n + j] - expected) < 1e-12)
            }
        }
    }

    @Test func choleskySolveReproducesRightHandSide() {
        // A = Mᵀ M + n I is symmetric positive definite.
        let n = 5
        let mat: [Double] = (0..<(n * n)).map { Double(($0 * 7) % 11) - 5 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = i == j ? Double(n) : 0
                for l in 0..<n { s += mat[l * n + i] * mat[l * n + j] }
                a[i * n + j] = s
            }
        }
        let original = a
        let rhs: [Double] = [1, -2, 3, 0.5, 4]
        var x = rhs
        let info = LAPACKE_dposv(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), 1, &a, Int32(n), &x, 1)
        #expect(info == 0)
        for i in 0..<n {
            var ax = 0.0
            for j in 0..<n { ax += original[i * n + j] * x[j] }
            #expect(abs(ax - rhs[i]) < 1e-9)
        }
    }

    @Test func choleskyRejectsIndefiniteMatrix() {
        var a: [Double] = [1, 2, 2, 1]  // eigenvalues 3 and −1
        var b: [Double] = [1, 1]
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), 2, 1, &a, 2, &b, 1)
        #expect(info > 0)
    }
}
