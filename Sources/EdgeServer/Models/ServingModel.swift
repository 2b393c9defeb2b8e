import NIOConcurrencyHelpers
import Renderer
import SlotModel

/// The model version the edge serves, swapped atomically between renders: every render job
/// takes the world when it is submitted (``SlotRenderer/map(_:_:)``), so renders in flight
/// finish on the version they started with and the next ones use the new one.
final class ServingModel: Sendable {
    /// A version and the world whose large model it is.
    struct Current: Sendable {
        var version: Int
        var world: SlotWorld
    }

    private let state: NIOLockedValueBox<(current: Current, observers: [@Sendable (SlotWorld) -> Void])>

    /// Serves `world` as `version`.
    init(version: Int, world: SlotWorld) {
        state = NIOLockedValueBox((Current(version: version, world: world), []))
    }

    var current: Current { state.withLockedValue { $0.current } }

    /// Calls `observer` with the world now and after every swap (the mixed-reality board keeps its own reference).
    func observe(_ observer: @escaping @Sendable (SlotWorld) -> Void) {
        let world = state.withLockedValue { state in
            state.observers.append(observer)
            return state.current.world
        }
        observer(world)
    }

    /// Serves `version`'s scene from now on (reality, the virtual layer and the small model stay).
    func swap(to version: Int, scene: GaussianScene) {
        let (world, observers) = state.withLockedValue { state in
            state.current = Current(version: version, world: state.current.world.replacingLarge(with: scene))
            return (state.current.world, state.observers)
        }
        for observer in observers { observer(world) }
    }
}
