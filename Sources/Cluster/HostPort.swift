/// A "host:port" address as the cluster's configuration and member records write it.
public enum HostPort {
    /// (host, port) for "host:port" with a non-empty host and a port in 1…65535; nil otherwise.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        return (String(text[..<colon]), port)
    }
}
