/// The order in which a slot's FRAMEs go to the render workers.
///
/// User k's FRAME is on time when it is ready by T_max − D/R_k after the slot's start, and every
/// FRAME is one render of the same model at the same size, so the renders are equal-length jobs
/// on identical workers. For those, earliest deadline first minimises the worst lateness: the
/// users on the slowest links, whose airtime leaves the least time to render, go first.
enum FrameRenderOrder {
    /// Positions of `airtimes` (D/R_k per served user) from the longest airtime to the shortest,
    /// ties by position.
    static func earliestDeadlineFirst(airtimes: [Double]) -> [Int] {
        airtimes.indices.sorted { (airtimes[$1], $0) < (airtimes[$0], $1) }
    }
}
