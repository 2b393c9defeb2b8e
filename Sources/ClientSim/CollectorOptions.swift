import ArgumentParser
import Optimizers

/// `client-sim --role collector` settings (STT-GS data collectors).
struct CollectorOptions: ParsableArguments {
    @Option(help: "Collector: images |D_k| recorded along its tour (the image size is --image-size, a multiple of 8x6).")
    var items = 20
    @Option(help: "Collector: sampling ratio ρ, |D̃_k| = ⌈ρ|D_k|⌉ pilots.")
    var samplingRatio = 0.1
    @Option(help: "Collector: pilot sampling fdc, random or uniform.")
    var sampling = "fdc"
    @Option(help: "Collector: bits per sample V_k on the emulated uplink (the paper: 45–60 Mbit).")
    var sampleBits = 50e6
    @Option(help: "Collector: seconds between two recorded frames of the tour.")
    var framePeriod = 1.0

    func validate() throws {
        guard items >= 1 else { throw ValidationError("--items must be ≥ 1") }
        guard samplingRatio > 0, samplingRatio <= 1 else { throw ValidationError("--sampling-ratio must be in (0, 1]") }
        guard PilotSampling(rawValue: sampling) != nil else { throw ValidationError("--sampling must be fdc, random or uniform") }
        guard sampleBits.isFinite, sampleBits >= 1 else { throw ValidationError("--sample-bits must be ≥ 1") }
        guard framePeriod.isFinite, framePeriod > 0 else { throw ValidationError("--frame-period must be > 0") }
    }
}
