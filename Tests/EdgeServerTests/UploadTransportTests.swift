import Crypto
import Foundation
import NIOCore
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

@Suite("Uploads over both transports")
struct UploadTransportTests {
    private func committedBytes(_ daemon: TestDaemon, client: String, upload: UInt64) throws -> [UInt8] {
        let path = daemon.server.store.path(of: UploadKey(clientID: client, uploadID: String(upload)))
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("binary: an upload interrupted mid-way resumes on a new connection; bytes identical, digest verified")
    func binaryResume() async throws {
        let daemon = try await TestDaemon.start()
        let data = testBytes(count: 300_000, seed: 1)
        let (first, _) = try await daemon.session("collector-1", role: .collector)
        let stopped = try await first.upload(id: 77, data: data, chunkSize: 32_768, stopAfterChunks: 4)
        #expect(stopped == nil)
        await first.close()

        let (second, _) = try await daemon.session("collector-1", role: .collector)
        let digest = Array(SHA256.hash(data: data))
        let resumeAt = try await second.beginUpload(
            UploadBegin(uploadID: 77, totalSize: UInt64(data.count), sha256: digest, kind: .dataset, name: "d"))
        #expect(resumeAt == 4 * 32_768)
        let committed = try await second.upload(id: 77, data: data, chunkSize: 32_768)
        #expect(committed == UInt64(data.count))
        #expect(try committedBytes(daemon, client: "collector-1", upload: 77) == data)
        let row = try #require(try daemon.server.catalog.upload(UploadKey(clientID: "collector-1", uploadID: "77")))
        #expect(row.sha256Hex == digest.hexString)
        await second.bye()
        try await daemon.stop()
    }

    @Test("binary: a bad digest is rejected at END and kept out of the catalog")
    func binaryBadDigest() async throws {
        let daemon = try await TestDaemon.start()
        let data = testBytes(count: 10_000, seed: 2)
        let (connection, _) = try await daemon.session("collector-2", role: .collector)
        var wrongDigest = Array(SHA256.hash(data: data))
        wrongDigest[0] ^= 0xFF
        _ = try await connection.beginUpload(
            UploadBegin(uploadID: 5, totalSize: UInt64(data.count), sha256: wrongDigest, kind: .pilots, name: "p"))
        _ = try await connection.uploadChunk(id: 5, offset: 0, bytes: data[...])
        await #expect {
            try await connection.endUpload(id: 5)
        } throws: { error in
            guard case SplatClientError.server(let error) = error else { return false }
            return error.code == .uploadDigest
        }
        #expect(try daemon.server.catalog.upload(UploadKey(clientID: "collector-2", uploadID: "5")) == nil)
        #expect(try daemon.server.catalog.uploadCount() == 0)
        // The rejected upload is forgotten: beginning it again starts from zero.
        let restart = try await connection.beginUpload(
            UploadBegin(uploadID: 5, totalSize: UInt64(data.count), sha256: Array(SHA256.hash(data: data)), kind: .pilots, name: "p"))
        #expect(restart == 0)
        _ = try await connection.ping()  // the session survived the refusal
        await connection.bye()
        try await daemon.stop()
    }

    @Test("binary: a chunk at the wrong offset is refused with upload_offset")
    func binaryWrongOffset() async throws {
        let daemon = try await TestDaemon.start()
        let data = testBytes(count: 4096, seed: 3)
        let (connection, _) = try await daemon.session("collector-3", role: .collector)
        _ = try await connection.beginUpload(
            UploadBegin(uploadID: 1, totalSize: 4096, sha256: Array(SHA256.hash(data: data)), kind: .dataset, name: "x"))
        await #expect {
            try await connection.uploadChunk(id: 1, offset: 100, bytes: data[100..<200])
        } throws: { error in
            guard case SplatClientError.server(let error) = error else { return false }
            return error.code == .uploadOffset
        }
        await connection.bye()
        try await daemon.stop()
    }

    @Test("HTTP/2: an upload interrupted mid-way resumes; bytes identical, digest verified; bad digest → 422")
    func httpResumeAndBadDigest() async throws {
        let daemon = try await TestDaemon.start()
        let data = testBytes(count: 200_000, seed: 4)
        let client = try await daemon.http()
        #expect(try await client.upload(clientID: "cam-1", uploadID: 9, data: data, chunkSize: 20_000, stopAfterChunks: 3) == nil)
        await client.close()
        let resumed = try await daemon.http()
        #expect(try await resumed.uploadOffset(clientID: "cam-1", uploadID: 9) == 60_000)
        #expect(try await resumed.upload(clientID: "cam-1", uploadID: 9, data: data, chunkSize: 20_000) == UInt64(data.count))
        #expect(try committedBytes(daemon, client: "cam-1", upload: 9) == data)

        var wrong = Array(SHA256.hash(data: data)).hexString
        wrong = String(wrong.reversed())
        let path = "/v1/uploads/cam-1/10"
        #expect(try await resumed.request(.POST, path, headers: ["upload-length": "100", "upload-sha256": wrong]).status == 200)
        #expect(try await resumed.request(.PATCH, path, headers: ["upload-offset": "0"], body: Array(data[0..<100])).status == 200)
        let end = try await resumed.request(.POST, path + "/end")
        #expect(end.status == 422)
        #expect(end.headers.first(name: "splatedge-error") == "upload_digest")
        #expect(try daemon.server.catalog.upload(UploadKey(clientID: "cam-1", uploadID: "10")) == nil)
        await resumed.close()
        try await daemon.stop()
    }

    @Test("HTTP/2 upload routes need a bearer token")
    func httpUnauthorized() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http(token: "nope")
        let response = try await client.request(
            .POST, "/v1/uploads/a/1", headers: ["upload-length": "1", "upload-sha256": String(repeating: "0", count: 64)])
        #expect(response.status == 401)
        await client.close()
        try await daemon.stop()
    }

    @Test("graceful shutdown lets an in-flight upload finish, then says BYE")
    func drainInFlightUpload() async throws {
        let daemon = try await TestDaemon.start()
        let data = testBytes(count: 100_000, seed: 5)
        let (connection, _) = try await daemon.session("collector-4", role: .collector)
        let digest = Array(SHA256.hash(data: data))
        var offset = try await connection.beginUpload(
            UploadBegin(uploadID: 3, totalSize: UInt64(data.count), sha256: digest, kind: .dataset, name: "d"))
        offset = try await connection.uploadChunk(id: 3, offset: offset, bytes: data[0..<25_000])

        let stopping = Task { try await daemon.stop() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(daemon.server.isDraining)
        // New connections are refused while draining…
        await #expect(throws: (any Error).self) {
            let late = try await daemon.connect()
            _ = try await late.hello(Hello(role: .robot, clientID: "late", token: TestDaemon.token))
        }
        // …but the upload in flight completes.
        while offset < UInt64(data.count) {
            let end = min(data.count, Int(offset) + 25_000)
            offset = try await connection.uploadChunk(id: 3, offset: offset, bytes: data[Int(offset)..<end])
        }
        #expect(try await connection.endUpload(id: 3) == UInt64(data.count))
        let bye = try #require(try await nextPush(connection))
        #expect(bye.message == .bye(Bye(reason: .shuttingDown, message: "the server is shutting down")))
        try await stopping.value
        #expect(try committedBytes(daemon, client: "collector-4", upload: 3) == data)
    }
}
