import Foundation
import Optimizers
import Renderer
import SeededRandom
import SlotModel
import Testing

@testable import EdgeServer

@Suite("Configuration: TOML, flags, validation")
struct ConfigurationTests {
    @Test("the example deploy/edge-serverd.toml parses and validates, and sets every section")
    func exampleFile() throws {
        let configuration = try ServerConfiguration.load(tomlFile: packageRoot() + "/deploy/edge-serverd.toml")
        try configuration.validate()
        #expect(configuration.binary == .init(host: "127.0.0.1", port: 7450))
        #expect(configuration.http == .init(host: "127.0.0.1", port: 7451))
        #expect(configuration.dataDirectory == "/var/lib/edge-serverd")
        #expect(!configuration.tokens.isEmpty)
        #expect(configuration.rounds == RoundConfiguration(), "the example lists the [sttgs] defaults")
    }

    @Test("a file overrides defaults key by key; absent keys keep their defaults")
    func partialFile() throws {
        let configuration = try ServerConfiguration.parse(
            toml: """
                [limits]
                max_sessions = 8
                idle_timeout_seconds = 2.5
                [auth]
                tokens = ["a", "b"]
                """)
        var expected = ServerConfiguration()
        expected.limits.maxSessions = 8
        expected.limits.idleTimeoutSeconds = 2.5
        expected.tokens = ["a", "b"]
        #expect(configuration == expected)
    }

    @Test("flags win over the file")
    func flagsWin() throws {
        let directory = TestDaemon.temporaryDirectory()
        let file = directory + "/c.toml"
        try "[binary]\nport = 9000\n[auth]\ntokens = [\"file\"]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let command = try EdgeServerCommand.parse(["--config", file, "--binary-port", "9100", "--token", "flag", "--max-sessions", "3"])
        let merged = try command.mergedConfiguration()
        #expect(merged.binary.port == 9100)
        #expect(merged.tokens == ["flag"])
        #expect(merged.limits.maxSessions == 3)
    }

