#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin POSIX file operations with the durability steps the upload store relies on.
///
/// Foundation's file APIs hide `fsync`, and the store's crash-safety argument is exactly about
/// which bytes reached the disk before which rename, so the calls are spelled out here.
enum DurableFile {
    /// Opens (creating when asked) a file for reading and writing, returning its descriptor.
    static func open(_ path: String, create: Bool) throws(UploadStoreError) -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o640)
        guard fd >= 0 else { throw .io("open", path) }
        return fd
    }

    /// Writes all of `bytes` at `offset` (retrying short writes and EINTR).
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(UploadStoreError) {
        let failed = bytes.withUnsafeBytes { raw -> Bool in
            var written = 0
            while written < raw.count {
                let result = pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                written += result
            }
            return false
        }
        if failed { throw .io("pwrite", path) }
    }

    /// Reads up to `buffer.count` bytes at `offset` into `buffer`; fewer only at end of file.
    static func read(_ fd: Int32, into buffer: inout [UInt8], at offset: Int64, path: String) throws(UploadStoreError) -> Int {
        let result = buffer.withUnsafeMutableBytes { raw -> Int in
            while true {
                let result = pread(fd, raw.baseAddress, raw.count, off_t(offset))
                if result >= 0 || errno != EINTR { return result }
            }
        }
        if result < 0 { throw .io("pread", path) }
        return result
    }

    /// Flushes a file's data and metadata to stable storage.
    static func sync(_ fd: Int32, path: String) throws(UploadStoreError) {
        guard fsync(fd) == 0 else { throw .io("fsync", path) }
    }

    static func truncate(_ fd: Int32, to length: Int64, path: String) throws(UploadStoreError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .io("ftruncate", path) }
    }

    static func size(_ fd: Int32, path: String) throws(UploadStoreError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io("fstat", path) }
        return Int64(info.st_size)
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Atomically replaces `path` with `bytes`: write a temporary file, fsync it, rename it over
    /// `path`, fsync the directory. A crash leaves either the old or the new content, never a mix.
    static func replace(_ path: String, with bytes: [UInt8], directory: String) throws(UploadStoreError) {
        try replaceAll([(path, bytes)], directory: directory)
    }

    /// ``replace(_:with:directory:)`` for many files of one directory, with a single directory
    /// fsync after the last rename (each file's content is fsynced before its rename).
    static func replaceAll(_ files: [(path: String, bytes: [UInt8])], directory: String) throws(UploadStoreError) {
        for (path, bytes) in files {
            let temporary = path + ".tmp"
            let fd = try open(temporary, create: true)
            do throws(UploadStoreError) {
                try truncate(fd, to: 0, path: temporary)
                try write(fd, bytes, at: 0, path: temporary)
                try sync(fd, path: temporary)
            } catch {
                close(fd)
                throw error
            }
            close(fd)
            guard Glibc.rename(temporary, path) == 0 else { throw .io("rename", "\(temporary) → \(path)") }
        }
        try syncDirectory(directory)
    }

    /// Renames within one file system, then fsyncs the directory so the new name is durable.
    static func rename(_ from: String, to: String, directory: String) throws(UploadStoreError) {
        guard Glibc.rename(from, to) == 0 else { throw .io("rename", "\(from) → \(to)") }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws(UploadStoreError) {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io("fsync", directory) }
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    static func makeDirectories(_ path: String) throws(UploadStoreError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST { throw .io("mkdir", prefix) }
        }
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Whole small file (a sidecar), or nil when it does not exist.
    static func readAll(_ path: String) throws(UploadStoreError) -> [UInt8]? {
        guard exists(path) else { return nil }
        let fd = try open(path, create: false)
        defer { close(fd) }
        let length = try size(fd, path: path)
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let count = try read(fd, into: &bytes, at: 0, path: path)
        return Array(bytes.prefix(count))
    }

    /// Names in a directory (without `.` and `..`); empty when it does not exist.
    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
