import Foundation
import NIOCore
import NIOHTTP1
import Protocol

/// Maps HTTP requests to the daemon's operations.
///
/// Operations routes (`/healthz`, `/metrics`, `/v1/status`, `/v1/models`) need no token; everything under
/// `/v1/uploads`, `/v1/sessions` (``HTTPSessionRoutes``) and `/v1/robots` needs
/// `authorization: Bearer <token>`, and a route named by a client id needs a token whose grant
/// covers that id (``access(for:)``, checked on the request head before any body is read:
/// 401 for a missing or unknown token, 403 for another client's route, both with an ERROR
/// payload). Uploads follow the binary protocol's
/// BEGIN/CHUNK/END with the offset in a header, so a client resumes an upload the same way
/// over either transport:
///
/// | request | meaning | answer |
/// |---|---|---|
/// | `POST /v1/uploads/{client}/{upload}` + `upload-length`, `upload-sha256` | BEGIN | 200, `upload-offset` |
/// | `HEAD /v1/uploads/{client}/{upload}` | where to resume | 200, `upload-offset` |
/// | `PATCH /v1/uploads/{client}/{upload}` + `upload-offset`, body | CHUNK | 200, new `upload-offset` (409 + the durable offset when it is not the expected one) |
/// | `POST /v1/uploads/{client}/{upload}/end` | END: verify, commit | 201; 422 on a digest mismatch |
///
/// `GET /v1/robots/{client}/mr` (token) answers a robot's mixed-reality frame as PNG
/// (``MixedRealityBoard``), with `splatedge-mr-source: image|render` and `splatedge-slot`.
/// `/` and `/ui/…` are the live view (``LiveViewRoutes``), with credentials of its own.
final class HTTPRouter: Sendable {
    /// What to answer: now (on the event loop), after asynchronous work, or a head now and a
    /// body that grows for as long as the client listens.
    enum Result {
        case immediate(HTTPResponse, route: String)
        case deferred(route: String, @Sendable () async -> HTTPResponse)
        case streaming(route: String, HTTPEventStream)
    }

    let metrics: ServerMetrics
    private let uploads: UploadService
    private let authority: TokenAuthority
    private let status: @Sendable () -> StatusReport
    private let models: @Sendable () -> ModelListing
    private let sessionRoutes: HTTPSessionRoutes
    private let mixedReality: MixedRealityBoard
    private let statusDocuments: StatusDocumentCache
    private let liveView: LiveViewRoutes?
    private let views: ViewRenderDesk
    private let spaceSync: SpaceSyncBoard

    /// A router for the session `services`, bearer tokens checked by `authority`, `/v1/status`
    /// from `status`, `/v1/models` from `models`, MR frames from `mixedReality`, the live
    /// view's routes from `liveView`, other edges' views (`POST /v1/views`) from `views` and
    /// the space replicas' synchronisation (`POST /v1/sync`) into `spaceSync`. The status
    /// document is rebuilt at most once per `statusRefresh` (the slot length:
    /// ``StatusDocumentCache``).
    init(
        services: SessionServices, authority: TokenAuthority, mixedReality: MixedRealityBoard, liveView: LiveViewRoutes? = nil,
        views: ViewRenderDesk = ViewRenderDesk(memberID: ""), spaceSync: SpaceSyncBoard = SpaceSyncBoard(),
        models: @escaping @Sendable () -> ModelListing = { ModelListing(serving: 0, versions: []) },
        statusRefresh: Duration = .milliseconds(100),
        status: @escaping @Sendable () -> StatusReport
    ) {
        statusDocuments = StatusDocumentCache(refresh: statusRefresh)
        self.liveView = liveView
        self.views = views
        self.spaceSync = spaceSync
        metrics = services.metrics
        uploads = services.uploads
        self.authority = authority
        self.status = status
        self.models = models
        sessionRoutes = HTTPSessionRoutes(services: services)
        self.mixedReality = mixedReality
    }

    /// The operations routes: no token, no body, answered on the event loop from the path alone.
    enum OperationsRoute: Int, CaseIterable, Sendable {
        case healthz, metrics, status, models

        /// The route of a canonical request path (`/healthz`, `/metrics`, `/v1/status`, `/v1/models`, with any
        /// query); other spellings that ``HTTPRouter/route(_:)`` accepts (`/healthz/`) are nil.
        init?(path: String) {
            let end = path.utf8.firstIndex(of: UInt8(ascii: "?")) ?? path.endIndex
            switch path[..<end] {
            case "/healthz": self = .healthz
            case "/metrics": self = .metrics
            case "/v1/status": self = .status
            case "/v1/models": self = .models
            default: return nil
            }
        }