    @Test(
        "errors name the key",
        arguments: [
            ("[limits]\nmax_sesions = 3\n", ConfigurationError.Code.unknownKey, "limits.max_sesions"),
            ("[binary]\nport = \"7450\"\n", .wrongType, "binary.port"),
            ("[nonsense]\n", .unknownKey, "nonsense"),
            ("[auth]\ntokens = [\"t\"]\n[binary]\nport = 70000\n", .invalidValue, "binary.port"),
            ("[auth]\ntokens = [\"t\"]\n[limits]\nidle_timeout_seconds = 0\n", .invalidValue, "limits.idle_timeout_seconds"),
            ("[auth]\ntokens = [\"t\"]\n[log]\nlevel = \"loud\"\n", .invalidValue, "log.level"),
            ("[auth]\ntokens = [\"t\"]\n[http]\ntls_certificate = \"c.pem\"\n", .invalidValue, "http.tls_certificate"),
            ("[auth]\ntokens = [\"t\"]\n[limits]\nsession_inflight_bytes = 10\n", .invalidValue, "limits.session_inflight_bytes"),
            ("", .invalidValue, "auth.tokens"),
            ("[auth]\ntokens = [\"t\"]\n[sttgs]\nsolver = \"greedy\"\n", .invalidValue, "sttgs.solver"),
            ("[auth]\ntokens = [\"t\"]\n[sttgs]\npilot_scheme = \"fast\"\n", .invalidValue, "sttgs.pilot_scheme"),
            ("[auth]\ntokens = [\"t\"]\n[sttgs]\nround_s = 5000\n", .invalidValue, "sttgs.round_s"),
            ("[auth]\ntokens = [\"t\"]\n[sttgs]\ntime_scale = 0\n", .invalidValue, "sttgs.time_scale"),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nedge_latency_window = 0\n", .invalidValue, "irac.edge_latency_window"),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nedge_latency_margin = -0.1\n", .invalidValue, "irac.edge_latency_margin"),
            ("[auth]\ntokens = [\"t\"]\n[sttgs]\nround = 5\n", .unknownKey, "sttgs.round"),
            ("[auth]\ntokens = [\"t\"]\n[gsmr]\nepsilon = 1\n", .invalidValue, "gsmr.epsilon"),
            ("[auth]\ntokens = [\"t\"]\n[gsmr]\nomega2_relative = -0.01\n", .invalidValue, "gsmr.omega2_relative"),
            ("[auth]\ntokens = [\"t\"]\n[gsmr]\nloss_threshold = -1\n", .invalidValue, "gsmr.loss_threshold"),
            ("[auth]\ntokens = [\"t\"]\n[training]\nmemory_update_s = -1\n", .invalidValue, "training.memory_update_s"),
            ("[auth]\ntokens = [\"t\"]\n[training]\nenabled = false\nmemory_update_s = 60\n", .invalidValue, "training.memory_update_s"),
            ("[auth]\ntokens = [\"t\"]\n[training]\nmemory_update_images = 4\n", .invalidValue, "training.memory_update_images"),
            ("[auth]\ntokens = [\"t\"]\n[training]\nmemory_update_min_images = 500\n", .invalidValue, "training.memory_update_min_images"),
            // A FRAME clients could not receive (their decoders keep the protocol's 16 MiB), even
            // with the daemon's own limits raised to carry it.
            ("[auth]\ntokens = [\"t\"]\n[irac]\nframe_size = \"4096x4096\"\n", .invalidValue, "irac.frame_size"),
            (
                "[auth]\ntokens = [\"t\"]\n[irac]\nframe_size = \"4096x4096\"\n[limits]\nmax_frame_bytes = 100000000\nsession_inflight_bytes = 100000000\nsession_outbound_bytes = 100000000\n",
                .invalidValue, "irac.frame_size"
            ),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nframe_size = \"2560x1440\"\n", .invalidValue, "limits.session_outbound_bytes"),
            (
                "[auth]\ntokens = [\"t\"]\n[irac]\nframe_size = \"1280x960\"\n[limits]\nmax_frame_bytes = 1000000\n", .invalidValue,
                "limits.max_frame_bytes"
            ),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nframe_bits_source = \"guessed\"\n", .invalidValue, "irac.frame_bits_source"),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nframe_bits_window = 0\n", .invalidValue, "irac.frame_bits_window"),
            ("[auth]\ntokens = [\"t\"]\n[irac]\nframe_bits_quantile = 0\n", .invalidValue, "irac.frame_bits_quantile"),
            ("[auth]\ntokens = [\"t\"]\n[world]\nsmall_model = \"trained\"\n", .invalidValue, "world.small_model"),
            ("[auth]\ntokens = [\"t\"]\n[world]\nsmall_model = 1\n", .wrongType, "world.small_model"),
            ("[auth]\ntokens = [\"t\"]\n[world]\nsmall_iterations = 0\n", .invalidValue, "world.small_iterations"),
            ("[auth]\ntokens = [\"t\"]\n[world]\nsmall_iterations = 100001\n", .invalidValue, "world.small_iterations"),
        ])
    func errors(toml: String, code: ConfigurationError.Code, key: String) throws {
        do {
            try ServerConfiguration.parse(toml: toml).validate()
            Issue.record("accepted an invalid configuration")
        } catch {
            #expect(error.code == code)
            #expect(error.key == key)
        }
    }

    @Test("the small model's keys and --small-model: distilled with its steps, pruned by default")
    func smallModel() throws {
        #expect(ServerConfiguration().slotLoop.smallModel == .pruned)
        let configuration = try ServerConfiguration.parse(toml: "[world]\nsmall_model = \"distilled\"\nsmall_iterations = 50\n")
        #expect(configuration.slotLoop.smallModel == .distilled && configuration.slotLoop.smallIterations == 50)
        let command = try EdgeServerCommand.parse(["--token", "t", "--small-model", "distilled"])
        #expect(try command.mergedConfiguration().slotLoop.smallModel == .distilled)
    }

    @Test("every GSMR solver is accepted live, with BILS's ε and ω² and the low-power L_th", arguments: GSCLOSolverName.allCases)
    func everyGSMRSolver(solver: GSCLOSolverName) throws {
        let configuration = try ServerConfiguration.parse(
            toml: """
                [auth]
                tokens = ["t"]
                [gsmr]
                solver = "\(solver.rawValue)"
                epsilon = 0.05
                omega2_relative = 0.1
                loss_threshold = 0.02
                """)
        try configuration.validate()
        #expect(configuration.slotLoop.gsmrSolver == solver)
        #expect(configuration.slotLoop.outageTarget == 0.05)
        #expect(configuration.slotLoop.estimationErrorRelative == 0.1)
        #expect(configuration.slotLoop.lossThreshold == 0.02)
    }

    @Test("FRAMEs at 640×480 and beyond fit the default limits, D measured at a quantile")
    func largeFrames() throws {
        for size in ["640x480", "1280x960", "1920x1080"] {
            let configuration = try ServerConfiguration.parse(
                toml: "[auth]\ntokens = [\"t\"]\n[irac]\nframe_size = \"\(size)\"\nframe_bits_source = \"measured\"\nframe_bits_quantile = 0.95\n")
            try configuration.validate()
            #expect(configuration.slotLoop.frameSize.description == size)
            #expect(configuration.slotLoop.frameBitsSource == .measured)
            #expect(configuration.slotLoop.frameBitsQuantile == 0.95)
        }
    }

    /// libpng's PNG of noise (nothing to compress: stored deflate blocks) fits the payload the
    /// limits are checked against, at a size where a flat header allowance would not.
    @Test(arguments: ["640x480", "1280x960"])
    func largestPayloadHoldsAnIncompressiblePNG(size: String) throws {
        var configuration = SlotLoopConfiguration()
        configuration.frameSize = try #require(ImageSize(size))
        let (width, height) = (configuration.frameSize.width, configuration.frameSize.height)
        var generator = SeededGenerator(seed: 1, stream: 0x9_46, index: 0)
        let noise = RGBImage(width: width, height: height, pixels: (0..<(3 * width * height)).map { _ in Float(generator.nextUnit()) })
        let png = try noise.pngData()
        #expect(png.count > 3 * width * height)
        #expect(png.count + 64 <= configuration.largestServerPayload)
    }

    @Test("a syntax error reports its line")
    func syntaxError() {
        #expect {
            _ = try ServerConfiguration.parse(toml: "[binary]\nport = = 3\n", source: "x.toml")
        } throws: { error in
            (error as? ConfigurationError)?.code == .syntax && (error as? ConfigurationError)?.key == "x.toml:2"
        }
    }
}
