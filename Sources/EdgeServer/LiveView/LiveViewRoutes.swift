import NIOCore
import NIOHTTP1

/// The live view on the HTTP listener (docs/OPERATIONS.md, "Live view"):
///
/// | request | answer |
/// |---|---|
/// | `GET /`, `GET /ui/` | the page (401 and the login page without credentials) |
/// | `GET /ui/{app.js, app.css, login.js}` | the page's script and style (no data, no credentials) |
/// | `POST /ui/login` + `authorization: Bearer` | 204 and the `splatedge_view` cookie |
/// | `POST /ui/logout` | 204, the cookie cleared and forgotten |
/// | `GET /ui/events` | server-sent events: a `state` event (``LiveViewState``) at most every 250 ms |
/// | `GET /ui/state` | the current ``LiveViewState`` as JSON, without history |
/// | `GET /ui/frames/{client}` | PNG: a user's newest FRAME or a robot's MR frame (≤ 1 composition/s per robot) |
///
/// Everything but the login page, its script and the style needs credentials: a bearer token
/// whose grant covers every client id (`*`: the view shows them all), or the cookie a login
/// with such a token set. A missing or unknown credential gets 401, a narrower token 403 —
/// never data.
struct LiveViewRoutes: Sendable {
    let board: LiveViewBoard
    let images: LiveViewImages
    let logins: LiveViewLogins
    let authority: TokenAuthority
    let metrics: LiveViewMetrics
    /// Nil when the resource bundle is missing (the view's routes answer 503).
    let assets: LiveViewAssets?

    /// Files served to anyone: they hold no data and the login page needs them.
    private static let publicAssets: Set<Substring> = ["app.css", "login.js"]
    /// Security headers of every view response: only this origin's scripts, styles and images.
    private static let pageHeaders: HTTPHeaders = [
        "content-security-policy": "default-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff", "cache-control": "no-store",
    ]

    /// Whether `path` (without its query) belongs to the view.
    static func handles(_ path: Substring) -> Bool {
        // Tested on the bytes: every request passes here twice (its access check and its route).
        let bytes = path.utf8
        if bytes.count == 1 { return bytes.first == UInt8(ascii: "/") }
        return bytes.starts(with: "/ui".utf8) && (bytes.count == 3 || bytes.dropFirst(3).first == UInt8(ascii: "/"))
    }

    /// What a view request's head alone says: public asset, granted, or refused.
    func access(for head: HTTPRequestHead) -> HTTPRouter.Access {
        let path = head.uri.prefix { $0 != "?" }
        if path.hasPrefix("/ui/"), Self.publicAssets.contains(path.dropFirst(4)) { return .open }
        let header = head.headers.first(name: "authorization") ?? ""
        if header.hasPrefix("Bearer ") {
            guard let grant = authority.grant(for: String(header.dropFirst(7))) else { return .refused(unauthorized(path)) }
            guard grant.clients.contains(.any) else {
                return .refused(.immediate(Self.page(.text(.forbidden, "the live view needs a token granted every client id (*)\n")), route: "view"))
            }
            return .granted
        }
        if let cookie = head.headers.first(name: "cookie").flatMap(LiveViewLogins.cookie(in:)), logins.isValid(cookie) { return .granted }
        if authority.grant(for: "")?.clients.contains(.any) == true { return .granted }
        return .refused(unauthorized(path))
    }

    /// 401: the login page for the page's own paths, a short text for the data routes.
    private func unauthorized(_ path: Substring) -> HTTPRouter.Result {
        var response: HTTPResponse
        if path == "/" || path == "/ui" || path == "/ui/", let login = assets?["login.html"] {
            response = HTTPResponse(status: .unauthorized, contentType: login.contentType, body: ByteBuffer(bytes: login.bytes))
        } else {
            response = .text(.unauthorized, "a bearer token granted every client id, or a view login, is required\n")
        }
        response.headers.replaceOrAdd(name: "www-authenticate", value: "Bearer")
        return .immediate(Self.page(response), route: "view")
    }