        /// The route's label in `edge_http_responses_total`.
        var label: String {
            switch self {
            case .healthz: "healthz"
            case .metrics: "metrics"
            case .status: "status"
            case .models: "models"
            }
        }
    }

    static let healthy = HTTPResponse.text(.ok, "ok\n")

    /// The answer of an operations route.
    func respond(to route: OperationsRoute) -> HTTPResponse {
        switch route {
        case .healthz:
            return Self.healthy
        case .metrics:
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4", body: ByteBuffer(bytes: metrics.exposition()))
        case .status:
            return statusDocuments.response(report: status)
        case .models:
            return .json(.ok, (try? JSONEncoder.daemonStyle().encode(models())).map(Array.init) ?? Array("{}".utf8))
        }
    }

    /// What a request's head alone says about it.
    enum Access {
        /// No token needed (operations routes, unknown paths).
        case open
        /// A token-protected route, and the bearer token grants it.
        case granted
        /// The answer: no valid bearer token (401), or a client id the token does not own (403).
        case refused(Result)
    }

    /// Checks the bearer token of a request head, before any of its body is read; `target` is
    /// the head's URI split (the handler splits it once for this check and the route).
    func access(for head: HTTPRequestHead, target: RequestTarget) -> Access {
        // The path test first: binding `liveView` copies the struct (a retain per field).
        if LiveViewRoutes.handles(target.path), let liveView { return liveView.access(for: head) }
        let segments = target.segments
        guard segments.count >= 2, segments[0] == "v1", let route = Self.protectedRoute(segments[1]) else { return .open }
        let header = head.headers.first(name: "authorization") ?? ""
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        guard let grant = authority.grant(for: token) else {
            return .refused(refuse(.unauthorized, "a valid bearer token is required", status: .unauthorized, route: route))
        }
        if segments.count >= 3, !grant.allows(clientID: String(segments[2])) {
            return .refused(refuse(.unauthorized, "the token does not grant client \(segments[2])", status: .forbidden, route: route))
        }
        return .granted
    }

    /// The metrics label of a token-protected top-level route under `/v1`, nil for the others
    /// (a switch rather than a dictionary, so no request hashes its segment for it).
    private static func protectedRoute(_ segment: Substring) -> String? {
        switch segment {
        case "sessions": "sessions"
        case "uploads": "uploads"
        case "robots": "mr"
        case "views": "views"
        case "sync": "sync"
        default: nil
        }
    }

    /// Routes a complete request whose head ``access(for:)`` did not refuse (the request handler
    /// checks it before reading the body, so the token is hashed once per request).
    func route(_ request: HTTPRequest) -> Result {
        if LiveViewRoutes.handles(request.path), let liveView { return liveView.route(request) }
        let segments = request.segments
        switch (request.method, segments.first) {
        case (.GET, "healthz") where segments.count == 1:
            return operations(.healthz)
        case (.GET, "metrics") where segments.count == 1:
            return operations(.metrics)
        case (.GET, "v1") where segments.count == 2 && segments[1] == "status":
            return operations(.status)
        case (.GET, "v1") where segments.count == 2 && segments[1] == "models":
            return operations(.models)
        case (.GET, "v1") where segments.count == 4 && segments[1] == "sessions" && segments[3] == "events":
            return sessionRoutes.events(clientID: String(segments[2]))
        case (_, "v1") where segments.count >= 2 && segments[1] == "sessions":
            return .immediate(sessionRoutes.route(request, rest: segments.dropFirst(2)), route: "sessions")
        case (.GET, "v1") where segments.count == 4 && segments[1] == "robots" && segments[3] == "mr":
            return .deferred(route: "mr") { [mixedReality] in Self.mixedRealityFrame(mixedReality, clientID: String(segments[2])) }
        case (.POST, "v1") where segments.count == 2 && segments[1] == "views":
            return .deferred(route: "views") { [views] in views.respond(to: request.body) }
        case (.POST, "v1") where segments.count == 2 && segments[1] == "sync":
            return .immediate(spaceSync.respond(to: request.body), route: "sync")
        case (_, "v1") where segments.count >= 4 && segments[1] == "uploads":
            return routeUpload(request, clientID: String(segments[2]), uploadID: String(segments[3]), rest: segments.dropFirst(4))
        default:
            return .immediate(.text(.notFound, "no route for \(request.method) \(request.path)\n"), route: "not_found")
        }
    }

