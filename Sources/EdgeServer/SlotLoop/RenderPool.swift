/// A bounded worker pool for the slot loop's renders: at most `workers` child tasks run at once,
/// so a slot with many users cannot oversubscribe the cores the event loops also need.
struct RenderPool: Sendable {
    let workers: Int

    /// `body` applied to every item, results in item order.
    func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) -> Result
    ) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            while next < min(workers, items.count) {
                let index = next
                group.addTask { (index, body(items[index])) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < items.count {
                    let submitted = next
                    group.addTask { (submitted, body(items[submitted])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
