/// The release of the splatedge package, shared by every executable's `--version`.
public enum SplatedgeVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