    private func operations(_ route: OperationsRoute) -> Result {
        .immediate(respond(to: route), route: route.label)
    }

    private func routeUpload(_ request: HTTPRequest, clientID: String, uploadID: String, rest: ArraySlice<Substring>) -> Result {
        let route = "uploads"
        switch Self.uploadOperation(request, key: UploadKey(clientID: clientID, uploadID: uploadID), rest: rest) {
        case .success(let operation):
            return .deferred(route: route) { [uploads] in
                do throws(UploadStoreError) {
                    switch try await uploads.perform(operation) {
                    case .progress(let progress):
                        return Self.progress(progress)
                    case .committed(let committed):
                        return .text(.created, "\(committed.sha256Hex)\n", headers: ["upload-offset": String(committed.size)])
                    }
                } catch {
                    let code = error.code.rawValue
                    return .text(error.httpStatus, "\(code): \(error.message)\n", headers: ["splatedge-error": code])
                }
            }
        case .failure(let refusal):
            return .immediate(refusal.response, route: route)
        }
    }

    /// The upload step an `/v1/uploads/{client}/{upload}[/end]` request asks for, or the answer
    /// to a request that names none.
    private static func uploadOperation(
        _ request: HTTPRequest, key: UploadKey, rest: ArraySlice<Substring>
    ) -> Swift.Result<UploadOperation, HTTPRefusal> {
        switch (request.method, rest.first) {
        case (.POST, nil):
            guard let length = request.headers.first(name: "upload-length").flatMap({ UInt64($0) }),
                let digest = request.headers.first(name: "upload-sha256")?.hexBytes
            else {
                return .failure(HTTPRefusal(.text(.badRequest, "BEGIN needs upload-length (bytes) and upload-sha256 (64 hex digits) headers\n")))
            }
            return .success(.begin(key, totalSize: length, sha256: digest))
        case (.HEAD, nil), (.GET, nil):
            return .success(.progress(key))
        case (.PATCH, nil):
            guard let offset = request.headers.first(name: "upload-offset").flatMap({ UInt64($0) }) else {
                return .failure(HTTPRefusal(.text(.badRequest, "CHUNK needs an upload-offset header\n")))
            }
            return .success(.chunk(key, offset: offset, bytes: Array(request.body.readableBytesView)))
        case (.POST, "end") where rest.count == 1:
            return .success(.end(key))
        default:
            return .failure(HTTPRefusal(.text(.methodNotAllowed, "\(request.method) is not an upload operation\n")))
        }
    }

    /// An ERROR payload (as every session route answers) with `status`; 401 adds the challenge.
    private func refuse(_ code: ProtocolError.Code, _ message: String, status: HTTPResponseStatus, route: String) -> Result {
        metrics.authFailures.increment()
        metrics.errorSent(code.description)
        var response = HTTPSessionRoutes.errorPayload(ProtocolError(code, message), status: status)
        if status == .unauthorized { response.headers.replaceOrAdd(name: "www-authenticate", value: "Bearer") }
        return .immediate(response, route: route)
    }

    /// A robot's MR frame as PNG; where its real part came from and its slot in headers.
    private static func mixedRealityFrame(_ board: MixedRealityBoard, clientID: String) -> HTTPResponse {
        do {
            let frame = try board.compose(clientID: clientID)
            let png = try frame.image.pngData()
            return HTTPResponse(
                status: .ok, contentType: "image/png", body: ByteBuffer(bytes: png),
                headers: ["splatedge-mr-source": frame.source.rawValue, "splatedge-slot": String(frame.slot)])
        } catch let error as MixedRealityError {
            let status: HTTPResponseStatus =
                switch error.code {
                case .unavailable: .serviceUnavailable
                case .unknownRobot: .notFound
                case .invalidPose: .unprocessableEntity
                }
            return .text(status, "\(error)\n", headers: ["splatedge-error": error.code.rawValue])
        } catch {
            return .text(.internalServerError, "mr frame encoding failed: \(error)\n")
        }
    }

    private static func progress(_ progress: UploadProgress) -> HTTPResponse {
        let json = "{\"committed\":\(progress.committed),\"durable_offset\":\(progress.durableOffset),\"total_size\":\(progress.totalSize)}"
        return .json(.ok, Array(json.utf8), headers: ["upload-offset": String(progress.durableOffset)])
    }
}

/// A finished answer standing in for an operation a request could not name.
struct HTTPRefusal: Error {
    var response: HTTPResponse

    init(_ response: HTTPResponse) { self.response = response }
}
