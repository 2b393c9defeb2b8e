/// The SCC model's per-space and per-link constants that live state does not measure: what a
/// space costs to hold and render, and how the inter-site links turn latencies into the
/// t^sy, t^se, t^vp, t^ed terms (SPEC §5; defaults follow docs/SCC.md's generator levels).
public struct ClusterModel: Sendable, Equatable, Codable {
    /// s_v: cache bytes of each space (the count of spaces is this array's).
    public var spaceCacheBytes: [Double] = [2e9, 4e9, 6e9, 8e9]
    /// e_v: maintenance energy of one cached copy (J).
    public var spaceMaintenanceJoules: [Double] = [0.5, 1, 1.5, 2]
    /// w_v: per-user viewport workload (FLOP).
    public var spaceFlops: [Double] = [0.5e8, 1e8, 1.5e8, 2e8]
    /// d_v: per-user viewport frame (bits).
    public var spaceFrameBits: [Double] = [4e6, 8e6, 12e6, 16e6]
    /// κ of the computing energy κ w f² (J/(FLOP·Hz²)).
    public var kappa = 1e-28
    /// Bits one synchronisation of a space between two replicas carries (users' poses in it).
    public var syncBits = 8_192.0
    /// Bits of one user's sensor data (its POSE) forwarded to the computing edge.
    public var sensorBits = 1_024.0
    /// Rate of the inter-site links (bit/s; the tbf/htb rate of the sites' veth pairs).
    public var interSiteRateBitsPerSecond = 100e6
    /// Energy per bit carried between sites (J/bit).
    public var interSiteJoulesPerBit = 1e-9
    /// Rate of the local base station to a device (bit/s).
    public var deviceRateBitsPerSecond = 200e6
    /// Transmit power of the base station to a device (W).
    public var devicePowerWatts = 0.2

    public init() {}

    /// Number of spaces |V|.
    public var spaceCount: Int { spaceCacheBytes.count }

    /// Checks that every array has one entry per space and every constant is finite and ≥ 0
    /// (rates > 0); returns the first offending name.
    public func invalidField() -> String? {
        let spaces = spaceCount
        guard spaces > 0 else { return "space_cache_bytes" }
        for (name, array) in [("space_maintenance_j", spaceMaintenanceJoules), ("space_flops", spaceFlops), ("space_frame_bits", spaceFrameBits)]
        where array.count != spaces { return name }
        for (name, values) in [
            ("space_cache_bytes", spaceCacheBytes), ("space_maintenance_j", spaceMaintenanceJoules), ("space_flops", spaceFlops),
            ("space_frame_bits", spaceFrameBits), ("kappa", [kappa]), ("sync_bits", [syncBits]), ("sensor_bits", [sensorBits]),
            ("inter_site_j_per_bit", [interSiteJoulesPerBit]), ("device_power_w", [devicePowerWatts]),
        ] where values.contains(where: { !$0.isFinite || $0 < 0 }) { return name }
        for (name, rate) in [("inter_site_rate_bps", interSiteRateBitsPerSecond), ("device_rate_bps", deviceRateBitsPerSecond)]
        where !(rate.isFinite && rate > 0) { return name }
        return nil
    }
}
