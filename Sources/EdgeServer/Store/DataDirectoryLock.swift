#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `<data directory>/.lock`, held for the daemon's lifetime: two daemons
/// on one directory would interleave uploads, recover each other's partial files and write one
/// catalog, so the second refuses to start.
///
/// The kernel releases the lock when the process dies, however it dies; a stale `.lock` file
/// from a crash therefore never blocks a restart.
final class DataDirectoryLock: Sendable {
    private let fd: Int32
    let path: String

    /// Takes the lock without waiting.
    ///
    /// - Throws: ``DataDirectoryLockError`` when another process holds it or the file cannot be opened.
    init(directory: String) throws(DataDirectoryLockError) {
        path = directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw DataDirectoryLockError(path: path, message: "cannot open: errno \(errno)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            throw DataDirectoryLockError(
                path: path,
                message: busy
                    ? "another edge-serverd already uses this data directory (it holds the lock); stop it or choose another store.data_directory"
                    : "cannot lock: errno \(errno)")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}

/// The data directory is in use by another daemon, or its lock file cannot be opened.
struct DataDirectoryLockError: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "\(path): \(message)" }
}
