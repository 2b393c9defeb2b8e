import Optimizers
import Testing

@Suite struct OptimizerErrorTests {
    @Test func descriptionCarriesCodeAndMessage() {
        let error = OptimizerError(.infeasible, "poses alone need 12 mW, budget is 5 mW")
        #expect(error.description == "infeasible: poses alone need 12 mW, budget is 5 mW")
        #expect(error.code.rawValue == "infeasible")
    }
}
