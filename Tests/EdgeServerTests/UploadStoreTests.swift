import Crypto
import Foundation
import NIOPosix
import Testing

@testable import EdgeServer

@Suite("Upload store (durability, resume, digest)")
struct UploadStoreTests {
    private func makeStore(_ directory: String, pool: NIOThreadPool) throws -> (UploadStore, Catalog) {
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        return (try UploadStore(dataDirectory: directory, maxUploadBytes: 1 << 20, catalog: catalog, threadPool: pool), catalog)
    }

    @Test("a restart truncates unacknowledged bytes and resumes at the manifest's durable offset")
    func recovery() async throws {
        let pool = NIOThreadPool.singleton
        let directory = TestDaemon.temporaryDirectory()
        let data = testBytes(count: 5000, seed: 7)
        let key = UploadKey(clientID: "c", uploadID: "1")
        do {
            let (store, _) = try makeStore(directory, pool: pool)
            _ = try await store.begin(key, totalSize: 5000, sha256: Array(SHA256.hash(data: data)))
            #expect(try await store.write(key, offset: 0, bytes: Array(data[0..<2000])).durableOffset == 2000)
            store.close()
        }
        // A crash between a write and its manifest update leaves extra bytes after the durable offset.
        let part = directory + "/uploads/partial/c/1.part"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: part))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0xEE, count: 700))
        try handle.close()

        let (store, catalog) = try makeStore(directory, pool: pool)
        #expect(store.usage.partialBytes == 2000)
        let progress = try await store.begin(key, totalSize: 5000, sha256: Array(SHA256.hash(data: data)))
        #expect(progress.durableOffset == 2000)
        // A retransmitted chunk below the durable offset is acknowledged without rewriting.
        #expect(try await store.write(key, offset: 1000, bytes: Array(data[1000..<2000])).durableOffset == 2000)
        #expect(try await store.write(key, offset: 2000, bytes: Array(data[2000...])).durableOffset == 5000)
        let committed = try await store.finish(key)
        #expect(committed.sha256Hex == Array(SHA256.hash(data: data)).hexString)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: store.path(of: key)))) == data)
        #expect(try catalog.uploadCount() == 1)
        #expect(!FileManager.default.fileExists(atPath: part))
        #expect(store.usage == StoreUsage(completeFiles: 1, completeBytes: 5000, partialFiles: 0, partialBytes: 0))
        // BEGIN of a committed upload reports it complete.
        #expect(try await store.begin(key, totalSize: 5000, sha256: Array(SHA256.hash(data: data))).committed)
    }

    @Test("refusals: size over the limit, chunk past the end, END before all bytes, unsafe names")
    func refusals() async throws {
        let pool = NIOThreadPool.singleton
        let (store, _) = try makeStore(TestDaemon.temporaryDirectory(), pool: pool)
        let digest = [UInt8](repeating: 0, count: 32)
        let key = UploadKey(clientID: "c", uploadID: "2")
        await #expect(throws: UploadStoreError.self) { try await store.begin(key, totalSize: 2 << 20, sha256: digest) }
        _ = try await store.begin(key, totalSize: 10, sha256: digest)
        await #expect {
            try await store.write(key, offset: 0, bytes: [UInt8](repeating: 1, count: 11))
        } throws: { ($0 as? UploadStoreError)?.code == .size }
        await #expect {
            try await store.finish(key)
        } throws: { ($0 as? UploadStoreError)?.code == .size }
        await #expect {
            try await store.begin(UploadKey(clientID: "../etc", uploadID: "x"), totalSize: 1, sha256: digest)
        } throws: { ($0 as? UploadStoreError)?.code == .invalid }
        await #expect {
            try await store.write(UploadKey(clientID: "c", uploadID: "never"), offset: 0, bytes: [1])
        } throws: { ($0 as? UploadStoreError)?.code == .unknownUpload }
    }
}
