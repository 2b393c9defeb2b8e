import Foundation
import NIOCore
import NIOPosix

/// Measures the inter-site latency the SCC instance needs (t^sy, t^se): the time of a TCP
/// handshake to each other member's HTTP/2 listener, one SYN/SYN-ACK round trip, halved. Over
/// the sites' veth pairs this is the wire's latency, shaping included.
public struct PeerLatencyProbe: Sendable {
    let group: any EventLoopGroup
    let timeout: TimeAmount

    public init(timeoutSeconds: Double = 1, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
        self.timeout = .milliseconds(Int64(max(timeoutSeconds, 0.001) * 1000))
    }

    /// One-way latency (s) to every member of `records` other than `selfID` that answered; the
    /// least of `samples` handshakes, so a scheduling hiccup on the shared cores does not count.
    public func measure(_ records: [MemberRecord], selfID: String, samples: Int = 3) async -> [String: Double] {
        var result: [String: Double] = [:]
        for record in records where record.id != selfID {
            guard let (host, port) = HostPort.parse(record.httpAddress) else { continue }
            var best: Double?
            for _ in 0..<max(samples, 1) {
                let start = ContinuousClock.now
                guard let channel = try? await ClientBootstrap(group: group).connectTimeout(timeout).connect(host: host, port: port).get()
                else { continue }
                let elapsed = (ContinuousClock.now - start).seconds
                try? await channel.close()
                best = min(best ?? elapsed, elapsed)
            }
            if let best { result[record.id] = best / 2 }
        }
        return result
    }
}