    /// Routes a view request that ``access(for:)`` let through.
    func route(_ request: HTTPRequest) -> HTTPRouter.Result {
        let segments = request.segments
        let rest = segments.first == "ui" ? segments.dropFirst() : segments[...]
        guard let assets else {
            return .immediate(.text(.serviceUnavailable, "the live view's files (\(LiveViewAssets.bundleName)) are not installed\n"), route: "view")
        }
        switch (request.method, rest.first, rest.count) {
        case (.GET, nil, 0):
            return asset("index.html", assets)
        case (.GET, let name?, 1) where name.hasSuffix(".js") || name.hasSuffix(".css"):
            return asset(String(name), assets)
        case (.POST, "login", 1):
            guard request.headers.first(name: "authorization")?.hasPrefix("Bearer ") == true else {
                return .immediate(Self.page(.text(.badRequest, "log in with authorization: Bearer <token>\n")), route: "view")
            }
            metrics.logins.increment()
            return .immediate(Self.page(cookie(logins.create())), route: "view")
        case (.POST, "logout", 1):
            if let id = request.headers.first(name: "cookie").flatMap(LiveViewLogins.cookie(in:)) { logins.remove(id) }
            return .immediate(Self.page(cookie("")), route: "view")
        case (.GET, "events", 1):
            return events()
        case (.GET, "state", 1):
            return .immediate(Self.page(board.stateJSON()), route: "view")
        case (.GET, "frames", 2):
            let clientID = String(rest.last!)
            return .deferred(route: "view_frames") { [images] in Self.page(Self.image(images.image(clientID: clientID))) }
        default:
            return .immediate(.text(.notFound, "no view route for \(request.method) \(request.path)\n"), route: "not_found")
        }
    }

    private func asset(_ name: String, _ assets: LiveViewAssets) -> HTTPRouter.Result {
        guard let file = assets[name] else { return .immediate(.text(.notFound, "no view file \(name)\n"), route: "not_found") }
        return .immediate(Self.page(HTTPResponse(status: .ok, contentType: file.contentType, body: ByteBuffer(bytes: file.bytes))), route: "view")
    }

    private func cookie(_ id: String) -> HTTPResponse {
        HTTPResponse(status: .noContent, contentType: "text/plain", body: ByteBuffer(), headers: ["set-cookie": LiveViewLogins.setCookie(id)])
    }

    private func events() -> HTTPRouter.Result {
        var head = Self.page(HTTPResponse(status: .ok, contentType: "text/event-stream", body: ByteBuffer()))
        guard board.viewerCount < LiveViewBoard.maxViewers else {
            return .immediate(
                Self.page(.text(.serviceUnavailable, "\(LiveViewBoard.maxViewers) viewers are watching already\n")), route: "view_events")
        }
        head.headers.replaceOrAdd(name: "x-accel-buffering", value: "no")
        return .streaming(
            route: "view_events",
            HTTPEventStream(head: head) { [board] writer in
                guard board.attach(writer) else {
                    writer.finish()
                    return {}
                }
                return { board.detach(writer) }
            })
    }

    private static func image(_ result: Result<LiveViewImages.Image, LiveViewImages.Failure>) -> HTTPResponse {
        switch result {
        case .success(let image):
            return HTTPResponse(
                status: .ok, contentType: "image/png", body: ByteBuffer(bytes: image.png),
                headers: ["splatedge-slot": String(image.slot), "splatedge-image-source": image.source])
        case .failure(.noImage(let message)):
            return .text(.notFound, message + "\n", headers: ["splatedge-error": "no_image"])
        case .failure(.mixedReality(let code, let message)):
            let status: HTTPResponseStatus = code == .unavailable ? .serviceUnavailable : .unprocessableEntity
            return .text(status, "\(code.rawValue): \(message)\n", headers: ["splatedge-error": code.rawValue])
        }
    }

    /// `response` with the view's security headers.
    private static func page(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        for (name, value) in pageHeaders { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
