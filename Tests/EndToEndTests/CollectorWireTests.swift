import Foundation
import Protocol
import Renderer
import SlotModel
import Testing
import Wireless

/// What edge-serverd's rounds and client-sim's collectors must agree on: the registration
/// capabilities, the sample bundle format and the interfering uplink.
@Suite("Collector wire conventions")
struct CollectorWireTests {
    static func sample(_ index: Int, width: Int = 3, height: Int = 2) -> CollectedSample {
        CollectedSample(
            index: index, pose: Pose(position: SIMD3(Double(index), -1.5, 0.25), orientation: SIMD4(0, 0, 0.6, 0.8)),
            width: width, height: height, rgb: (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 * 7 + index) })
    }

    @Test("a bundle round-trips sample by sample")
    func bundleRoundTrip() throws {
        let samples = [Self.sample(4), Self.sample(0, width: 1, height: 1), Self.sample(9, width: 8, height: 6)]
        #expect(try SampleBundle.decode(SampleBundle.encode(samples)) == samples)
        #expect(try SampleBundle.decode(SampleBundle.encode([])) == [])
    }

    @Test("a damaged bundle is a typed error, never a crash")
    func damagedBundles() {
        let good = SampleBundle.encode([Self.sample(1)])
        var nanPose = Self.sample(1)
        nanPose.pose.position.x = .nan
        var badMagic = good
        badMagic[0] = 0
        for bytes in [Array(good.dropLast()), good + [0], badMagic, SampleBundle.encode([nanPose]), [], Array(good.prefix(10))] {
            #expect(throws: SampleBundleError.self) { try SampleBundle.decode(bytes) }
        }
    }

    @Test("8-bit quantisation is what both ends evaluate")
    func quantisation() {
        let image = RGBImage(width: 7, height: 5, pixels: (0..<105).map { Float($0) / 90 - 0.1 })  // spills outside [0, 1]
        let sample = CollectedSample(index: 0, pose: .identity, image: image)
        for (value, byte) in zip(image.pixels, sample.rgb) { #expect(abs(Float(byte) / 255 - min(max(value, 0), 1)) <= 0.5 / 255 + 1e-6) }
        #expect(CollectedSample(index: 0, pose: .identity, image: sample.image) == sample)
    }

    @Test("registration capabilities round-trip; incomplete or inconsistent ones are refused")
    func registration() throws {
        let registration = try #require(CollectorRegistration(items: 280, pilots: 28, bitsPerSample: 5.2e7))
        #expect(CollectorRegistration(capabilities: registration.capabilities + ["h2"]) == registration)
        #expect(registration.capabilities.allSatisfy { $0.utf8.count <= 32 }, "HELLO capabilities are at most 32 bytes")
        #expect(CollectorRegistration(capabilities: Array(registration.capabilities.dropLast())) == nil)
        #expect(CollectorRegistration(capabilities: ["sttgs-items=5", "sttgs-pilots=6", "sttgs-bits=10"]) == nil)
        // The largest, smallest and oddest finite values are refused, never trapped on.
        for (items, pilots, bits) in [
            ("1e300", "1", "10"), ("-1e300", "1", "10"), ("5", "1e300", "10"), ("5", "-1e300", "10"), ("5", "2", "1e300"),
            ("5", "2", "0.1"), ("5", "2", "-0"), ("1e9", "1", "10"), ("5", "2.5", "10"),
        ] {
            #expect(CollectorRegistration(capabilities: ["sttgs-items=\(items)", "sttgs-pilots=\(pilots)", "sttgs-bits=\(bits)"]) == nil)
        }
        #expect(CollectorRegistration(capabilities: ["sttgs-items=5.5", "sttgs-pilots=1", "sttgs-bits=10"]) == nil)
        #expect(CollectorRegistration(capabilities: ["sttgs-items=5", "sttgs-pilots=1", "sttgs-bits=nan"]) == nil)
        #expect(CollectorRegistration.uploadID(round: 3, kind: .pilots) == 7)
        #expect(CollectorRegistration.uploadID(round: 3, kind: .dataset) == 8)
    }

    @Test("placements are seeded, in the square, and differ between links")
    func placement() {
        let uplink = CollectorUplink()
        let positions = (1...50).map { uplink.position(seed: 9, link: UInt32($0)) }
        #expect(positions == (1...50).map { uplink.position(seed: 9, link: UInt32($0)) })
        #expect(positions.allSatisfy { abs($0.x) <= 50 && abs($0.y) <= 50 && $0.z == 0 })
        #expect(Set(positions.map(\.x)).count == 50)
        #expect(uplink.position(seed: 10, link: 1) != positions[0])
    }

    /// SINR of MRC reception computed from the channel vectors themselves: the receiver for k
    /// weights the antennas by h_k, so signal = p_k‖h_k‖⁴, interference = Σ p_j |h_kᴴh_j|²,
    /// noise = σ²‖h_k‖² — independent of the composite-gain shortcut under test.
    @Test("the uplink rate equals MRC reception computed from the channel vectors")
    func rateFromVectors() {
        let uplink = CollectorUplink()
        let links: [(link: UInt32, position: SIMD3<Double>)] = (1...5).map { ($0, uplink.position(seed: 3, link: $0)) }
        let gains = uplink.compositeGains(seed: 3, round: 2, links: links)
        let powers = [0.2, 0.05, 0, 0.01, 0.04]
        let vectors = links.map { link, position in
            let beta = uplink.pathLoss.gain(distance: (position * position).sum().squareRoot()) * Units.ratio(fromDB: uplink.shadowingDB)
            return RicianChannel(antennas: uplink.antennas, kFactorDB: uplink.kFactorDB, largeScaleGain: beta)
                .realisation(seed: 3, link: UInt64(link), slot: 2)
        }
        func inner(_ a: Int, _ b: Int) -> Double {  // |h_aᴴ h_b|²
            var re = 0.0, im = 0.0
            for n in 0..<uplink.antennas {
                let x = vectors[a][n], y = vectors[b][n]
                re += x.real * y.real + x.imaginary * y.imaginary
                im += x.real * y.imaginary - x.imaginary * y.real
            }
            return re * re + im * im
        }
        for k in 0..<5 where powers[k] > 0 {
            let norm = inner(k, k).squareRoot()
            let interference = (0..<5).filter { $0 != k }.reduce(0.0) { $0 + powers[$1] * inner(k, $1) }
            let sinr = powers[k] * norm * norm / (interference + uplink.noise * norm)
            let expected = uplink.bandwidth * log2(1 + sinr)
            #expect(abs(uplink.rate(of: k, powers: powers, gains: gains) - expected) <= 1e-9 * expected)
        }
        // A different round is a different block-fading realisation.
        #expect(uplink.compositeGains(seed: 3, round: 3, links: links) != gains)
    }
}
